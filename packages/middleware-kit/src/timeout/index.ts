/**
 * `timeout`: gives the handlers below a deadline. When it passes, the request's context aborts
 * (`r.context().signal`, reason `ErrDeadlineExceeded`), the client gets `503 Service Unavailable`
 * once, and whatever the handler writes afterwards is dropped. Go: `http.TimeoutHandler`; chi's
 * `middleware.Timeout` is the same idea with 504.
 *
 * Design: Go's TimeoutHandler buffers the whole response so that a late handler can never have
 * started it; that also disables Flush and Hijack. Here writes pass straight through (streaming
 * and SSE keep working) and a {@link ResponseWriterWrapper} subclass closes a gate at the
 * deadline. The middleware's promise settles at the deadline, not when the handler finally
 * returns: the server can finish the response while the handler, told by its aborted signal,
 * winds down. A rejection after the deadline is swallowed (nobody is listening any more).
 *
 * If the handler had already written a status when time ran out, a 503 is impossible and the body
 * is incomplete: the middleware throws `ErrAbortHandler` so the server cuts the connection rather
 * than end a truncated body that would look complete.
 *
 * @module
 */
import {
  ErrAbortHandler,
  ErrDeadlineExceeded,
  type Handler,
  type Request,
  type ResponseWriter,
  StatusServiceUnavailable,
} from '@servehttp/core-listener';
import type { Middleware } from '../chain.ts';
import { MiddlewareOptionError } from '../errors.ts';
import { ResponseWriterWrapper } from '../writer.ts';

/** Options of {@link timeout}. */
export interface TimeoutOptions {
  /** Body of the 503; default Go's `<html><head><title>Timeout</title></head><body><h1>Timeout</h1></body></html>`. */
  message?: string;
  /** Status sent at the deadline; default 503 (Go). chi uses 504. */
  status?: number;
}

const goTimeoutBody =
  '<html><head><title>Timeout</title></head><body><h1>Timeout</h1></body></html>';

/** The writer handed to the handler: a gate that closes at the deadline. */
class TimeoutWriter extends ResponseWriterWrapper {
  timedOut = false;

  override writeHeader(statusCode: number): void {
    if (!this.timedOut) super.writeHeader(statusCode);
  }

  override write(chunk: string | Uint8Array): void | Promise<void> {
    if (!this.timedOut) return super.write(chunk);
  }

  protected override onFlush(): void | Promise<void> {
    if (!this.timedOut) return super.onFlush();
  }
}

/**
 * Returns middleware that limits the handlers below to `ms` milliseconds (see the module note).
 * A sync handler finishes before any timer can fire and costs only the context and one listener.
 * @throws {MiddlewareOptionError} unless `ms` is a positive finite number, or for a status outside
 * 400–599.
 */
export function timeout(ms: number, options: TimeoutOptions = {}): Middleware {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0) {
    throw new MiddlewareOptionError(
      'timeout',
      `ms must be a positive number of milliseconds, got ${String(ms)}`,
    );
  }
  const status = options.status ?? StatusServiceUnavailable;
  if (!Number.isInteger(status) || status < 400 || status > 599) {
    throw new MiddlewareOptionError(
      'timeout',
      `status must be a 4xx or 5xx code, got ${String(status)}`,
    );
  }
  const body = options.message ?? goTimeoutBody;

  return (next: Handler) => ({
    serveHTTP(w: ResponseWriter, r: Request): void | Promise<void> {
      const [ctx, cancel] = r.context().withTimeout(ms);
      const signal = ctx.signal;
      const tw = new (TimeoutWriter.variant(w))(w);
      // The gate closes in the first abort listener, registered before the handler can add its
      // own: a handler that writes as soon as its signal aborts must find the gate closed. (Go's
      // TimeoutHandler discards such a write with the rest of its buffer; a pass-through writer
      // has to refuse it instead, or the 503 could no longer be sent.)
      let onExpire: (() => void) | undefined;
      const closeGate = (): void => {
        tw.timedOut = true;
        onExpire?.();
      };
      signal.addEventListener('abort', closeGate, { once: true });
      let p: void | Promise<void>;
      try {
        p = next.serveHTTP(tw, r.withContext(ctx));
      } catch (err) {
        signal.removeEventListener('abort', closeGate);
        cancel();
        throw err;
      }
      if (p === undefined) {
        signal.removeEventListener('abort', closeGate);
        cancel();
        return;
      }
      const work = p;
      return new Promise<void>((resolve, reject) => {
        let settled = false;
        const expire = (): void => {
          if (settled) return;
          settled = true;
          tw.timedOut = true;
          if (tw.hijacked) {
            resolve();
            return;
          }
          if (tw.wroteHeader) {
            reject(ErrAbortHandler);
            return;
          }
          const h = w.header();
          for (const k of [
            'Content-Length',
            'Content-Type',
            'Content-Encoding',
            'Etag',
            'Last-Modified',
          ])
            h.delete(k);
          w.writeHeader(status);
          // Go writes the body only for a deadline; a cancelled parent (client gone) gets none.
          if (ctx.err() === ErrDeadlineExceeded) void w.write(body);
          resolve();
        };
        // Already aborted (a parent cancelled before or while the handler started): expire now.
        if (signal.aborted) expire();
        else onExpire = expire;
        work.then(
          () => {
            if (settled) return;
            settled = true;
            signal.removeEventListener('abort', closeGate);
            cancel();
            resolve();
          },
          (err: unknown) => {
            if (settled) return;
            settled = true;
            signal.removeEventListener('abort', closeGate);
            cancel();
            reject(err);
          },
        );
      });
    },
  });
}
