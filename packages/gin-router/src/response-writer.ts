/**
 * gin's `responseWriter`: wraps the server's writer to remember the status until the first byte
 * (so middleware can still change it), count the bytes written, and tell whether anything went
 * out. gin: `response_writer.go`.
 */
import {
  ErrNotSupported,
  type Flusher,
  type Header,
  type HijackedConn,
  type Hijacker,
  type ResponseWriter as HTTPResponseWriter,
  ResponseController,
  type Unwrapper,
  utf8Length,
} from '@servehttp/core-listener';
import { debugPrint } from './mode.ts';

const noWritten = -1;

/** Thrown by `hijack()` after body bytes were written. gin: `errHijackAlreadyWritten`. */
export const ErrHijackAlreadyWritten: Error = new Error('gin: response body already written');

/**
 * The writer handlers see as `c.writer`. It is a servehttp `ResponseWriter` (so it can be passed
 * to any Handler) plus gin's extras. gin: `gin.ResponseWriter`.
 *
 * - `writeHeader(code)` only records the status while nothing is written (gin lets a later
 *   middleware change it); a change after the header went out is ignored with a debug warning.
 * - `writeHeaderNow()` sends the recorded status; the engine calls it when the chain ends.
 * - `write()` sends the header first, then the bytes, and returns the server's backpressure
 *   promise, if any.
 */
export class ResponseWriter implements HTTPResponseWriter, Flusher, Hijacker, Unwrapper {
  #w: HTTPResponseWriter;
  #status = 200;
  #size = noWritten;

  /** Wraps the server's writer `w`. */
  constructor(w: HTTPResponseWriter) {
    this.#w = w;
  }

  /** The response header map. */
  header(): Header {
    return this.#w.header();
  }

  /** Records the status; see the class doc. gin: `WriteHeader`. */
  writeHeader(code: number): void {
    if (code > 0 && this.#status !== code) {
      if (this.written) {
        debugPrint(
          `[WARNING] Headers were already written. Wanted to override status code ${this.#status} with ${code}`,
        );
        return;
      }
      this.#status = code;
    }
  }

  /** Sends the header with the recorded status unless already sent. gin: `WriteHeaderNow`. */
  writeHeaderNow(): void {
    if (this.#size === noWritten) {
      this.#size = 0;
      this.#w.writeHeader(this.#status);
    }
  }

  /** Writes body bytes (a string as UTF-8). gin: `Write` / `WriteString`. */
  write(chunk: string | Uint8Array): void | Promise<void> {
    this.writeHeaderNow();
    const r = this.#w.write(chunk);
    this.#size += typeof chunk === 'string' ? utf8Length(chunk) : chunk.length;
    return r;
  }

  /** Same as `write` for a string. gin: `WriteString`. */
  writeString(s: string): void | Promise<void> {
    return this.write(s);
  }

  /** The status that was or will be sent. gin: `Status()`. */
  get status(): number {
    return this.#status;
  }

  /** Body bytes written; -1 before the header went out. gin: `Size()`. */
  get size(): number {
    return this.#size;
  }

  /** Whether the header went out. gin: `Written()`. */
  get written(): boolean {
    return this.#size !== noWritten;
  }

  /** Sends the header and flushes buffered bytes; a no-op when the server cannot flush. */
  flush(): void | Promise<void> {
    this.writeHeaderNow();
    try {
      return new ResponseController(this.#w).flush();
    } catch (err) {
      if (err !== ErrNotSupported) throw err;
    }
  }

  /**
   * Takes over the connection. Throws {@link ErrHijackAlreadyWritten} after body bytes and
   * `ErrNotSupported` when the server cannot. gin: `Hijack`.
   */
  hijack(): HijackedConn {
    if (this.#size > 0) throw ErrHijackAlreadyWritten;
    const conn = new ResponseController(this.#w).hijack();
    if (this.#size < 0) this.#size = 0;
    return conn;
  }

  /** The server's writer. gin: `Unwrap`. */
  unwrap(): HTTPResponseWriter {
    return this.#w;
  }
}
