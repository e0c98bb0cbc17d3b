/**
 * `methodOverride`: lets an HTML form or a limited client tunnel `PUT`/`PATCH`/`DELETE` through a
 * `POST`, via the `X-HTTP-Method-Override` header (or a query parameter). Hono's `methodOverride`
 * idea; only POST is ever overridden and only to an allow-listed method, so a GET can never
 * become a DELETE (a CSRF hole in naïve versions).
 *
 * @module
 */
import type { Handler, Request, ResponseWriter } from '@servehttp/core-listener';
import type { Middleware } from '../chain.ts';
import { MiddlewareOptionError } from '../errors.ts';

/** Options of {@link methodOverride}. */
export interface MethodOverrideOptions {
  /** Header to read; default `X-HTTP-Method-Override`. */
  header?: string;
  /** Query parameter to read instead (e.g. `_method`); default none. */
  query?: string;
  /** Methods a POST may become; default PUT, PATCH, DELETE. */
  methods?: readonly string[];
}

/** Returns the middleware; an unknown or disallowed override is ignored (the POST stays a POST). */
export function methodOverride(options: MethodOverrideOptions = {}): Middleware {
  const header = options.header ?? 'X-HTTP-Method-Override';
  const query = options.query;
  const methods = new Set(
    (options.methods ?? ['PUT', 'PATCH', 'DELETE']).map((m) => m.toUpperCase()),
  );
  for (const m of methods) {
    if (!/^[A-Z]+$/.test(m) || m === 'GET' || m === 'HEAD' || m === 'POST') {
      throw new MiddlewareOptionError(
        'methodOverride',
        `methods: ${JSON.stringify(m)} cannot be a POST override`,
      );
    }
  }
  return (next: Handler) => ({
    serveHTTP(w: ResponseWriter, r: Request): void | Promise<void> {
      if (r.method !== 'POST') return next.serveHTTP(w, r);
      const want = (
        query !== undefined ? (r.url.query().get(query) ?? '') : r.header.get(header)
      ).toUpperCase();
      if (!methods.has(want)) return next.serveHTTP(w, r);
      const r2 = r.withContext(r.context());
      r2.method = want;
      return next.serveHTTP(w, r2);
    },
  });
}
