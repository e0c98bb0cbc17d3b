/**
 * `listen()`, `Listener` and `Conn`: Go's `net.Listen` / `net.Listener` / `net.Conn` over the
 * runtime's own sockets — `Bun.listen` on Bun, `node:net` elsewhere (or on Bun when asked).
 *
 * Design: both runtimes push data to callbacks; Go's API pulls (`Accept`, `Read`). Each Listener
 * keeps a queue of accepted connections and a queue of waiting `accept()` calls; each Conn keeps
 * a queue of received chunks and at most one waiting `read()`. Invariants: a queue and its
 * waiters are never both non-empty; a Conn pauses its socket while more than `readHighWaterMark`
 * bytes wait unread, and resumes below it, so a peer that sends faster than the reader reads
 * fills the kernel's window instead of this process's memory. A write that the socket does not
 * take whole keeps the rest and finishes it on `drain`; its promise resolves only then.
 *
 * Example: `const l = await listen('tcp', '127.0.0.1:0')`; `l.addr().port` is the port the
 * kernel chose; `const c = await l.accept()`; `await c.read()` gives the first chunk the client
 * sent, `null` once it has closed its side.
 *
 * Bun's per-connection fast path for the HTTP server is built on the same backends; this
 * module is the general, Go-shaped API.
 */

import type { Server as NodeServer, Socket as NodeSocket } from 'node:net';
import type { SecureContext, TLSSocket } from 'node:tls';
import { AddrError, joinHostPort, parsePort, splitHostPort } from './addr.ts';
import { nodeFS, nodeNet, nodeTLS } from './builtins.ts';
import {
  alpnWire,
  bunTLSInfo,
  looksLikeHTTP,
  nodeTLSInfo,
  plainHTTPToTLSReply,
  type TLSConnectionState,
  type TLSOptions,
} from './tls.ts';
import { utf8Length } from './utf8.ts';

/** The networks `listen()` understands. Go: the `network` argument of `net.Listen`. */
export type Network = 'tcp' | 'tcp4' | 'tcp6' | 'unix';

/** A network endpoint address. Go: `net.Addr` (`*net.TCPAddr`, `*net.UnixAddr`). */
export interface Addr {
  /** `tcp` or `unix`. Go: `Addr.Network()`. */
  readonly network: 'tcp' | 'unix';
  /** The IP (no brackets) for TCP; the socket path for Unix. */
  readonly host: string;
  /** The port for TCP; 0 for Unix. */
  readonly port: number;
  /** `127.0.0.1:8080`, `[::1]:8080`, or the socket path. Go: `Addr.String()`. */
  toString(): string;
}

/**
 * A stream connection. Go: `net.Conn`. Reads and writes are promises; `read()` resolves with
 * `null` at end of stream; `write()` resolves once the socket has taken every byte.
 */
export interface Conn extends AsyncIterable<Uint8Array> {
  /** This side's address. */
  readonly localAddr: Addr;
  /** The peer's address. */
  readonly remoteAddr: Addr;
  /**
   * The next chunk received, or `null` once the peer has closed its side (or the connection was
   * closed). Only one read may wait at a time.
   * @throws {NetError} when a second read is already waiting.
   */
  read(): Promise<Uint8Array | null>;
  /**
   * Writes `data` (a string as UTF-8). Resolves when the socket has accepted all of it; resolves
   * (and drops the data) if the connection is closed meanwhile.
   * @throws {NetError} `use of closed network connection` after `close()`.
   */
  write(data: Uint8Array | string): Promise<void>;
  /** Ends this side of the stream after pending writes (TCP half-close). Go: `CloseWrite`. */
  closeWrite(): void;
  /** Closes the connection now; pending reads resolve `null`. Idempotent. Go: `Close`. */
  close(): void;
  /** Resolves once the connection is fully closed. */
  readonly closed: Promise<void>;
  /** Resolves once the peer has ended its side (end of stream) or the connection closed. */
  readonly ended: Promise<void>;
}

/** A network listener. Go: `net.Listener`. */
export interface Listener {
  /**
   * Waits for and returns the next connection.
   * @throws {NetError} `use of closed network connection` once the listener is closed.
   */
  accept(): Promise<Conn>;
  /**
   * Stops listening. Connections already accepted stay open; ones not yet accepted are closed;
   * waiting `accept()` calls reject. A Unix socket file this listener created is removed.
   */
  close(): Promise<void>;
  /** The address it listens on (with the port the kernel chose for port 0). */
  addr(): Addr;
  /** True for a listener made with the `tls` option: its connections speak TLS. */
  readonly tls?: boolean;
}

/** Options for {@link listen}. */
export interface ListenOptions {
  /** Which socket implementation: `bun` (default on Bun) or `node` (default elsewhere). */
  backend?: 'bun' | 'node';
  /** Unread bytes per connection above which reading pauses; default 64 KiB. */
  readHighWaterMark?: number;
  /**
   * Serve TLS: every accepted connection is a TLS server connection (Go: `tls.NewListener`).
   * The certificate and key are checked here, so a bad one fails `listen`, not a client.
   */
  tls?: TLSOptions;
  /**
   * Set `SO_REUSEPORT`, so several processes can listen on the same port and the kernel spreads
   * connections among them (Linux). Bun honours it; Node.js from 22.12 (older ones ignore it —
   * use `node:cluster`, whose workers share the primary's socket).
   */
  reusePort?: boolean;
}

/** An error of the network layer; `code` is the system code when there is one (`EADDRINUSE`). */
export class NetError extends Error {
  /** The system error code, if any. */
  readonly code: string | undefined;

  /** Builds the error; `message` reads like Go's `listen tcp 127.0.0.1:80: bind: …`. */
  constructor(message: string, code?: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'NetError';
    this.code = code;
  }
}

/**
 * Rejected by `accept()` on a closed listener and thrown by `write()` on a closed connection.
 * Go: `net.ErrClosed` ("use of closed network connection").
 */
export const ErrNetClosed: NetError = new NetError('use of closed network connection');

const defaultHighWaterMark = 64 * 1024;
const encoder = new TextEncoder();

// Counts of what is open, so that tests can check nothing leaks (Go's afterTest).
const open = { listeners: 0, conns: 0 };

/** How many listeners and connections made by this module are open now (for leak checks). */
export function openNetResources(): { listeners: number; conns: number } {
  return { ...open };
}

function tcpAddr(host: string, port: number): Addr {
  const h = host.startsWith('::ffff:') && host.includes('.') ? host.slice(7) : host;
  return { network: 'tcp', host: h, port, toString: () => joinHostPort(h, port) };
}

function unixAddr(path: string): Addr {
  return { network: 'unix', host: path, port: 0, toString: () => path };
}

interface Target {
  network: 'tcp' | 'unix';
  host: string;
  port: number;
  text: string;
}

// Go: net.Listen's address rules. An empty host is every interface (dual-stack for "tcp");
// "localhost" is the loopback of the family, as Go's resolver prefers IPv4 for "tcp".
function resolveTarget(network: string, address: string): Target {
  if (network === 'unix') {
    if (address === '') throw new NetError('listen unix: missing address');
    return { network: 'unix', host: address, port: 0, text: address };
  }
  if (network !== 'tcp' && network !== 'tcp4' && network !== 'tcp6') {
    throw new NetError(`listen ${network} ${address}: unknown network ${network}`);
  }
  let host = '';
  let port = 0;
  if (address !== '') {
    const [h, p] = splitHostPort(address);
    host = h;
    port = parsePort(p, address);
  }
  const v6literal = host.includes(':');
  const v4literal = /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
  if ((network === 'tcp4' && v6literal) || (network === 'tcp6' && v4literal)) {
    throw new AddrError('no suitable address found', address);
  }
  if (host === '') host = network === 'tcp4' ? '0.0.0.0' : '::';
  else if (host === 'localhost') host = network === 'tcp6' ? '::1' : '127.0.0.1';
  return { network: 'tcp', host, port, text: address };
}

function systemError(op: string, t: Target, err: unknown): NetError {
  const code = (err as { code?: string } | null)?.code;
  const why =
    code === 'EADDRINUSE'
      ? 'bind: address already in use'
      : code === 'EACCES'
        ? 'bind: permission denied'
        : code === 'EADDRNOTAVAIL'
          ? 'bind: cannot assign requested address'
          : code === 'ENOENT'
            ? 'bind: no such file or directory'
            : err instanceof Error
              ? err.message
              : String(err);
  return new NetError(`${op} ${t.network} ${t.text}: ${why}`, code, err);
}

/**
 * Listens on a network address. Go: `net.Listen`.
 *
 * - `tcp`, `tcp4`, `tcp6`: `host:port`; `:8080` or `""` (port 0) is every interface; port `0`
 *   picks a free port (read it from `addr()`); service names work (`:http`).
 * - `unix`: a socket file path; it must not exist yet, and `close()` removes it.
 *
 * @throws {AddrError} for a malformed address; {@link NetError} for an unknown network or a
 * failed bind (`listen tcp 127.0.0.1:80: bind: address already in use`).
 */
export async function listen(
  network: Network,
  address: string,
  options: ListenOptions = {},
): Promise<Listener> {
  const target = resolveTarget(network, address);
  const hwm = options.readHighWaterMark ?? defaultHighWaterMark;
  const backend = options.backend ?? (typeof Bun === 'undefined' ? 'node' : 'bun');
  const tls = options.tls === undefined ? undefined : checkTLS(options.tls, target);
  const reusePort = options.reusePort ?? false;
  const listener =
    backend === 'bun'
      ? bunListen(target, hwm, tls, reusePort)
      : await nodeListen(target, hwm, tls, reusePort);
  open.listeners++;
  return listener;
}

/** TLS settings checked once at listen: the context for node, the options for Bun. */
interface CheckedTLS {
  context: SecureContext;
  bun: import('bun').TLSOptions;
  alpn: string[];
}

function checkTLS(o: TLSOptions, t: Target): CheckedTLS {
  const alpn = [...(o.alpnProtocols ?? ['http/1.1'])];
  const list = (p: TLSOptions['cert']): (string | Uint8Array)[] =>
    typeof p === 'string' || p instanceof Uint8Array ? [p] : [...p];
  const cert = list(o.cert);
  const key = list(o.key);
  if (cert.length === 0 || key.length === 0) {
    throw new NetError(`listen ${t.network} ${t.text}: tls: a certificate and a key are required`);
  }
  let context: SecureContext;
  try {
    context = nodeTLS().createSecureContext({
      cert: cert.map(toBuffer),
      key: key.map(toBuffer),
      ...(o.passphrase !== undefined ? { passphrase: o.passphrase } : {}),
    });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new NetError(
      `listen ${t.network} ${t.text}: tls: bad certificate or key: ${why}`,
      'ETLS',
      err,
    );
  }
  const bun = {
    cert: cert.map(toBuffer),
    key: key.map(toBuffer),
    ...(o.passphrase !== undefined ? { passphrase: o.passphrase } : {}),
    ...(alpn.length > 0 ? { ALPNProtocols: alpnWire(alpn) } : {}),
  };
  return { context, bun, alpn };
}

function toBuffer(p: string | Uint8Array): Buffer {
  return typeof p === 'string' ? Buffer.from(p) : Buffer.from(p.buffer, p.byteOffset, p.length);
}

/** The accept queue both backends share. */
class AcceptQueue {
  #ready: Conn[] = [];
  #waiting: { resolve: (c: Conn) => void; reject: (e: unknown) => void }[] = [];
  #closed = false;

  push(c: Conn): void {
    if (this.#closed) {
      c.close();
      return;
    }
    const w = this.#waiting.shift();
    if (w !== undefined) w.resolve(c);
    else this.#ready.push(c);
  }

  next(): Promise<Conn> {
    const c = this.#ready.shift();
    if (c !== undefined) return Promise.resolve(c);
    if (this.#closed) return Promise.reject(ErrNetClosed);
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  /** Returns false when already closed. */
  close(): boolean {
    if (this.#closed) return false;
    this.#closed = true;
    for (const c of this.#ready) c.close();
    this.#ready = [];
    for (const w of this.#waiting) w.reject(ErrNetClosed);
    this.#waiting = [];
    return true;
  }
}

// A writeText answer meaning "all of it": node takes every byte and does not count them, and
// counting them here was a scan of each response (a UTF-8 length) only to compare with it.
const tookAll = Number.MAX_SAFE_INTEGER;

/** What a backend socket must offer a {@link StreamConn}. */
interface RawSocket {
  /**
   * Writes what it can now and returns how many bytes it took (Bun may take part), or -1 when it
   * took everything but is above its buffer mark, so the writer should wait for drain (node).
   */
  write(data: Uint8Array): number;
  /**
   * Like `write` for text sent as UTF-8; the count is in bytes, or {@link tookAll} when the
   * backend took the whole text without counting it (node).
   */
  writeText(text: string): number;
  end(): void;
  destroy(): void;
  pause(): void;
  resume(): void;
}

/**
 * Takes a connection's data as it arrives, synchronously, instead of through `read()`: the HTTP
 * loop parses and answers inside the socket's own callback, with no promise per request.
 */
export interface ChunkReceiver {
  /** Called with each chunk, in order. */
  onChunk(chunk: Uint8Array): void;
  /** Called once when the peer ends its side (or the connection closes). */
  onEnd(): void;
}

/** The Go-shaped Conn over a push-style socket; the backends feed it. */
export class StreamConn implements Conn {
  readonly localAddr: Addr;
  readonly remoteAddr: Addr;
  readonly closed: Promise<void>;
  readonly ended: Promise<void>;
  #raw: RawSocket;
  #hwm: number;
  #chunks: Uint8Array[] = [];
  #buffered = 0;
  #paused = false;
  #reader: ((c: Uint8Array | null) => void) | undefined;
  #eof = false;
  #isClosed = false;
  #receiver: ChunkReceiver | undefined;
  #markClosed!: () => void;
  #markEnded!: () => void;
  // Writes waiting for drain, in order: `data` is what the socket has not taken yet, or null
  // when it took it all and only the drain itself is awaited.
  #pending: { data: Uint8Array | null; resolve: () => void }[] = [];
  /** The TLS connection state once the handshake is done; undefined for plain TCP. */
  tls: TLSConnectionState | undefined;
  /**
   * Set by the HTTP/2 side while it waits for a TLS connection's protocol (node:net backend on
   * Node.js): when the handshake settles on `h2` it is offered the TLS socket itself, nothing
   * read from it yet, and returns true to take it; this connection then never reads. Node's
   * http2 session reads a TLS socket natively, which a JavaScript stream in between cannot
   * match (Go does the same: `TLSNextProto["h2"]` receives the `*tls.Conn`).
   */
  handoff: ((socket: TLSSocket) => boolean) | undefined;
  // The Bun socket under this connection, which the runtime's http2 may write to itself; and
  // who is told when it drains, once lent.
  #native: unknown;
  #onLentDrain: (() => void) | undefined;

  constructor(raw: RawSocket, local: Addr, remote: Addr, hwm: number, native?: unknown) {
    this.#raw = raw;
    this.localAddr = local;
    this.remoteAddr = remote;
    this.#hwm = hwm;
    this.#native = native;
    this.closed = new Promise((resolve) => {
      this.#markClosed = resolve;
    });
    this.ended = new Promise((resolve) => {
      this.#markEnded = resolve;
    });
    open.conns++;
  }

  /**
   * Sends data to `r` as it arrives instead of queueing it for `read()`, starting with what is
   * already queued; `undefined` returns to `read()` (for a hijacked connection), and what
   * arrives from then on is queued again.
   */
  attach(r: ChunkReceiver | undefined): void {
    this.#receiver = r;
    if (r === undefined) return;
    // Bytes (and the end) that arrived before anyone listened — the connection sat in the accept
    // queue while the server was busy — go to the receiver first, in order; dropping them would
    // leave the client waiting on a request the server never saw.
    while (this.#chunks.length > 0 && this.#receiver === r) {
      const c = this.#chunks.shift() as Uint8Array;
      this.#buffered -= c.length;
      if (this.#paused && this.#buffered <= this.#hwm / 2) {
        this.#paused = false;
        this.#raw.resume();
      }
      r.onChunk(c);
    }
    if (this.#eof && this.#chunks.length === 0 && this.#receiver === r) r.onEnd();
  }

  /**
   * Lends the backend's own socket (Bun): Bun's http2 session writes its frames straight to a
   * native socket it is given as `_handle`, and reads from it natively too (this connection's
   * data callback sees nothing more), where through a JavaScript stream each response became a
   * buffer in the heap and a 64 KiB response cost twice the CPU. Returns
   * undefined when there is no such socket or writes of this connection are still queued (they
   * would be overtaken); otherwise `onDrain` is called whenever the socket can take more.
   */
  lendSocket(onDrain: () => void): unknown {
    if (this.#native === undefined || this.#pending.length > 0 || this.#isClosed) return undefined;
    this.#onLentDrain = onDrain;
    return this.#native;
  }

  /** Whether reading is paused (by backpressure or {@link StreamConn.pauseReading}). */
  get isPaused(): boolean {
    return this.#paused;
  }

  /** Stops reading from the socket until {@link StreamConn.resumeReading}. */
  pauseReading(): void {
    if (!this.#paused) {
      this.#paused = true;
      this.#raw.pause();
    }
  }

  /** Resumes reading after {@link StreamConn.pauseReading}. */
  resumeReading(): void {
    if (this.#paused && !this.#isClosed) {
      this.#paused = false;
      this.#raw.resume();
    }
  }

  /** Backend: bytes arrived. */
  onData(chunk: Uint8Array): void {
    if (this.#isClosed || chunk.length === 0) return;
    const rc = this.#receiver;
    if (rc !== undefined) {
      rc.onChunk(chunk);
      return;
    }
    const r = this.#reader;
    if (r !== undefined) {
      this.#reader = undefined;
      r(chunk);
      return;
    }
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    if (!this.#paused && this.#buffered > this.#hwm) {
      this.#paused = true;
      this.#raw.pause();
    }
  }

  /** Backend: the peer ended its side. */
  onEnd(): void {
    this.#eof = true;
    this.#markEnded();
    const rc = this.#receiver;
    if (rc !== undefined) {
      rc.onEnd();
      return;
    }
    const r = this.#reader;
    if (r !== undefined && this.#chunks.length === 0) {
      this.#reader = undefined;
      r(null);
    }
  }

  /** Backend: the socket can take more. */
  onDrain(): void {
    while (this.#pending.length > 0) {
      const p = this.#pending[0] as { data: Uint8Array | null; resolve: () => void };
      if (p.data !== null) {
        const n = this.#raw.write(p.data);
        if (n === -1) {
          p.data = null;
          return;
        }
        if (n < p.data.length) {
          p.data = p.data.subarray(n);
          return;
        }
      }
      this.#pending.shift();
      p.resolve();
    }
    this.#onLentDrain?.();
  }

  /** Backend: the socket is gone. */
  onClose(): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.#eof = true;
    this.#chunks = [];
    this.#buffered = 0;
    const r = this.#reader;
    this.#reader = undefined;
    r?.(null);
    this.#receiver?.onEnd();
    for (const p of this.#pending) p.resolve();
    this.#pending = [];
    this.#native = undefined;
    this.#onLentDrain = undefined;
    open.conns--;
    this.#markEnded();
    this.#markClosed();
  }

  read(): Promise<Uint8Array | null> {
    if (this.#reader !== undefined) {
      return Promise.reject(new NetError('read: another read is already waiting'));
    }
    const c = this.#chunks.shift();
    if (c !== undefined) {
      this.#buffered -= c.length;
      if (this.#paused && this.#buffered <= this.#hwm / 2) {
        this.#paused = false;
        this.#raw.resume();
      }
      return Promise.resolve(c);
    }
    if (this.#eof) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.#reader = resolve;
    });
  }

  /**
   * Like {@link Conn.write} but without a promise when the socket takes everything at once (the
   * common case): returns undefined then, else the promise of the rest. For the HTTP loop, which
   * writes once per batch of requests and should not pay a promise and a turn for it. `bytes` is
   * the UTF-8 length of text when the caller counted it, so a whole write is told from a short
   * one without counting again.
   */
  writeNow(data: Uint8Array | string, bytes = -1): Promise<void> | undefined {
    if (this.#isClosed) return Promise.reject(ErrNetClosed);
    if (this.#pending.length > 0) return this.write(data);
    // Long text is encoded once here: a short write then keeps a view of the rest instead of
    // counting and encoding the whole string again.
    if (typeof data === 'string' && data.length > 16 * 1024) data = encoder.encode(data);
    if (typeof data === 'string') {
      if (data.length === 0) return undefined;
      const n = this.#raw.writeText(data);
      if (n === tookAll || (n !== -1 && n >= (bytes >= 0 ? bytes : utf8Length(data)))) {
        return undefined;
      }
      if (n === -1) return new Promise((resolve) => this.#pending.push({ data: null, resolve }));
      const rest = encoder.encode(data).subarray(n);
      return new Promise((resolve) => this.#pending.push({ data: rest, resolve }));
    }
    if (data.length === 0) return undefined;
    const n = this.#raw.write(data);
    if (n >= data.length) return undefined;
    const rest = n === -1 ? null : data.subarray(n);
    return new Promise((resolve) => this.#pending.push({ data: rest, resolve }));
  }

  write(data: Uint8Array | string): Promise<void> {
    if (this.#isClosed) return Promise.reject(ErrNetClosed);
    if (typeof data === 'string') return this.#writeText(data);
    const bytes = data;
    if (bytes.length === 0) return Promise.resolve();
    if (this.#pending.length === 0) {
      const n = this.#raw.write(bytes);
      if (n >= bytes.length) return Promise.resolve();
      const rest = n === -1 ? null : bytes.subarray(n);
      return new Promise((resolve) => this.#pending.push({ data: rest, resolve }));
    }
    return new Promise((resolve) => this.#pending.push({ data: bytes, resolve }));
  }

  // Text goes to the socket as text (the runtime encodes it natively); only a short write is
  // encoded here, to keep its rest.
  #writeText(text: string): Promise<void> {
    if (text.length === 0) return Promise.resolve();
    if (this.#pending.length > 0) {
      return new Promise((resolve) => this.#pending.push({ data: encoder.encode(text), resolve }));
    }
    const n = this.#raw.writeText(text);
    if (n === -1) return new Promise((resolve) => this.#pending.push({ data: null, resolve }));
    if (n === tookAll || n >= utf8Length(text)) return Promise.resolve();
    const rest = encoder.encode(text).subarray(n);
    return new Promise((resolve) => this.#pending.push({ data: rest, resolve }));
  }

  closeWrite(): void {
    if (this.#isClosed) return;
    if (this.#pending.length === 0) {
      this.#raw.end();
      return;
    }
    const last = this.#pending[this.#pending.length - 1] as { resolve: () => void };
    const resolve = last.resolve;
    last.resolve = () => {
      resolve();
      this.#raw.end();
    };
  }

  close(): void {
    if (this.#isClosed) return;
    this.#raw.destroy();
    this.onClose();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    for (;;) {
      const c = await this.read();
      if (c === null) return;
      yield c;
    }
  }
}

function bunRaw(s: import('bun').Socket<unknown>): RawSocket {
  return {
    write: (d) => s.write(d),
    writeText: (text) => s.write(text),
    end: () => s.end(),
    destroy: () => s.terminate(),
    pause: () => (s as unknown as { pause(): void }).pause(),
    resume: () => (s as unknown as { resume(): void }).resume(),
  };
}

function bunListen(
  t: Target,
  hwm: number,
  tls: CheckedTLS | undefined,
  reusePort: boolean,
): Listener {
  const queue = new AcceptQueue();
  type Data = { conn: StreamConn | undefined; first: boolean };
  const addrs = (s: import('bun').Socket<Data>): [Addr, Addr] =>
    t.network === 'unix'
      ? [unixAddr(t.host), unixAddr('@')]
      : [tcpAddr(s.localAddress, s.localPort), tcpAddr(s.remoteAddress, s.remotePort)];
  const socketHandlers = {
    open(s: import('bun').Socket<Data>) {
      const [local, remote] = addrs(s);
      const conn = new StreamConn(
        bunRaw(s as import('bun').Socket<unknown>),
        local,
        remote,
        hwm,
        s,
      );
      s.data = { conn, first: false };
      queue.push(conn);
    },
    data(s: import('bun').Socket<Data>, chunk: Buffer) {
      s.data.conn?.onData(chunk);
    },
    drain(s: import('bun').Socket<Data>) {
      s.data.conn?.onDrain();
    },
    end(s: import('bun').Socket<Data>) {
      s.data.conn?.onEnd();
    },
    close(s: import('bun').Socket<Data>) {
      s.data.conn?.onClose();
    },
    error(s: import('bun').Socket<Data>) {
      s.data.conn?.onClose();
    },
  };
  // TLS: the TCP socket is upgraded as it opens, so the Conn (and the server's read-header
  // timer) exists before the handshake. The TCP socket still sees the first bytes before the TLS
  // layer does; when they are plain HTTP, Go's answer goes out on it in clear.
  const tlsHandlers = {
    ...socketHandlers,
    // The Conn was made when the TCP socket opened.
    open() {},
    handshake(s: import('bun').Socket<Data>, ok: boolean) {
      const conn = s.data.conn;
      if (conn !== undefined && ok) conn.tls = bunTLSInfo(s);
    },
  };
  const rawHandlers = {
    open(s: import('bun').Socket<Data>) {
      const [local, remote] = addrs(s);
      s.data = { conn: undefined, first: true };
      const data: Data = { conn: undefined, first: false };
      const [, ts] = (
        s as unknown as {
          upgradeTLS(o: unknown): [unknown, import('bun').Socket<Data>];
        }
      ).upgradeTLS({ tls: tls?.bun, socket: tlsHandlers, data });
      const conn = new StreamConn(
        bunRaw(ts as import('bun').Socket<unknown>),
        local,
        remote,
        hwm,
        ts,
      );
      data.conn = conn;
      s.data.conn = conn;
      queue.push(conn);
    },
    data(s: import('bun').Socket<Data>, chunk: Buffer) {
      if (!s.data.first) return;
      s.data.first = false;
      if (looksLikeHTTP(chunk)) {
        s.write(plainHTTPToTLSReply);
        s.end();
      }
    },
    close(s: import('bun').Socket<Data>) {
      s.data.conn?.onClose();
    },
    error(s: import('bun').Socket<Data>) {
      s.data.conn?.onClose();
    },
  };
  const handlers = tls === undefined ? socketHandlers : rawHandlers;
  let server: import('bun').TCPSocketListener<Data> | import('bun').UnixSocketListener<Data>;
  try {
    server =
      t.network === 'unix'
        ? Bun.listen<Data>({ unix: t.host, socket: handlers, allowHalfOpen: true })
        : Bun.listen<Data>({
            hostname: t.host,
            port: t.port,
            socket: handlers,
            // As on node (and in Go): a peer's FIN ends its side only; the answer still goes out.
            allowHalfOpen: true,
            ...(reusePort ? { reusePort: true } : {}),
          });
  } catch (err) {
    throw systemError('listen', t, err);
  }
  const addr =
    t.network === 'unix'
      ? unixAddr(t.host)
      : tcpAddr(t.host, (server as import('bun').TCPSocketListener<Data>).port);
  return {
    accept: () => queue.next(),
    addr: () => addr,
    tls: tls !== undefined,
    async close() {
      if (!queue.close()) return;
      server.stop(false);
      open.listeners--;
      if (t.network === 'unix')
        await nodeFS()
          .unlink(t.host)
          .catch(() => {});
    },
  };
}

function nodeListen(
  t: Target,
  hwm: number,
  tls: CheckedTLS | undefined,
  reusePort: boolean,
): Promise<Listener> {
  const queue = new AcceptQueue();
  // allowHalfOpen: a peer's FIN must not end our side too — Go keeps writing until CloseWrite.
  const opts = { allowHalfOpen: true, noDelay: true };
  const server: NodeServer = nodeNet().createServer(opts, (tcp: NodeSocket) => {
    // With TLS the Conn starts on the TCP socket (so timers cover the handshake) and moves to
    // the TLS socket once the first bytes show a ClientHello rather than plain HTTP.
    let s: NodeSocket = tcp;
    const raw: RawSocket = {
      // node takes every byte and buffers what the kernel does not; false means "wait for drain".
      write: (d) => (s.write(d) ? d.length : -1),
      // Only the -1 matters: a true write took all of it, whatever its byte length.
      writeText: (text) => (s.write(text) ? tookAll : -1),
      end: () => s.end(),
      destroy: () => s.destroy(),
      pause: () => s.pause(),
      resume: () => s.resume(),
    };
    const local =
      t.network === 'unix' ? unixAddr(t.host) : tcpAddr(tcp.localAddress ?? '', tcp.localPort ?? 0);
    const remote =
      t.network === 'unix' ? unixAddr('@') : tcpAddr(tcp.remoteAddress ?? '', tcp.remotePort ?? 0);
    const conn = new StreamConn(raw, local, remote, hwm);
    const wire = (x: NodeSocket): void => {
      x.on('data', (chunk: Uint8Array) => conn.onData(chunk));
      x.on('end', () => conn.onEnd());
      x.on('drain', () => conn.onDrain());
    };
    tcp.on('close', () => conn.onClose());
    tcp.on('error', () => conn.onClose());
    if (tls === undefined) wire(tcp);
    else {
      // A peer that ends its side before sending a byte never reaches the TLS socket.
      tcp.once('end', () => {
        if (s === tcp) conn.onEnd();
      });
      tcp.once('data', (first: Buffer) => {
        tcp.pause();
        if (looksLikeHTTP(first)) {
          tcp.end(plainHTTPToTLSReply);
          return;
        }
        tcp.unshift(first);
        const ts = new (nodeTLS().TLSSocket)(tcp, {
          isServer: true,
          secureContext: tls.context,
          ALPNProtocols: tls.alpn,
        });
        s = ts;
        ts.on('close', () => conn.onClose());
        ts.on('error', () => conn.onClose());
        // Nothing is read from the TLS socket before the handshake settles (the socket drives
        // the handshake itself), so an h2 connection can still be handed over untouched.
        ts.once('secure', () => {
          conn.tls = nodeTLSInfo(ts);
          if (ts.alpnProtocol === 'h2' && conn.handoff?.(ts) === true) return;
          wire(ts);
          if (!conn.isPaused) ts.resume();
        });
      });
    }
    queue.push(conn);
  });
  return new Promise((resolve, reject) => {
    server.once('error', (err) => reject(systemError('listen', t, err)));
    const onListening = (): void => {
      const a = server.address();
      const addr =
        t.network === 'unix' || a === null || typeof a === 'string'
          ? unixAddr(t.host)
          : tcpAddr(t.host, a.port);
      resolve({
        accept: () => queue.next(),
        addr: () => addr,
        tls: tls !== undefined,
        close() {
          if (!queue.close()) return Promise.resolve();
          open.listeners--;
          // Stops listening at once (and node removes its Unix socket file); the callback would
          // also wait for every accepted connection, which Go's Close does not.
          server.close();
          return Promise.resolve();
        },
      });
    };
    if (t.network === 'unix') server.listen(t.host, onListening);
    else {
      server.listen({ host: t.host, port: t.port, ipv6Only: false, reusePort }, onListening);
    }
  });
}
