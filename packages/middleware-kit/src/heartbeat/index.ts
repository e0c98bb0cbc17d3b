/**
 * `heartbeat`: answers `GET`/`HEAD` on one path with `200 text/plain "."` before any other
 * middleware or routing — a load balancer's liveness probe. Go: chi's `middleware.Heartbeat`
 * (path compared case-insensitively).
 *
 * @module
 */
import type { Handler, Request, ResponseWriter } from '@servehttp/core-listener';
import type { Middleware } from '../chain.ts';
import { MiddlewareOptionError } from '../errors.ts';

/** Returns the heartbeat middleware for `endpoint` (e.g. `/ping`). @throws unless it starts with `/`. */
export function heartbeat(endpoint: string): Middleware {
  if (typeof endpoint !== 'string' || !endpoint.startsWith('/')) {
    throw new MiddlewareOptionError(
      'heartbeat',
      `endpoint must be a path starting with "/", got ${JSON.stringify(endpoint)}`,
    );
  }
  const lower = endpoint.toLowerCase();
  return (next: Handler) => ({
    serveHTTP(w: ResponseWriter, r: Request): void | Promise<void> {
      if (
        (r.method === 'GET' || r.method === 'HEAD') &&
        r.url.path.length === lower.length &&
        r.url.path.toLowerCase() === lower
      ) {
        w.header().set('Content-Type', 'text/plain');
        w.writeHeader(200);
        void w.write('.');
        return;
      }
      return next.serveHTTP(w, r);
    },
  });
}
