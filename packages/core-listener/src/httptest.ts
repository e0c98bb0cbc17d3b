/**
 * In-memory test helpers, like Go's `net/http/httptest`: build a {@link Request} with
 * {@link newRequest}, hand it to a handler with a {@link ResponseRecorder}, and inspect
 * {@link ResponseRecorder.result}.
 *
 * The recorder follows the server's rules rather than Go's simpler recorder where the two differ,
 * so that a test passing here means the same bytes on the wire: the header is snapshotted at
 * `writeHeader` (or the first `write`); `Content-Type` is sniffed from the first 512 bytes of what
 * is buffered when the response is committed (by `flush`, by outgrowing the 2048-byte buffer, or
 * by the end of the handler), and not at all for an empty body; 1xx responses are recorded one
 * by one; a body written under a status that forbids one throws {@link ErrBodyNotAllowed}.
 */
import { Context } from './context.ts';
import { ErrBodyNotAllowed } from './errors.ts';
import { appendTrusted, canonicalHeaderKey, Header, TrailerPrefix } from './header.ts';
import { type BodyInit, Request } from './request.ts';
import {
  bodyAllowedForStatus,
  checkWriteHeaderCode,
  type Flusher,
  type ResponseWriter,
  validTrailerHeader,
} from './response.ts';
import { detectContentType, sniffLen } from './sniff.ts';
import { statusText } from './status.ts';
import { parseRequestURI } from './url.ts';

export { testCertificate, testKey } from './testcert.ts';
export { startTestServer, type TestServer, type TestServerOptions } from './testserver.ts';

/** The client address `newRequest` gives its requests (TEST-NET-1). Go: the same value. */
export const DefaultRemoteAddr = '192.0.2.1:1234';

/**
 * How much body the server buffers before it must commit the header and switch to chunked
 * framing. Go: `bufferBeforeChunkingSize`.
 */
export const bufferBeforeChunkingSize = 2048;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Returns a new incoming server request, for passing straight to a handler in a test.
 * Go: `httptest.NewRequest`.
 *
 * `target` is a path (`/a?b`), `*`, or an absolute URL; with an absolute URL the host comes from
 * it (and `https:` marks the request as TLS), otherwise the host is `example.com`. The protocol is
 * HTTP/1.1 and the remote address {@link DefaultRemoteAddr}. A string or byte body sets
 * `contentLength`; `method` defaults to `GET` when empty.
 *
 * @throws {TypeError} for a method that is not a token; {@link URLError} for a malformed target.
 */
export function newRequest(method: string, target: string, body?: BodyInit | null): Request {
  const m = method === '' ? 'GET' : method;
  const url = parseRequestURI(target, m === 'CONNECT');
  // Like Go, the Host goes in `host`, not in the header map.
  const header = new Header();
  const host = url.host !== '' ? url.host : 'example.com';
  const init = {
    method: m,
    target,
    url,
    header,
    host,
    remoteAddr: DefaultRemoteAddr,
    body: body ?? null,
    context: Context.background(),
    ...(url.scheme === 'https' ? { tls: { version: 'TLSv1.3', serverName: url.host } } : {}),
  };
  return new Request(init);
}

/** One informational (1xx) response, as it went out before the final one. */
export interface InformationalResponse {
  /** The 1xx status code. */
  readonly code: number;
  /** The header fields sent with it (a snapshot). */
  readonly header: Header;
}

/** The response a handler produced, as the client would see it. Go: `*http.Response`. */
export interface RecordedResponse {
  /** Status code; 200 when the handler wrote nothing. */
  readonly statusCode: number;
  /** `"200 OK"`, Go's `Response.Status`. */
  readonly status: string;
  /** The header as it was when the response was committed. */
  readonly header: Header;
  /** The body bytes. */
  readonly body: Uint8Array;
  /** Trailer fields: declared in `Trailer` or set with the `Trailer:` prefix. */
  readonly trailer: Header;
  /** The declared `Content-Length`, or -1. */
  readonly contentLength: number;
}

/**
 * A {@link ResponseWriter} that records what a handler does, for tests.
 * Go: `httptest.ResponseRecorder`, with the server's commit and sniffing rules (see the module
 * doc). It implements {@link Flusher}.
 */
export class ResponseRecorder implements ResponseWriter, Flusher {
  /** The status code; 200 until the handler says otherwise. Go: `Code`. */
  code = 200;
  /** Whether the handler called `flush()`. Go: `Flushed`. */
  flushed = false;
  /** How many times the handler called `flush()`. */
  flushCount = 0;
  /** The 1xx responses sent before the final one, in order. */
  readonly informational: InformationalResponse[] = [];
  /** Messages the server would have logged (a superfluous `writeHeader`, …). */
  readonly warnings: string[] = [];

  #header = new Header();
  #snapshot: Header | undefined;
  #wroteHeader = false;
  #committed = false;
  #chunks: Uint8Array[] = [];
  #size = 0;
  #result: RecordedResponse | undefined;

  /** The live header map the handler mutates. Go: `Header()`. */
  header(): Header {
    return this.#header;
  }

  /** Records the status and snapshots the header; 1xx codes are recorded as informational. */
  writeHeader(code: number): void {
    checkWriteHeaderCode(code);
    if (this.#wroteHeader) {
      this.warnings.push(`http: superfluous response.writeHeader call (status ${code})`);
      return;
    }
    if (code >= 100 && code <= 199 && code !== 101) {
      const h = this.#header.clone();
      h.delete('Content-Length');
      h.delete('Transfer-Encoding');
      this.informational.push({ code, header: h });
      return;
    }
    this.code = code;
    this.#wroteHeader = true;
    this.#snapshot = this.#header.clone();
  }

  /** Appends to the body, writing a 200 header first if needed. */
  write(chunk: string | Uint8Array): void {
    if (!this.#wroteHeader) this.writeHeader(200);
    if (!bodyAllowedForStatus(this.code)) throw ErrBodyNotAllowed;
    const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
    if (bytes.length === 0) return;
    // The server owns what it buffers; copy so a caller reusing its buffer can't rewrite history.
    this.#chunks.push(bytes.slice());
    this.#size += bytes.length;
    if (!this.#committed && this.#size > bufferBeforeChunkingSize) this.#commit();
  }

  /** Commits the header and marks the response flushed. Go: `Flush`. */
  flush(): void {
    if (!this.#wroteHeader) this.writeHeader(200);
    this.#commit();
    this.flushed = true;
    this.flushCount++;
  }

  // The server decides Content-Type when the header goes out, from what is buffered then.
  #commit(): void {
    if (this.#committed) return;
    this.#committed = true;
    const snap = (this.#snapshot ??= this.#header.clone());
    if (
      !snap.has('Content-Type') &&
      snap.get('Transfer-Encoding') === '' &&
      bodyAllowedForStatus(this.code) &&
      this.#size > 0
    ) {
      snap.set('Content-Type', detectContentType(this.#head(sniffLen)));
    }
  }

  #head(n: number): Uint8Array {
    const first = this.#chunks[0];
    if (first !== undefined && first.length >= Math.min(n, this.#size)) {
      return first.subarray(0, n);
    }
    return this.body.subarray(0, n);
  }

  /** Every body byte written so far. */
  get body(): Uint8Array {
    if (this.#chunks.length === 1) return this.#chunks[0] as Uint8Array;
    const out = new Uint8Array(this.#size);
    let at = 0;
    for (const c of this.#chunks) {
      out.set(c, at);
      at += c.length;
    }
    this.#chunks = this.#size === 0 ? [] : [out];
    return out;
  }

  /** The body decoded as UTF-8. Go: `Body.String()`. */
  text(): string {
    return decoder.decode(this.body);
  }

  /**
   * The response as a client receives it. Call it after the handler has finished: it commits the
   * header, as the end of the handler does on the server. Go: `Result`.
   */
  result(): RecordedResponse {
    if (this.#result !== undefined) return this.#result;
    if (!this.#wroteHeader) {
      this.#wroteHeader = true;
      this.#snapshot = this.#header.clone();
    }
    this.#commit();
    const snap = this.#snapshot as Header;
    const header = new Header();
    for (const [k, vs] of snap) {
      if (!k.startsWith(TrailerPrefix)) for (const v of vs) appendTrusted(header, k, v);
    }
    const trailer = new Header();
    for (const declared of snap.values('Trailer')) {
      for (const part of declared.split(',')) {
        const k = canonicalHeaderKey(part.trim());
        if (k === '' || !validTrailerHeader(k)) continue;
        for (const v of this.#header.values(k)) appendTrusted(trailer, k, v);
      }
    }
    for (const [k, vs] of this.#header) {
      if (!k.startsWith(TrailerPrefix)) continue;
      const name = k.slice(TrailerPrefix.length);
      if (!validTrailerHeader(name)) continue;
      for (const v of vs) appendTrusted(trailer, name, v);
    }
    const cl = header.get('Content-Length').trim();
    this.#result = {
      statusCode: this.code,
      status: `${this.code} ${statusText(this.code)}`.trimEnd(),
      header,
      body: this.body,
      trailer,
      contentLength: /^\d+$/.test(cl) ? Number(cl) : -1,
    };
    return this.#result;
  }
}
