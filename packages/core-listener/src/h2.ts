/**
 * HTTP/2 for `Server`: Go's `http2.Server` as configured by `http.Server.Protocols` and
 * `HTTP2Config` (Go 1.24), on top of `node:http2` — no hand-written framing, HPACK or flow
 * control here; this file routes connections and runs sessions, `h2-stream.ts` maps each
 * stream onto servehttp's `Request`, and `h2-response.ts` is the HTTP/2 `ResponseWriter`.
 *
 * Design: one `Server` serves both protocols on one port. A connection that may speak HTTP/2 —
 * any TLS connection while HTTP/2 is on (ALPN decides), a plain one only when unencrypted HTTP/2
 * is on — is *peeked*: its first bytes are held until they tell the protocol (ALPN `h2` after
 * the handshake, or the 24-byte client preface `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n`). HTTP/1 gets
 * the connection back with the peeked bytes replayed in front ({@link ReplayConn}); HTTP/2 gets
 * it wrapped as a `Duplex` ({@link connDuplex}) that is handed to a `node:http2` server with
 * `emit('connection', duplex)` — the pattern node documents for sockets accepted elsewhere. A
 * TLS connection of the node:net backend (on Node or on Bun) that negotiated `h2` skips the
 * duplex: its `TLSSocket`, nothing read from it yet, is handed over itself (Go's
 * `TLSNextProto`), and the runtime's http2 reads it natively. `Bun.listen` sockets are not node
 * sockets, and an h2c connection's preface has been read: those keep the duplex, whose `_handle`
 * is, on Bun, the connection's native socket, which Bun's session then reads and writes itself.
 *
 * Invariants: a peeked connection holds at most {@link prefaceLength} bytes before deciding,
 * and is closed if nothing decides it within the read-header timeout (or 10 s); every session
 * is tracked until it closes, so `shutdown()` can send GOAWAY and wait, and `close()` can end
 * it; a handler never throws past its stream (an error resets the stream, as Go's
 * `handlerPanicRST` does).
 *
 * Example: a browser connects over TLS and negotiates `h2`; its first chunk is the preface and
 * a SETTINGS frame; the peek sees ALPN `h2`, wraps the connection, and `node:http2` emits a
 * session; each HEADERS frame becomes a `'stream'` event → `Request { proto: 'HTTP/2.0' }` +
 * `H2ResponseWriter` → the handler (on Bun, at the end of the event-loop turn, with the others
 * of that turn: see `runSoon`) → HEADERS + DATA frames.
 */
import type * as http2 from 'node:http2';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { nodeHTTP2, nodeStream } from './builtins.ts';
import type { Context } from './context.ts';
import { effectiveHTTP2Config, type HTTP2Config } from './h2-config.ts';
import { H2Stream, type H2StreamConn } from './h2-stream.ts';
import type { Handler } from './handler.ts';
import type { Conn } from './net.ts';
import type { TLSInfo } from './request.ts';

export {
  effectiveHTTP2Config,
  type HTTP2Config,
  http2Defaults,
  type Protocols,
} from './h2-config.ts';

/** The 24 bytes every HTTP/2 client sends first (RFC 9113 §3.4). */
export const clientPreface = 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n';
const prefaceLength = clientPreface.length;

/** What the HTTP/2 side needs from its `Server`. */
export interface H2Host {
  readonly handler: Handler;
  readonly maxHeaderBytes: number;
  readonly readHeaderTimeout: number;
  readonly readTimeout: number;
  readonly writeTimeout: number;
  readonly idleTimeout: number;
  readonly disableGeneralOptionsHandler: boolean;
  readonly http2: HTTP2Config;
  keepAlivesEnabled(): boolean;
  logf(message: string): void;
  connState: ((conn: Conn, state: 'active' | 'idle' | 'closed') => void) | undefined;
  /** Called whenever a connection the hub tracked is gone (for shutdown's wait). */
  onConnGone(): void;
}

type ConnWithExtras = Conn & {
  handoff?: ((socket: TLSSocket) => boolean) | undefined;
  attach?: (r: { onChunk(c: Uint8Array): void; onEnd(): void } | undefined) => void;
  pauseReading?: () => void;
  resumeReading?: () => void;
  tls?: TLSInfo;
};

/**
 * A connection with bytes already read from it put back in front: what HTTP/1 serves after a
 * peek. Delegates everything else to the connection it wraps.
 */
export class ReplayConn implements Conn {
  readonly #c: ConnWithExtras;
  #front: Uint8Array[];

  /** Wraps `c`; `front` is what was read from it, in order. */
  constructor(c: Conn, front: Uint8Array[]) {
    this.#c = c as ConnWithExtras;
    this.#front = front;
  }

  get localAddr(): Conn['localAddr'] {
    return this.#c.localAddr;
  }
  get remoteAddr(): Conn['remoteAddr'] {
    return this.#c.remoteAddr;
  }
  get closed(): Promise<void> {
    return this.#c.closed;
  }
  get ended(): Promise<void> {
    return this.#c.ended;
  }
  /** The TLS state of the wrapped connection. */
  get tls(): TLSInfo | undefined {
    return this.#c.tls;
  }

  read(): Promise<Uint8Array | null> {
    const f = this.#front.shift();
    return f === undefined ? this.#c.read() : Promise.resolve(f);
  }

  write(data: Uint8Array | string): Promise<void> {
    return this.#c.write(data);
  }

  /** Writes without a promise when the socket takes all (see `StreamConn.writeNow`). */
  writeNow(data: Uint8Array | string): Promise<void> | undefined {
    const c = this.#c as ConnWithExtras & {
      writeNow?: (d: Uint8Array | string) => Promise<void> | undefined;
    };
    return c.writeNow !== undefined ? c.writeNow(data) : c.write(data);
  }

  closeWrite(): void {
    this.#c.closeWrite();
  }

  close(): void {
    this.#c.close();
  }

  pauseReading(): void {
    this.#c.pauseReading?.();
  }

  resumeReading(): void {
    this.#c.resumeReading?.();
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return (async function* (self: ReplayConn) {
      for (;;) {
        const c = await self.read();
        if (c === null) return;
        yield c;
      }
    })(this);
  }
}

// Only connections that can take a receiver get the synchronous fast path; the replayed bytes
// are handed over in a microtask, which runs before the socket's next data callback can.
function withAttach(rc: ReplayConn, c: ConnWithExtras, front: Uint8Array[]): Conn {
  if (c.attach === undefined) return rc;
  const attach = c.attach.bind(c);
  return Object.assign(rc, {
    attach(r: { onChunk(c: Uint8Array): void; onEnd(): void } | undefined): void {
      attach(r);
      if (r === undefined || front.length === 0) return;
      const chunks = front.splice(0);
      queueMicrotask(() => {
        for (const chunk of chunks) r.onChunk(chunk);
      });
    },
  });
}

/** Which protocol a peeked connection speaks. */
type Peeked = {
  proto: 'h1' | 'h2' | 'none';
  front: Uint8Array[];
  /** The TLS socket itself, when the connection handed it over unread (see `native`). */
  native?: TLSSocket;
};

// Reads until the first bytes decide the protocol: on TLS, the first chunk (the handshake is
// done by then and ALPN known); in clear, enough bytes to compare with the preface.
// `native`: whether an h2 TLS connection may be taken over as the runtime's own socket.
function peek(c: ConnWithExtras, tls: boolean, timeout: number, native: boolean): Promise<Peeked> {
  return new Promise((resolve) => {
    const front: Uint8Array[] = [];
    let have = 0;
    let done = false;
    const finish = (proto: Peeked['proto'], socket?: TLSSocket): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (tls) c.handoff = undefined;
      if (c.attach !== undefined) c.attach(undefined);
      resolve(socket === undefined ? { proto, front } : { proto, front, native: socket });
    };
    if (tls && native) {
      c.handoff = (socket) => {
        finish('h2', socket);
        return true;
      };
    }
    const decide = (): void => {
      if (tls) {
        finish(c.tls?.negotiatedProtocol === 'h2' ? 'h2' : 'h1');
        return;
      }
      const n = Math.min(have, prefaceLength);
      let i = 0;
      for (const chunk of front) {
        for (let j = 0; j < chunk.length && i < n; j++, i++) {
          if (chunk[j] !== clientPreface.charCodeAt(i)) {
            finish('h1');
            return;
          }
        }
      }
      if (have >= prefaceLength) finish('h2');
    };
    const timer = setTimeout(() => {
      c.close();
      finish('none');
    }, timeout);
    const receiver = {
      onChunk(chunk: Uint8Array): void {
        front.push(chunk);
        have += chunk.length;
        decide();
      },
      onEnd(): void {
        finish(have === 0 ? 'none' : 'h1');
      },
    };
    if (c.attach !== undefined) {
      c.attach(receiver);
      return;
    }
    const loop = async (): Promise<void> => {
      while (!done) {
        const chunk = await c.read();
        if (chunk === null) receiver.onEnd();
        else receiver.onChunk(chunk);
      }
    };
    void loop();
  });
}

// Bun's node:http2 writes each frame on its own, synchronously: those are gathered per turn.
const gatherFrames = typeof (globalThis as { Bun?: unknown }).Bun !== 'undefined';

// Bytes of frames gathered in one turn before the session is made to wait for the socket.
const batchHighWaterMark = 256 << 10;
// The buffer small frames are joined in: a DATA frame's payload (16 KiB by default) and the
// headers around it fit.
const scratchSize = 32 << 10;

/**
 * A `Duplex` over a servehttp `Conn`, for `node:http2`. Incoming chunks are pushed as they
 * arrive and reading pauses when the duplex's buffer is full; writes resolve when the socket
 * took the bytes. `front` is what a peek already read; `onRead` hears of each chunk, and with it
 * the connection's own socket is never given to the session (see `lendSocket`), since the session
 * would read that socket out of `onRead`'s sight.
 */
export function connDuplex(c: Conn, front: Uint8Array[], onRead?: () => void): Duplex {
  const cx = c as ConnWithExtras & {
    writeNow?: (d: Uint8Array | string) => Promise<void> | undefined;
    lendSocket?: (onDrain: () => void) => unknown;
  };
  let pulling = false;
  // The session writes a frame at a time (a 9-byte header, then each 16 KiB DATA payload, for
  // each stream): written one by one, every frame was a TLS record and a syscall of its own,
  // half the CPU of a 64 KiB response. Frames written in one turn are gathered and leave
  // together at the end of it; the session is told "written" at once while the batch and the
  // socket are below the mark, and waits for the socket otherwise (so backpressure holds).
  let batch: Uint8Array[] = [];
  let batchBytes = 0;
  let scheduled = false;
  let draining: Promise<unknown> | undefined;
  // Session callbacks held until the batch their frames went out in is written.
  let waiting: ((err?: Error | null) => void)[] = [];
  const release = (cbs: ((err?: Error | null) => void)[], err?: Error): void => {
    for (const cb of cbs) cb(err ?? null);
  };
  // Small frames are joined in a buffer of at most 32 KiB; a DATA payload that large goes out as
  // it is. (Joining a whole batch with Buffer.concat made one buffer of up to 640 KiB per turn,
  // and its page faults were a quarter of the CPU.) A joined buffer is never reused: a node
  // socket may still hold it after write() returned.
  let scratch: Uint8Array | undefined;
  let used = 0;
  // The writes of one batch the socket did not take at once: waited for (and their failures
  // handled) together, so a connection closing under a batch rejects nothing unobserved.
  let unfinished: Promise<void>[] = [];
  const send = (data: Uint8Array): void => {
    const p = cx.writeNow !== undefined ? cx.writeNow(data) : cx.write(data);
    if (p !== undefined) unfinished.push(p);
  };
  const sendScratch = (): void => {
    if (used === 0 || scratch === undefined) return;
    send(scratch.subarray(0, used));
    scratch = undefined;
    used = 0;
  };
  const flushBatch = (): void => {
    scheduled = false;
    if (batch.length === 0) return;
    const chunks = batch;
    const cbs = waiting;
    batch = [];
    waiting = [];
    batchBytes = 0;
    unfinished = [];
    try {
      if (!gatherFrames) {
        // On Node a socket write costs more than copying: the batch goes out as one buffer.
        send(chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks));
      } else {
        for (const chunk of chunks) {
          if (chunk.length >= scratchSize) {
            sendScratch();
            send(chunk);
            continue;
          }
          if (scratch !== undefined && used + chunk.length > scratchSize) sendScratch();
          scratch ??= new Uint8Array(scratchSize);
          scratch.set(chunk, used);
          used += chunk.length;
        }
        sendScratch();
      }
    } catch (err) {
      release(cbs, err as Error);
      return;
    }
    if (unfinished.length === 0) {
      release(cbs);
      return;
    }
    // Promise.all observes every write, and rejects with the first failure.
    const p: Promise<unknown> =
      unfinished.length === 1 ? (unfinished[0] as Promise<void>) : Promise.all(unfinished);
    draining = p;
    p.then(
      () => {
        if (draining === p) draining = undefined;
        release(cbs);
      },
      (err: Error) => release(cbs, err),
    );
  };
  // What follows a write: on Bun, while the socket keeps up, "written" at once and the batch
  // leaves at the end of the turn; otherwise the batch leaves now and the session waits for it.
  // Node's session hands over frames already batched (nghttp2's send buffer, and writev while
  // the socket is busy): gathering them again cost 35–45% more CPU there (h2load, 64 KiB).
  const accept = (cb: (err?: Error | null) => void): void => {
    if (gatherFrames && draining === undefined && batchBytes < batchHighWaterMark) {
      if (!scheduled) {
        scheduled = true;
        queueMicrotask(flushBatch);
      }
      cb();
      return;
    }
    waiting.push(cb);
    flushBatch();
  };
  const d = new (nodeStream().Duplex)({
    writableHighWaterMark: 1 << 20,
    readableHighWaterMark: 1 << 20,
    write(chunk: Uint8Array, _encoding, cb) {
      batch.push(chunk);
      batchBytes += chunk.length;
      accept(cb);
    },
    writev(chunks, cb) {
      for (const x of chunks) {
        const chunk = x.chunk as Uint8Array;
        batch.push(chunk);
        batchBytes += chunk.length;
      }
      accept(cb);
    },
    read() {
      if (cx.attach !== undefined) cx.resumeReading?.();
      else if (!pulling) void pull();
    },
    final(cb) {
      // Frames told "written" may still be in the batch or the socket's queue: they go first.
      flushBatch();
      const end = (): void => {
        c.closeWrite();
        cb();
      };
      if (draining === undefined) end();
      else draining.then(end, end);
    },
    destroy(err, cb) {
      c.close();
      cb(err);
    },
  });
  const push = (chunk: Uint8Array): boolean => {
    onRead?.();
    return d.push(chunk);
  };
  for (const chunk of front) push(chunk);
  const pull = async (): Promise<void> => {
    pulling = true;
    try {
      for (;;) {
        const chunk = await c.read();
        if (chunk === null) {
          d.push(null);
          return;
        }
        if (!push(chunk)) return;
      }
    } finally {
      pulling = false;
    }
  };
  if (cx.attach !== undefined) {
    cx.attach({
      onChunk(chunk) {
        if (!push(chunk)) cx.pauseReading?.();
      },
      onEnd() {
        d.push(null);
      },
    });
  }
  void c.closed.then(() => {
    if (!d.destroyed) d.destroy();
  });
  // Bun's session writes to (and reads from) a native socket it finds as `_handle` itself, so
  // frames skip `write` above (and the heap). Worth it for bodies: a 64 KiB response took half
  // the CPU. Small responses are gathered by the session then, not here (see runSoon).
  const lent =
    gatherFrames && onRead === undefined ? cx.lendSocket?.(() => d.emit('drain')) : undefined;
  if (lent !== undefined) Object.assign(d, { _handle: lent });
  // What node's http2 reads from a socket it is given.
  Object.assign(d, {
    remoteAddress: c.remoteAddr.host,
    remotePort: c.remoteAddr.port,
    localAddress: c.localAddr.host,
    localPort: c.localAddr.port,
    encrypted: cx.tls !== undefined,
    // Left undefined in clear: node takes `false` for "no ALPN, fall back to HTTP/1".
    ...(cx.tls !== undefined ? { alpnProtocol: cx.tls.negotiatedProtocol } : {}),
    setNoDelay: () => d,
    setKeepAlive: () => d,
    setTimeout: () => d,
    ref: () => d,
    unref: () => d,
  });
  return d;
}

const NGHTTP2_NO_ERROR = 0;
const NGHTTP2_ENHANCE_YOUR_CALM = 0xb;

// Handlers of the streams that arrived in this turn of the event loop, run at its end (Bun only).
// Bun's session gathers the frames written in one go and sends them when the microtask queue
// next drains, which it does after every stream it announces: a handler run as its stream
// arrived had its response sent on its own, so ten requests in one read got ten sends. Run
// together after the reads, they leave together (`strace`, 20,000 small responses: 20,250
// sends before, 2,250 after). Go runs each handler on a goroutine of its own, so nothing may
// depend on when, relative to the others, one starts.
let ready: H2Stream[] = [];

function runReady(): void {
  const batch = ready;
  ready = [];
  for (const st of batch) {
    // run() catches what a handler throws; anything else must not strand the streams after it.
    try {
      st.run();
    } catch (err) {
      st.logf(`http2: starting a handler: ${String(err)}`);
    }
  }
}

function runSoon(st: H2Stream): void {
  if (ready.length === 0) setImmediate(runReady);
  ready.push(st);
}

// For streams nobody serves: node's streams throw an 'error' that has no listener.
function ignoreError(): void {}

// How long a connection whose session closed may take to write out what is still queued for it.
const sessionLinger = 30_000;

// Go: serverConn.maxHeaderListSize — MaxHeaderBytes plus room for the per-field overhead HPACK
// counts (32 bytes for each of ten typical fields).
function maxHeaderListSize(maxHeaderBytes: number): number {
  const n = maxHeaderBytes > 0 ? maxHeaderBytes : 1 << 20;
  return n + 10 * 32;
}

/** One HTTP/2 connection: its session, its open streams, its timers. */
class H2Conn implements H2StreamConn {
  readonly conn: Conn;
  readonly session: http2.ServerHttp2Session;
  readonly host: H2Host;
  readonly window: number;
  readonly ctx: Context;
  readonly tls: TLSInfo | undefined;
  readonly remote: string;
  readonly #hub: H2Hub;
  streams = 0;
  #running = 0;
  #calmed = false;
  #goingAway = false;
  // The highest stream id the client has opened, announced as the last one served by GOAWAY.
  #lastStreamId = 0;
  #closeScheduled = false;
  #waiting: H2Stream[] = [];
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  #pingTimer: ReturnType<typeof setInterval> | undefined;
  lastRead: number = Date.now();
  #gone = false;

  constructor(hub: H2Hub, conn: Conn, session: http2.ServerHttp2Session, ctx: Context) {
    this.#hub = hub;
    this.conn = conn;
    this.session = session;
    this.host = hub.host;
    this.window = hub.config.maxReceiveBufferPerStream;
    this.ctx = ctx;
    this.tls = (conn as ConnWithExtras).tls;
    this.remote = String(conn.remoteAddr);
    const cfg = hub.config;
    session.on(
      'stream',
      (
        stream: http2.ServerHttp2Stream,
        headers: http2.IncomingHttpHeaders,
        flags: number,
        raw: unknown,
      ) => this.#onStream(stream, headers, flags, raw as readonly string[] | undefined),
    );
    session.on('error', () => {});
    session.on('close', () => this.#onClose());
    try {
      session.setLocalWindowSize(cfg.maxReceiveBufferPerConnection);
    } catch {
      // Older runtimes lack it; the stream windows still apply.
    }
    this.#armIdle();
    if (cfg.sendPingTimeout > 0) {
      this.#pingTimer = setInterval(() => this.#maybePing(), cfg.sendPingTimeout);
      (this.#pingTimer as { unref?: () => void }).unref?.();
    }
  }

  /**
   * Sends GOAWAY; open streams finish, then, once the client has read what they wrote, the session
   * closes. Also what the idle timeout does: a connection without streams may still hold the tail
   * of the last response, since a stream is done once the session has its frames, not once the
   * socket has taken them; closed at once, that tail was lost to a client still reading (a
   * paused reader of 16 MiB, whenever the idle timer beat a graceful shutdown).
   * Go: startGracefulShutdown.
   */
  shutdown(): void {
    // Already going away: the wait for the client decides (an idle timer firing meanwhile must
    // not cut it short).
    if (this.#goingAway || this.session.closed || this.session.destroyed) return;
    this.#goingAway = true;
    try {
      this.session.goaway(NGHTTP2_NO_ERROR, this.#lastStreamId);
    } catch {
      this.session.destroy();
      return;
    }
    if (this.streams === 0) this.#closeWhenRead();
  }

  // A session drops the frames it still holds for a full socket when it is destroyed (both
  // runtimes, where it writes to the socket itself): closed as soon as its streams were done, it
  // cut the tail off a response to a client that reads slowly. A PING written after those frames
  // is answered only once the client has read them all; the session closes then, or after
  // `sessionLinger` for a client that stops reading or never answers.
  #closeWhenRead(): void {
    if (this.#closeScheduled) return;
    this.#closeScheduled = true;
    let done = false;
    // Destroyed, not closed: what is left are streams opened after the GOAWAY, which close()
    // would wait for; they are reset. Everything served has been read by then.
    const close = (): void => {
      if (done) return;
      done = true;
      clearTimeout(t);
      if (!this.session.destroyed) this.session.destroy();
    };
    const t = setTimeout(close, sessionLinger);
    (t as { unref?: () => void }).unref?.();
    try {
      if (!this.session.ping(close)) close();
    } catch {
      close();
    }
  }

  /** Ends the connection now. */
  destroy(): void {
    if (!this.session.destroyed) this.session.destroy();
    this.conn.close();
  }

  #maybePing(): void {
    const cfg = this.#hub.config;
    if (Date.now() - this.lastRead < cfg.sendPingTimeout || this.session.destroyed) return;
    const t = setTimeout(() => this.destroy(), cfg.pingTimeout);
    try {
      this.session.ping((err) => {
        clearTimeout(t);
        if (err !== null) this.destroy();
      });
    } catch {
      clearTimeout(t);
    }
  }

  #armIdle(): void {
    const host = this.#hub.host;
    const ms = host.idleTimeout || host.readTimeout;
    if (ms <= 0) return;
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => {
      if (this.streams === 0) this.shutdown();
    }, ms);
  }

  #onClose(): void {
    if (this.#gone) return;
    this.#gone = true;
    clearTimeout(this.#idleTimer);
    clearInterval(this.#pingTimer);
    // What the session wrote may still be queued for a client that reads slowly: closing now
    // threw it away (a graceful shutdown cut responses short). The connection ends after it, as
    // Go's does once its last frame is in the kernel, and is closed when the peer closes or after
    // `sessionLinger`; until then it counts as open, so a graceful shutdown waits for it.
    const conn = this.conn;
    conn.closeWrite();
    const t = setTimeout(() => conn.close(), sessionLinger);
    (t as { unref?: () => void }).unref?.();
    void conn.closed.then(() => {
      clearTimeout(t);
      this.#hub.gone(this);
    });
  }

  #onStream(
    stream: http2.ServerHttp2Stream,
    headers: http2.IncomingHttpHeaders,
    flags: number,
    raw: readonly string[] | undefined,
  ): void {
    const id = stream.id ?? 0;
    if (this.#goingAway && id > this.#lastStreamId) {
      // Opened after our GOAWAY named the last stream served: not served, as Go ignores it (the
      // GOAWAY already told the client it may retry it elsewhere); the session's end resets it,
      // and the shutdown does not wait for it.
      stream.on('error', ignoreError);
      return;
    }
    if (id > this.#lastStreamId) this.#lastStreamId = id;
    if (this.streams++ === 0) {
      if (this.#idleTimer !== undefined) clearTimeout(this.#idleTimer);
      this.#hub.host.connState?.(this.conn, 'active');
    }
    this.#schedule(new H2Stream(this, stream, headers, flags, raw));
  }

  /** @internal H2StreamConn: a stream closed. */
  streamClosed(): void {
    if (--this.streams === 0) {
      if (this.#goingAway) this.#closeWhenRead();
      this.#armIdle();
      this.#hub.host.connState?.(this.conn, 'idle');
      // Go: with keep-alives off (or shutting down), an HTTP/2 connection goes away once its
      // streams are done.
      if (!this.#hub.host.keepAlivesEnabled()) this.shutdown();
    }
  }

  // Go's answer to rapid reset (CVE-2023-44487, serverConn.scheduleHandler): a stream the
  // client resets at once frees its slot in the session at once, but its handler goes on
  // running; so at most maxConcurrentStreams handlers run per connection, the others wait, and
  // more than four times that waiting is a connection error ENHANCE_YOUR_CALM.
  #schedule(st: H2Stream): void {
    const max = this.#hub.config.maxConcurrentStreams;
    if (this.#running < max) {
      this.#running++;
      if (gatherFrames) runSoon(st);
      else st.run();
      return;
    }
    if (this.#waiting.length > 4 * max) {
      this.#hub.host.logf(`http2: too many early resets from ${this.remote}`);
      this.#calm();
      return;
    }
    this.#waiting.push(st);
  }

  // A connection error: GOAWAY ENHANCE_YOUR_CALM, then the end of the connection. The GOAWAY
  // goes through goaway() and the end through close() a moment later: destroy(err, code) does
  // not get the frame out on either runtime before the socket closes.
  #calm(): void {
    if (this.#calmed) return;
    this.#calmed = true;
    try {
      this.session.goaway(NGHTTP2_ENHANCE_YOUR_CALM);
    } catch {
      // Already going away.
    }
    const t = setTimeout(() => this.destroy(), 100);
    (t as { unref?: () => void }).unref?.();
  }

  /** @internal H2StreamConn: a handler returned or threw. Go: serverConn.handlerDone —
   * start waiting handlers whose streams are still open. */
  handlerExited(): void {
    this.#running--;
    if (this.#waiting.length === 0) return;
    const max = this.#hub.config.maxConcurrentStreams;
    while (this.#running < max) {
      const next = this.#waiting.shift();
      if (next === undefined) return;
      if (next.closed) continue;
      this.#running++;
      next.run();
    }
  }
}

/**
 * A `Server`'s HTTP/2 side: the `node:http2` server its connections are handed to, and the
 * sessions it is serving. Created by `Server` on the first connection that may speak HTTP/2.
 */
export class H2Hub {
  /** The server this hub serves for. */
  readonly host: H2Host;
  /** The limits in effect. */
  readonly config: Required<HTTP2Config>;
  readonly #server: http2.Http2Server;
  readonly #conns = new Set<H2Conn>();
  readonly #peeking = new Map<Conn, number>();
  #pendingSession: { conn: Conn; ctx: Context } | undefined;
  #closing = false;
  // An h2 TLS connection of the node:net backend is served on its own TLS socket (see
  // StreamConn.handoff), on Node and on Bun alike; Bun.listen sockets are not node sockets and
  // keep the duplex. Not with PINGs configured: they are timed from reads, which happen out of
  // sight there (and on a socket lent to Bun's session, which is why none is lent then).
  readonly #nativeTLS: boolean;

  /** Builds the `node:http2` server with the host's limits. */
  constructor(host: H2Host) {
    this.host = host;
    this.config = effectiveHTTP2Config(host.http2);
    const cfg = this.config;
    this.#nativeTLS = cfg.sendPingTimeout === 0;
    this.#server = nodeHTTP2().createServer({
      settings: {
        maxConcurrentStreams: cfg.maxConcurrentStreams,
        headerTableSize: cfg.maxDecoderHeaderTableSize,
        maxFrameSize: cfg.maxReadFrameSize,
        initialWindowSize: cfg.maxReceiveBufferPerStream,
        maxHeaderListSize: maxHeaderListSize(host.maxHeaderBytes),
      },
      // Go bounds the header by bytes only; node's default of 128 fields would refuse requests
      // Go accepts.
      maxHeaderListPairs: 4096,
    });
    this.#server.on('session', (session: http2.ServerHttp2Session) => {
      const p = this.#pendingSession;
      this.#pendingSession = undefined;
      if (p === undefined) {
        session.destroy();
        return;
      }
      const c = new H2Conn(this, p.conn, session, p.ctx);
      this.#conns.add(c);
      if (this.#closing) c.shutdown();
    });
  }

  /** Open HTTP/2 connections plus connections still being peeked. */
  get size(): number {
    return this.#conns.size + this.#peeking.size;
  }

  /**
   * Decides a new connection's protocol and serves it: HTTP/2 here, HTTP/1 through `startHTTP1`
   * (given the connection with the peeked bytes in front), nothing when `http1` is off or the
   * peer leaves first.
   */
  async route(
    conn: Conn,
    ctx: Context,
    tls: boolean,
    http1: boolean,
    startHTTP1: (c: Conn) => void,
  ): Promise<void> {
    const host = this.host;
    const timeout = host.readHeaderTimeout || host.readTimeout || 10_000;
    this.#peeking.set(conn, Date.now());
    let p: Peeked;
    try {
      p = await peek(conn as ConnWithExtras, tls, timeout, this.#nativeTLS);
    } finally {
      this.#peeking.delete(conn);
    }
    if (p.proto === 'none') {
      conn.close();
      host.onConnGone();
      return;
    }
    if (p.proto === 'h1') {
      if (!http1) {
        conn.close();
        host.onConnGone();
        return;
      }
      const rc = new ReplayConn(conn, p.front);
      startHTTP1(withAttach(rc, conn as ConnWithExtras, p.front));
      return;
    }
    if (p.native === undefined) {
      this.serveH2(conn, ctx, p.front);
      return;
    }
    const socket = p.native;
    // A server-side TLS socket made outside a tls.Server keeps `secureConnecting` true after its
    // handshake, and node's session waits for a 'secureConnect' that never comes (Node 20).
    (socket as unknown as { secureConnecting: boolean }).secureConnecting = false;
    this.#startSession(conn, ctx, () => socket);
  }

  /** Serves HTTP/2 on `conn`, whose first bytes `front` were already read. */
  serveH2(conn: Conn, ctx: Context, front: Uint8Array[]): void {
    let h: H2Conn | undefined;
    // The time of the last read matters only to the PING timer: no clock read per chunk without.
    const onRead =
      this.config.sendPingTimeout > 0
        ? () => {
            if (h !== undefined) h.lastRead = Date.now();
          }
        : undefined;
    h = this.#startSession(conn, ctx, () => connDuplex(conn, front, onRead));
  }

  // Hands what `open` returns — the connection's own TLS socket, or a duplex over it — to the
  // node:http2 server, whose 'session' handler picks up `conn` and `ctx`. Returns the
  // connection's H2Conn, or undefined when it was closed instead (shutting down, or no session).
  #startSession(conn: Conn, ctx: Context, open: () => Duplex | TLSSocket): H2Conn | undefined {
    if (this.#closing) {
      conn.close();
      this.host.onConnGone();
      return undefined;
    }
    this.#pendingSession = { conn, ctx };
    this.#server.emit('connection', open());
    if (this.#pendingSession !== undefined) {
      // The runtime did not start a session synchronously: nothing to serve.
      this.#pendingSession = undefined;
      conn.close();
      this.host.onConnGone();
      return undefined;
    }
    for (const c of this.#conns) if (c.conn === conn) return c;
    return undefined;
  }

  /** @internal A session closed. */
  gone(c: H2Conn): void {
    if (this.#conns.delete(c)) {
      this.host.connState?.(c.conn, 'closed');
      this.host.onConnGone();
    }
  }

  /**
   * Graceful stop: GOAWAY on every session (open streams finish), and connections still being
   * peeked or idle for over 5 s closed. Go: the h2 server's `startGracefulShutdown`.
   */
  shutdown(): void {
    this.#closing = true;
    for (const c of this.#conns) c.shutdown();
    this.closeIdle();
  }

  /** Closes peeked connections older than 5 s (Go issue 22682's rule for new ones). */
  closeIdle(): void {
    const now = Date.now();
    for (const [c, since] of this.#peeking) if (now - since > 5000) c.close();
  }

  /** Ends every HTTP/2 connection now. */
  close(): void {
    this.#closing = true;
    for (const c of this.#conns) c.destroy();
    for (const c of this.#peeking.keys()) c.close();
  }
}
