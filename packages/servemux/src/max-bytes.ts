/**
 * `maxBytesHandler` and `MaxBytesError`: a cap on how much request body a handler can read.
 * Go: `http.MaxBytesHandler`, `http.MaxBytesReader`, `http.MaxBytesError`.
 */
import {
  type Handler,
  type HandlerLike,
  type Request,
  type ResponseWriter,
  StatusRequestEntityTooLarge,
  toHandler,
  type Unwrapper,
} from '@servehttp/core-listener';
import { error } from './helpers.ts';

/**
 * Thrown by the body readers of a request wrapped by {@link maxBytesHandler} once the body goes
 * past the limit. Go: `http.MaxBytesError` (message `http: request body too large`).
 */
export class MaxBytesError extends Error {
  /** The limit in bytes. */
  readonly limit: number;

  /** Builds the error for a limit of `limit` bytes. */
  constructor(limit: number) {
    super('http: request body too large');
    this.name = 'MaxBytesError';
    this.limit = limit;
  }
}

// The first `limit` bytes of `r`'s body pass; the byte after them throws. Like Go's
// MaxBytesReader, the bytes within the limit are delivered before the error.
async function* limited(r: Request, limit: number, onHit: () => void): AsyncGenerator<Uint8Array> {
  let left = limit;
  for await (const chunk of r) {
    if (chunk.length <= left) {
      left -= chunk.length;
      yield chunk;
      continue;
    }
    if (left > 0) yield chunk.subarray(0, left);
    onHit();
    throw new MaxBytesError(limit);
  }
}

// Tracks whether anything was sent, to know whether a 413 can still go out; forwards the rest.
class TrackingWriter implements ResponseWriter, Unwrapper {
  readonly #w: ResponseWriter;
  started = false;

  constructor(w: ResponseWriter) {
    this.#w = w;
  }

  header() {
    return this.#w.header();
  }

  writeHeader(code: number): void {
    if (code >= 200) this.started = true;
    this.#w.writeHeader(code);
  }

  write(chunk: string | Uint8Array): void | Promise<void> {
    this.started = true;
    return this.#w.write(chunk);
  }

  flush(): void | Promise<void> {
    this.started = true;
    const f = (this.#w as { flush?: () => void | Promise<void> }).flush;
    if (typeof f === 'function') return f.call(this.#w);
  }

  unwrap(): ResponseWriter {
    return this.#w;
  }
}

/**
 * Runs `h` on a copy of the request whose body reads throw {@link MaxBytesError} past `n` bytes
 * (the first `n` bytes are delivered). When the limit is hit before the response has started,
 * `Connection: close` is set, as Go's `requestTooLarge` does. If `h` lets the error escape and
 * has written nothing, the reply is `413` with Go's message; Go leaves that reply to the handler
 * (which usually calls `http.Error(w, …, 413)`), but an escaped error here would otherwise only
 * close the connection. Go: `http.MaxBytesHandler`.
 * @throws {TypeError} when `h` is not a handler or `n` is not a non-negative number.
 */
export function maxBytesHandler(h: HandlerLike, n: number): Handler {
  const next = toHandler(h, 'maxBytesHandler handler');
  if (typeof n !== 'number' || Number.isNaN(n)) {
    throw new TypeError(`servemux: maxBytesHandler: n must be a number, got ${String(n)}`);
  }
  const limit = Math.max(0, n);
  return {
    async serveHTTP(w, r) {
      const tw = new TrackingWriter(w);
      const onHit = (): void => {
        if (!tw.started) w.header().set('Connection', 'close');
      };
      // Go: r.Body = MaxBytesReader(w, r.Body, n) — the same request with a limited body.
      const r2 = r.bodyUsed ? r : r.withBody(limited(r, limit, onHit), r.contentLength);
      try {
        await next.serveHTTP(tw, r2);
      } catch (err) {
        if (!(err instanceof MaxBytesError) || tw.started) throw err;
        error(w, err.message, StatusRequestEntityTooLarge);
      }
    },
  };
}
