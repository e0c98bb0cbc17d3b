/**
 * `redirectSlashes`: answers a path with a trailing slash by `301` to the path without it (query
 * kept). Go: chi's `middleware.RedirectSlashes`, including its open-redirect fix: backslashes become
 * slashes and leading slashes collapse to one, so `//evil.com/` redirects to `/evil.com`, never to
 * another host.
 *
 * @module
 */
import type { Handler, Request, ResponseWriter } from '@servehttp/core-listener';
import type { Middleware } from '../chain.ts';

/** Returns the middleware. `/` is left alone. */
export function redirectSlashes(): Middleware {
  return (next: Handler) => ({
    serveHTTP(w: ResponseWriter, r: Request): void | Promise<void> {
      const p = r.url.path;
      if (p.length <= 1 || p.charCodeAt(p.length - 1) !== 0x2f) return next.serveHTTP(w, r);
      let target = `/${p.replaceAll('\\', '/').replace(/^\/+|\/+$/g, '')}`;
      if (r.url.rawQuery !== '') target += `?${r.url.rawQuery}`;
      const h = w.header();
      // Header values must be latin1: escape anything else the way a Location needs.
      h.set('Location', encodeURI(target).replace(/%25([0-9A-Fa-f]{2})/g, '%$1'));
      w.writeHeader(301);
    },
  });
}
