/**
 * `recovery`: turns a throw (or rejection) in the handlers below into a logged stack and a
 * `500 Internal Server Error`, the way chi's `middleware.Recoverer` and gin's `Recovery()` turn a
 * panic into one. Go's own server only logs `http: panic serving …` and drops the connection.
 *
 * Design: the writer is wrapped once ({@link wrapWriter}, shared with logger) so that at the moment
 * of the throw we know whether a status already went out or the connection was hijacked; a sync
 * handler costs no promise, an async one one `.then`.
 *
 * @module
 */
import {
  ErrAbortHandler,
  type Handler,
  type Request,
  type ResponseWriter,
  StatusInternalServerError,
  statusText,
} from '@servehttp/core-listener';
import type { Middleware } from '../chain.ts';
import { checkFunc } from '../util.ts';
import { type ResponseWriterWrapper, wrapWriter } from '../writer.ts';

/** Options of {@link recovery}. */
export interface RecoveryOptions {
  /**
   * Receives each recovered error and its request; default: `console.error` of
   * `middleware-kit: recovery: panic serving <remoteAddr> <method> <uri>: <stack>` (Go's wording).
   */
  log?: (err: unknown, r: Request) => void;
  /**
   * Writes the error response instead of the default `500` text; called only when nothing was
   * written yet. gin's `CustomRecovery`.
   */
  handler?: (w: ResponseWriter, r: Request, err: unknown) => void;
}

function defaultLog(err: unknown, r: Request): void {
  const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
  console.error(
    `middleware-kit: recovery: panic serving ${r.remoteAddr} ${r.method} ${r.requestURI}: ${detail}`,
  );
}

/**
 * Returns middleware that recovers from errors thrown by the handlers below it.
 *
 * - {@link ErrAbortHandler} is re-thrown untouched: it is the handler's way to abort the response,
 *   and the server closes the connection quietly (Go, chi and gin all re-panic it).
 * - Otherwise the error is logged. If nothing was written yet the client gets `500 Internal
 *   Server Error` (or `options.handler`'s answer). If a status already went out the response
 *   cannot be repaired: `ErrAbortHandler` is thrown so the server cuts the connection instead of
 *   sending a truncated body that looks complete. If the connection was hijacked it belongs to the
 *   handler: nothing is written and nothing thrown.
 * @throws {MiddlewareOptionError} when `log` or `handler` is not a function.
 */
export function recovery(options: RecoveryOptions = {}): Middleware {
  checkFunc('recovery', 'log', options.log);
  checkFunc('recovery', 'handler', options.handler);
  const log = options.log ?? defaultLog;
  const custom = options.handler;

  const recover = (ww: ResponseWriterWrapper, r: Request, err: unknown): void => {
    if (err === ErrAbortHandler) throw err;
    log(err, r);
    if (ww.hijacked) return;
    if (ww.wroteHeader) throw ErrAbortHandler;
    if (custom !== undefined) {
      custom(ww, r, err);
      return;
    }
    const h = ww.header();
    // Whatever the handler staged was for a response that no longer exists.
    h.delete('Content-Length');
    h.delete('Content-Encoding');
    h.set('Content-Type', 'text/plain; charset=utf-8');
    h.set('X-Content-Type-Options', 'nosniff');
    ww.writeHeader(StatusInternalServerError);
    void ww.write(`${statusText(StatusInternalServerError)}\n`);
  };

  return (next: Handler) => ({
    serveHTTP(w: ResponseWriter, r: Request): void | Promise<void> {
      const ww = wrapWriter(w);
      let p: void | Promise<void>;
      try {
        p = next.serveHTTP(ww, r);
      } catch (err) {
        recover(ww, r, err);
        return;
      }
      if (p !== undefined) return p.then(undefined, (err: unknown) => recover(ww, r, err));
    },
  });
}
