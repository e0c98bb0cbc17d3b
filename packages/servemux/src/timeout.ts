/**
 * `timeoutHandler`: a deadline for a handler. Go: `http.TimeoutHandler` (`timeoutHandler`,
 * `timeoutWriter`).
 *
 * Design note: the inner handler writes into a buffer (`TimeoutWriter`), never to the client.
 * Whichever comes first wins: the handler finishing (its header, status and buffered body are
 * copied out), or the deadline (503 with the message; the buffer is dropped, later writes throw
 * {@link ErrHandlerTimeout}, and the handler's context is aborted with
 * `ErrDeadlineExceeded`). Because of the buffer, the inner handler cannot stream or flush.
 */
import {
  checkWriteHeaderCode,
  ErrDeadlineExceeded,
  ErrHandlerTimeout,
  type Handler,
  type HandlerLike,
  Header,
  type ResponseWriter,
  StatusServiceUnavailable,
  toHandler,
} from '@servehttp/core-listener';

const defaultBody = '<html><head><title>Timeout</title></head><body><h1>Timeout</h1></body></html>';
const encoder = new TextEncoder();

class TimeoutWriter implements ResponseWriter {
  readonly h: Header = new Header();
  readonly chunks: Uint8Array[] = [];
  code = 200;
  wroteHeader = false;
  err: unknown;

  header(): Header {
    return this.h;
  }

  writeHeader(code: number): void {
    checkWriteHeaderCode(code);
    if (this.err !== undefined || this.wroteHeader) return;
    this.wroteHeader = true;
    this.code = code;
  }

  write(chunk: string | Uint8Array): void {
    if (this.err !== undefined) throw this.err;
    if (!this.wroteHeader) this.writeHeader(200);
    this.chunks.push(typeof chunk === 'string' ? encoder.encode(chunk) : chunk.slice());
  }
}

/**
 * Runs `h` with a time limit of `ms` milliseconds. If `h` finishes in time, its response is sent
 * as it wrote it (buffered, so no streaming). If not, the client gets `503 Service Unavailable`
 * with `message` as the body (Go's small HTML page when `message` is empty); the handler's
 * context is aborted (`r.context().err()` is `ErrDeadlineExceeded`), its later writes throw
 * {@link ErrHandlerTimeout} and whatever it throws late is dropped. An error thrown in time is
 * rethrown. Go: `http.TimeoutHandler`.
 * @throws {TypeError} when `h` is not a handler or `ms` is not a number.
 */
export function timeoutHandler(h: HandlerLike, ms: number, message = ''): Handler {
  const next = toHandler(h, 'timeoutHandler handler');
  if (typeof ms !== 'number' || Number.isNaN(ms)) {
    throw new TypeError(`servemux: timeoutHandler: ms must be a number, got ${String(ms)}`);
  }
  const body = message !== '' ? message : defaultBody;
  return {
    async serveHTTP(w, r) {
      const [ctx, cancel] = r.context().withTimeout(ms);
      const r2 = r.withContext(ctx);
      const tw = new TimeoutWriter();
      try {
        let ran: void | Promise<void>;
        try {
          ran = next.serveHTTP(tw, r2);
        } catch (err) {
          if (ctx.signal.aborted) return timedOut(w, tw, ctx.err(), body);
          throw err;
        }
        if (ran instanceof Promise && !ctx.signal.aborted) {
          const done = await Promise.race([
            ran.then(
              () => true,
              (err: unknown) => Promise.reject(err),
            ),
            new Promise<false>((resolve) => {
              ctx.signal.addEventListener('abort', () => resolve(false), { once: true });
            }),
          ]);
          if (!done) {
            // The handler runs on; nothing it does from now on reaches the client.
            ran.catch(() => {});
          }
        }
        if (ctx.signal.aborted) {
          if (ran instanceof Promise) ran.catch(() => {});
          return timedOut(w, tw, ctx.err(), body);
        }
        const dst = w.header();
        for (const [k, vs] of tw.h) {
          dst.delete(k);
          for (const v of vs) dst.add(k, v);
        }
        w.writeHeader(tw.code);
        for (const c of tw.chunks) await w.write(c);
      } finally {
        cancel();
      }
    },
  };
}

function timedOut(w: ResponseWriter, tw: TimeoutWriter, reason: unknown, body: string): void {
  w.writeHeader(StatusServiceUnavailable);
  if (reason === ErrDeadlineExceeded) {
    void w.write(body);
    tw.err = ErrHandlerTimeout;
  } else {
    // The request's own context ended (the client left): no body, as in Go.
    tw.err = reason;
  }
}
