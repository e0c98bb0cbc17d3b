/**
 * `@servehttp/middleware-kit`: middleware of the shape `(next: Handler) => Handler` — Go's
 * `func(http.Handler) http.Handler` — and the pieces to compose them.
 *
 * This entry exports the composition tools and the capability-keeping writer; each middleware has
 * its own subpath (`@servehttp/middleware-kit/cors`, `…/recovery`, …) so an application loads only
 * what it uses.
 *
 * @module
 */
export { chain, type Middleware, maybe, withValue } from './chain.ts';
export { MiddlewareOptionError } from './errors.ts';
export { httpError } from './util.ts';
export { ResponseWriterWrapper, wrapWriter } from './writer.ts';
