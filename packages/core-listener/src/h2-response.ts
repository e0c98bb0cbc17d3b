/**
 * The HTTP/2 `ResponseWriter`: Go's `http2responseWriter` and its `writeChunk` — what a
 * handler's `writeHeader`/`write`/`flush` become on an HTTP/2 stream of `node:http2`.
 *
 * Design: as in Go, the response is not sent when the handler calls `writeHeader`; the status
 * and a snapshot of the header are only recorded. Body bytes collect in a buffer of
 * {@link h2BufferSize} (Go: `handlerChunkWriteSize`, 4 KiB); the HEADERS frame leaves when the
 * buffer overflows, at `flush()`, or when the handler returns. A handler that returns with
 * everything still buffered gets a `content-length`, and a missing `content-type` is sniffed
 * from the first bytes. Framing, HPACK and flow control are `node:http2`'s; this file only maps
 * Go's rules onto `stream.respond` / `stream.write` / `stream.end` / `sendTrailers`.
 *
 * Invariants: the final HEADERS frame is sent at most once; 1xx informational headers go out
 * at once and any number of times before it; nothing follows a HEADERS frame that ends the
 * stream (HEAD, 204, 304, an empty body without trailers); the declared `content-length` is
 * never exceeded (`ErrContentLength`); a write returns a promise only while the stream's buffer
 * is above its mark (the peer's window is closed), so an awaiting handler never grows memory.
 *
 * Example: `w.write('hello')` then the handler returns → `respond({':status': 200,
 * 'content-type': 'text/plain; charset=utf-8', 'content-length': '5', date})` and
 * `end('hello')`: one HEADERS and one DATA frame with END_STREAM.
 */
import type { ServerHttp2Stream } from 'node:http2';
import { ErrBodyNotAllowed, ErrContentLength } from './errors.ts';
import {
  canonicalHeaderKey,
  fieldValues,
  Header,
  type HeaderBorrower,
  headerNames,
  headerValues,
  lendHeader,
  TrailerPrefix,
} from './header.ts';
import {
  bodyAllowedForStatus,
  checkWriteHeaderCode,
  type DeadlineSetter,
  type Flusher,
  type ResponseWriter,
  validTrailerHeader,
} from './response.ts';
import { detectContentType, sniffLen } from './sniff.ts';
import { utf8Length } from './utf8.ts';
import { httpDate } from './wire.ts';

/** Body bytes an HTTP/2 response buffers before its HEADERS frame must go. Go: 4 KiB. */
export const h2BufferSize: number = 4 << 10;

const encoder = new TextEncoder();

// Connection-specific fields HTTP/2 forbids (RFC 9113 §8.2.2); node:http2 throws on them, Go
// drops them when it encodes the header (`encodeHeaders` in h2_bundle.go).
const connectionFields = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
]);

/** What the writer needs from the stream's owner. */
export interface H2StreamOwner {
  /** Where errors are logged (`http2: …`). */
  logf(message: string): void;
  /** Called with `Connection: close`: Go starts a graceful shutdown of the connection. */
  closeAfterStream(): void;
  /** Sets a deadline for reading the request body (epoch ms, 0 clears it). */
  setReadDeadline(at: number): void;
  /** Sets a deadline for writing the response (epoch ms, 0 clears it). */
  setWriteDeadline(at: number): void;
  /** The final HEADERS frame is about to go out. */
  finalResponse(): void;
}

/**
 * Writes one response on an HTTP/2 stream. Created by the server per stream; not for direct use.
 * Implements {@link Flusher} and {@link DeadlineSetter}; not `Hijacker` (HTTP/2 has no
 * connection to hand over: `ResponseController.hijack()` throws `ErrNotSupported`, as Go's does).
 */
export class H2ResponseWriter implements ResponseWriter, Flusher, DeadlineSetter, HeaderBorrower {
  readonly #stream: ServerHttp2Stream;
  readonly #owner: H2StreamOwner;
  readonly #head: boolean;
  #header: Header | undefined;
  // The header as it was at writeHeader: the live one, lent (see lendHeader), until the handler
  // changes it before the HEADERS frame is out; then the copy it got back.
  #snap: Header | undefined;
  #status = 0;
  #sentHeader = false;
  #ended = false;
  // The buffered body: most responses are one write, kept as it is; an array only past that.
  #one: Part | undefined;
  #more: Part[] | undefined;
  #buffered = 0;
  #declared = -1;
  #written = 0;
  // Shared and empty until a trailer is declared: most responses have none.
  #trailers: string[] = noTrailers;
  #handlerDone = false;
  #waitTrailers = false;
  #overflowed = false;
  /** Set when the stream closed or was reset: writes are dropped from then on. */
  gone = false;

  /** Wraps `stream` for a request with method `method`. */
  constructor(stream: ServerHttp2Stream, owner: H2StreamOwner, method: string) {
    this.#stream = stream;
    this.#owner = owner;
    this.#head = method === 'HEAD';
  }

  /** The header to send. Go: `ResponseWriter.Header`. */
  header(): Header {
    this.#header ??= new Header();
    return this.#header;
  }

  /**
   * For {@link Header} only: the handler changed the header after writeHeader and before the
   * HEADERS frame left, so the frame is built from this copy (Go clones at WriteHeader).
   */
  headerLoanReturned(before: Header): void {
    this.#snap = before;
  }

  /** Whether a final status was recorded (1xx excluded). */
  get wroteHeader(): boolean {
    return this.#status !== 0;
  }

  /**
   * Records the final status and a snapshot of the header, or sends a 1xx informational
   * response at once (103 Early Hints with the current header, as Go 1.19+ does). A second final
   * status is logged and ignored. Go: `http2responseWriter.WriteHeader`.
   * @throws {RangeError} for a code outside 100–999.
   */
  writeHeader(code: number): void {
    checkWriteHeaderCode(code);
    if (this.#status !== 0) {
      this.#owner.logf('http2: superfluous response.WriteHeader call');
      return;
    }
    if (code >= 100 && code <= 199 && code !== 101) {
      if (this.gone) return;
      const h: Record<string, string | string[]> = { ':status': String(code) };
      if (this.#header !== undefined) addFields(h, this.#header, false);
      try {
        this.#stream.additionalHeaders(h);
      } catch (err) {
        this.#owner.logf(`http2: informational response: ${String(err)}`);
      }
      return;
    }
    this.#status = code;
    const h = this.#header;
    if (h !== undefined && h.size > 0) {
      this.#snap = h;
      lendHeader(h, this);
    }
  }

  /**
   * Writes body bytes (a string as UTF-8). Returns a promise only while the stream cannot take
   * more (the peer's flow-control window is closed); it resolves when it can, or when the
   * stream is gone. Go: `http2responseWriter.Write`.
   * @throws {ErrBodyNotAllowed} for a status without a body; {@link ErrContentLength} past a
   * declared `Content-Length`.
   */
  write(chunk: string | Uint8Array): void | Promise<void> {
    if (this.#status === 0) this.writeHeader(200);
    if (!bodyAllowedForStatus(this.#status)) throw ErrBodyNotAllowed;
    // Text stays text: node:http2 takes strings and encodes them natively, so a string body is
    // never encoded here (that was a tenth of a 64 KiB response's cost on Bun).
    if (chunk.length === 0) return;
    const cl = this.#sentHeader ? '' : first(this.#snap, 'Content-Length');
    // The exact UTF-8 size of text is a pass over it (Node 20: about 10 µs for 64 KiB, an eighth
    // of such a response). It is needed only against a declared Content-Length, or while the
    // body may still fit the buffer (its size becomes the Content-Length); otherwise the
    // length in code units, a lower bound, tells all the rest does: that the buffer overflows.
    const n =
      typeof chunk !== 'string'
        ? chunk.length
        : this.#declared >= 0 || cl !== '' || this.#buffered + chunk.length <= h2BufferSize
          ? utf8Length(chunk)
          : chunk.length;
    this.#written += n;
    if (this.#declared >= 0 && this.#written > this.#declared) throw ErrContentLength;
    if (!this.#sentHeader) {
      if (cl !== '' && /^\d+$/.test(cl) && this.#written > Number(cl)) throw ErrContentLength;
      if (this.#one === undefined) this.#one = chunk;
      else (this.#more ??= []).push(chunk);
      this.#buffered += n;
      if (this.#buffered <= h2BufferSize) return;
      // A second write before the microtask: commit now, so writes meet backpressure.
      if (this.#overflowed) return this.#commit();
      // Past the buffer Go sends the header now, without Content-Length. The same goes out a
      // microtask later: a handler that returns first has its header, body and END_STREAM
      // handed to the stream in one call (Bun's http2 pays per call), and one that awaits this
      // write gets the header out before its next write.
      this.#overflowed = true;
      queueMicrotask(() => {
        if (!this.#handlerDone) void this.#commit();
      });
      return;
    }
    return this.#send(chunk);
  }

  /** Sends the header and whatever is buffered now. Go: `http2responseWriter.Flush`. */
  flush(): void | Promise<void> {
    if (this.#status === 0) this.writeHeader(200);
    return this.#commit();
  }

  /** Go: `SetReadDeadline` through `ResponseController` (Go 1.20 for HTTP/2). */
  setReadDeadline(deadline: Date | number): void {
    this.#owner.setReadDeadline(typeof deadline === 'number' ? deadline : deadline.getTime());
  }

  /** Go: `SetWriteDeadline` through `ResponseController`. */
  setWriteDeadline(deadline: Date | number): void {
    this.#owner.setWriteDeadline(typeof deadline === 'number' ? deadline : deadline.getTime());
  }

  /** Server: the handler returned; send what is left and end the stream. Never throws. */
  finish(): void {
    this.#handlerDone = true;
    if (this.#status === 0) this.#status = 200;
    try {
      void this.#commit();
      if (!this.#ended && !this.gone) this.#end();
    } catch (err) {
      this.#owner.logf(`http2: finishing response: ${String(err)}`);
    }
  }

  /** Whether the response has started (a status was sent), for the 500 a failed handler gets. */
  get committed(): boolean {
    return this.#sentHeader;
  }

  // Sends the HEADERS frame (once), then the buffered body. Go: writeChunk.
  #commit(): void | Promise<void> {
    const size = this.#buffered;
    const body = this.#takeBuffer();
    if (this.#sentHeader) return size > 0 ? this.#send(body) : undefined;
    this.#sentHeader = true;
    if (this.gone) return;
    this.#owner.finalResponse();
    const snap = this.#snap;
    // The frame is built now: the header is the handler's again.
    if (snap !== undefined && snap === this.#header) lendHeader(snap, undefined);
    const status = this.#status;
    const h: Record<string, string | string[]> = { ':status': String(status) };
    let clen = first(snap, 'Content-Length');
    if (clen !== '') {
      if (/^\d+$/.test(clen)) this.#declared = Number(clen);
      else clen = '';
    }
    const allowed = bodyAllowedForStatus(status);
    const known = this.#handlerDone && !this.#overflowed;
    if (clen === '' && known && allowed && (size > 0 || !this.#head)) clen = String(size);
    if (
      allowed &&
      size > 0 &&
      first(snap, 'Content-Type') === '' &&
      first(snap, 'Content-Encoding') === ''
    ) {
      h['content-type'] = sniff(body);
    }
    if (snap === undefined || fieldValues(snap, 'Date') === undefined) h.date = httpDate();
    if (snap !== undefined) {
      for (const v of fieldValues(snap, 'Trailer') ?? []) this.#declareTrailers(v);
      const conn = first(snap, 'Connection');
      if (conn.toLowerCase() === 'close') this.#owner.closeAfterStream();
      addFields(h, snap, true);
    }
    if (clen !== '') h['content-length'] = clen;
    if (this.#handlerDone) this.#promoteTrailers();
    const endStream =
      (this.#handlerDone && this.#trailers.length === 0 && size === 0) || this.#head || !allowed;
    try {
      this.#stream.respond(h, {
        endStream,
        waitForTrailers: !endStream && this.#wantsTrailers(),
      });
    } catch (err) {
      this.#owner.logf(`http2: writing response header: ${String(err)}`);
      this.gone = true;
      return;
    }
    if (endStream) {
      this.#ended = true;
      return;
    }
    // The whole response at once: the body and END_STREAM in one DATA frame.
    const whole = this.#declared < 0 || this.#written >= this.#declared;
    if (this.#handlerDone && !this.#waitTrailers && size > 0 && whole) {
      this.#ended = true;
      this.#stream.end(body);
      return;
    }
    if (size > 0) return this.#send(body);
  }

  // Trailers are possible when declared before the header went out, or (Go's TrailerPrefix)
  // while the handler runs and may still add `Trailer:` keys: then the stream waits for them.
  // A response committed when its handler is done knows it has none and ends plainly.
  #wantsTrailers(): boolean {
    this.#waitTrailers = this.#trailers.length > 0 || !this.#handlerDone;
    return this.#waitTrailers;
  }

  // The buffered body as one part: text joined as text, anything else as one byte array.
  #takeBuffer(): Part {
    const one = this.#one;
    if (one === undefined) return emptyBytes;
    const more = this.#more;
    this.#one = undefined;
    this.#more = undefined;
    this.#buffered = 0;
    if (more === undefined) return one;
    const parts = [one, ...more];
    let text = true;
    for (const p of parts) if (typeof p !== 'string') text = false;
    if (text) return parts.join('');
    // Sized from the encoded parts: #buffered may count a long text in code units (see write).
    const bytes = parts.map((p) => (typeof p === 'string' ? encoder.encode(p) : p));
    let n = 0;
    for (const b of bytes) n += b.length;
    const out = new Uint8Array(n);
    let at = 0;
    for (const b of bytes) {
      out.set(b, at);
      at += b.length;
    }
    return out;
  }

  #send(bytes: Part): void | Promise<void> {
    if (this.gone || this.#ended || this.#head) return;
    const s = this.#stream;
    if (s.destroyed || s.closed) {
      this.gone = true;
      return;
    }
    if (s.write(bytes)) return;
    return new Promise((resolve) => {
      const done = (): void => {
        s.off('drain', done);
        s.off('close', done);
        resolve();
      };
      s.on('drain', done);
      s.on('close', done);
    });
  }

  #end(): void {
    this.#ended = true;
    const s = this.#stream;
    if (s.destroyed || s.closed) return;
    if (this.#declared >= 0 && this.#written < this.#declared && !this.#head) {
      // A short body must not look complete: reset the stream, as Go's h2 server does when the
      // handler wrote less than it declared.
      resetInternal(s);
      return;
    }
    if (!this.#waitTrailers) {
      s.end();
      return;
    }
    this.#promoteTrailers();
    const trailers = this.#trailerFields();
    if (trailers === undefined) {
      // No trailer to send: answer the wait with an empty set, which node turns into a plain
      // END_STREAM on the last DATA frame.
      s.once('wantTrailers', () => {
        try {
          s.sendTrailers({});
        } catch {
          // The stream ended meanwhile.
        }
      });
    } else {
      s.once('wantTrailers', () => {
        try {
          s.sendTrailers(trailers);
        } catch (err) {
          this.#owner.logf(`http2: writing trailers: ${String(err)}`);
        }
      });
    }
    s.end();
  }

  #declareTrailers(v: string): void {
    for (const part of v.split(',')) {
      const name = part.trim();
      if (name === '') continue;
      const k = canonicalHeaderKey(name);
      if (!validTrailerHeader(k) || k.startsWith('If-')) {
        this.#owner.logf(`http2: ignoring invalid trailer "${k}"`);
        continue;
      }
      if (this.#trailers.includes(k)) continue;
      if (this.#trailers === noTrailers) this.#trailers = [];
      this.#trailers.push(k);
    }
  }

  // Go: promoteUndeclaredTrailers — `Trailer:Name` keys set in the live header map become
  // trailers named Name.
  #promoteTrailers(): void {
    const h = this.#header;
    if (h === undefined) return;
    let any = false;
    for (const k of headerNames(h)) if (k.startsWith(TrailerPrefix)) any = true;
    if (!any) return;
    for (const [k, vs] of h) {
      if (!k.startsWith(TrailerPrefix)) continue;
      const name = canonicalHeaderKey(k.slice(TrailerPrefix.length));
      this.#declareTrailers(name);
      if (this.#trailers.includes(name)) {
        h.delete(name);
        for (const v of vs) h.add(name, v);
      }
    }
    this.#trailers.sort();
  }

  #trailerFields(): Record<string, string | string[]> | undefined {
    const h = this.#header;
    if (h === undefined || this.#trailers.length === 0) return undefined;
    const out: Record<string, string | string[]> = {};
    let any = false;
    for (const k of this.#trailers) {
      const vs = h.values(k);
      if (vs.length === 0) continue;
      out[k.toLowerCase()] = vs.length === 1 ? (vs[0] as string) : [...vs];
      any = true;
    }
    return any ? out : undefined;
  }
}

const emptyBytes = new Uint8Array(0);

// The trailer list of every response that declares none; never written to.
const noTrailers: string[] = [];

type Part = string | Uint8Array;

// The sniffed Content-Type of a body's first bytes; text is encoded only as far as sniffing
// reads (512 bytes need at most 512 code units).
function sniff(body: Part): string {
  if (typeof body !== 'string') return detectContentType(body.subarray(0, sniffLen));
  const bytes = encoder.encode(body.length > sniffLen ? body.slice(0, sniffLen) : body);
  return detectContentType(bytes.subarray(0, sniffLen));
}

/**
 * Sends RST_STREAM with INTERNAL_ERROR (Go: `handlerPanicRST`, a write timeout, a short body).
 * Through `destroy(err)`, which both runtimes turn into that code: Bun 1.4.5's `close(code)`
 * on a stream that has sent nothing emits an empty DATA frame instead, and the client then
 * fails the whole connection ("stream not opened").
 */
export function resetInternal(stream: ServerHttp2Stream): void {
  if (!stream.closed && !stream.destroyed) stream.destroy(new Error('http2: stream reset'));
}

// The first value of a canonical field, '' when absent (Go's Header.Get).
function first(h: Header | undefined, canonicalKey: string): string {
  return h === undefined ? '' : (fieldValues(h, canonicalKey)?.[0] ?? '');
}

// Lower-case field names as the response heads use them: the same few names come back on every
// response, and lowering each anew was a string per field per response.
const lowerNames = new Map<string, string>();

function lower(name: string): string {
  let l = lowerNames.get(name);
  if (l === undefined) {
    l = name.toLowerCase();
    // Bounded: names a handler makes up per request must not grow it without end.
    if (lowerNames.size >= 512) lowerNames.clear();
    lowerNames.set(name, l);
  }
  return l;
}

// Copies a header into node's field object: lower-case names, several values as an array,
// HTTP/2's forbidden connection fields and `Trailer:` keys left out, and Content-Length too
// when the caller sets it itself (`final`).
function addFields(out: Record<string, string | string[]>, h: Header, final: boolean): void {
  const names = headerNames(h);
  const values = headerValues(h);
  for (let i = 0; i < names.length; i++) {
    const k = names[i] as string;
    const vs = values[i] as readonly string[];
    if (vs.length === 0 || k.startsWith(TrailerPrefix)) continue;
    const name = lower(k);
    if (connectionFields.has(name) || (final && name === 'content-length')) continue;
    if (name === 'te' && !(vs.length === 1 && vs[0] === 'trailers')) continue;
    out[name] = vs.length === 1 ? (vs[0] as string) : [...vs];
  }
}
