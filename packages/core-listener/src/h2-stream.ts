/**
 * One HTTP/2 stream as a handler sees it: the `Request` made from its HEADERS, the
 * {@link H2ResponseWriter} it answers through, its deadlines, its context, and the run of the
 * handler. Go: the per-stream half of `serverConn` (`newWriterAndRequest`, `runHandler`,
 * `stream.onReadTimeout`/`onWriteTimeout`, `requestBody.Read`).
 *
 * Design: one object per stream holds all of that stream's state, and the listeners and timers
 * it needs are module functions that find the object again (a symbol property on node's stream,
 * or the timer's argument): a stream costs one object, its writer and its request — no closures
 * made per request. The connection schedules {@link H2Stream.run} (Go's handler limit), hears
 * back through {@link H2StreamConn}, and never sees an exception from the handler: a throw
 * resets the stream with INTERNAL_ERROR and is logged, as Go's `handlerPanicRST`.
 *
 * Example: HEADERS `:method POST`, `:path /up`, `expect: 100-continue` (no END_STREAM) →
 * `Request { method: 'POST', proto: 'HTTP/2.0', contentLength: -1 }` → the handler's first body
 * read sends `:status 100` → the body streams as DATA arrives → the handler writes `ok` and
 * returns → HEADERS + DATA(END_STREAM) → the stream closes → the connection is told.
 */
import type * as http2 from 'node:http2';
import type { Context } from './context.ts';
import { ErrAbortHandler, ErrDeadlineExceeded } from './errors.ts';
import { H2ResponseWriter, type H2StreamOwner, resetInternal } from './h2-response.ts';
import type { Handler } from './handler.ts';
import { type ContextProvider, Request, type TLSInfo } from './request.ts';

/** What a stream needs from its connection. */
export interface H2StreamConn {
  /** The server's handler and settings (live). */
  readonly host: {
    readonly handler: Handler;
    readonly readTimeout: number;
    readonly writeTimeout: number;
    readonly disableGeneralOptionsHandler: boolean;
    logf(message: string): void;
  };
  /** The stream receive window in effect (bytes). */
  readonly window: number;
  /** The connection's context, parent of each request's. */
  readonly ctx: Context;
  /** The connection's TLS state, if any. */
  readonly tls: TLSInfo | undefined;
  /** The client's address, `ip:port`. */
  readonly remote: string;
  /** Starts a graceful GOAWAY (a handler sent `Connection: close`). */
  shutdown(): void;
  /** A handler returned or threw. */
  handlerExited(): void;
  /** The stream closed. */
  streamClosed(): void;
}

const NGHTTP2_NO_ERROR = 0;
const NGHTTP2_FLOW_CONTROL_ERROR = 0x3;

// The H2Stream serving a node stream, kept on the stream itself: a WeakMap's set, get and
// delete per stream cost more than the property.
const ownerKey = Symbol('servehttp.h2stream');
type Owned = http2.ServerHttp2Stream & { [ownerKey]?: H2Stream | undefined };

function onStreamClose(this: http2.ServerHttp2Stream): void {
  const s = (this as Owned)[ownerKey];
  // A flag on our object rather than clearing the property on node's stream: that store was
  // about a seventh of this listener's samples on Node.
  if (s === undefined || s.closedOnce) return;
  s.closedOnce = true;
  s.gone();
  s.conn.streamClosed();
}

function onStreamError(): void {}

// Go answers a request whose body was not read with RST_STREAM(NO_ERROR) once the response is
// out (RFC 9113 §8.1), so the client stops sending.
function onFinishUnread(this: http2.ServerHttp2Stream): void {
  if (!this.closed && !this.readableEnded) this.close(NGHTTP2_NO_ERROR);
}

// Go: stream.onReadTimeout — the body read fails; the handler may still answer.
function readTimedOut(s: H2Stream): void {
  s.readErr = ErrDeadlineExceeded;
  const wake = s.wake;
  s.wake = undefined;
  wake?.(ErrDeadlineExceeded);
}

// Go: stream.onWriteTimeout — RST_STREAM with INTERNAL_ERROR.
function writeTimedOut(s: H2Stream): void {
  resetInternal(s.stream);
}

function unrefTimer(t: ReturnType<typeof setTimeout>): ReturnType<typeof setTimeout> {
  (t as { unref?: () => void }).unref?.();
  return t;
}

/** One stream being served. Created by the connection for each `'stream'` event. */
export class H2Stream implements H2StreamOwner, ContextProvider {
  /** node's stream. */
  readonly stream: http2.ServerHttp2Stream;
  /** The connection it belongs to. */
  readonly conn: H2StreamConn;
  /** The response writer the handler gets. */
  readonly w: H2ResponseWriter;
  /** The request the handler gets. */
  readonly req: Request;
  /** Set when a read deadline passed: body reads fail with it. */
  readErr: unknown;
  /** Set when node's stream closed (its 'close' listener ran). */
  closedOnce = false;
  /** A body read waiting for data, woken early by a read deadline. */
  wake: ((err: unknown) => void) | undefined;
  readonly #handler: Handler;
  #cancel: ((reason?: unknown) => void) | undefined;
  #readTimer: ReturnType<typeof setTimeout> | undefined;
  #writeTimer: ReturnType<typeof setTimeout> | undefined;
  #continued: boolean;
  // The request's HEADERS carried END_STREAM: the client's side is closed already.
  #bodyless: boolean;

  /** Builds the request and writer for a stream whose HEADERS just arrived. */
  constructor(
    conn: H2StreamConn,
    stream: http2.ServerHttp2Stream,
    headers: http2.IncomingHttpHeaders,
    flags: number,
    raw: readonly string[] | undefined,
  ) {
    this.conn = conn;
    this.stream = stream;
    const host = conn.host;
    const method = String(headers[':method'] ?? '');
    const authority = String(headers[':authority'] ?? headers.host ?? '');
    const path = String(headers[':path'] ?? '');
    const ended = (flags & 1) !== 0 || stream.readableEnded;
    let contentLength = 0;
    if (!ended) {
      const cl = headers['content-length'];
      contentLength = cl === undefined ? -1 : /^\d+$/.test(cl) ? Number(cl) : 0;
    }
    this.#bodyless = ended;
    this.#continued = ended || String(headers.expect ?? '').toLowerCase() !== '100-continue';
    this.w = new H2ResponseWriter(stream, this, method);
    this.req = new Request({
      method,
      target: method === 'CONNECT' ? authority : path,
      proto: 'HTTP/2.0',
      rawHeader: fieldsOf(headers, raw),
      host: authority,
      remoteAddr: conn.remote,
      contentLength,
      body: ended ? null : bodyOf(this),
      tls: conn.tls,
      context: this,
    });
    // Go's serverHandler answers `OPTIONS *` itself on both protocols (globalOptionsHandler).
    this.#handler =
      method === 'OPTIONS' && path === '*' && !host.disableGeneralOptionsHandler
        ? globalOptions
        : host.handler;
    (stream as Owned)[ownerKey] = this;
    // A reset stream ('aborted') is closed a tick later, and 'close' does all 'aborted' would:
    // one listener fewer per stream.
    stream.on('close', onStreamClose);
    stream.on('error', onStreamError);
    if (!ended) {
      guardWindow(stream, conn.window);
      if (host.readTimeout > 0) this.setReadDeadline(Date.now() + host.readTimeout);
    }
    if (host.writeTimeout > 0) this.setWriteDeadline(Date.now() + host.writeTimeout);
  }

  /** Whether node's stream is closed (a queued handler for it is skipped, as in Go). */
  get closed(): boolean {
    return this.stream.closed || this.stream.destroyed;
  }

  logf(message: string): void {
    this.conn.host.logf(message);
  }

  closeAfterStream(): void {
    this.conn.shutdown();
  }

  setReadDeadline(at: number): void {
    clearTimeout(this.#readTimer);
    this.#readTimer =
      at > 0 ? unrefTimer(setTimeout(readTimedOut, Math.max(0, at - Date.now()), this)) : undefined;
  }

  setWriteDeadline(at: number): void {
    clearTimeout(this.#writeTimer);
    this.#writeTimer =
      at > 0
        ? unrefTimer(setTimeout(writeTimedOut, Math.max(0, at - Date.now()), this))
        : undefined;
  }

  /** The final response is going out: a pending 100 Continue is moot (the client must not send). */
  finalResponse(): void {
    this.#continued = true;
  }

  /** The first body read: send 100 Continue when the client asked. Go: requestBody.Read. */
  sendContinue(): void {
    if (this.#continued) return;
    this.#continued = true;
    if (this.w.wroteHeader) return;
    try {
      this.stream.additionalHeaders({ ':status': '100' });
    } catch {
      // The stream is gone; the read reports it.
    }
  }

  /** The request's context, made on first use, cancelled when the stream ends. */
  provideContext(): Context {
    const [ctx, cancel] = this.conn.ctx.withCancel();
    this.#cancel = cancel;
    if (this.closed) cancel(new Error('http2: stream closed'));
    return ctx;
  }

  /** The stream was reset or closed: writes are dropped, timers stop, the context is cancelled. */
  gone(): void {
    this.w.gone = true;
    // Most streams have no timers: a clearTimeout is still a call into the runtime's timers.
    if (this.#readTimer !== undefined) clearTimeout(this.#readTimer);
    if (this.#writeTimer !== undefined) clearTimeout(this.#writeTimer);
    this.#cancel?.(new Error('http2: stream closed'));
  }

  /** Runs the handler; never throws. */
  run(): void {
    let result: void | Promise<void>;
    try {
      result = this.#handler.serveHTTP(this.w, this.req);
    } catch (err) {
      this.failed(err);
      return;
    }
    if (result !== undefined && typeof (result as Promise<void>).then === 'function') {
      void awaitHandler(this, result as Promise<void>);
      return;
    }
    this.done();
  }

  /** The handler returned: finish the response. */
  done(): void {
    this.conn.handlerExited();
    this.w.finish();
    this.#cancel?.(new Error('http2: handler returned'));
    const s = this.stream;
    // Go resets only a stream whose client side is still open (stateOpen): after a request with
    // no body the RST_STREAM would be one more frame, and one more write, per request.
    if (!this.#bodyless && !s.readableEnded && !s.closed) s.once('finish', onFinishUnread);
  }

  /** The handler threw: log it (not ErrAbortHandler) and reset the stream. Go: runHandler. */
  failed(err: unknown): void {
    this.conn.handlerExited();
    this.#cancel?.(err);
    if (err !== ErrAbortHandler) {
      const why = err instanceof Error ? (err.stack ?? err.message) : String(err);
      this.conn.host.logf(`http2: panic serving ${this.conn.remote}: ${why}`);
    }
    resetInternal(this.stream);
  }
}

async function awaitHandler(s: H2Stream, p: Promise<void>): Promise<void> {
  try {
    await p;
  } catch (err) {
    s.failed(err);
    return;
  }
  s.done();
}

// The request body: chunks as the stream gives them, with flow control (node opens the window
// as chunks are taken). A read deadline fails the read without resetting the stream. The
// stream's own iterator is never returned early: that would destroy the stream.
async function* bodyOf(s: H2Stream): AsyncGenerator<Uint8Array> {
  s.sendContinue();
  const it = s.stream[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  for (;;) {
    if (s.readErr !== undefined) throw s.readErr;
    const next = it.next();
    const r = await new Promise<IteratorResult<Uint8Array>>((resolve, reject) => {
      s.wake = reject;
      next.then(resolve, reject);
    });
    s.wake = undefined;
    if (r.done === true) return;
    yield r.value;
  }
}

/**
 * Bounds what a stream buffers for a handler that has not read it. The stream's receive window
 * already does, when the runtime enforces it: nghttp2 (Node.js) answers a client that sends
 * past the window with FLOW_CONTROL_ERROR, but Bun 1.4.5's http2 takes the bytes (checked: twice
 * a 64 KiB window accepted), so a client that ignores flow control could fill memory through a
 * handler that reads slowly. Here, unread bytes past the window plus one frame reset the stream
 * as Go does (RST_STREAM FLOW_CONTROL_ERROR). A compliant client never gets there: the window
 * reopens only as the handler reads.
 */
function guardWindow(stream: http2.ServerHttp2Stream, window: number): void {
  const limit = window + 16_384;
  const push = stream.push.bind(stream);
  stream.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
    if (chunk !== null && stream.readableLength + (chunk as Uint8Array).length > limit) {
      if (!stream.closed && !stream.destroyed) stream.close(NGHTTP2_FLOW_CONTROL_ERROR);
      return false;
    }
    return push(chunk, encoding);
  };
}

// Go: globalOptionsHandler — 200 with `Content-Length: 0`; up to 256 KiB of a body is read
// and dropped.
const globalOptions: Handler = {
  async serveHTTP(w, r) {
    w.header().set('Content-Length', '0');
    if (r.contentLength !== 0) {
      let n = 0;
      try {
        for await (const c of r) {
          n += c.length;
          if (n >= 256 << 10) break;
        }
      } catch {
        // The client went away: nothing to answer.
      }
    }
  },
};

// The regular fields of a request, as a flat [name, value, …] list for `Request`: pseudo
// fields and Host (which is `r.host`) left out, several `cookie` fields joined with "; "
// (RFC 9113 §8.2.3, as Go's server does).
function fieldsOf(
  headers: http2.IncomingHttpHeaders,
  raw: readonly string[] | undefined,
): string[] {
  const out: string[] = [];
  let cookies: string[] | undefined;
  if (raw !== undefined && Array.isArray(raw)) {
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = (raw[i] as string).toLowerCase();
      if (name.charCodeAt(0) === 0x3a || name === 'host') continue;
      if (name === 'cookie') (cookies ??= []).push(raw[i + 1] as string);
      else out.push(name, raw[i + 1] as string);
    }
  } else {
    for (const [name, v] of Object.entries(headers)) {
      if (v === undefined || name.charCodeAt(0) === 0x3a || name === 'host') continue;
      for (const x of Array.isArray(v) ? v : [String(v)]) {
        if (name === 'cookie') (cookies ??= []).push(x);
        else out.push(name, x);
      }
    }
  }
  if (cookies !== undefined) out.push('cookie', cookies.join('; '));
  return out;
}
