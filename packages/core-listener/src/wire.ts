/**
 * The server's response writer: Go's `response` + `chunkWriter` — what a handler's
 * `writeHeader`/`write`/`flush` become on the wire for HTTP/1.x.
 *
 * Design: the head is not written when the handler calls `writeHeader`; it is *committed* when
 * the body outgrows the 2048-byte buffer, at `flush()`, or when the handler returns. Waiting lets
 * a handler that finishes within the buffer get a `Content-Length` (and keep-alive on HTTP/1.0)
 * and lets `Content-Type` be sniffed from real bytes. At commit the head is built as one string:
 * the status line (pre-built per code), the handler's fields sorted by name (Go's
 * `Header.WriteSubset` order), then Go's extra fields in Go's order — `Date`, `Content-Length`,
 * `Content-Type`, `Connection`, `Transfer-Encoding`. After commit, body bytes go out as they are
 * written, chunk-framed on HTTP/1.1 when the length is unknown, or close-delimited on HTTP/1.0.
 *
 * Invariants: the head is committed at most once; nothing follows a head whose status forbids a
 * body; a HEAD response never carries body bytes but is framed as if it did; the declared
 * `Content-Length` is never exceeded (excess throws `ErrContentLength`) and a short body closes
 * the connection, so the next response cannot be read as part of this one.
 *
 * Example: `w.write('hello')` then the handler returns → one sink push of
 * `HTTP/1.1 200 OK\r\nDate: …\r\nContent-Length: 5\r\nContent-Type: text/plain;
 * charset=utf-8\r\n\r\nhello`.
 */
import { ErrBodyNotAllowed, ErrContentLength, ErrHijacked, ErrNotSupported } from './errors.ts';
import {
  canonicalHeaderKey,
  fieldValues,
  Header,
  type HeaderBorrower,
  headerNames,
  headerValues,
  lendHeader,
  mayHaveObsText,
  TrailerPrefix,
} from './header.ts';
import {
  bodyAllowedForStatus,
  checkWriteHeaderCode,
  type DeadlineSetter,
  type Flusher,
  type FullDuplexEnabler,
  type HijackedConn,
  type Hijacker,
  type ResponseWriter,
  validTrailerHeader,
} from './response.ts';
import { detectContentType, sniffLen } from './sniff.ts';
import { statusText } from './status.ts';
import { utf8Length } from './utf8.ts';

/** Body bytes buffered before the head must be committed. Go: `bufferBeforeChunkingSize`. */
export const bufferBeforeChunkingSize = 2048;

/**
 * Where a response goes: the connection's output, in order. Text is kept as text so that a
 * response made of strings can leave as one string in one socket write.
 */
export interface ResponseSink {
  /** Queues body bytes. */
  push(data: Uint8Array): void;
  /**
   * Queues head text: a byte string, one octet per code unit (latin1), never UTF-8. `ascii` is
   * true when the caller knows every code unit is below 0x80, which spares the sink a scan.
   */
  pushLatin1(text: string, ascii?: boolean): void;
  /**
   * Queues body text, to be sent as UTF-8; `bytes` is its UTF-8 length when the caller knows it
   * (the writer counted it), -1 or absent otherwise.
   */
  pushText(text: string, bytes?: number): void;
  /** Hands what is queued to the socket; a promise when the socket is above its mark. */
  flush(): void | Promise<void>;
  /**
   * As `flush`, but the sink may wait until the microtask queue drains when the socket keeps
   * up, so that what the handler writes next leaves in the same socket write. Optional.
   */
  flushSoon?(): void | Promise<void>;
  /** Where the server logs (`http: superfluous response.WriteHeader call`). */
  log(message: string): void;
}

/** What a response can ask of the connection it is written to. */
export interface ResponseConn extends Hijacker {
  /** Read deadline for the current request's body, epoch ms; 0 clears it. */
  setReadDeadline(at: number): void;
  /** Write deadline for the current response, epoch ms; 0 clears it. */
  setWriteDeadline(at: number): void;
}

/** Says, when asked, whether keep-alives are on. Go: `Server.doKeepAlives`. */
export interface KeepAliveSource {
  /** True while the server keeps connections open after a response. */
  keepAlivesEnabled(): boolean;
}

/** What the response needs to know about the request it answers. */
export interface ResponseRequest {
  /** The request method (`HEAD` gets no body). */
  readonly method: string;
  /** 1 for HTTP/1.1, 0 for HTTP/1.0. */
  readonly protoMinor: number;
  /** The request asked to close (`Connection: close`). Go: `wantsClose`. */
  readonly wantsClose: boolean;
  /** An HTTP/1.0 request with `Connection: keep-alive`. Go: `wants10KeepAlive`. */
  readonly wants10KeepAlive: boolean;
}

const encoder = new TextEncoder();

type Part = string | Uint8Array;

// Sniffing reads at most 512 bytes once per response; text is encoded into this scratch
// buffer instead of a new array (detectContentType does not keep what it is given).
const sniffScratch = new Uint8Array(sniffLen);

// The bytes to sniff: headBytes returns an array and sets sniffLength to how many of its bytes
// count (so the scratch buffer needs no view per response).
let sniffLength = 0;

// The first `n` bytes of the buffered parts (`parts[0..count)`), for sniffing: an array, with
// sniffLength set to how many of its bytes count.
function headBytes(parts: readonly Part[], count: number, n: number): Uint8Array {
  const first = parts[0];
  if (count === 0 || first === undefined) {
    sniffLength = 0;
    return emptyBody;
  }
  if (typeof first !== 'string' && (first.length >= n || count === 1)) {
    sniffLength = Math.min(first.length, n);
    return first;
  }
  if (typeof first === 'string' && (first.length >= n || count === 1) && n <= sniffLen) {
    const { written } = encoder.encodeInto(
      first.length > n ? first.slice(0, n) : first,
      sniffScratch,
    );
    sniffLength = Math.min(written, n);
    return sniffScratch;
  }
  const out = new Uint8Array(n);
  let at = 0;
  for (let i = 0; i < count; i++) {
    const p = parts[i] as Part;
    const b = typeof p === 'string' ? encoder.encode(p.length > n ? p.slice(0, n) : p) : p;
    const take = Math.min(b.length, n - at);
    out.set(b.subarray(0, take), at);
    at += take;
    if (at === n) break;
  }
  sniffLength = at;
  return out;
}

// "HTTP/1.1 200 OK\r\n" built once per protocol and code: the status line of most responses.
const statusLines11: string[] = [];
const statusLines10: string[] = [];
function statusLine(minor: number, code: number): string {
  const cache = minor >= 1 ? statusLines11 : statusLines10;
  let line = cache[code];
  if (line === undefined) {
    const text = statusText(code);
    line = `HTTP/1.${minor >= 1 ? 1 : 0} ${code} ${text !== '' ? text : `status code ${code}`}\r\n`;
    if (code < 1000) cache[code] = line;
  }
  return line;
}

// The Date value changes once a second; every response in that second reuses the string. A
// timer refreshes it (as uWS and Bun do) so that a response does not even read the clock; it
// is started on first use and unref'd, so it never keeps a process alive.
let dateSecond = -1;
let dateValue = '';
let dateTimer: ReturnType<typeof setTimeout> | undefined;

function refreshDate(now: number): string {
  const s = Math.floor(now / 1000);
  if (s !== dateSecond) {
    dateSecond = s;
    dateValue = new Date(s * 1000).toUTCString();
  }
  return dateValue;
}

// Re-arms itself just after each second boundary, so the cached value is never a second late.
function tickDate(): void {
  const now = Date.now();
  refreshDate(now);
  dateTimer = setTimeout(tickDate, 1001 - (now % 1000));
  (dateTimer as { unref?: () => void }).unref?.();
}

// "Date: …\r\n" for the current second, rebuilt only when the cached date changes.
let dateLineFor = '';
let dateLineText = '';
function dateLine(): string {
  const d = httpDate();
  if (d !== dateLineFor) {
    dateLineFor = d;
    dateLineText = `Date: ${d}\r\n`;
  }
  return dateLineText;
}

// "Content-Length: n\r\n" for the small bodies most responses have, built once each.
const contentLengthLines: string[] = [];
function contentLengthLine(n: number): string {
  if (n >= 4096) return `Content-Length: ${n}\r\n`;
  let line = contentLengthLines[n];
  if (line === undefined) {
    line = `Content-Length: ${n}\r\n`;
    contentLengthLines[n] = line;
  }
  return line;
}

/**
 * The current time as an HTTP-date (`Mon, 30 Nov 2026 05:41:28 GMT`), cached per second. With
 * `now`, the date of that instant (epoch ms).
 */
export function httpDate(now?: number): string {
  if (now !== undefined) return refreshDate(now);
  if (dateTimer === undefined) tickDate();
  return dateValue;
}

// Go: suppressedHeaders — a 304 repeats no representation metadata, other bodiless codes no
// framing.
function suppressed(code: number): number {
  if (code === 304) return X_CONTENT_TYPE | X_CONTENT_LENGTH | X_TRANSFER_ENCODING;
  if (!bodyAllowedForStatus(code)) return X_CONTENT_LENGTH | X_TRANSFER_ENCODING;
  return 0;
}

// A Content-Length a handler set, as a number; -1 when it is not all digits or past 2^53. The
// digits are summed here: Number() on a string took 15 ns, and a head asked for it twice.
function parseLength(s: string): number {
  const n = s.length;
  if (n === 0) return -1;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
    v = v * 10 + (c - 0x30);
  }
  // Up to 15 digits the sum is exact; past that, let Number() round as it may and compare.
  if (n > 15 && Number(s) > Number.MAX_SAFE_INTEGER) return -1;
  return v;
}

function hasToken(v: string, token: string): boolean {
  for (const part of v.split(',')) if (part.trim().toLowerCase() === token) return true;
  return false;
}

// The fields the server may leave out of a head, as bits: a fixed handful, so a mask does what
// a set would without allocating (or clearing) one per response.
const X_CONTENT_LENGTH = 1;
const X_TRANSFER_ENCODING = 2;
const X_CONNECTION = 4;
const X_CONTENT_TYPE = 8;

// Trailer:-prefixed keys announce trailers (Go's TrailerPrefix) and never go in the head.
function excluded(k: string, mask: number): boolean {
  return (
    k.startsWith(TrailerPrefix) ||
    ((mask & X_CONTENT_LENGTH) !== 0 && k === 'Content-Length') ||
    ((mask & X_TRANSFER_ENCODING) !== 0 && k === 'Transfer-Encoding') ||
    ((mask & X_CONNECTION) !== 0 && k === 'Connection') ||
    ((mask & X_CONTENT_TYPE) !== 0 && k === 'Content-Type')
  );
}

/** Writes `fields` sorted by name (as Go's `Header.writeSubset`), leaving out the `mask`ed names. */
function headLines(h: Header, mask: number): string {
  const names = headerNames(h);
  const values = headerValues(h);
  const n = names.length;
  if (mask === lastMask && n === lastCount && sameAsLast(names, values)) return lastLines;
  let out = '';
  let single = true;
  if (n === 1) {
    // One field (usually Content-Type): nothing to sort, no list to build.
    const k = names[0] as string;
    const vs = values[0] as readonly string[];
    single = vs.length === 1;
    if (!excluded(k, mask)) out = fieldLines(k, vs);
  } else {
    const order: number[] = [];
    for (let i = 0; i < n; i++) if (!excluded(names[i] as string, mask)) order.push(i);
    // Insertion sort: a head has a handful of fields, and Array#sort with a comparator (a
    // closure per response, a call per comparison) cost more than the lines it ordered.
    for (let i = 1; i < order.length; i++) {
      const at = order[i] as number;
      const name = names[at] as string;
      let j = i - 1;
      while (j >= 0 && (names[order[j] as number] as string) > name) {
        order[j + 1] = order[j] as number;
        j--;
      }
      order[j + 1] = at;
    }
    for (const i of order) {
      const vs = values[i] as readonly string[];
      if (vs.length !== 1) single = false;
      out += fieldLines(names[i] as string, vs);
    }
  }
  // A handful of fields at most, so what is kept (and compared) stays small.
  if (single && n <= 8) remember(names, values, mask, out);
  return out;
}

// The last head built from single-valued fields, as name, value, name, value… in
// `lastFields[0..2 * lastCount)`: a route sets the same fields on every response (Content-Type,
// Content-Length, a middleware's Vary), and comparing them with the last ones is cheaper than
// sorting and joining them again. Counted, never truncated: on V8 a store to `length` is a
// runtime call, and a stack that sets a fresh request id misses here on every response.
const lastFields: string[] = [];
let lastCount = 0;
let lastMask = -1;
let lastLines = '';

function sameAsLast(names: readonly string[], values: readonly (readonly string[])[]): boolean {
  const last = lastFields;
  for (let i = 0; i < names.length; i++) {
    const vs = values[i] as readonly string[];
    if (vs.length !== 1 || names[i] !== last[2 * i] || vs[0] !== last[2 * i + 1]) return false;
  }
  return true;
}

function remember(
  names: readonly string[],
  values: readonly (readonly string[])[],
  mask: number,
  lines: string,
): void {
  const last = lastFields;
  lastCount = names.length;
  for (let i = 0; i < names.length; i++) {
    last[2 * i] = names[i] as string;
    last[2 * i + 1] = (values[i] as readonly string[])[0] as string;
  }
  lastMask = mask;
  lastLines = lines;
}

function fieldLines(k: string, vs: readonly string[]): string {
  let out = '';
  for (const v of vs) out += `${k}: ${v}\r\n`;
  return out;
}

/**
 * The HTTP/1.x {@link ResponseWriter} of one request. Go: `*http.response`.
 * Created by the connection loop, which calls {@link ServerResponse.finish} when the handler
 * returns and reads {@link ServerResponse.closeAfterReply} to decide keep-alive.
 */
export class ServerResponse
  implements ResponseWriter, Flusher, Hijacker, DeadlineSetter, FullDuplexEnabler, HeaderBorrower
{
  /** True when the connection must close after this response. Go: `closeAfterReply`. */
  closeAfterReply = false;
  /** The status sent (or to be sent); 0 before `writeHeader`. */
  status = 0;
  /** Body bytes the handler has written. Go: `written`. */
  written = 0;

  readonly #req: ResponseRequest;
  readonly #sink: ResponseSink;
  readonly #keepAlives: boolean | KeepAliveSource;
  readonly #conn: ResponseConn | undefined;
  #header: Header | undefined;
  #snapshot: Header | undefined;
  #wroteHeader = false;
  #committed = false;
  #handlerDone = false;
  #hijacked = false;
  #chunking = false;
  #contentLength = -1;
  // The buffer is `#buf[0..#bufN)`, reused by count (see HTTPConn's output queue for why not
  // `length = 0`).
  #buf: Part[] = [];
  #bufN = 0;
  #bufSize = 0;
  #trailers: string[] | undefined;

  /**
   * `keepAlives` says whether the connection may stay open: a constant, or a source asked when
   * the head is committed, so that a shutdown that starts mid-request still ends the connection.
   */
  constructor(
    req: ResponseRequest,
    sink: ResponseSink,
    keepAlives: boolean | KeepAliveSource = true,
    conn?: ResponseConn,
  ) {
    this.#conn = conn;
    this.#req = req;
    this.#sink = sink;
    this.#keepAlives = keepAlives;
  }

  /**
   * For {@link Header} only: the handler changed the header after the head was taken from it,
   * so the head keeps this copy.
   */
  headerLoanReturned(before: Header): void {
    this.#snapshot = before;
  }

  /** The live header map. Go: `response.Header`. */
  header(): Header {
    this.#header ??= new Header();
    return this.#header;
  }

  /** Go: `response.WriteHeader`, including 1xx informational responses. */
  writeHeader(code: number): void {
    if (this.#hijacked) {
      this.#sink.log('http: response.WriteHeader on hijacked connection');
      return;
    }
    if (this.#wroteHeader) {
      this.#sink.log(`http: superfluous response.WriteHeader call (status ${code})`);
      return;
    }
    checkWriteHeaderCode(code);
    if (code >= 100 && code <= 199 && code !== 101) {
      // Sent at once, and the header stays for the final response (RFC 8297).
      const h = this.#header;
      const fields = h === undefined ? '' : headLines(h, noBodyExclusions);
      this.#sink.pushLatin1(`${statusLine(this.#req.protoMinor, code)}${fields}\r\n`);
      void this.#sink.flush();
      return;
    }
    this.#wroteHeader = true;
    this.status = code;
    const h = this.#header;
    if (h === undefined) return;
    // The head is what the header holds now (Go clones it here). Once the handler has returned
    // nothing can change it, so it is used as it is; before that it is lent, and copied only if
    // the handler changes it again.
    this.#snapshot = h;
    if (!this.#handlerDone) {
      lendHeader(h, this);
    }
    const cl = fieldValues(h, 'Content-Length')?.[0] ?? '';
    if (cl !== '') {
      const n = parseLength(cl);
      if (n >= 0) {
        this.#contentLength = n;
      } else {
        this.#sink.log(`http: invalid Content-Length of ${JSON.stringify(cl)}`);
        lendHeader(h, undefined);
        const own = h.clone();
        own.delete('Content-Length');
        this.#snapshot = own;
      }
    }
  }

  /** Go: `response.Write`. See {@link ResponseWriter.write}. */
  write(chunk: string | Uint8Array): void | Promise<void> {
    if (this.#hijacked) throw ErrHijacked;
    if (!this.#wroteHeader) this.writeHeader(200);
    const isText = typeof chunk === 'string';
    const size = isText ? utf8Length(chunk) : chunk.length;
    if (size === 0) return;
    if (!bodyAllowedForStatus(this.status)) throw ErrBodyNotAllowed;
    if (this.#contentLength !== -1 && this.written + size > this.#contentLength) {
      throw ErrContentLength;
    }
    this.written += size;
    // Small writes collect in the buffer, before and after commit alike (Go's bufio), so a
    // stream of small writes becomes a few chunks and socket writes, not one each. Strings are
    // immutable and kept as they are; bytes are copied, since the caller may reuse its buffer.
    this.#buf[this.#bufN++] = isText ? chunk : chunk.slice();
    this.#bufSize += size;
    if (this.#bufSize <= bufferBeforeChunkingSize) return;
    this.#flushBuffer();
    const sink = this.#sink;
    return sink.flushSoon !== undefined ? sink.flushSoon() : sink.flush();
  }

  /** Sends the head and what is buffered now. Go: `response.Flush`. */
  flush(): void | Promise<void> {
    if (this.#hijacked) throw ErrHijacked;
    if (!this.#wroteHeader) this.writeHeader(200);
    this.#flushBuffer();
    return this.#sink.flush();
  }

  /**
   * Hands the raw connection to the handler (WebSocket upgrades). Go: `http.Hijacker`.
   * @throws {ErrNotSupported} when the response was built without a connection to give.
   */
  hijack(): HijackedConn {
    if (this.#conn === undefined) throw ErrNotSupported;
    return this.#conn.hijack();
  }

  /**
   * Reads of the request body fail with `i/o timeout` after `deadline` (a Date or epoch ms;
   * 0 clears it), and the connection is not reused. Go: `ResponseController.SetReadDeadline`.
   */
  setReadDeadline(deadline: Date | number): void {
    if (this.#conn === undefined) throw ErrNotSupported;
    this.#conn.setReadDeadline(typeof deadline === 'number' ? deadline : deadline.getTime());
  }

  /**
   * If the response is not complete by `deadline` (0 clears it), the connection is closed.
   * Go: `ResponseController.SetWriteDeadline`.
   */
  setWriteDeadline(deadline: Date | number): void {
    if (this.#conn === undefined) throw ErrNotSupported;
    this.#conn.setWriteDeadline(typeof deadline === 'number' ? deadline : deadline.getTime());
  }

  /**
   * Lets the handler read the body while writing the response. This server reads bodies on
   * demand at any time, so it only says yes. Go: `ResponseController.EnableFullDuplex`.
   */
  enableFullDuplex(): void {
    if (this.#conn === undefined) throw ErrNotSupported;
  }

  /** Marks the connection as taken over: later calls throw or are ignored, as in Go. */
  markHijacked(): void {
    this.#hijacked = true;
  }

  /**
   * Completes the response after the handler returned: commits the head (with a computed
   * `Content-Length` when everything fit in the buffer), then the end of a chunked body and its
   * trailers. It only queues: the connection decides when its output batch goes to the socket,
   * so that pipelined responses leave together. Go: `response.finishRequest`.
   */
  finish(): void {
    if (this.#hijacked) return;
    this.#handlerDone = true;
    if (!this.#wroteHeader) this.writeHeader(200);
    this.#flushBuffer();
    if (this.#chunking) this.#sink.pushLatin1(`0\r\n${this.#trailerLines()}\r\n`);
    if (
      this.#contentLength !== -1 &&
      bodyAllowedForStatus(this.status) &&
      this.#contentLength !== this.written
    ) {
      // Too short: the peer would read the next response as the rest of this body.
      this.closeAfterReply = true;
    }
  }

  #flushBuffer(): void {
    // The buffer array is emptied and kept: nothing here can call back into write().
    const parts = this.#buf;
    const n = this.#bufN;
    const size = this.#bufSize;
    this.#bufSize = 0;
    this.#bufN = 0;
    if (!this.#committed) this.#commit(parts, n, size);
    if (size !== 0 && this.#req.method !== 'HEAD') {
      const sink = this.#sink;
      if (this.#chunking) sink.pushLatin1(`${size.toString(16)}\r\n`, true);
      // One part (the usual response) is `size` bytes, counted by write(); the sink then need
      // not count them again to tell a whole socket write from a short one.
      for (let i = 0; i < n; i++) {
        const p = parts[i] as Part;
        if (typeof p === 'string') sink.pushText(p, n === 1 ? size : -1);
        else sink.push(p);
      }
      if (this.#chunking) sink.pushLatin1('\r\n', true);
    }
    // The sink holds what it needs; the slots let go of it.
    for (let i = 0; i < n; i++) parts[i] = '';
  }

  #trailerLines(): string {
    const h = this.#header;
    if (h === undefined) return '';
    let out = '';
    for (const k of this.#trailers ?? []) {
      for (const v of h.values(k)) out += `${k}: ${v}\r\n`;
    }
    for (const [k, vs] of h) {
      if (!k.startsWith(TrailerPrefix)) continue;
      const name = k.slice(TrailerPrefix.length);
      if (!validTrailerHeader(name)) continue;
      for (const v of vs) out += `${name}: ${v}\r\n`;
    }
    return out;
  }

  // Go: chunkWriter.writeHeader. `parts[0..count)` is the start of the body (`size` bytes), for
  // sniffing and, when the handler is done, the whole body.
  #commit(parts: readonly Part[], count: number, size: number): void {
    this.#committed = true;
    const req = this.#req;
    const code = this.status;
    const isHEAD = req.method === 'HEAD';
    const ka = this.#keepAlives;
    const keepAlives = typeof ka === 'boolean' ? ka : ka.keepAlivesEnabled();
    const header = this.#snapshot ?? this.#header ?? emptyHeader;
    const names = headerNames(header);
    const values = headerValues(header);
    let exclude = 0;
    let contentLength: number | undefined;
    let contentType = '';
    let connection = '';
    let transferEncoding = '';

    // The fields that steer the head, found in one pass over what the handler set (usually
    // nothing, or a Content-Type): no lookup per rule.
    const empty = names.length === 0;
    let trailers = false;
    let te = '';
    let clField = '';
    let hasCLField = false;
    let connField = '';
    let hasConnection = false;
    let hasContentType = false;
    let hasDate = false;
    if (!empty) {
      for (let i = 0; i < names.length; i++) {
        const k = names[i] as string;
        const vs = values[i] as readonly string[];
        switch (k) {
          case 'Content-Type':
            hasContentType = true;
            break;
          case 'Content-Length':
            hasCLField = true;
            clField = vs[0] as string;
            break;
          case 'Transfer-Encoding':
            te = vs[0] as string;
            break;
          case 'Connection':
            hasConnection = true;
            connField = vs[0] as string;
            break;
          case 'Date':
            hasDate = true;
            break;
          case 'Trailer':
            for (const v of vs) {
              for (const part of v.split(',')) {
                const name = canonicalHeaderKey(part.trim());
                if (name === '') continue;
                trailers = true;
                if (validTrailerHeader(name)) (this.#trailers ??= []).push(name);
              }
            }
            break;
          default:
            if (k.startsWith(TrailerPrefix)) trailers = true;
        }
      }
    }
    const hasTE = te !== '';

    // A finished handler that never set a length gets one, even 0, which keeps HTTP/1.0
    // keep-alive working. Not for HEAD with no bytes: 0 could be a lie about the GET.
    if (
      this.#handlerDone &&
      !trailers &&
      !hasTE &&
      bodyAllowedForStatus(code) &&
      // Go's header.has: an empty Content-Length still stops the computed one (it is then
      // chunked, and the empty field dropped), so the head never carries two.
      !hasCLField &&
      (!isHEAD || size > 0)
    ) {
      this.#contentLength = size;
      contentLength = size;
    }

    if (req.wants10KeepAlive && keepAlives) {
      const sentLength = clField !== '' || contentLength !== undefined;
      if (sentLength && connField === 'keep-alive') {
        this.closeAfterReply = false;
      }
    }
    const hasCL = this.#contentLength !== -1;
    if (req.wants10KeepAlive && (isHEAD || hasCL || !bodyAllowedForStatus(code))) {
      if (!hasConnection) connection = 'keep-alive';
    } else if (req.protoMinor < 1 || req.wantsClose) {
      this.closeAfterReply = true;
    }
    if (connField === 'close' || !keepAlives) {
      this.closeAfterReply = true;
    }

    if (bodyAllowedForStatus(code)) {
      if (!hasContentType && !hasTE && size > 0) {
        const bytes = headBytes(parts, count, sniffLen);
        contentType = detectContentType(bytes, sniffLength);
      }
    } else {
      exclude |= suppressed(code);
    }

    let hasContentLength = hasCL;
    if (hasContentLength && hasTE && te !== 'identity') {
      this.#sink.log(
        `http: WriteHeader called with both Transfer-Encoding of ${JSON.stringify(te)} and a Content-Length of ${this.#contentLength}`,
      );
      exclude |= X_CONTENT_LENGTH;
      hasContentLength = false;
    }

    if (isHEAD || !bodyAllowedForStatus(code) || code === 204) {
      exclude |= X_TRANSFER_ENCODING;
    } else if (hasContentLength) {
      exclude |= X_TRANSFER_ENCODING;
    } else if (req.protoMinor >= 1) {
      if (hasTE && te === 'identity') {
        // No length and no chunking: the end of the body is the end of the connection (the SSE
        // draft's recommendation).
        this.#chunking = false;
        this.closeAfterReply = true;
        exclude |= X_TRANSFER_ENCODING;
      } else {
        this.#chunking = true;
        transferEncoding = 'chunked';
        if (hasTE && te === 'chunked') exclude |= X_TRANSFER_ENCODING;
      }
    } else {
      this.closeAfterReply = true;
      exclude |= X_TRANSFER_ENCODING;
    }
    if (this.#chunking) exclude |= X_CONTENT_LENGTH;

    if (this.closeAfterReply && (!keepAlives || !hasToken(connField, 'close'))) {
      exclude |= X_CONNECTION;
      if (req.protoMinor >= 1) connection = 'close';
    }

    const lines = header.size === 0 ? '' : headLines(header, exclude);
    // Only values a handler set can hold bytes above 0x7F; everything else here is ASCII.
    const ascii = lines === '' || !mayHaveObsText(header) || !nonASCII.test(lines);
    let head = statusLine(req.protoMinor, code) + lines;
    if (!hasDate) head += dateLine();
    if (contentLength !== undefined) head += contentLengthLine(contentLength);
    if (contentType !== '') head += `Content-Type: ${contentType}\r\n`;
    if (connection !== '') head += `Connection: ${connection}\r\n`;
    if (transferEncoding !== '') head += `Transfer-Encoding: ${transferEncoding}\r\n`;
    this.#sink.pushLatin1(`${head}\r\n`, ascii);
    // The head is out: later changes to the header (trailers) need no copy of it.
    if (this.#header !== undefined) lendHeader(this.#header, undefined);
  }
}

const emptyBody = new Uint8Array(0);
const emptyHeader = new Header();
const nonASCII = /[\u0080-\uffff]/;
const noBodyExclusions = X_CONTENT_LENGTH | X_TRANSFER_ENCODING;
