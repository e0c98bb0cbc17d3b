/**
 * Interop with the servehttp Handler world: mount any `Handler` (a ServeMux, a file server) as a
 * gin handler, and use `(next) => Handler` middleware (middleware-kit) as gin middleware.
 * gin: `WrapF`, `WrapH`.
 */
import {
  type Handler,
  type HandlerLike,
  type ResponseWriter as HTTPResponseWriter,
  type Request,
  toHandler,
} from '@servehttp/core-listener';
import { type Context, type HandlerFunc, internals } from './context.ts';
import { ResponseWriter } from './response-writer.ts';

/**
 * A gin handler that serves the request with `h` (the writer is `c.writer`, the request
 * `c.request`). gin: `WrapH`/`WrapF`.
 * @throws {TypeError} at registration when `h` is not a handler.
 */
export function wrap(h: HandlerLike): HandlerFunc {
  const handler = toHandler(h, 'wrap(handler)');
  return function wrapped(c: Context): void | Promise<void> {
    return handler.serveHTTP(c.writer, c.request);
  };
}

/** A servehttp middleware: `(next) => Handler`. */
export type Middleware = (next: Handler) => Handler;

// Finds the gin writer a middleware's writer wraps (through unwrap()).
function findContext(
  w: HTTPResponseWriter,
  owners: WeakMap<ResponseWriter, Context>,
): Context | undefined {
  let cur: unknown = w;
  for (let depth = 0; depth < 32 && cur !== undefined; depth++) {
    if (cur instanceof ResponseWriter) {
      const c = owners.get(cur);
      if (c !== undefined) return c;
    }
    const u = (cur as { unwrap?: () => unknown }).unwrap;
    cur = typeof u === 'function' ? u.call(cur) : undefined;
  }
  return undefined;
}

/**
 * gin middleware from a `(next) => Handler` middleware. The middleware is composed once; per
 * request it receives `c.writer` and `c.request`, and calling `next.serveHTTP(w, r)` runs the rest
 * of the gin chain (`c.next()`) with `c.request = r` and — when the middleware wrapped the
 * writer — `c.writer` writing through its wrapper, restored afterwards. A middleware that does not
 * call `next` (a CORS preflight, a rejected request) aborts the chain.
 *
 * The middleware's writer must reach `c.writer` through `unwrap()` (the `Unwrapper` contract);
 * otherwise `next` throws naming the problem.
 */
export function wrapMiddleware(mw: Middleware): HandlerFunc {
  const owners = new WeakMap<ResponseWriter, Context>();
  const called = new WeakSet<Context>();
  const next: Handler = {
    serveHTTP(w: HTTPResponseWriter, r: Request): void | Promise<void> {
      const c = findContext(w, owners);
      if (c === undefined) {
        throw new Error(
          'gin: wrapMiddleware: the middleware called next with a ResponseWriter that does not unwrap() to the gin writer it was given',
        );
      }
      called.add(c);
      c.request = r;
      if (w === c.writer) return c.next();
      const inner = new ResponseWriter(w);
      owners.set(inner, c);
      const outer = internals.swapWriter(c, inner);
      // The status staged so far (the engine stages 404/405 before running the chain for an
      // unmatched route) carries over to the new writer.
      inner.writeHeader(outer.status);
      const restore = (): void | Promise<void> => {
        internals.swapWriter(c, outer);
        if (inner.written) return;
        // A servehttp middleware's response is complete when `next` returns, so what gin would
        // write after the chain goes out now, through the middleware's writer: the engine's
        // default 404/405 body (gin serveError) when the chain left that status alone, else the
        // staged status.
        const staged = internals.staged.get(c);
        if (staged !== undefined && inner.status === staged.code) {
          inner.header().set('Content-Type', 'text/plain');
          return inner.write(staged.body);
        }
        inner.writeHeaderNow();
      };
      let res: void | Promise<void>;
      try {
        res = c.next();
      } catch (err) {
        internals.swapWriter(c, outer);
        throw err;
      }
      if (res === undefined) return restore();
      return res.then(restore, (err: unknown) => {
        internals.swapWriter(c, outer);
        throw err;
      });
    },
  };
  const h = mw(next);
  return function wrappedMiddleware(c: Context): void | Promise<void> {
    owners.set(c.writer, c);
    const done = (): void => {
      if (!called.has(c)) c.abort();
    };
    const res = h.serveHTTP(c.writer, c.request);
    if (res === undefined) return done();
    return res.then(done);
  };
}
