/**
 * `noCache`: forbids caching of the response everywhere and strips the request's conditional
 * headers so the handler always produces a full response. Go: chi's `middleware.NoCache`, with its
 * exact header values.
 *
 * @module
 */
import type { Handler, Request, ResponseWriter } from '@servehttp/core-listener';
import type { Middleware } from '../chain.ts';

const noCacheHeaders: readonly [string, string][] = [
  ['Expires', 'Thu, 01 Jan 1970 00:00:00 GMT'],
  ['Cache-Control', 'no-cache, no-store, no-transform, must-revalidate, private, max-age=0'],
  ['Pragma', 'no-cache'],
  ['X-Accel-Expires', '0'],
];
const etagHeaders = [
  'ETag',
  'If-Modified-Since',
  'If-Match',
  'If-None-Match',
  'If-Range',
  'If-Unmodified-Since',
];

/** Returns the no-cache middleware. chi mutates the request header in place; so does this. */
export function noCache(): Middleware {
  return (next: Handler) => ({
    serveHTTP(w: ResponseWriter, r: Request): void | Promise<void> {
      for (const k of etagHeaders) r.header.delete(k);
      const h = w.header();
      for (const [k, v] of noCacheHeaders) h.set(k, v);
      return next.serveHTTP(w, r);
    },
  });
}
