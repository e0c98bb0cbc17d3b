/**
 * One HTTP/1.x connection: Go's `conn.serve` — read a request, hand it to the handler, write the
 * response, and loop for the next one on the same connection until either side closes.
 *
 * Design: the connection owns one parser and the chunk it is parsing (`#buf`, `#off`, `#end`).
 * Everything that needs bytes — the loop waiting for the next head, and a handler reading its
 * request body — pulls events from the parser through `#event()`, which reads from the socket
 * only when the parser has consumed every byte it was given. So the body is read exactly as fast
 * as the handler reads it (backpressure end to end), and nothing is read ahead of a request that
 * has not started.
 *
 * Output is batched: a response's bytes collect in `#out` and reach the socket when the parser
 * runs out of input — the end of a batch of pipelined requests — or when a handler flushes or
 * streams. Sixteen pipelined requests in one read become sixteen responses in one write. A batch
 * made only of text (the usual head plus a string body) leaves as one string.
 *
 * Invariants: at most one response is being written at a time, in request order; a request's
 * body is read to its end (up to `maxPostHandlerReadBytes`) before the next head is parsed, or the
 * connection closes; after a parse error, a handler error or `closeAfterReply`, nothing more is
 * read; the connection state seen by `connState` goes new → active ⇄ idle → closed (or hijacked).
 *
 * Example: `GET / HTTP/1.1\r\nHost: a\r\n\r\n` arrives → Head → Request built → handler writes
 * "hi" and returns → finish() commits `HTTP/1.1 200 OK … Content-Length: 2` into `#out` → the
 * parser reports NeedMore → `#out` is written → state idle → wait for the next read.
 */
import { Framing, HTTPParser, ParseError, ParseEvent } from '@servehttp/http-parser';
import type { Context } from './context.ts';
import { ErrAbortHandler, ErrBodyReadAfterClose } from './errors.ts';
import type { Handler } from './handler.ts';
import { appendTrusted, canonicalHeaderKey } from './header.ts';
import type { Conn } from './net.ts';
import { type ContextProvider, Request, type TLSInfo } from './request.ts';
import type { HijackedConn, ResponseWriter } from './response.ts';
import { statusText } from './status.ts';
import { utf8Length } from './utf8.ts';
import { type ResponseRequest, type ResponseSink, ServerResponse } from './wire.ts';

/**
 * The unread request body the server drains so the connection can be reused; more than this and
 * it closes instead. Go: `maxPostHandlerReadBytes` (256 KiB).
 */
export const maxPostHandlerReadBytes: number = 256 << 10;

/** A connection's state, reported to `Server.connState`. Go: `http.ConnState`. */
export type ConnState = 'new' | 'active' | 'idle' | 'hijacked' | 'closed';

/** What a connection needs from its server. */
export interface ConnServer {
  readonly handler: Handler;
  readonly maxHeaderBytes: number;
  readonly readHeaderTimeout: number;
  readonly readTimeout: number;
  readonly writeTimeout: number;
  readonly idleTimeout: number;
  readonly disableGeneralOptionsHandler: boolean;
  keepAlivesEnabled(): boolean;
  logf(message: string): void;
  setState(c: HTTPConn, state: ConnState): void;
}

const textEncoder = new TextEncoder();
const noBytes = new Uint8Array(0);

// Received bytes a connection holds while a handler runs before it stops reading the socket.
const pendingHighWaterMark = 64 * 1024;

// How long a closing connection waits for the peer after sending FIN. Go: rstAvoidanceDelay.
const rstAvoidanceDelay = 500;
// How long a closing connection may take to hand the kernel what it still has queued for a client
// that reads slowly (Go blocks in its final flush without a bound; this one has one).
const closeFlushLimit = 30_000;

function sleepUnref(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    (t as { unref?: () => void }).unref?.();
  });
}
const continueLine = 'HTTP/1.1 100 Continue\r\n\r\n';
const errorHeaders = '\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n';

// A batch of output parts; strings are either latin1 head text or UTF-8 body text, told apart
// by the kind recorded beside each part.
type OutPart = Uint8Array | string;
const K_BYTES = 0;
const K_LATIN1 = 1;
const K_TEXT = 2;

// A regex test runs in native code; a charCodeAt loop over every head was a tenth of the
// request cost.
const nonASCII = /[\u0080-\uffff]/;

/**
 * Serves HTTP/1.x on one accepted connection. Created by `Server.serve`; not for direct use.
 */
export class HTTPConn implements ResponseSink, ContextProvider {
  /** The connection's state (Go: `conn.curState`). */
  state: ConnState = 'new';
  /** When the state last changed (ms), for shutdown's "new for over 5 s counts as idle". */
  stateSince: number = Date.now();

  readonly #srv: ConnServer;
  readonly #conn: Conn;
  readonly #parser: HTTPParser;
  readonly #baseCtx: Context;
  readonly #remoteAddr: string;
  #buf: Uint8Array = new Uint8Array(0);
  #off = 0;
  #end = 0;
  #eof = false;
  // Chunks that arrived while a handler or a write was pending, and their size.
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  // A body read waiting for data, and whether the loop is waiting on a handler or a write.
  #waiter: (() => void) | undefined;
  #busy = false;
  #finished = false;
  #done: (() => void) | undefined;

  // The queue is `#out[0..#outN)` with the kinds beside it. It is reused by count, not emptied
  // with `length = 0`: on Node that store is a runtime call, and V8 then shrinks the backing
  // store, so the next push grows it again — 40 ns per array per flush (microbenchmark, Node
  // 20), a tenth of the connection's in-process cost. Flushed slots are overwritten with `''`
  // so no body is kept alive by an idle connection.
  #out: OutPart[] = [];
  #kinds: number[] = [];
  #outN = 0;
  #outText = true;
  // The UTF-8 byte length of the queue, or -1 once a part came without its count.
  #outBytes = 0;
  #closing = false;
  #writeClosed = false;
  // The last socket write not yet taken whole, or undefined: what a close must wait for.
  #lastWrite: Promise<void> | undefined;
  #flushScheduled = false;
  #hijacked = false;

  // The request being served: its body state and response, and its context if one was asked for.
  #bodyDone = true;
  #bodyRead = 0;
  #expectContinue = false;
  #sentContinue = false;
  #res: ServerResponse | undefined;
  #req: Request | undefined;
  #cancel: ((reason?: unknown) => void) | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #readDeadline: ReturnType<typeof setTimeout> | undefined;
  #writeDeadline: ReturnType<typeof setTimeout> | undefined;
  #readTimedOut = false;

  /** Wraps `conn` for `srv`; `baseCtx` is the parent of every request context. */
  constructor(srv: ConnServer, conn: Conn, baseCtx: Context) {
    this.#srv = srv;
    this.#conn = conn;
    this.#baseCtx = baseCtx;
    this.#remoteAddr = String(conn.remoteAddr);
    this.#parser = new HTTPParser({ kind: 'request', maxHeaderBytes: srv.maxHeaderBytes });
    // Go's background read: a client that goes away (end of stream included) cancels the
    // context of the request being served.
    void conn.ended.then(() => this.#onClosed());
  }

  /** The underlying connection. */
  get conn(): Conn {
    return this.#conn;
  }

  /** Closes the connection now (Server.close, shutdown of an idle connection). */
  close(): void {
    this.#conn.close();
  }

  #onClosed(): void {
    // The client went away: a handler still running sees its context cancelled.
    this.#cancel?.(new Error('http: client disconnected'));
  }

  // ── input ────────────────────────────────────────────────────────────────────────────────

  /** ChunkReceiver: data arrived. Runs the loop now, unless a handler or a write is pending. */
  onChunk(chunk: Uint8Array): void {
    if (this.#off >= this.#end && this.#pending.length === 0) {
      this.#buf = chunk;
      this.#off = 0;
      this.#end = chunk.length;
    } else {
      this.#pending.push(chunk);
      this.#pendingBytes += chunk.length;
      // Bytes pile up only while a handler runs; past the mark the socket stops reading, so a
      // client that sends faster than the handler reads fills its own window, not our memory.
      if (this.#pendingBytes > pendingHighWaterMark) this.#pauseInput(true);
    }
    const w = this.#waiter;
    if (w !== undefined) {
      this.#waiter = undefined;
      w();
      return;
    }
    if (!this.#busy) this.#pump();
  }

  /** ChunkReceiver: the peer ended its side. */
  onEnd(): void {
    if (this.#eof) return;
    this.#eof = true;
    const w = this.#waiter;
    if (w !== undefined) {
      this.#waiter = undefined;
      w();
      return;
    }
    if (!this.#busy) this.#pump();
  }

  #pauseInput(paused: boolean): void {
    const c = this.#conn as Conn & { pauseReading?: () => void; resumeReading?: () => void };
    if (paused) c.pauseReading?.();
    else c.resumeReading?.();
  }

  // Moves to the next received chunk, if there is one.
  #nextChunk(): boolean {
    // Usually nothing is pending: a length check costs less than shift() on an empty array,
    // which on Bun is still a call (2% of a keep-alive request in process).
    const pending = this.#pending;
    if (pending.length === 0) return false;
    const next = pending.shift() as Uint8Array;
    this.#pendingBytes -= next.length;
    if (this.#pendingBytes <= pendingHighWaterMark / 2) this.#pauseInput(false);
    this.#buf = next;
    this.#off = 0;
    this.#end = next.length;
    return true;
  }

  // The next parser event for a body read, waiting for data as needed. Returns NeedMore only at
  // end of stream. The parser is asked even when the chunk is used up: the end of a message
  // needs no bytes.
  #event(): ParseEvent | Promise<ParseEvent> {
    const ev = this.#parser.execute(this.#buf, this.#off, this.#end);
    this.#off = this.#parser.offset;
    if (ev !== ParseEvent.NeedMore) return ev;
    return this.#eventSlow();
  }

  async #eventSlow(): Promise<ParseEvent> {
    for (;;) {
      // A chunk that arrived while we waited may already be the current one (onChunk installs
      // it when nothing else is left), or wait in the queue.
      if (this.#off < this.#end || this.#nextChunk()) {
        const ev = this.#parser.execute(this.#buf, this.#off, this.#end);
        this.#off = this.#parser.offset;
        if (ev !== ParseEvent.NeedMore) return ev;
        continue;
      }
      if (this.#eof) return ParseEvent.NeedMore;
      await new Promise<void>((resolve) => {
        this.#waiter = resolve;
      });
      if (this.#readTimedOut) throw new Error('http: i/o timeout reading request body');
    }
  }

  // ── output (ResponseSink) ────────────────────────────────────────────────────────────────

  /** Queues body bytes. */
  push(data: Uint8Array): void {
    const n = this.#outN++;
    this.#out[n] = data;
    this.#kinds[n] = K_BYTES;
    this.#outText = false;
  }

  /** Queues head text (latin1); `ascii` spares the scan when the writer knows. */
  pushLatin1(text: string, ascii?: boolean): void {
    const n = this.#outN++;
    this.#out[n] = text;
    this.#kinds[n] = K_LATIN1;
    if (this.#outText && ascii !== true && nonASCII.test(text)) this.#outText = false;
    // Counted as one byte a code unit: the count is used only when every head part is ASCII.
    if (this.#outBytes !== -1) this.#outBytes += text.length;
  }

  /** Queues body text (UTF-8), `bytes` long when the writer counted it. */
  pushText(text: string, bytes = -1): void {
    const n = this.#outN++;
    this.#out[n] = text;
    this.#kinds[n] = K_TEXT;
    if (bytes < 0) this.#outBytes = -1;
    else if (this.#outBytes !== -1) this.#outBytes += bytes;
  }

  /**
   * As {@link HTTPConn.flush}, a microtask later while the socket keeps up: a handler that
   * writes past the buffer and returns writes the rest of its response (a chunked body's last
   * chunk, at least) before then, and the whole response leaves in one write instead of two
   * (`strace`, 16 KiB responses: 2 sends each before). With a write still pending it flushes
   * now, and the promise is the handler's backpressure.
   */
  flushSoon(): void | Promise<void> {
    if (this.#lastWrite !== undefined) return this.flush();
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      queueMicrotask(this.#flushLater);
    }
  }

  readonly #flushLater = (): void => {
    this.#flushScheduled = false;
    void this.flush();
  };

  /** Writes what is queued; resolves when the socket has taken it. */
  flush(): void | Promise<void> {
    const n = this.#outN;
    if (n === 0) return;
    const out = this.#out;
    const kinds = this.#kinds;
    const allText = this.#outText;
    this.#outText = true;
    const bytes = this.#outBytes;
    this.#outBytes = 0;
    // The queue is emptied before the write, which may call back into a handler.
    this.#outN = 0;
    if (allText) {
      // Every part is text and every head part ASCII, so UTF-8 of the whole is the wire form.
      let text = out[0] as string;
      out[0] = '';
      for (let i = 1; i < n; i++) {
        text += out[i] as string;
        out[i] = '';
      }
      return this.#write(text, bytes);
    }
    // Bytes among the parts: one buffer for the whole batch, strings written straight into it.
    // The first part (a head) is encoded in place when it is ASCII, the cheapest way there is;
    // later strings use Buffer's native writes at an offset (a subarray view per part, or a JS
    // loop over a head, each cost more than the rest of the flush: a fifth of a gin request).
    let size = 0;
    for (let i = 0; i < n; i++) {
      const p = out[i] as OutPart;
      size += typeof p !== 'string' ? p.length : kinds[i] === K_LATIN1 ? p.length : utf8Length(p);
    }
    const all = Buffer.allocUnsafe(size);
    let at = 0;
    for (let i = 0; i < n; i++) {
      const p = out[i] as OutPart;
      out[i] = '';
      if (typeof p !== 'string') {
        all.set(p, at);
        at += p.length;
      } else if (kinds[i] === K_LATIN1) {
        at +=
          at === 0 && !nonASCII.test(p)
            ? textEncoder.encodeInto(p, all).written
            : all.write(p, at, 'latin1');
      } else {
        at += at === 0 ? textEncoder.encodeInto(p, all).written : all.write(p, at, 'utf8');
      }
    }
    return this.#write(all);
  }

  // Our own sockets can write without a promise when the kernel takes it all at once. A write
  // to a connection the client has left never rejects: the data is dropped, the request's
  // context is already cancelled, and the connection will not be reused (the ResponseWriter
  // contract: its promises never reject, so an unawaited write can never go unhandled).
  // `bytes`: the UTF-8 length of text data when known, else -1.
  #write(data: string | Uint8Array, bytes = -1): void | Promise<void> {
    const c = this.#conn as Conn & {
      writeNow?: (d: string | Uint8Array, bytes?: number) => Promise<void> | undefined;
    };
    let w: Promise<void> | undefined;
    try {
      w = c.writeNow !== undefined ? c.writeNow(data, bytes) : c.write(data);
    } catch {
      this.#closing = true;
      return;
    }
    if (w === undefined) return;
    const p = w.then(
      () => {
        if (this.#lastWrite === p) this.#lastWrite = undefined;
      },
      () => {
        if (this.#lastWrite === p) this.#lastWrite = undefined;
        this.#closing = true;
      },
    );
    this.#lastWrite = p;
    return p;
  }

  /** Logs through the server. */
  log(message: string): void {
    this.#srv.logf(message);
  }

  // ── ContextProvider: a request's context, made only when asked for ─────────────────────────

  /** Builds the current request's cancellable context. */
  provideContext(): Context {
    const [ctx, cancel] = this.#baseCtx.withCancel();
    this.#cancel = cancel;
    return ctx;
  }

  // ── the loop ────────────────────────────────────────────────────────────────────────────

  /**
   * Serves requests until the connection is done; resolves then, never rejects. Our own sockets
   * hand their data to {@link HTTPConn.onChunk} directly; any other `Conn` is read in a loop.
   */
  serve(): Promise<void> {
    const done = new Promise<void>((resolve) => {
      this.#done = resolve;
    });
    const c = this.#conn as Conn & { attach?: (r: HTTPConn | undefined) => void };
    if (c.attach !== undefined) c.attach(this);
    else void this.#readLoop();
    this.#armTimer(this.#srv.readHeaderTimeout || this.#srv.readTimeout);
    return done;
  }

  // For a Conn that is not one of ours: pull its chunks and push them in, pausing while a
  // handler runs and input has piled up.
  async #readLoop(): Promise<void> {
    while (!this.#finished && !this.#hijacked) {
      while (this.#pendingBytes > pendingHighWaterMark && !this.#finished) {
        await new Promise<void>((resolve) => setTimeout(resolve, 1));
      }
      const chunk = await this.#conn.read();
      if (this.#hijacked) return;
      if (chunk === null) {
        this.onEnd();
        return;
      }
      this.onChunk(chunk);
    }
  }

  // Ends the connection once: after our FIN, wait a moment for the peer (Go's
  // closeWriteAndWait: closing at once could reset the connection and destroy the last response
  // in the peer's buffers), then close.
  #shutdownConn(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#clearTimer();
    const finish = (): void => {
      if (!this.#hijacked) {
        this.#conn.close();
        this.#setState('closed');
      }
      this.#done?.();
    };
    if (this.#hijacked || !this.#writeClosed) {
      finish();
      return;
    }
    // Go's closeWriteAndWait waits after its final flush has put everything in the kernel; a
    // write still queued here (a close-delimited body no terminator follows) is waited for
    // first, or closing would cut it off (an HTTP/1.0 reader that paused got nothing at all).
    const queued = this.#lastWrite;
    if (queued === undefined) {
      void Promise.race([this.#conn.closed, sleepUnref(rstAvoidanceDelay)]).then(finish);
      return;
    }
    void Promise.race([
      this.#conn.closed,
      queued.then(() => sleepUnref(rstAvoidanceDelay)),
      sleepUnref(closeFlushLimit),
    ]).then(finish);
  }

  // Runs requests for as long as input is there and handlers finish synchronously. Returns
  // when it must wait: for more input, for an async handler, or for a slow socket.
  #pump(): void {
    const srv = this.#srv;
    try {
      for (;;) {
        if (this.#finished) return;
        // The parser first reports the end of the previous message (MessageEnd), which needs no
        // bytes, so it is asked even when the chunk is used up.
        let ev = this.#parser.execute(this.#buf, this.#off, this.#end);
        this.#off = this.#parser.offset;
        while (ev === ParseEvent.MessageEnd) {
          ev = this.#parser.execute(this.#buf, this.#off, this.#end);
          this.#off = this.#parser.offset;
        }
        if (ev === ParseEvent.NeedMore) {
          if (this.#nextChunk()) continue;
          // Input ran dry: the end of a batch. Its responses leave in one write.
          const w = this.flush();
          if (w !== undefined) {
            this.#busy = true;
            w.then(
              () => {
                this.#busy = false;
                this.#pump();
              },
              () => this.#shutdownConn(),
            );
            return;
          }
          if (this.#closing || this.#eof) {
            if (!this.#closing && this.#headCutShort()) return;
            this.#shutdownConn();
            return;
          }
          // Going idle: nothing of the last request stays reachable from the connection, so a
          // collection while it waits finds that request's objects dead, not live.
          this.#req = undefined;
          this.#res = undefined;
          this.#buf = noBytes;
          this.#off = 0;
          this.#end = 0;
          this.#parser.release();
          if (this.state !== 'new') {
            this.#setState('idle');
            this.#armTimer(srv.idleTimeout || srv.readTimeout);
          }
          return;
        }
        if (ev !== ParseEvent.Head) {
          // Stopped (or anything unexpected): this stream is no longer HTTP. The responses
          // already queued (a CONNECT a handler answered without hijacking) still go out.
          this.#busy = true;
          void Promise.resolve(this.flush()).then(() => {
            this.#closeWrite();
            this.#shutdownConn();
          });
          return;
        }
        if (this.state !== 'active') {
          this.#setState('active');
          this.#armTimer(srv.readHeaderTimeout || srv.readTimeout);
        }
        const more = this.#serveRequest();
        if (more instanceof Promise) {
          this.#busy = true;
          more.then(
            (go) => {
              this.#busy = false;
              if (go) this.#pump();
              else this.#shutdownConn();
            },
            () => this.#shutdownConn(),
          );
          return;
        }
        if (!more) {
          this.#shutdownConn();
          return;
        }
      }
    } catch (err) {
      if (err instanceof ParseError) {
        this.#busy = true;
        void this.#replyParseError(err).finally(() => this.#shutdownConn());
        return;
      }
      this.#srv.logf(`http: connection error: ${err instanceof Error ? err.message : String(err)}`);
      this.#shutdownConn();
    }
  }

  #closeWrite(): void {
    this.#writeClosed = true;
    this.#conn.closeWrite();
  }

  #setState(state: ConnState): void {
    if (this.state === state) return;
    this.state = state;
    // Only the time spent in 'new' is ever asked for (shutdown's 5 s rule).
    if (state === 'new') this.stateSince = Date.now();
    this.#srv.setState(this, state);
  }

  #armTimer(ms: number): void {
    this.#clearTimer();
    if (ms > 0) {
      this.#timer = setTimeout(() => this.#conn.close(), ms);
      (this.#timer as { unref?: () => void }).unref?.();
    }
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  // Answers a malformed request as Go does, then the connection closes.
  // The responses of the requests before it in the same batch are still queued and go first:
  // dropping them made the error look like the answer to an earlier request (a response
  // desync found by the hardening corpus, row "conn: good then bad then more").
  // A head cut short by the end of the stream: Go's read fails with ErrUnexpectedEOF, which is
  // not the silent io.EOF of a clean close, so it answers a bare "400 Bad Request".
  #headCutShort(): boolean {
    try {
      this.#parser.finish();
      return false;
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
      this.#busy = true;
      void this.#replyParseError(err, false).finally(() => this.#shutdownConn());
      return true;
    }
  }

  async #replyParseError(err: ParseError, withReason = true): Promise<void> {
    const code = err.status;
    const head = `HTTP/1.1 ${code} ${statusText(code)}`;
    const body =
      code === 501
        ? 'Unsupported transfer encoding'
        : withReason
          ? `${code} ${statusText(code)}: ${err.reason}`
          : `${code} ${statusText(code)}`;
    this.pushLatin1(head + errorHeaders + body);
    await this.flush();
    this.#closeWrite();
  }

  // Builds the request from the parsed head, runs the handler, finishes the response and
  // drains the body. Returns whether the connection goes on to the next request — directly when
  // everything ran synchronously (no promise on the hot path), else as a promise.
  #serveRequest(): boolean | Promise<boolean> {
    const p = this.#parser;
    const srv = this.#srv;
    const method = p.method;
    const target = p.target;
    const minor = p.versionMinor;
    const framing = p.framing;
    this.#bodyDone = framing === Framing.None;
    this.#bodyRead = 0;
    this.#expectContinue = p.expectContinue && !this.#bodyDone;
    this.#sentContinue = false;
    const keepAlive = p.keepAlive;
    const wantsClose = !keepAlive;
    const resReq: ResponseRequest = {
      method,
      protoMinor: minor,
      wantsClose: minor >= 1 && wantsClose,
      wants10KeepAlive: minor === 0 && keepAlive,
    };
    const w = new ServerResponse(resReq, this, srv, this);
    const contentLength =
      framing === Framing.Length ? p.contentLength : framing === Framing.None ? 0 : -1;
    const r = new Request({
      method,
      target,
      proto: minor === 1 ? 'HTTP/1.1' : 'HTTP/1.0',
      fields: p.headFields(),
      remoteAddr: this.#remoteAddr,
      body: this.#bodyDone ? null : new BodyReader(this),
      contentLength,
      close: wantsClose,
      tls: (this.#conn as { tls?: TLSInfo }).tls,
      context: this,
    });
    this.#req = r;
    this.#res = w;
    this.#cancel = undefined;
    // The target is parsed lazily; one the usual fast path cannot vouch for (not origin-form,
    // or with escapes) is checked now, so a malformed one is Go's 400 from the server rather
    // than an exception in the handler (hardening corpus row "host: bad escape").
    if (target.charCodeAt(0) !== 0x2f || target.includes('%')) {
      try {
        void r.url;
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        return this.#replyParseError(new ParseError(400, why, 0)).then(() => false);
      }
    }
    this.#armTimer(srv.writeTimeout);
    // Go's ReadTimeout covers the whole request, body included: a body trickled a byte at a
    // time must fail its read, not hold the connection for ever (found by the hardening
    // slow-body test; Go measures from the start of the head, this from its end).
    if (srv.readTimeout > 0 && !this.#bodyDone) this.setReadDeadline(Date.now() + srv.readTimeout);

    if (p.unsupportedExpectation) {
      // Go: sendExpectationFailed — the handler never sees it; the body may follow unasked for,
      // so the connection closes.
      w.header().set('Connection', 'close');
      w.writeHeader(417);
      this.#closing = true;
      return this.#afterHandler(w);
    }
    let result: void | Promise<void>;
    try {
      if (!srv.disableGeneralOptionsHandler && method === 'OPTIONS' && target === '*') {
        result = globalOptions(w, r);
      } else {
        result = srv.handler.serveHTTP(w, r);
      }
    } catch (err) {
      this.#handlerFailed(err, r);
      return false;
    }
    if (result instanceof Promise) {
      return result.then(
        () => this.#afterHandler(w),
        (err: unknown) => {
          this.#handlerFailed(err, r);
          return false;
        },
      );
    }
    return this.#afterHandler(w);
  }

  #handlerFailed(err: unknown, r: Request): void {
    this.#cancel?.(err);
    this.#closing = true;
    if (this.#hijacked) return;
    if (err !== ErrAbortHandler) {
      const stack = err instanceof Error ? (err.stack ?? err.message) : String(err);
      this.#srv.logf(`http: panic serving ${r.remoteAddr}: ${stack}`);
    }
    // Nothing of a half-written response may be mistaken for a whole one: drop what is queued
    // and end the stream (the client sees EOF, as with Go's panicking handler).
    this.#out = [];
    this.#kinds = [];
    this.#outN = 0;
    this.#outBytes = 0;
    this.#closeWrite();
  }

  // After the handler returned: finish the response, then make the connection ready for the
  // next request (drain the body) or decide to close.
  #afterHandler(w: ServerResponse): boolean | Promise<boolean> {
    if (this.#hijacked) return false;
    // The rest of the body: small enough to skip over, or the connection cannot be reused.
    if (!this.#bodyDone) {
      const p = this.#parser;
      const remaining = p.framing === Framing.Length ? p.contentLength - this.#bodyRead : -1;
      if (remaining > maxPostHandlerReadBytes || (this.#expectContinue && !this.#sentContinue)) {
        // Go (issue 11549): a client told to wait for 100 Continue may still send the body
        // later, so the stream position is unknown: close.
        w.closeAfterReply = true;
      }
    }
    // A decision to close taken before the head goes out (a read deadline, say) must be in it.
    if (this.#closing) w.closeAfterReply = true;
    w.finish();
    this.#clearDeadlines();
    this.#cancel?.();
    this.#cancel = undefined;
    this.#clearTimer();
    if (w.closeAfterReply || !this.#srv.keepAlivesEnabled()) this.#closing = true;
    if (this.#closing) return this.#closeAfterFlushSync();
    if (this.#bodyDone) return true;
    return this.#drainBody();
  }

  #closeAfterFlushSync(): false | Promise<boolean> {
    const f = this.flush();
    if (f === undefined) {
      this.#closeWrite();
      return false;
    }
    return f.then(() => this.#closeAfterFlush());
  }

  #closeAfterFlush(): boolean {
    this.#closeWrite();
    return false;
  }

  async #drainBody(): Promise<boolean> {
    let skipped = 0;
    try {
      while (!this.#bodyDone) {
        const chunk = await this.readBody();
        if (chunk === null) break;
        skipped += chunk.length;
        if (skipped > maxPostHandlerReadBytes) {
          this.#closing = true;
          break;
        }
      }
    } catch {
      this.#closing = true;
    }
    if (this.#closing) {
      await this.flush();
      this.#closeWrite();
      return false;
    }
    return true;
  }

  // ── request body ──────────────────────────────────────────────────────────────────────

  /** Next chunk of the current request's body, or null at its end. For {@link BodyReader}. */
  async readBody(): Promise<Uint8Array | null> {
    if (this.#bodyDone) return null;
    if (this.#readTimedOut) throw new Error('http: i/o timeout reading request body');
    if (this.#expectContinue && !this.#sentContinue) {
      this.#sentContinue = true;
      // Only a response that has not started may be preceded by 100 Continue.
      if (this.#res !== undefined && this.#res.status === 0) {
        this.pushLatin1(continueLine, true);
        await this.flush();
      }
    }
    for (;;) {
      let ev: ParseEvent;
      try {
        const next = this.#event();
        ev = next instanceof Promise ? await next : next;
      } catch (err) {
        // A malformed body: the stream has no trustworthy boundary any more.
        this.#bodyDone = true;
        this.#closing = true;
        throw err;
      }
      switch (ev) {
        case ParseEvent.Body: {
          const b = this.#parser.body();
          this.#bodyRead += b.length;
          return b;
        }
        case ParseEvent.Trailers: {
          const req = this.#req;
          if (req !== undefined) {
            const p = this.#parser;
            for (let i = 0; i < p.trailerCount; i++) {
              appendTrusted(req.trailer, canonicalHeaderKey(p.trailerName(i)), p.trailerValue(i));
            }
          }
          break;
        }
        case ParseEvent.ChunkExtension:
          break;
        case ParseEvent.MessageEnd:
          this.#bodyDone = true;
          return null;
        default:
          // End of stream (or the parser stopped) inside a body: it can never be completed.
          this.#bodyDone = true;
          this.#closing = true;
          throw new Error('http: unexpected EOF reading request body');
      }
    }
  }

  // ── deadlines (ResponseController) ──────────────────────────────────────────────────

  /** Sets the read deadline for the current request's body (epoch ms; 0 clears it). */
  setReadDeadline(at: number): void {
    if (this.#readDeadline !== undefined) clearTimeout(this.#readDeadline);
    this.#readDeadline = undefined;
    if (at <= 0) return;
    this.#readDeadline = setTimeout(
      () => {
        this.#readTimedOut = true;
        this.#closing = true;
        // A read waiting for data wakes up and fails.
        const w = this.#waiter;
        this.#waiter = undefined;
        w?.();
      },
      Math.max(0, at - Date.now()),
    );
    (this.#readDeadline as { unref?: () => void }).unref?.();
  }

  /** Sets the write deadline for the current response (epoch ms; 0 clears it). */
  setWriteDeadline(at: number): void {
    if (this.#writeDeadline !== undefined) clearTimeout(this.#writeDeadline);
    this.#writeDeadline = undefined;
    if (at <= 0) return;
    this.#writeDeadline = setTimeout(() => this.#conn.close(), Math.max(0, at - Date.now()));
    (this.#writeDeadline as { unref?: () => void }).unref?.();
  }

  #clearDeadlines(): void {
    if (this.#readDeadline !== undefined) clearTimeout(this.#readDeadline);
    if (this.#writeDeadline !== undefined) clearTimeout(this.#writeDeadline);
    this.#readDeadline = undefined;
    this.#writeDeadline = undefined;
    this.#readTimedOut = false;
  }

  // ── hijack ────────────────────────────────────────────────────────────────────────────

  /** Hands the raw connection to the handler. */
  hijack(): HijackedConn {
    // What the response queued goes out first, as Go's Hijack flushes its chunk writer.
    void this.flush();
    this.#hijacked = true;
    this.#closing = true;
    this.#res?.markHijacked();
    this.#clearTimer();
    this.#setState('hijacked');
    // Everything read past the request head belongs to the new protocol: the rest of this
    // chunk and any chunk that arrived since. Later data goes to the hijacker's reads.
    (this.#conn as Conn & { attach?: (r: undefined) => void }).attach?.(undefined);
    let size = this.#end - this.#off;
    for (const p of this.#pending) size += p.length;
    const buffered = new Uint8Array(size);
    buffered.set(this.#buf.subarray(this.#off, this.#end), 0);
    let at = this.#end - this.#off;
    for (const p of this.#pending) {
      buffered.set(p, at);
      at += p.length;
    }
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#pauseInput(false);
    this.#off = this.#end;
    const c = this.#conn;
    return {
      buffered,
      remoteAddr: String(c.remoteAddr),
      localAddr: String(c.localAddr),
      write: (data) => c.write(data),
      close: () => c.close(),
      [Symbol.asyncIterator]: () => c[Symbol.asyncIterator](),
    };
  }
}

/** The request body as the handler reads it: pulled through the connection's parser. */
class BodyReader implements AsyncIterable<Uint8Array> {
  readonly #c: HTTPConn;
  #done = false;

  constructor(c: HTTPConn) {
    this.#c = c;
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    if (this.#done) throw ErrBodyReadAfterClose;
    return {
      next: async (): Promise<IteratorResult<Uint8Array>> => {
        const chunk = this.#done ? null : await this.#c.readBody();
        if (chunk === null) {
          this.#done = true;
          return { done: true, value: undefined };
        }
        return { done: false, value: chunk };
      },
      return: async (): Promise<IteratorResult<Uint8Array>> => {
        this.#done = true;
        return { done: true, value: undefined };
      },
    };
  }
}

// Go's globalOptionsHandler: `OPTIONS *` is about the server, not a resource: 200, no body.
function globalOptions(w: ResponseWriter, r: Request): void | Promise<void> {
  w.header().set('Content-Length', '0');
  if (r.contentLength === 0) return;
  // Go reads up to 4 KiB of a body so the connection can be reused.
  return (async () => {
    let n = 0;
    for await (const chunk of r) {
      n += chunk.length;
      if (n > 4 << 10) break;
    }
  })();
}
