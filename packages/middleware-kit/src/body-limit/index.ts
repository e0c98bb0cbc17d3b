/**
 * `bodyLimit`: caps request bodies. A declared `Content-Length` over the limit is answered `413`
 * before the handler runs; a body of unknown length (chunked) is counted while it streams and the
 * read that crosses the limit throws {@link MaxBytesError}, which this middleware turns into `413`
 * if the handler lets it escape. Go: `http.MaxBytesReader` + `*MaxBytesError`; Hono: `bodyLimit`.
 *
 * Why only chunked bodies are wrapped: the server frames a body by its `Content-Length`, so a
 * request that declared ≤ limit cannot deliver more.
 *
 * @module
 */
import {
  ErrAbortHandler,
  type Handler,
  type Request,
  type ResponseWriter,
  StatusRequestEntityTooLarge,
  statusText,
} from '@servehttp/core-listener';
import type { Middleware } from '../chain.ts';
import { checkInt, httpError } from '../util.ts';
import { type ResponseWriterWrapper, wrapWriter } from '../writer.ts';

/** Thrown by a body read that exceeds the limit. Go: `http.MaxBytesError`. */
export class MaxBytesError extends Error {
  /** The limit that was exceeded. */
  readonly limit: number;

  /** Builds the error with Go's message. */
  constructor(limit: number) {
    super('http: request body too large');
    this.name = 'MaxBytesError';
    this.limit = limit;
  }
}

async function* limited(src: Request, limit: number): AsyncGenerator<Uint8Array> {
  let n = 0;
  for await (const chunk of src) {
    n += chunk.length;
    if (n > limit) throw new MaxBytesError(limit);
    yield chunk;
  }
}

// The same request with the counted stream as its body (Go: r.Body = MaxBytesReader(…)); path
// values, pattern, header and context carry over.
function withLimitedBody(r: Request, limit: number): Request {
  return r.withBody(limited(r, limit), r.contentLength);
}

const tooLarge = statusText(StatusRequestEntityTooLarge);

/**
 * Returns middleware limiting request bodies to `maxBytes`. Over the limit: `413 Request Entity
 * Too Large` (plain text, Go's status text). A `MaxBytesError` escaping after the response started
 * becomes `ErrAbortHandler` (the connection is cut; the body could not be answered).
 * @throws {MiddlewareOptionError} unless `maxBytes` is a non-negative safe integer.
 */
export function bodyLimit(maxBytes: number): Middleware {
  const limit = checkInt('bodyLimit', 'maxBytes', maxBytes, 0, Number.MAX_SAFE_INTEGER);
  const recover = (ww: ResponseWriterWrapper, err: unknown): void => {
    if (!(err instanceof MaxBytesError)) throw err;
    if (ww.wroteHeader || ww.hijacked) throw ErrAbortHandler;
    httpError(ww, tooLarge, StatusRequestEntityTooLarge);
  };
  return (next: Handler) => ({
    serveHTTP(w: ResponseWriter, r: Request): void | Promise<void> {
      if (r.contentLength > limit) return httpError(w, tooLarge, StatusRequestEntityTooLarge);
      if (r.contentLength !== -1) return next.serveHTTP(w, r);
      const ww = wrapWriter(w);
      let p: void | Promise<void>;
      try {
        p = next.serveHTTP(ww, withLimitedBody(r, limit));
      } catch (err) {
        return recover(ww, err);
      }
      if (p !== undefined) return p.then(undefined, (err: unknown) => recover(ww, err));
    },
  });
}
