/**
 * `allowContentType`: refuses requests with a body whose media type is not listed, with `415
 * Unsupported Media Type`. Go: chi's `middleware.AllowContentType` (bodiless requests pass;
 * parameters and case ignored).
 *
 * @module
 */
import {
  type Handler,
  type Request,
  type ResponseWriter,
  StatusUnsupportedMediaType,
} from '@servehttp/core-listener';
import type { Middleware } from '../chain.ts';
import { MiddlewareOptionError } from '../errors.ts';

/** Returns the middleware for `types` (e.g. `application/json`). @throws for an empty list. */
export function allowContentType(...types: string[]): Middleware {
  if (types.length === 0 || types.some((t) => typeof t !== 'string')) {
    throw new MiddlewareOptionError(
      'allowContentType',
      'list at least one media type, e.g. allowContentType("application/json")',
    );
  }
  const allowed = new Set(types.map((t) => t.trim().toLowerCase()));
  return (next: Handler) => ({
    serveHTTP(w: ResponseWriter, r: Request): void | Promise<void> {
      if (r.contentLength === 0) return next.serveHTTP(w, r);
      const ct = r.header.get('Content-Type');
      const semi = ct.indexOf(';');
      const t = (semi === -1 ? ct : ct.slice(0, semi)).trim().toLowerCase();
      if (allowed.has(t)) return next.serveHTTP(w, r);
      w.writeHeader(StatusUnsupportedMediaType);
    },
  });
}
