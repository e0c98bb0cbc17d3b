/**
 * `chain`, `maybe`, `withValue`: composing `(next: Handler) => Handler` middleware once, when the
 * server is built, as chi's `Chain`/`chain.go` and alice do.
 *
 * Design: `chain(a, b, c)` folds right to left at application time — `a(b(c(h)))` — so a request
 * only walks the already-built closures; nothing is looked up or allocated per request by the
 * chain itself. Example: `chain(h, recovery(), logger())` builds `recovery(logger(h))`; a request
 * enters recovery, then logger, then `h`; code after `await next.serveHTTP(w, r)` in logger runs
 * before the rest of recovery, on the way out.
 */
import {
  type ContextKey,
  type Handler,
  type HandlerLike,
  isHandler,
  type Request,
  type ResponseWriter,
  toHandler,
} from '@servehttp/core-listener';
import { MiddlewareOptionError } from './errors.ts';

/**
 * A middleware: takes the next handler and returns the handler that runs before (and after) it.
 * Go: `func(http.Handler) http.Handler` (seed 004); chi and alice use the same shape.
 */
export type Middleware = (next: Handler) => Handler;

function apply(mws: readonly Middleware[], h: Handler): Handler {
  let out = h;
  for (let i = mws.length - 1; i >= 0; i--) {
    const mw = mws[i] as Middleware;
    const next = out;
    let built: unknown;
    try {
      built = mw(next);
    } catch (err) {
      throw new MiddlewareOptionError(
        'chain',
        `middleware #${i} threw while being applied (${err instanceof Error ? err.message : String(err)}); if it is a handler rather than a middleware, pass it first and give it two parameters (w, r) or wrap it in handlerFunc(), so that chain(handler, ...middleware) can tell it apart`,
      );
    }
    if (!isHandler(built)) {
      throw new MiddlewareOptionError(
        'chain',
        `middleware #${i} must return a handler, got ${built === null ? 'null' : typeof built}; did you forget to return next (or a handler that calls it)?`,
      );
    }
    out = toHandler(built);
  }
  return out;
}

function checkAll(mws: readonly unknown[], offset: number): void {
  for (let i = 0; i < mws.length; i++) {
    if (typeof mws[i] !== 'function') {
      throw new MiddlewareOptionError(
        'chain',
        `argument ${i + offset} must be a middleware (next) => Handler, got ${mws[i] === null ? 'null' : typeof mws[i]}`,
      );
    }
  }
}

/**
 * Composes middleware, outermost first.
 *
 * - `chain(a, b)` returns a middleware: `chain(a, b)(h)` is `a(b(h))` (chi `Chain`, alice `New`).
 * - `chain(h, a, b)` returns the handler `a(b(h))` at once: the first argument is taken as the
 *   handler when it is an object with `serveHTTP`, or a function declaring two or more parameters
 *   (`(w, r) => …`). Wrap a one-parameter handler function in `handlerFunc()` to pass it first.
 * - `chain()` is the identity.
 *
 * Composition happens once, when the middleware is applied; the per-request cost is only the
 * middleware's own. Throws {@link MiddlewareOptionError} for an argument that is not a function or
 * a middleware that does not return a handler.
 */
export function chain(...middleware: Middleware[]): Middleware;
export function chain(h: HandlerLike, ...middleware: Middleware[]): Handler;
export function chain(...args: unknown[]): Middleware | Handler {
  const first = args[0];
  const handlerFirst =
    (first !== null && typeof first === 'object') ||
    (typeof first === 'function' && first.length >= 2);
  if (handlerFirst) {
    const rest = args.slice(1) as Middleware[];
    checkAll(rest, 1);
    return apply(rest, toHandler(first as HandlerLike));
  }
  const mws = args as Middleware[];
  checkAll(mws, 0);
  if (mws.length === 0) return (next: Handler) => next;
  return (next: Handler) => apply(mws, next);
}

/**
 * Applies `mw` only to requests for which `predicate(r)` is true; other requests go straight to
 * the next handler. Both paths are built once. Go: chi's `middleware.Maybe`.
 */
export function maybe(mw: Middleware, predicate: (r: Request) => boolean): Middleware {
  if (typeof mw !== 'function') {
    throw new MiddlewareOptionError('maybe', 'the first argument must be a middleware');
  }
  if (typeof predicate !== 'function') {
    throw new MiddlewareOptionError('maybe', 'predicate must be a function (r) => boolean');
  }
  return (next: Handler) => {
    const wrapped = toHandler(mw(next), 'maybe: middleware result');
    return {
      serveHTTP(w: ResponseWriter, r: Request): void | Promise<void> {
        return predicate(r) ? wrapped.serveHTTP(w, r) : next.serveHTTP(w, r);
      },
    };
  };
}

/**
 * Stores `value` under `key` in each request's context before calling the next handler.
 * Go: chi's `middleware.WithValue` (`r.WithContext(context.WithValue(...))`).
 */
export function withValue<T>(key: ContextKey<T>, value: T): Middleware {
  if (key === null || typeof key !== 'object') {
    throw new MiddlewareOptionError('withValue', 'key must be made by createKey()');
  }
  return (next: Handler) => ({
    serveHTTP(w: ResponseWriter, r: Request): void | Promise<void> {
      return next.serveHTTP(w, r.withContext(r.context().withValue(key, value)));
    },
  });
}
