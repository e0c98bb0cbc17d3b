/**
 * `contentCharset`: refuses requests with a body whose `Content-Type` charset is not listed, with
 * `415`. Go: chi's `middleware.ContentCharset` — case-insensitive; list `''` to admit a body
 * without a charset parameter.
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

// chi's contentEncoding: after the first ';', take what follows "charset=" up to the next ';'.
function charsetOf(contentType: string): string {
  const ct = contentType.toLowerCase();
  const semi = ct.indexOf(';');
  if (semi === -1) return '';
  const params = ct.slice(semi + 1).trim();
  const at = params.indexOf('charset=');
  if (at === -1) return '';
  const rest = params.slice(at + 'charset='.length).trim();
  const end = rest.indexOf(';');
  return (end === -1 ? rest : rest.slice(0, end)).trim();
}

/** Returns the middleware for `charsets`. @throws for an empty list. */
export function contentCharset(...charsets: string[]): Middleware {
  if (charsets.length === 0) {
    throw new MiddlewareOptionError(
      'contentCharset',
      'list at least one charset, e.g. contentCharset("UTF-8", "")',
    );
  }
  const allowed = new Set(charsets.map((c) => c.toLowerCase()));
  return (next: Handler) => ({
    serveHTTP(w: ResponseWriter, r: Request): void | Promise<void> {
      if (r.contentLength === 0) return next.serveHTTP(w, r);
      if (allowed.has(charsetOf(r.header.get('Content-Type')))) return next.serveHTTP(w, r);
      w.writeHeader(StatusUnsupportedMediaType);
    },
  });
}
