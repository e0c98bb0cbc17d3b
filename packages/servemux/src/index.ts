/**
 * `@servehttp/servemux`: Go 1.22's `net/http.ServeMux` for the servehttp Handler contract.
 *
 * The package is reserved and versioned with the others; its router is not written yet, so this
 * entry exports nothing. It builds on `@servehttp/core-listener` only.
 *
 * @module
 */
export {};
