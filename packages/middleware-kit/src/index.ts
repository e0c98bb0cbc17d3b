/**
 * `@servehttp/middleware-kit`: middleware of the shape `(next: Handler) => Handler`.
 *
 * The package is reserved and versioned with the others; its middleware is not written yet, so
 * this entry exports nothing. It builds on `@servehttp/core-listener` only.
 *
 * @module
 */
export {};
