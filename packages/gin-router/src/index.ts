/**
 * `@servehttp/gin-router`: gin's Engine, radix-tree router and Context for the servehttp Handler
 * contract.
 *
 * The package is reserved and versioned with the others; its router is not written yet, so this
 * entry exports nothing. It builds on `@servehttp/core-listener` only.
 *
 * @module
 */
export {};
