/**
 * `Server`: Go's `http.Server` — `listenAndServe()`, `serve(listener)` with its accept loop,
 * and graceful `shutdown()`.
 *
 * Design: `serve` pulls connections from a `Listener` in a loop (Go's `for { l.Accept() }`) and
 * starts one `HTTPConn.serve()` task per connection without awaiting it (`go c.serve(ctx)`).
 * Temporary accept errors — the process or the system is out of file descriptors or buffers —
 * back off 5 ms, doubling to 1 s, and are logged, as in Go; any other error ends `serve`.
 * Every connection is tracked with its state, so that `shutdown` can close the idle ones at once
 * and the others as soon as their current response is done, and `close` can close them all.
 *
 * Example: `new Server({ addr: ':8080', handler }).listenAndServe()` listens on every interface
 * and rejects with `ErrServerClosed` once `shutdown()` or `close()` is called.
 */
import { splitHostPort } from './addr.ts';
import { nodeFS } from './builtins.ts';
import { type ConnServer, type ConnState, HTTPConn } from './conn.ts';
import { Context, createKey } from './context.ts';
import { ErrServerClosed } from './errors.ts';
import type { H2Hub } from './h2.ts';
import type { HTTP2Config, Protocols } from './h2-config.ts';
import { type Handler, type HandlerLike, toHandler } from './handler.ts';
import { type Conn, type Listener, listen, NetError } from './net.ts';
import type { TLSOptions } from './tls.ts';

/**
 * The default limit on request head size, 1 MiB. Go: `http.DefaultMaxHeaderBytes`.
 */
export const DefaultMaxHeaderBytes: number = 1 << 20;

/** Context key under which request contexts carry their Server. Go: `http.ServerContextKey`. */
export const ServerContextKey: import('./context.ts').ContextKey<Server> =
  createKey<Server>('http-server');

/** Context key for the local address a request arrived on. Go: `http.LocalAddrContextKey`. */
export const LocalAddrContextKey: import('./context.ts').ContextKey<string> =
  createKey<string>('local-addr');

/** The fields of a {@link Server}; all optional. Durations are milliseconds, 0 = none. */
export interface ServerOptions {
  /** `host:port` for `listenAndServe`; `''` means `:http`. */
  addr?: string;
  /** The handler every request goes to. */
  handler?: HandlerLike;
  /** Max time to read a whole request, body included. Go: `ReadTimeout`. */
  readTimeout?: number;
  /** Max time to read a request head; falls back to `readTimeout`. Go: `ReadHeaderTimeout`. */
  readHeaderTimeout?: number;
  /** Max time from the end of the head to the end of the response. Go: `WriteTimeout`. */
  writeTimeout?: number;
  /** Max time to wait for the next request on a kept-alive connection; falls back to
   * `readTimeout`. Go: `IdleTimeout`. */
  idleTimeout?: number;
  /** Max bytes of a request head; default {@link DefaultMaxHeaderBytes}. Go: `MaxHeaderBytes`. */
  maxHeaderBytes?: number;
  /** Called on every connection state change. Go: `ConnState`. */
  connState?: (conn: Conn, state: ConnState) => void;
  /** The parent context of every request on a listener. Go: `BaseContext`. */
  baseContext?: (listener: Listener) => Context;
  /** Derives the context of a connection's requests. Go: `ConnContext`. */
  connContext?: (ctx: Context, conn: Conn) => Context;
  /** Where the server logs; default `console.error`. Go: `ErrorLog`. */
  errorLog?: (message: string) => void;
  /** Close every connection after one response. Go: `SetKeepAlivesEnabled(false)`. */
  disableKeepAlives?: boolean;
  /** Send `OPTIONS *` to the handler instead of answering it. Go: same name. */
  disableGeneralOptionsHandler?: boolean;
  /**
   * Certificate, key and ALPN for `listenAndServeTLS()` when it is given no files.
   * Go: `TLSConfig` (its `Certificates` and `NextProtos`).
   */
  tlsConfig?: TLSOptions;
  /**
   * Which protocols to serve: HTTP/1 and HTTP/2 over TLS by default (ALPN offers `h2` then
   * `http/1.1`), HTTP/2 in clear (prior knowledge) only when `unencryptedHTTP2` is set.
   * `{ http2: false }` turns HTTP/2 off. Go: `Server.Protocols` (Go 1.24).
   */
  protocols?: Protocols;
  /** HTTP/2 limits; Go's defaults when absent. Go: `Server.HTTP2` (`HTTP2Config`). */
  http2?: HTTP2Config;
}

// Accept errors worth retrying: resource exhaustion and a peer that left before accept.
const temporaryCodes = new Set(['EMFILE', 'ENFILE', 'ENOBUFS', 'ENOMEM', 'ECONNABORTED', 'EAGAIN']);

/**
 * The wait before the next accept after a temporary error, given the last one (0 after a
 * success): 5 ms, doubling, at most 1 s — Go's `Server.Serve` back-off. Never exported from the
 * package entry.
 */
export function acceptBackoff(last: number): number {
  return last === 0 ? 5 : Math.min(last * 2, 1000);
}

/** Whether an accept error is worth retrying (see `temporaryCodes`). Not exported from the entry. */
export function isTemporary(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && temporaryCodes.has(code);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * An HTTP server. Go: `http.Server`: the same fields (in camelCase, durations in ms) and methods,
 * with promises where Go blocks.
 */
export class Server implements ConnServer {
  /** Address for `listenAndServe`. */
  addr: string;
  /** The handler (set through the constructor or directly). */
  handler: Handler;
  /** See {@link ServerOptions.readTimeout}. */
  readTimeout: number;
  /** See {@link ServerOptions.readHeaderTimeout}. */
  readHeaderTimeout: number;
  /** See {@link ServerOptions.writeTimeout}. */
  writeTimeout: number;
  /** See {@link ServerOptions.idleTimeout}. */
  idleTimeout: number;
  /** See {@link ServerOptions.maxHeaderBytes}. */
  maxHeaderBytes: number;
  /** See {@link ServerOptions.disableGeneralOptionsHandler}. */
  disableGeneralOptionsHandler: boolean;
  /** See {@link ServerOptions.connState}. */
  connState: ((conn: Conn, state: ConnState) => void) | undefined;
  /** See {@link ServerOptions.baseContext}. */
  baseContext: ((listener: Listener) => Context) | undefined;
  /** See {@link ServerOptions.connContext}. */
  connContext: ((ctx: Context, conn: Conn) => Context) | undefined;
  /** See {@link ServerOptions.errorLog}. */
  errorLog: (message: string) => void;
  /** See {@link ServerOptions.tlsConfig}. */
  tlsConfig: TLSOptions | undefined;
  /** See {@link ServerOptions.protocols}; read when a connection is accepted. */
  protocols: Protocols;
  /** See {@link ServerOptions.http2}; read when the first HTTP/2 connection arrives. */
  http2: HTTP2Config;

  #h2: H2Hub | undefined;

  #keepAlives: boolean;
  #shuttingDown = false;
  #listeners = new Set<Listener>();
  #conns = new Set<HTTPConn>();
  #onShutdown: (() => void)[] = [];
  #quiet: (() => void) | undefined;

  /**
   * Builds a server. A handler that is neither a function nor an object with `serveHTTP` is a
   * `TypeError`; no handler at all is an error only when serving starts.
   */
  constructor(options: ServerOptions = {}) {
    this.addr = options.addr ?? '';
    this.handler =
      options.handler === undefined ? missingHandler : toHandler(options.handler, 'Server handler');
    this.readTimeout = options.readTimeout ?? 0;
    this.readHeaderTimeout = options.readHeaderTimeout ?? 0;
    this.writeTimeout = options.writeTimeout ?? 0;
    this.idleTimeout = options.idleTimeout ?? 0;
    this.maxHeaderBytes = options.maxHeaderBytes ?? DefaultMaxHeaderBytes;
    this.disableGeneralOptionsHandler = options.disableGeneralOptionsHandler ?? false;
    this.connState = options.connState;
    this.baseContext = options.baseContext;
    this.connContext = options.connContext;
    this.errorLog = options.errorLog ?? ((m) => console.error(m));
    this.tlsConfig = options.tlsConfig;
    this.protocols = { ...options.protocols };
    this.http2 = { ...options.http2 };
    this.#keepAlives = !(options.disableKeepAlives ?? false);
  }

  /** @internal For connections: whether to keep connections open after a response. */
  keepAlivesEnabled(): boolean {
    return this.#keepAlives && !this.#shuttingDown;
  }

  /** Turns keep-alives on or off. Go: `SetKeepAlivesEnabled`. */
  setKeepAlivesEnabled(v: boolean): void {
    this.#keepAlives = v;
    if (!v) this.#closeIdle();
  }

  /** @internal Logs a line. Go: `srv.logf`. */
  logf(message: string): void {
    this.errorLog(message);
  }

  /** @internal Tracks a connection's state (Go: `conn.setState`). */
  setState(c: HTTPConn, state: ConnState): void {
    if (state === 'closed' || state === 'hijacked') this.#conns.delete(c);
    this.connState?.(c.conn, state);
    if (this.#shuttingDown) {
      if (state === 'idle') c.close();
      this.#checkQuiet();
    }
  }

  /**
   * Listens on `addr` (`''` is `:http`) and serves it. Go: `ListenAndServe`.
   * @returns a promise that rejects with {@link ErrServerClosed} after `shutdown`/`close`, or
   * with the listen or accept error.
   */
  async listenAndServe(): Promise<never> {
    if (this.#shuttingDown) throw ErrServerClosed;
    this.#checkHandler();
    const addr = this.addr === '' ? ':http' : this.addr;
    splitHostPort(addr);
    const l = await listen('tcp', addr);
    return this.serve(l);
  }

  /**
   * Listens on `addr` (`''` is `:https`) and serves HTTPS. The certificate chain and key are read
   * from `certFile` and `keyFile` (PEM), or taken from `tlsConfig` when both are `''`. ALPN
   * offers `h2` then `http/1.1` (each while its protocol is on, added to `tlsConfig`'s own list
   * as Go adds them to `NextProtos`). A plain HTTP request gets Go's `400 Bad Request` ("Client sent an
   * HTTP request to an HTTPS server."). Go: `ListenAndServeTLS`.
   * @returns a promise that rejects like {@link Server.listenAndServe}; a missing file or a bad
   * certificate or key rejects before anything listens.
   */
  async listenAndServeTLS(certFile = '', keyFile = ''): Promise<never> {
    if (this.#shuttingDown) throw ErrServerClosed;
    this.#checkHandler();
    const tls = await this.#tlsOptions(certFile, keyFile);
    const addr = this.addr === '' ? ':https' : this.addr;
    splitHostPort(addr);
    const l = await listen('tcp', addr, { tls });
    return this.serve(l);
  }

  /**
   * Serves HTTPS on `l`, which must come from `listen(…, { tls })`: TLS is set up where the
   * sockets are made. Go: `ServeTLS(l, certFile, keyFile)`, whose file arguments here belong to
   * `listen`'s `tls` option (see {@link loadTLSFiles}).
   * @throws {TypeError} for a listener that does not serve TLS.
   */
  serveTLS(l: Listener): Promise<never> {
    if ((l as Listener & { tls?: boolean }).tls !== true) {
      return Promise.reject(
        new TypeError(
          "http: serveTLS needs a TLS listener: listen('tcp', addr, { tls: await loadTLSFiles(certFile, keyFile) })",
        ),
      );
    }
    return this.serve(l);
  }

  async #tlsOptions(certFile: string, keyFile: string): Promise<TLSOptions> {
    const tls =
      certFile !== '' || keyFile !== '' || this.tlsConfig === undefined
        ? { ...this.tlsConfig, ...(await loadTLSFiles(certFile, keyFile)) }
        : this.tlsConfig;
    // Go: onceSetNextProtoDefaults puts "h2" first and "http/1.1" last when missing.
    const alpn = [...(tls.alpnProtocols ?? [])];
    if (this.protocols.http2 !== false && !alpn.includes('h2')) alpn.unshift('h2');
    if (this.protocols.http1 !== false && !alpn.includes('http/1.1')) alpn.push('http/1.1');
    return { ...tls, alpnProtocols: alpn };
  }

  /**
   * Accepts connections on `l` and serves each, until `shutdown`/`close` (then it rejects with
   * {@link ErrServerClosed}) or a non-temporary accept error (then with that error). The
   * listener is closed when `serve` returns. Go: `Serve`.
   */
  async serve(l: Listener): Promise<never> {
    this.#checkHandler();
    if (this.#shuttingDown) {
      await l.close();
      throw ErrServerClosed;
    }
    let baseCtx: Context;
    try {
      baseCtx = this.baseContext?.(l) ?? Context.background();
      if (!(baseCtx instanceof Context)) {
        throw new TypeError('http: Server.baseContext returned something that is not a Context');
      }
    } catch (err) {
      // serve() owns the listener from here on: it is not left open behind the rejection.
      await l.close();
      throw err;
    }
    this.#listeners.add(l);
    baseCtx = baseCtx.withValue(ServerContextKey, this);
    // The HTTP/2 machinery (and node:http2) is loaded only by a server that may speak it on
    // this listener, before the first accept, so routing a connection never waits for it.
    const tlsListener = l.tls === true;
    if (tlsListener ? this.protocols.http2 !== false : this.protocols.unencryptedHTTP2 === true) {
      const { H2Hub } = await import('./h2.ts');
      this.#hub(H2Hub);
    }
    let delay = 0;
    try {
      for (;;) {
        let conn: Conn;
        try {
          conn = await l.accept();
        } catch (err) {
          if (this.#shuttingDown) throw ErrServerClosed;
          if (isTemporary(err)) {
            delay = acceptBackoff(delay);
            this.logf(
              `http: Accept error: ${err instanceof Error ? err.message : String(err)}; retrying in ${delay}ms`,
            );
            await sleep(delay);
            continue;
          }
          throw err;
        }
        delay = 0;
        let ctx = baseCtx.withValue(LocalAddrContextKey, String(conn.localAddr));
        if (this.connContext !== undefined) {
          // A mistake here ends serve() (Go panics); the connection it was made for is closed
          // first, so nothing is left open behind the rejection.
          try {
            ctx = this.connContext(ctx, conn);
            if (!(ctx instanceof Context)) {
              throw new TypeError(
                'http: Server.connContext returned something that is not a Context',
              );
            }
          } catch (err) {
            conn.close();
            throw err;
          }
        }
        this.connState?.(conn, 'new');
        // Read per connection, as Go reads Protocols: switching HTTP/2 off takes effect at once
        // (switching it on needs a new serve(), which loads the HTTP/2 code).
        const hub = this.#h2;
        const h2 = tlsListener
          ? this.protocols.http2 !== false
          : this.protocols.unencryptedHTTP2 === true;
        if (hub !== undefined && h2) {
          // Either protocol may follow: the first bytes decide (see h2.ts).
          void hub.route(conn, ctx, tlsListener, this.protocols.http1 !== false, (c) =>
            this.#serveHTTP1(c, ctx),
          );
        } else this.#serveHTTP1(conn, ctx);
      }
    } finally {
      this.#listeners.delete(l);
      await l.close();
    }
  }

  #serveHTTP1(conn: Conn, ctx: Context): void {
    const c = new HTTPConn(this, conn, ctx);
    this.#conns.add(c);
    void c.serve();
  }

  #hub(Hub: typeof H2Hub): H2Hub {
    // Getters: the fields stay live, as HTTP/1 connections read them per request.
    const srv = this;
    this.#h2 ??= new Hub({
      get handler() {
        return srv.handler;
      },
      get maxHeaderBytes() {
        return srv.maxHeaderBytes;
      },
      get readHeaderTimeout() {
        return srv.readHeaderTimeout;
      },
      get readTimeout() {
        return srv.readTimeout;
      },
      get writeTimeout() {
        return srv.writeTimeout;
      },
      get idleTimeout() {
        return srv.idleTimeout;
      },
      get disableGeneralOptionsHandler() {
        return srv.disableGeneralOptionsHandler;
      },
      keepAlivesEnabled: () => this.keepAlivesEnabled(),
      get http2() {
        return srv.http2;
      },
      get connState() {
        return srv.connState;
      },
      logf: (m) => this.logf(m),
      onConnGone: () => {
        if (this.#shuttingDown) this.#checkQuiet();
      },
    });
    return this.#h2;
  }

  /**
   * Registers `f` to run when `shutdown` starts: for connections taken over by hijack or another
   * protocol. Go: `RegisterOnShutdown`.
   */
  registerOnShutdown(f: () => void): void {
    if (typeof f !== 'function') throw new TypeError('http: registerOnShutdown needs a function');
    this.#onShutdown.push(f);
  }

  /**
   * Stops gracefully: closes the listeners, closes idle connections, lets active ones finish
   * their response and closes them then, and resolves once none is left. A connection that has
   * sent nothing for 5 s is treated as idle (Go issue 22682). If `signal` aborts first, rejects
   * with its reason; connections stay open (call `close()` to end them). Go: `Shutdown`.
   */
  async shutdown(signal?: AbortSignal): Promise<void> {
    this.#shuttingDown = true;
    const closing = [...this.#listeners].map((l) => l.close());
    this.#listeners.clear();
    for (const f of this.#onShutdown) queueMicrotask(f);
    await Promise.all(closing);
    this.#h2?.shutdown();
    const quiet = new Promise<void>((resolve) => {
      this.#quiet = resolve;
    });
    this.#closeIdle();
    this.#checkQuiet();
    // New connections that never send a request would hold shutdown forever: look again.
    const poll = setInterval(() => {
      this.#closeIdle();
      this.#checkQuiet();
    }, 500);
    try {
      if (signal === undefined) return await quiet;
      signal.throwIfAborted();
      await new Promise<void>((resolve, reject) => {
        const onAbort = (): void => reject(signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
        void quiet.then(() => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        });
      });
    } finally {
      clearInterval(poll);
    }
  }

  /** Closes the listeners and every connection now. Go: `Close`. */
  async close(): Promise<void> {
    this.#shuttingDown = true;
    const closing = [...this.#listeners].map((l) => l.close());
    this.#listeners.clear();
    for (const c of this.#conns) c.close();
    this.#h2?.close();
    await Promise.all(closing);
  }

  #closeIdle(): void {
    this.#h2?.closeIdle();
    const now = Date.now();
    for (const c of this.#conns) {
      if (c.state === 'idle' || (c.state === 'new' && now - c.stateSince > 5000)) c.close();
    }
  }

  #checkQuiet(): void {
    if (this.#conns.size === 0 && (this.#h2?.size ?? 0) === 0 && this.#quiet !== undefined) {
      const q = this.#quiet;
      this.#quiet = undefined;
      q();
    }
  }

  #checkHandler(): void {
    if (this.handler === missingHandler) {
      throw new TypeError(
        'http: Server has no handler; pass { handler } (servemux.listenAndServe serves DefaultServeMux)',
      );
    }
  }
}

const missingHandler: Handler = {
  serveHTTP() {
    throw new Error('http: Server has no handler');
  },
};

/**
 * Reads a PEM certificate chain and key from files, for the `tls` option of `listen` or for
 * `Server.tlsConfig`. Go: the file loading of `tls.LoadX509KeyPair`.
 * @throws {NetError} `open cert.pem: no such file or directory` for a file that cannot be read.
 */
export async function loadTLSFiles(
  certFile: string,
  keyFile: string,
): Promise<{
  /** The certificate chain, PEM. */
  cert: string;
  /** The private key, PEM. */
  key: string;
}> {
  const read = async (f: string): Promise<string> => {
    try {
      return await nodeFS().readFile(f, 'utf8');
    } catch (err) {
      const code = (err as { code?: string }).code;
      const why = code === 'ENOENT' ? 'no such file or directory' : String(err);
      throw new NetError(`open ${f}: ${why}`, code, err);
    }
  };
  return { cert: await read(certFile), key: await read(keyFile) };
}

/**
 * Listens on `addr` and serves HTTPS with the certificate and key in the files.
 * Go: `http.ListenAndServeTLS(addr, certFile, keyFile, handler)`.
 */
export function listenAndServeTLS(
  addr: string,
  certFile: string,
  keyFile: string,
  handler: HandlerLike,
): Promise<never> {
  return new Server({ addr, handler }).listenAndServeTLS(certFile, keyFile);
}

/**
 * Listens on `addr` and serves `handler`. Go: `http.ListenAndServe(addr, handler)`.
 * @returns a promise that rejects when serving stops (see {@link Server.listenAndServe}).
 */
export function listenAndServe(addr: string, handler: HandlerLike): Promise<never> {
  return new Server({ addr, handler }).listenAndServe();
}
