/**
 * `stripSlashes`: removes one trailing slash from the path before routing, so `/users/` is served
 * by `/users`. Go: chi's `middleware.StripSlashes`. The request is copied (`r.url` replaced on the
 * copy); the caller's request is unchanged.
 *
 * @module
 */
import {
  type Handler,
  type Request,
  RequestURL,
  type ResponseWriter,
} from '@servehttp/core-listener';
import type { Middleware } from '../chain.ts';

/** Returns the middleware. `/` is left alone. */
export function stripSlashes(): Middleware {
  return (next: Handler) => ({
    serveHTTP(w: ResponseWriter, r: Request): void | Promise<void> {
      const u = r.url;
      const p = u.path;
      if (p.length <= 1 || p.charCodeAt(p.length - 1) !== 0x2f) return next.serveHTTP(w, r);
      const r2 = r.withContext(r.context());
      const raw = u.rawPath;
      r2.url = new RequestURL({
        scheme: u.scheme,
        host: u.host,
        path: p.slice(0, -1),
        rawPath: raw.endsWith('/') ? raw.slice(0, -1) : raw,
        rawQuery: u.rawQuery,
        forceQuery: u.forceQuery,
      });
      return next.serveHTTP(w, r2);
    },
  });
}
