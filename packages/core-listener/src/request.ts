/**
 * `Request`: an HTTP request as a handler receives it. Go: `*http.Request`.
 *
 * Cost model: the server builds one per request on the hot path, so the constructor only stores
 * what it is given. The parsed URL, the host fallback and the path-value table are built on first
 * use; a handler that never touches `r.url` never pays for URL parsing.
 */
import { isToken } from '@servehttp/http-parser';
import { Context } from './context.ts';
import { ErrBodyReadAfterClose } from './errors.ts';
import { appendTrusted, canonicalHeaderKey, Header, type HeaderInit } from './header.ts';
import { parseRequestURI, RequestURL } from './url.ts';

/**
 * What a request body can be made of: text (sent as UTF-8), bytes, a web stream or any async
 * iterable of byte chunks (such as a Node stream).
 */
export type BodyInit =
  | string
  | Uint8Array
  | ArrayBuffer
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>;

/** TLS facts about the connection a request came on. Go: `*tls.ConnectionState` (a subset). */
export interface TLSInfo {
  /** Negotiated protocol version, such as `TLSv1.3`. */
  readonly version?: string;
  /** The SNI server name the client asked for. */
  readonly serverName?: string;
  /** The ALPN protocol agreed on, such as `http/1.1` or `h2`. */
  readonly negotiatedProtocol?: string;
  /** The cipher suite, by its IANA name (`TLS_AES_128_GCM_SHA256`). */
  readonly cipherSuite?: string;
}

/** The fields a {@link Request} is built from. Only `target` is required. */
export interface RequestInit {
  /** Request method; default `GET`. Must be a token (RFC 9110 §9.1). */
  method?: string;
  /** The request-target exactly as on the request line: `/path?q`, `*`, `http://h/p`, `h:443`. */
  target: string;
  /** An already-parsed target; when absent `target` is parsed on first access of `url`. */
  url?: RequestURL;
  /** Protocol version; default `HTTP/1.1`. */
  proto?: string;
  /** Request header; a `Header` is used as is, anything else is copied and validated. */
  header?: Header | HeaderInit;
  /**
   * For servers and adapters: the header as received, a flat `[name, value, …]` list already
   * checked by a parser against the same grammar. It becomes `header` only when first read, so
   * a handler that never looks at the header never pays for canonical keys and a map.
   */
  rawHeader?: readonly string[];
  /**
   * For servers: the fields of the head as a parser holds them (http-parser's `HeadFields`),
   * decoded only when `header` or `host` is first read. As in Go's server (`conn.readRequest`
   * deletes it), the `Host` field becomes `host` and is left out of `header`.
   */
  fields?: RequestFields;
  /** Host the request is for; default: the target's host, else the `Host` header. */
  host?: string;
  /** Network address of the client, `ip:port`. */
  remoteAddr?: string;
  /** The body; `null`/absent for none. */
  body?: BodyInit | null;
  /** Declared body length; -1 when unknown. Default: the length of an in-memory body, else -1. */
  contentLength?: number;
  /** Trailer fields, filled in once a chunked body has been read. */
  trailer?: Header;
  /** Whether the connection closes after this request (`Connection: close`). */
  close?: boolean;
  /** TLS facts, when the request came over TLS. */
  tls?: TLSInfo;
  /**
   * The request's context, or a provider asked for it on first use (a server makes the
   * cancellable context only for handlers that look at it); default `Context.background()`.
   */
  context?: Context | ContextProvider;
}

/** A parsed head's fields, decoded on demand. For servers; http-parser's `HeadFields` is one. */
export interface RequestFields {
  /** Number of fields, duplicates counted. */
  readonly count: number;
  /** Index of the `Host` field, -1 when there is none. */
  readonly hostIndex: number;
  /** Name of field `i`, canonical as `Header` keys it. */
  canonicalName(i: number): string;
  /** Value of field `i`, already validated. */
  value(i: number): string;
}

/** Supplies a request's context on first use. For servers and adapters. */
export interface ContextProvider {
  /** Returns the context for the request; called at most once. */
  provideContext(): Context;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const emptyBytes = new Uint8Array(0);
const noPathValues: readonly string[] = Object.freeze([]);

type BodySource = Uint8Array | AsyncIterable<Uint8Array> | null;

// One per body, shared by a request and its `withContext`/`clone` copies: they read the same
// bytes, so reading through one uses it up for all (Go's copies share one `Body` reader).
interface BodyState {
  src: BodySource;
  used: boolean;
  stream: ReadableStream<Uint8Array> | undefined;
}

// The header and trailer of a request and of its shallow copies (Go's copies share one Header
// map and one Trailer map), each built on first read: most handlers read neither.
interface HeaderCell {
  header: Header | undefined;
  trailer: Header | undefined;
  fields: RequestFields | undefined;
  raw: readonly string[] | undefined;
}

function buildHeader(c: HeaderCell): Header {
  const h = new Header();
  const f = c.fields;
  if (f !== undefined) {
    for (let i = 0; i < f.count; i++) {
      if (i !== f.hostIndex) appendTrusted(h, f.canonicalName(i), f.value(i));
    }
  } else if (c.raw !== undefined) {
    const raw = c.raw;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      appendTrusted(h, canonicalHeaderKey(raw[i] as string), raw[i + 1] as string);
    }
  }
  c.header = h;
  c.raw = undefined;
  return h;
}

// Shared by every request without a body: with no source, nothing ever changes it.
const noBody: BodyState = { src: null, used: false, stream: undefined };

function toSource(body: BodyInit | null | undefined): BodySource {
  if (body === undefined || body === null) return null;
  if (typeof body === 'string') return encoder.encode(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (typeof (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function') {
    return body as AsyncIterable<Uint8Array>;
  }
  if (typeof (body as ReadableStream<Uint8Array>).getReader === 'function') {
    return streamChunks(body as ReadableStream<Uint8Array>);
  }
  throw new TypeError(
    `http: request body must be a string, Uint8Array, ArrayBuffer, ReadableStream or AsyncIterable, got ${Object.prototype.toString.call(body)}`,
  );
}

async function* streamChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * An HTTP request received by a server (or built by `newRequest` in tests). Go: `http.Request`.
 *
 * The body can be consumed once, by exactly one of `bytes()`, `text()`, `json()`,
 * `arrayBuffer()`, `body` or `for await`; a second read throws {@link ErrBodyReadAfterClose}.
 * A request without a body reads as empty any number of times.
 */
export class Request {
  /** The method, such as `GET`; case-sensitive, as on the wire. */
  method: string;
  /** The unmodified request-target of the request line. Go: `Request.RequestURI`. */
  readonly requestURI: string;
  /** `HTTP/1.1` or `HTTP/1.0` (or `HTTP/2.0`). */
  proto: string;
  #cell: HeaderCell;
  /** The client's network address, `ip:port`. */
  remoteAddr: string;
  /** Declared body length in bytes; -1 when unknown (chunked or none declared). */
  contentLength: number;
  /** True when the connection will close after this request. Go: `Request.Close`. */
  close: boolean;
  /** TLS facts, or `undefined` for plain TCP. Go: `Request.TLS`. */
  tls: TLSInfo | undefined;
  /**
   * The pattern that matched, set by a router (`GET /items/{id}`); `''` before routing.
   * Go: `Request.Pattern`.
   */
  pattern = '';

  #url: RequestURL | undefined;
  #host: string | undefined;
  #ctx: Context | undefined;
  #ctxProvider: ContextProvider | undefined;
  #body: BodyState;
  // Go keeps the matched pattern's values (`pat`, `matches`) apart from the ones set under other
  // names (`otherValues`): a router replaces the first pair whole, so a ServeMux inside another
  // sees its own match only, while values set by middleware stay.
  #matchNames: readonly string[] = noPathValues;
  #matches: readonly string[] = noPathValues;
  #pathNames: readonly string[] = noPathValues;
  #pathValues: readonly string[] = noPathValues;

  /**
   * Builds a request. Throws `TypeError` for a method that is not a token or an unusable body.
   */
  constructor(init: RequestInit) {
    const method = init.method ?? 'GET';
    if (!isToken(method)) {
      throw new TypeError(
        `http: invalid method ${JSON.stringify(method)}: a method must be a token`,
      );
    }
    this.method = method;
    this.requestURI = init.target;
    this.#url = init.url;
    this.proto = init.proto ?? 'HTTP/1.1';
    const h = init.header;
    this.#cell = {
      header: h === undefined || h instanceof Header ? h : new Header(h),
      trailer: init.trailer,
      fields: h === undefined ? init.fields : undefined,
      raw: h === undefined && init.fields === undefined ? init.rawHeader : undefined,
    };
    this.#host = init.host;
    this.remoteAddr = init.remoteAddr ?? '';
    const src = toSource(init.body);
    this.#body = src === null ? noBody : { src, used: false, stream: undefined };
    // Go: 0 for no body, the length of an in-memory one, -1 (unknown) for a stream.
    this.contentLength =
      init.contentLength ?? (src === null ? 0 : src instanceof Uint8Array ? src.length : -1);
    this.close = init.close ?? false;
    this.tls = init.tls;
    const ctx = init.context;
    if (ctx instanceof Context || ctx === undefined) this.#ctx = ctx;
    else this.#ctxProvider = ctx;
  }

  /** The request header. Go: `Request.Header`. */
  get header(): Header {
    const c = this.#cell;
    return c.header ?? buildHeader(c);
  }

  /** Replaces this request's header; shallow copies made before keep the old one, as in Go. */
  set header(h: Header) {
    // The received Host lives only in the fields: take it before they go.
    if (this.#cell.fields !== undefined) void this.host;
    this.#cell = { header: h, trailer: this.trailer, fields: undefined, raw: undefined };
  }

  /** Trailer fields, known after a chunked body has been read to the end. Go: `Request.Trailer`. */
  get trailer(): Header {
    const c = this.#cell;
    c.trailer ??= new Header();
    return c.trailer;
  }

  /** Replaces this request's trailer map; shallow copies made before keep the old one. */
  set trailer(t: Header) {
    const c = this.#cell;
    this.#cell = { header: this.header, trailer: t, fields: c.fields, raw: undefined };
  }

  /**
   * The parsed request-target, built on first access. Go: `Request.URL`.
   * @throws {URLError} when the target was never validated and is malformed.
   */
  get url(): RequestURL {
    this.#url ??= parseRequestURI(this.requestURI, this.method === 'CONNECT');
    return this.#url;
  }

  /** Replaces the parsed URL (a router rewriting the path, say); `requestURI` stays as sent. */
  set url(u: RequestURL) {
    this.#url = u;
  }

  /**
   * The host the request is for: the host of an absolute-form target, else the `Host` header,
   * possibly with a port. Go: `Request.Host`.
   */
  get host(): string {
    if (this.#host === undefined) {
      const fromTarget = this.requestURI.charCodeAt(0) === 0x2f ? '' : this.url.host;
      const f = this.#cell.fields;
      this.#host =
        fromTarget !== ''
          ? fromTarget
          : f !== undefined
            ? f.hostIndex < 0
              ? ''
              : f.value(f.hostIndex)
            : this.header.get('Host');
    }
    return this.#host;
  }

  /** Replaces the host the request is for (Go handlers assign `r.Host` the same way). */
  set host(h: string) {
    this.#host = h;
  }

  /** Major protocol version (1 for HTTP/1.1). */
  get protoMajor(): number {
    return this.proto.charCodeAt(5) - 0x30;
  }

  /** Minor protocol version (1 for HTTP/1.1). */
  get protoMinor(): number {
    return this.proto.charCodeAt(7) - 0x30;
  }

  /** Reports whether the protocol is at least `major.minor`. Go: `Request.ProtoAtLeast`. */
  protoAtLeast(major: number, minor: number): boolean {
    const m = this.protoMajor;
    return m > major || (m === major && this.protoMinor >= minor);
  }

  /** The request's context: values, deadline, and a signal that aborts when the client leaves. */
  context(): Context {
    if (this.#ctx === undefined) {
      const p = this.#ctxProvider;
      this.#ctxProvider = undefined;
      this.#ctx = p === undefined ? Context.background() : p.provideContext();
    }
    return this.#ctx;
  }

  /**
   * A shallow copy whose context is `ctx`; the body, header and URL are shared. Use it to pass
   * values down a middleware chain. Go: `Request.WithContext`.
   */
  withContext(ctx: Context): Request {
    if (!(ctx instanceof Context)) {
      throw new TypeError('http: Request.withContext: ctx must be a Context');
    }
    const r = this.#copy(this.#cell, this.#url, ctx);
    return r;
  }

  /**
   * A shallow copy (like {@link Request.withContext}) whose body is `body` — a size-limited or
   * decoded reader wrapped around the original, say. Path values, pattern, header and context
   * carry over; `contentLength` is -1 (unknown) unless given. Go: assigning `r.Body`.
   * @throws {TypeError} for a body of an unsupported type.
   */
  withBody(body: BodyInit | null, contentLength?: number): Request {
    const r = this.#copy(this.#cell, this.#url, this.context());
    const src = toSource(body);
    r.#body = src === null ? noBody : { src, used: false, stream: undefined };
    r.contentLength =
      contentLength ?? (src === null ? 0 : src instanceof Uint8Array ? src.length : -1);
    return r;
  }

  /**
   * A deep copy (header, trailer, path values) with context `ctx`; the body stays shared, as in
   * Go: `Request.Clone`.
   */
  clone(ctx: Context = this.context()): Request {
    const u = this.#url;
    // A fresh URL object, so the copy's cached query() is its own (Go deep-copies URL).
    const url = u === undefined ? undefined : new RequestURL(u);
    const cell: HeaderCell = {
      header: this.header.clone(),
      trailer: this.trailer.clone(),
      fields: this.#cell.fields,
      raw: undefined,
    };
    return this.#copy(cell, url, ctx);
  }

  #copy(cell: HeaderCell, url: RequestURL | undefined, ctx: Context): Request {
    const r = new Request({
      method: this.method,
      target: this.requestURI,
      proto: this.proto,
      remoteAddr: this.remoteAddr,
      contentLength: this.contentLength,
      close: this.close,
      context: ctx,
    });
    r.#cell = cell;
    if (url !== undefined) r.#url = url;
    // Still undecoded, it is found from the shared fields when asked.
    r.#host = this.#host;
    r.tls = this.tls;
    r.pattern = this.pattern;
    r.#body = this.#body;
    r.#matchNames = this.#matchNames;
    r.#matches = this.#matches.length === 0 ? noPathValues : this.#matches.slice();
    r.#pathNames = this.#pathNames.slice();
    r.#pathValues = this.#pathValues.slice();
    return r;
  }

  /**
   * The value of the wildcard `name` in the pattern that matched (or set by
   * {@link Request.setPathValue}); `''` when there is none. Go: `Request.PathValue`.
   */
  pathValue(name: string): string {
    const m = this.#matchNames;
    for (let i = 0; i < m.length; i++) {
      if (m[i] === name) return this.#matches[i] ?? '';
    }
    const names = this.#pathNames;
    for (let i = 0; i < names.length; i++) {
      if (names[i] === name) return this.#pathValues[i] as string;
    }
    return '';
  }

  /**
   * Sets what {@link Request.pathValue} returns for `name`: the matched pattern's value when it
   * has a wildcard of that name, else a value of its own. Go: `Request.SetPathValue`.
   */
  setPathValue(name: string, value: string): void {
    const m = this.#matchNames;
    for (let i = 0; i < m.length; i++) {
      if (m[i] === name) {
        (this.#matches as string[])[i] = value;
        return;
      }
    }
    const names = this.#pathNames;
    for (let i = 0; i < names.length; i++) {
      if (names[i] === name) {
        (this.#pathValues as string[])[i] = value;
        return;
      }
    }
    if (names === noPathValues) {
      this.#pathNames = [name];
      this.#pathValues = [value];
    } else {
      (names as string[]).push(name);
      (this.#pathValues as string[]).push(value);
    }
  }

  /**
   * Records a router's match: `names` are the matched pattern's wildcards in order and `values`
   * what they matched (an empty `names` for no match). It replaces the previous match whole;
   * values set with {@link Request.setPathValue} under other names stay. What Go's
   * `ServeMux.ServeHTTP` does to the request's `pat` and `matches`, so that a ServeMux behind
   * another one (`stripPrefix` in between) sees only its own wildcards.
   */
  setPathMatch(names: readonly string[], values: readonly string[]): void {
    this.#matchNames = names;
    // The request's own copy: setPathValue writes into it, and a router reuses its array.
    this.#matches = names.length === 0 ? noPathValues : values.slice(0, names.length);
  }

  /** The `User-Agent` header, or `''`. Go: `Request.UserAgent`. */
  userAgent(): string {
    return this.header.get('User-Agent');
  }

  /** The `Referer` header, or `''`. Go: `Request.Referer`. */
  referer(): string {
    return this.header.get('Referer');
  }

  /**
   * The credentials of an `Authorization: Basic …` header, or `undefined` when it is absent or
   * malformed. The scheme is matched case-insensitively. Go: `Request.BasicAuth`.
   */
  basicAuth():
    | {
        /** The user name, before the first `:` of the decoded credentials. */
        username: string;
        /** The password, everything after that `:` (may be empty). */
        password: string;
      }
    | undefined {
    const auth = this.header.get('Authorization');
    if (auth.length < 6 || auth.slice(0, 6).toLowerCase() !== 'basic ') return undefined;
    const b64 = auth.slice(6);
    // Go decodes with base64.StdEncoding: padded, no whitespace. atob alone would accept both.
    if (b64.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) return undefined;
    let decoded: string;
    try {
      const bin = atob(b64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      decoded = decoder.decode(bytes);
    } catch {
      return undefined;
    }
    const colon = decoded.indexOf(':');
    if (colon === -1) return undefined;
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }

  /** True once the body has been taken by a reader. */
  get bodyUsed(): boolean {
    return this.#body.used;
  }

  #take(): BodySource {
    const b = this.#body;
    if (b.used) throw ErrBodyReadAfterClose;
    if (b.src !== null) b.used = true;
    return b.src;
  }

  /** The whole body as bytes. */
  async bytes(): Promise<Uint8Array> {
    const src = this.#take();
    if (src === null) return emptyBytes;
    if (src instanceof Uint8Array) return src;
    const chunks: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of src) {
      chunks.push(chunk);
      total += chunk.length;
    }
    if (chunks.length === 1) return chunks[0] as Uint8Array;
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  /** The whole body as an `ArrayBuffer`. */
  async arrayBuffer(): Promise<ArrayBuffer> {
    const b = await this.bytes();
    return b.buffer.byteLength === b.length && b.byteOffset === 0
      ? (b.buffer as ArrayBuffer)
      : (b.slice().buffer as ArrayBuffer);
  }

  /** The whole body decoded as UTF-8 (invalid sequences become U+FFFD). */
  async text(): Promise<string> {
    return decoder.decode(await this.bytes());
  }

  /**
   * The body parsed as JSON.
   * @throws {SyntaxError} naming the problem when the body is not JSON (an empty body is not).
   */
  async json<T = unknown>(): Promise<T> {
    const text = await this.text();
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new SyntaxError(
        `http: request body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
        { cause: err },
      );
    }
  }

  /** The body as a web `ReadableStream` (created once), or `null` when there is none. */
  get body(): ReadableStream<Uint8Array> | null {
    const b = this.#body;
    if (b.stream !== undefined) return b.stream;
    if (b.src === null) return null;
    const src = this.#take() as Uint8Array | AsyncIterable<Uint8Array>;
    let iter: AsyncIterator<Uint8Array> | undefined;
    b.stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (src instanceof Uint8Array) {
          if (src.length > 0) controller.enqueue(src);
          controller.close();
          return;
        }
        iter ??= src[Symbol.asyncIterator]();
        const { done, value } = await iter.next();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      async cancel(reason) {
        await iter?.return?.(reason);
      },
    });
    return b.stream;
  }

  /** Iterates over the body's chunks as they arrive: `for await (const chunk of r)`. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    const src = this.#take();
    if (src === null) return;
    if (src instanceof Uint8Array) {
      if (src.length > 0) yield src;
      return;
    }
    yield* src;
  }
}
