/**
 * Adapters that run one servehttp {@link Handler} on other servers: {@link toFetchHandler} for
 * the fetch API (`Bun.serve`, Deno, edge runtimes) and {@link toNodeListener} for `node:http`.
 *
 * Design: both adapters share one writer, `AdapterWriter`, that applies the server's response
 * rules (the ones `ResponseRecorder` documents) and hands a committed response to a small sink
 * per target. The writer buffers body bytes until the response is committed — by `flush()`, by
 * outgrowing the 2048-byte buffer (Go's `bufferBeforeChunkingSize`), or by the end of the handler —
 * and then sniffs `Content-Type` from what it holds. Invariants: the sink sees exactly one
 * `commit`; with `final` set it carries the whole body and no `write`/`end` follows; otherwise
 * writes follow in order and `end` closes. Framing (Content-Length or chunked) is the host
 * server's business, so `Transfer-Encoding` never reaches it.
 *
 * Example: a handler writes "hi" and returns → `commit(200, {Content-Type: text/plain;
 * charset=utf-8}, "hi", final)` → the fetch sink resolves `new Response("hi", …)`; had it called
 * `flush()` first, the sink would resolve a Response over a ReadableStream and enqueue "hi" into
 * it, closing it when the handler returns.
 */
import type { IncomingMessage, ServerResponse as NodeResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { joinHostPort } from './addr.ts';
import { Context } from './context.ts';
import { ErrAbortHandler, ErrBodyNotAllowed } from './errors.ts';
import { type Handler, type HandlerLike, toHandler } from './handler.ts';
import { canonicalHeaderKey, Header, TrailerPrefix } from './header.ts';
import { bufferBeforeChunkingSize } from './httptest.ts';
import { Request } from './request.ts';
import {
  bodyAllowedForStatus,
  checkWriteHeaderCode,
  type Flusher,
  type ResponseWriter,
  validTrailerHeader,
} from './response.ts';
import { detectContentType, sniffLen } from './sniff.ts';
import { nodeTLSInfo } from './tls.ts';

/** Options shared by {@link toFetchHandler} and {@link toNodeListener}. */
export interface AdapterOptions {
  /**
   * Where a handler's failure is logged (Go's `http: panic serving …`); default `console.error`.
   * {@link ErrAbortHandler} is never logged.
   */
  errorLog?: (message: string) => void;
}

/** Options of {@link toFetchHandler}. */
export interface FetchHandlerOptions extends AdapterOptions {
  /**
   * The client's `ip:port` for `r.remoteAddr`. Default: asked of the host server when it is
   * passed as the second argument and has `requestIP(request)` (Bun.serve does), else `''`.
   */
  remoteAddr?: (request: globalThis.Request, server?: unknown) => string;
}

/** A fetch-API handler: `Bun.serve({ fetch })`, `Deno.serve(fetch)`, `export default { fetch }`. */
export type FetchHandler = (
  request: globalThis.Request,
  server?: unknown,
) => Promise<globalThis.Response>;

/** A `node:http` request listener, for `createServer(listener)`. */
export type NodeListener = (req: IncomingMessage, res: NodeResponse) => void;

const encoder = new TextEncoder();
const emptyBytes = new Uint8Array(0);

// What the writer hands a committed response to.
interface Sink {
  commit(status: number, header: Header, body: Uint8Array, final: boolean): void;
  write(chunk: Uint8Array): void | Promise<void>;
  flush(): void;
  end(trailer: Header | undefined): void;
  informational(code: number, header: Header): void;
}

// Fields a host server frames or owns itself: passing ours would frame the body twice.
const hopByHop = new Set(['Transfer-Encoding', 'Connection', 'Keep-Alive']);

/**
 * The ResponseWriter both adapters give handlers: the server's commit and sniffing rules over a
 * {@link Sink}.
 */
class AdapterWriter implements ResponseWriter, Flusher {
  #header = new Header();
  #status = 0;
  #snapshot: Header | undefined;
  #chunks: Uint8Array[] = [];
  #size = 0;
  #committed = false;
  #ended = false;
  readonly #sink: Sink;
  readonly #log: (m: string) => void;

  constructor(sink: Sink, log: (m: string) => void) {
    this.#sink = sink;
    this.#log = log;
  }

  get committed(): boolean {
    return this.#committed;
  }

  header(): Header {
    return this.#header;
  }

  writeHeader(code: number): void {
    checkWriteHeaderCode(code);
    if (this.#status !== 0) {
      this.#log(`http: superfluous response.WriteHeader call (status ${code})`);
      return;
    }
    if (code >= 100 && code <= 199 && code !== 101) {
      const h = this.#header.clone();
      h.delete('Content-Length');
      h.delete('Transfer-Encoding');
      this.#sink.informational(code, h);
      return;
    }
    this.#status = code;
    this.#snapshot = this.#header.clone();
  }

  write(chunk: string | Uint8Array): void | Promise<void> {
    if (this.#status === 0) this.writeHeader(200);
    if (!bodyAllowedForStatus(this.#status)) throw ErrBodyNotAllowed;
    if (this.#ended) return;
    const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
    if (bytes.length === 0) return;
    if (this.#committed) return this.#sink.write(bytes);
    // The host server may hold on to the chunk; a caller reusing its buffer must not rewrite it.
    this.#chunks.push(bytes.slice());
    this.#size += bytes.length;
    if (this.#size > bufferBeforeChunkingSize) this.#commit(false);
  }

  flush(): void {
    if (this.#status === 0) this.writeHeader(200);
    if (!this.#committed) this.#commit(false);
    this.#sink.flush();
  }

  /** The handler returned: commit what is buffered, or end the stream. */
  finish(): void {
    if (this.#ended) return;
    if (this.#status === 0) this.writeHeader(200);
    if (!this.#committed) this.#commit(true);
    else this.#sink.end(this.#trailer());
    this.#ended = true;
  }

  #body(): Uint8Array {
    if (this.#chunks.length === 1) return this.#chunks[0] as Uint8Array;
    if (this.#size === 0) return emptyBytes;
    const out = new Uint8Array(this.#size);
    let at = 0;
    for (const c of this.#chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  #commit(final: boolean): void {
    this.#committed = true;
    const snap = this.#snapshot ?? this.#header.clone();
    const body = this.#body();
    this.#chunks = [];
    // Go's sniffing rule: only when the handler set no Content-Type and there is a body.
    if (
      !snap.has('Content-Type') &&
      snap.get('Transfer-Encoding') === '' &&
      bodyAllowedForStatus(this.#status) &&
      body.length > 0
    ) {
      snap.set('Content-Type', detectContentType(body.subarray(0, sniffLen)));
    }
    const out = new Header();
    for (const [k, vs] of snap) {
      if (hopByHop.has(k) || k.startsWith(TrailerPrefix)) continue;
      for (const v of vs) out.add(k, v);
    }
    if (final && this.#trailer() !== undefined) {
      // Trailers need a body framed in chunks: commit without the body, then stream it.
      this.#sink.commit(this.#status, out, emptyBytes, false);
      if (body.length > 0) void this.#sink.write(body);
      this.#sink.end(this.#trailer());
      return;
    }
    this.#sink.commit(this.#status, out, body, final);
  }

  // The trailer as Go sends it: fields declared in `Trailer`, and `Trailer:`-prefixed ones.
  #trailer(): Header | undefined {
    const snap = this.#snapshot;
    let t: Header | undefined;
    for (const declared of snap?.values('Trailer') ?? []) {
      for (const part of declared.split(',')) {
        const k = canonicalHeaderKey(part.trim());
        if (k === '' || !validTrailerHeader(k)) continue;
        for (const v of this.#header.values(k)) (t ??= new Header()).add(k, v);
      }
    }
    for (const [k, vs] of this.#header) {
      if (!k.startsWith(TrailerPrefix)) continue;
      const name = k.slice(TrailerPrefix.length);
      if (!validTrailerHeader(name)) continue;
      for (const v of vs) (t ??= new Header()).add(name, v);
    }
    return t;
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

// Runs the handler and finishes the response; `onFail` gets what the handler threw.
function run(
  h: Handler,
  w: AdapterWriter,
  r: Request,
  done: () => void,
  onFail: (err: unknown) => void,
): void {
  let result: void | Promise<void>;
  try {
    result = h.serveHTTP(w, r);
  } catch (err) {
    onFail(err);
    return;
  }
  const finish = (): void => {
    try {
      w.finish();
    } catch (err) {
      onFail(err);
      return;
    }
    done();
  };
  if (result instanceof Promise) result.then(finish, onFail);
  else finish();
}

function contentLengthOf(v: string | null | undefined, hasBody: boolean): number {
  if (v !== null && v !== undefined && /^\d+$/.test(v)) return Number(v);
  return hasBody ? -1 : 0;
}

/**
 * Wraps a Handler as a fetch-API handler: `Bun.serve({ fetch: toFetchHandler(h) })`,
 * `Deno.serve(toFetchHandler(h))`, or an edge runtime's `fetch` export.
 *
 * - The request body is streamed to the handler from `request.body`; the response is a
 *   `Response` that resolves when the handler commits it: at once with the whole body when the
 *   handler returns having written up to 2048 bytes (the host then sends `Content-Length`), else
 *   over a `ReadableStream` that `flush()` and later writes feed as they happen. `write()`
 *   returns a promise while the stream's queue is above 64 KiB (backpressure).
 * - Status and header as the handler set them, each value of a multi-value field (`Set-Cookie`
 *   included) as its own field line; `Content-Type` sniffed as the server does.
 * - `r.context()` is cancelled when `request.signal` aborts (the client went away), when the
 *   response stream is cancelled, and when the handler returns.
 * - Not expressible through `Response`: hijacking (`ResponseController.hijack()` throws
 *   {@link ErrNotSupported}), 1xx informational responses (dropped), trailers (dropped),
 *   statuses outside 200–599 (the promise rejects with the `RangeError` of `new Response`).
 * - A handler that throws before committing rejects the promise (the host answers 500); after
 *   committing, the stream errors and the client sees a cut response. Either way the error is
 *   logged like Go's `http: panic serving …`, except {@link ErrAbortHandler}.
 * - What the fetch API has already normalised is seen as normalised: `r.requestURI` is the
 *   URL's path and query, and a field sent on several lines arrives joined with `, `.
 *
 * @throws {TypeError} when `handler` is neither a function nor a `Handler`.
 */
export function toFetchHandler(
  handler: HandlerLike,
  options: FetchHandlerOptions = {},
): FetchHandler {
  const h = toHandler(handler, 'toFetchHandler handler');
  const log = options.errorLog ?? ((m: string) => console.error(m));
  const remote = options.remoteAddr;
  return (request, server) =>
    new Promise<globalThis.Response>((resolve, reject) => {
      const url = new URL(request.url);
      const raw: string[] = [];
      for (const [k, v] of request.headers) {
        if (k === 'set-cookie') continue;
        raw.push(k, v);
      }
      for (const c of request.headers.getSetCookie()) raw.push('set-cookie', c);
      const [ctx, cancel] = Context.background().withCancel();
      const signal = request.signal;
      const onAbort = (): void => cancel(new Error('http: client disconnected'));
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
      const hasBody = request.body !== null;
      const r = new Request({
        method: request.method,
        target: url.pathname + url.search,
        rawHeader: raw,
        host: url.host,
        remoteAddr: remote !== undefined ? remote(request, server) : requestIP(request, server),
        body: request.body,
        contentLength: contentLengthOf(request.headers.get('content-length'), hasBody),
        ...(url.protocol === 'https:' ? { tls: { serverName: url.hostname } } : {}),
        context: ctx,
      });
      const sink = new FetchSink(resolve, reject, () => cancel(new Error('http: stream canceled')));
      const w = new AdapterWriter(sink, log);
      const cleanup = (): void => {
        signal.removeEventListener('abort', onAbort);
        cancel();
      };
      run(h, w, r, cleanup, (err) => {
        cleanup();
        if (err !== ErrAbortHandler) log(`http: panic serving ${r.remoteAddr}: ${describe(err)}`);
        sink.fail(err, w.committed);
      });
    });
}

// Bun.serve passes itself as the second argument and knows the peer of each request.
function requestIP(request: globalThis.Request, server: unknown): string {
  const f = (server as { requestIP?: unknown } | null | undefined)?.requestIP;
  if (typeof f !== 'function') return '';
  const ip = (f as (r: globalThis.Request) => { address: string; port: number } | null).call(
    server,
    request,
  );
  return ip === null || ip === undefined ? '' : joinHostPort(ip.address, ip.port);
}

const streamHighWaterMark = 64 * 1024;

class FetchSink implements Sink {
  #resolve: (r: globalThis.Response) => void;
  #reject: (e: unknown) => void;
  #onCancel: () => void;
  #ctrl: ReadableStreamDefaultController<Uint8Array> | undefined;
  #drained: (() => void)[] = [];
  #closed = false;

  constructor(
    resolve: (r: globalThis.Response) => void,
    reject: (e: unknown) => void,
    onCancel: () => void,
  ) {
    this.#resolve = resolve;
    this.#reject = reject;
    this.#onCancel = onCancel;
  }

  commit(status: number, header: Header, body: Uint8Array, final: boolean): void {
    const headers = new Headers();
    for (const [k, vs] of header) for (const v of vs) headers.append(k, v);
    if (final) {
      this.#closed = true;
      this.#respond(body.length === 0 ? null : body, status, headers);
      return;
    }
    const stream = new ReadableStream<Uint8Array>(
      {
        start: (c) => {
          this.#ctrl = c;
        },
        pull: () => this.#wake(),
        cancel: () => {
          this.#closed = true;
          this.#wake();
          this.#onCancel();
        },
      },
      { highWaterMark: streamHighWaterMark, size: (c?: Uint8Array) => c?.byteLength ?? 0 },
    );
    if (body.length > 0) this.#ctrl?.enqueue(body);
    this.#respond(stream, status, headers);
  }

  #respond(
    body: Uint8Array | ReadableStream<Uint8Array> | null,
    status: number,
    headers: Headers,
  ): void {
    try {
      this.#resolve(new Response(body, { status, headers }));
    } catch (err) {
      this.#reject(err);
    }
  }

  #wake(): void {
    for (const f of this.#drained.splice(0)) f();
  }

  write(chunk: Uint8Array): void | Promise<void> {
    const c = this.#ctrl;
    if (c === undefined || this.#closed) return;
    c.enqueue(chunk);
    if ((c.desiredSize ?? 1) > 0) return;
    return new Promise((resolve) => this.#drained.push(resolve));
  }

  flush(): void {}

  end(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#ctrl?.close();
  }

  informational(): void {}

  fail(err: unknown, committed: boolean): void {
    if (!committed) {
      this.#reject(err);
      return;
    }
    if (this.#closed) return;
    this.#closed = true;
    this.#ctrl?.error(err);
    this.#wake();
  }
}

/**
 * Wraps a Handler as a `node:http` request listener: `createServer(toNodeListener(h))`. Works on
 * Node.js 20+ and on Bun's `node:http`.
 *
 * - `r.requestURI`, `r.header` (from `rawHeaders`, so repeated fields stay separate),
 *   `r.remoteAddr`, `r.proto` and `r.tls` (for an `https` server) are taken from the
 *   `IncomingMessage`; the body is the message itself, streamed.
 * - The response follows the server's rules: up to 2048 bytes written by the time the handler
 *   returns are sent with `Content-Length`, more (or after `flush()`) chunked; `Content-Type` is
 *   sniffed; trailers (`Trailer` / `Trailer:`) are sent with a chunked body; `write()` returns a
 *   promise until the socket drains; 103 Early Hints go out through `writeEarlyHints`, other 1xx
 *   codes are dropped (node answers `Expect: 100-continue` itself).
 * - `r.context()` is cancelled when the client goes away and when the handler returns.
 * - A handler that throws is logged (except {@link ErrAbortHandler}) and its connection is
 *   destroyed, as Go aborts the connection of a panicking handler. Hijacking is not offered.
 *
 * @throws {TypeError} when `handler` is neither a function nor a `Handler`.
 */
export function toNodeListener(handler: HandlerLike, options: AdapterOptions = {}): NodeListener {
  const h = toHandler(handler, 'toNodeListener handler');
  const log = options.errorLog ?? ((m: string) => console.error(m));
  return (req, res) => {
    const sock = req.socket;
    const [ctx, cancel] = Context.background().withCancel();
    res.once('close', () => {
      if (!res.writableFinished) cancel(new Error('http: client disconnected'));
    });
    const te = req.headers['transfer-encoding'];
    const cl = req.headers['content-length'];
    const hasBody = te !== undefined || (cl !== undefined && cl !== '0');
    const secure = (sock as Partial<TLSSocket>).encrypted === true;
    const r = new Request({
      method: req.method ?? 'GET',
      target: req.url ?? '/',
      proto: `HTTP/${req.httpVersion}`,
      rawHeader: req.rawHeaders,
      remoteAddr:
        sock.remoteAddress === undefined
          ? ''
          : joinHostPort(
              sock.remoteAddress.startsWith('::ffff:') && sock.remoteAddress.includes('.')
                ? sock.remoteAddress.slice(7)
                : sock.remoteAddress,
              sock.remotePort ?? 0,
            ),
      body: hasBody ? (req as AsyncIterable<Uint8Array>) : null,
      contentLength: contentLengthOf(te === undefined ? cl : undefined, hasBody),
      close: req.headers.connection?.toLowerCase() === 'close',
      ...(secure ? { tls: nodeTLSInfo(sock as TLSSocket) } : {}),
      context: ctx,
    });
    const w = new AdapterWriter(new NodeSink(res), log);
    run(h, w, r, cancel, (err) => {
      cancel(err);
      if (err !== ErrAbortHandler) log(`http: panic serving ${r.remoteAddr}: ${describe(err)}`);
      res.destroy();
    });
  };
}

class NodeSink implements Sink {
  #res: NodeResponse;

  constructor(res: NodeResponse) {
    this.#res = res;
  }

  commit(status: number, header: Header, body: Uint8Array, final: boolean): void {
    const res = this.#res;
    res.statusCode = status;
    for (const [k, vs] of header) res.setHeader(k, vs.length === 1 ? (vs[0] as string) : vs);
    if (final) {
      // With no Content-Length set, node frames a whole body given to end() with one.
      res.end(body.length === 0 ? undefined : body);
      return;
    }
    res.writeHead(status);
    if (body.length > 0) res.write(body);
  }

  write(chunk: Uint8Array): void | Promise<void> {
    const res = this.#res;
    if (res.destroyed || res.writableEnded) return;
    if (res.write(chunk)) return;
    return new Promise((resolve) => {
      const done = (): void => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  }

  flush(): void {
    this.#res.flushHeaders();
  }

  end(trailer: Header | undefined): void {
    const res = this.#res;
    if (res.writableEnded) return;
    if (trailer !== undefined) {
      const t: [string, string][] = [];
      for (const [k, vs] of trailer) for (const v of vs) t.push([k, v]);
      res.addTrailers(t);
    }
    res.end();
  }

  informational(code: number, header: Header): void {
    if (code !== 103) return;
    const hints: Record<string, string[]> = {};
    for (const [k, vs] of header) hints[k.toLowerCase()] = vs;
    if (hints.link === undefined) return;
    this.#res.writeEarlyHints(hints);
  }
}
