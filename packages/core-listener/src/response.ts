/**
 * `ResponseWriter` and the optional capabilities a handler discovers on it, as Go discovers
 * `http.Flusher`, `http.Hijacker` & co. by interface assertion — plus `ResponseController`, which
 * finds a capability through any number of wrapping middleware writers via `unwrap()`.
 */
import { ErrNotSupported } from './errors.ts';
import type { Header } from './header.ts';

/**
 * Writes the response to one request. Go: `http.ResponseWriter`.
 *
 * - `header()` is the live header map; changing it after `writeHeader` (or the first `write`)
 *   has no effect, except for trailers (see `Trailer` and {@link TrailerPrefix}).
 * - `writeHeader(code)` sends the status line and the header. A 1xx code (other than 101) is an
 *   informational response and may be sent any number of times before the final one; a second
 *   final code is ignored and logged. Codes outside 100–999 throw a `RangeError`.
 * - `write(chunk)` writes body bytes (a string is sent as UTF-8), calling `writeHeader(200)`
 *   first if needed. When the header has no `Content-Type`, one is sniffed from the first 512
 *   bytes. It returns a promise only when the connection's buffer is above its high-water mark;
 *   awaiting it is how a streaming handler gets backpressure. The promise never rejects: after
 *   the client leaves, writes are dropped and the request's context signal has aborted.
 *   Throws {@link ErrBodyNotAllowed} for a status without a body (1xx, 204, 304).
 */
export interface ResponseWriter {
  /** The header that `writeHeader` will send. */
  header(): Header;
  /** Sends the status line and header with status `statusCode`. */
  writeHeader(statusCode: number): void;
  /** Writes body data; see the interface doc for backpressure. */
  write(chunk: string | Uint8Array): void | Promise<void>;
}

/** A writer that can send what it has buffered now (streaming, SSE). Go: `http.Flusher`. */
export interface Flusher {
  /** Sends buffered data to the client; resolves once it is handed to the socket. */
  flush(): void | Promise<void>;
}

/**
 * A raw connection taken over from the HTTP server. Go: `net.Conn` as returned by `Hijack`.
 */
export interface HijackedConn {
  /** Bytes the server had already read past the request head (start of the new protocol). */
  readonly buffered: Uint8Array;
  /** The client's address, `ip:port`. */
  readonly remoteAddr: string;
  /** The server's address, `ip:port`. */
  readonly localAddr: string;
  /** Writes bytes; resolves when they are handed to the socket. */
  write(data: Uint8Array | string): Promise<void>;
  /** Incoming bytes, chunk by chunk, until the peer closes. */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array>;
  /** Closes the connection. */
  close(): void;
}

/** A writer whose connection can be taken over (WebSocket upgrades). Go: `http.Hijacker`. */
export interface Hijacker {
  /** Detaches the connection from the HTTP server and hands it to the caller. */
  hijack(): HijackedConn;
}

/** A middleware writer that wraps another; lets {@link ResponseController} look through it. */
export interface Unwrapper {
  /** The writer this one wraps. */
  unwrap(): ResponseWriter;
}

/** A writer that supports per-request I/O deadlines. */
export interface DeadlineSetter {
  /** Deadline (epoch ms or Date) for reading the request body; 0 clears it. */
  setReadDeadline(deadline: Date | number): void;
  /** Deadline for writing the response; 0 clears it. */
  setWriteDeadline(deadline: Date | number): void;
}

/** A writer that can read the request body while writing the response. */
export interface FullDuplexEnabler {
  /** Allows interleaving body reads and response writes. Go: `EnableFullDuplex`. */
  enableFullDuplex(): void;
}

function has<K extends string>(w: unknown, key: K): w is Record<K, (...args: never[]) => unknown> {
  return typeof (w as Record<string, unknown>)[key] === 'function';
}

/**
 * Reaches the optional capabilities of a writer, looking through middleware wrappers with
 * `unwrap()`. Each method throws {@link ErrNotSupported} when no writer in the chain has it.
 * Go: `http.ResponseController` (Go 1.20).
 */
export class ResponseController {
  readonly #w: ResponseWriter;

  /** Wraps `w`; nothing is checked until a method is called. */
  constructor(w: ResponseWriter) {
    this.#w = w;
  }

  #find<K extends string>(key: K): Record<K, (...args: never[]) => unknown> {
    let w: unknown = this.#w;
    // Bounded so a wrapper that unwraps to itself cannot spin forever.
    for (let depth = 0; depth < 64; depth++) {
      if (has(w, key)) return w;
      if (!has(w, 'unwrap')) break;
      w = (w as Unwrapper).unwrap();
    }
    throw ErrNotSupported;
  }

  /** Flushes buffered data to the client. Go: `ResponseController.Flush`. */
  flush(): void | Promise<void> {
    return (this.#find('flush') as unknown as Flusher).flush();
  }

  /** Takes over the connection. Go: `ResponseController.Hijack`. */
  hijack(): HijackedConn {
    return (this.#find('hijack') as unknown as Hijacker).hijack();
  }

  /** Sets the read deadline. Go: `ResponseController.SetReadDeadline`. */
  setReadDeadline(deadline: Date | number): void {
    (this.#find('setReadDeadline') as unknown as DeadlineSetter).setReadDeadline(deadline);
  }

  /** Sets the write deadline. Go: `ResponseController.SetWriteDeadline`. */
  setWriteDeadline(deadline: Date | number): void {
    (this.#find('setWriteDeadline') as unknown as DeadlineSetter).setWriteDeadline(deadline);
  }

  /** Enables full-duplex HTTP/1.1. Go: `ResponseController.EnableFullDuplex`. */
  enableFullDuplex(): void {
    (this.#find('enableFullDuplex') as unknown as FullDuplexEnabler).enableFullDuplex();
  }
}

/**
 * Reports whether a response with this status may have a body: not 1xx, 204 or 304.
 * Go: `bodyAllowedForStatus`.
 */
export function bodyAllowedForStatus(status: number): boolean {
  return !((status >= 100 && status <= 199) || status === 204 || status === 304);
}

/**
 * Throws the `RangeError` Go panics with for a status that is not three digits.
 * Go: `checkWriteHeaderCode` (issue 22880).
 */
export function checkWriteHeaderCode(code: number): void {
  if (!Number.isInteger(code) || code < 100 || code > 999) {
    throw new RangeError(`http: invalid WriteHeader code ${String(code)}`);
  }
}

// Fields that may not be sent as trailers (RFC 9110 §6.5.1): they frame, route or authenticate the
// message, so a proxy must not act on them late. Go: `httpguts.ValidTrailerHeader`.
const forbiddenTrailers = new Set([
  'Authorization',
  'Cache-Control',
  'Connection',
  'Content-Encoding',
  'Content-Length',
  'Content-Range',
  'Content-Type',
  'Expect',
  'Host',
  'Keep-Alive',
  'Max-Forwards',
  'Pragma',
  'Proxy-Authenticate',
  'Proxy-Authorization',
  'Proxy-Connection',
  'Range',
  'Realm',
  'Te',
  'Trailer',
  'Transfer-Encoding',
  'Www-Authenticate',
]);

/**
 * Reports whether a canonical field name may be sent as a trailer.
 * Go: `httpguts.ValidTrailerHeader`.
 */
export function validTrailerHeader(canonicalName: string): boolean {
  return !forbiddenTrailers.has(canonicalName);
}
