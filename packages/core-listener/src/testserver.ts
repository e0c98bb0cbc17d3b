/**
 * `startTestServer`: a real server on a loopback port for end-to-end tests. Go:
 * `httptest.NewServer` / `httptest.NewTLSServer` and the `Client()` that trusts the server.
 */
import type { HandlerLike } from './handler.ts';
import { type Listener, listen } from './net.ts';
import { Server, type ServerOptions } from './server.ts';
import { testCertificate, testKey } from './testcert.ts';
import type { TLSOptions } from './tls.ts';

/** Options of {@link startTestServer}. */
export interface TestServerOptions {
  /**
   * Serve HTTPS: `true` uses the built-in test certificate (`localhost`, `127.0.0.1`, `::1`),
   * or pass your own. Go: `NewTLSServer`.
   */
  tls?: boolean | TLSOptions;
  /**
   * Offer HTTP/2 over TLS (ALPN `h2`, then `http/1.1`). Off by default, as Go's httptest offers
   * only `http/1.1` unless `EnableHTTP2` is set; `fetch` below speaks HTTP/1.1 either way, so
   * use an HTTP/2 client (`node:http2`, curl) with `certificate`. Go: `Server.EnableHTTP2`.
   */
  enableHTTP2?: boolean;
  /** The socket backend; default the runtime's own. */
  backend?: 'bun' | 'node';
  /** Other server settings (timeouts, `errorLog`, `connState`…). */
  server?: Omit<ServerOptions, 'handler' | 'addr'>;
}

/** A running test server. Go: `*httptest.Server`. */
export interface TestServer {
  /** `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`, no trailing slash. Go: `URL`. */
  readonly url: string;
  /** The listener's address. */
  readonly addr: string;
  /** The server, for its settings and `shutdown()`. Go: `Config`. */
  readonly server: Server;
  /** The PEM certificate a client must trust (TLS only). Go: `Certificate()`. */
  readonly certificate: string | undefined;
  /**
   * `fetch` against the server: a path such as `/x` is resolved against `url`, and a TLS
   * server's certificate is trusted (Bun: the per-request `tls.ca`; Node.js: an agent of its
   * built-in fetch that trusts it). Go: `Client()`.
   */
  fetch(input: string | URL, init?: RequestInit): Promise<Response>;
  /** Closes the listener and every connection; resolves when serving has stopped. Go: `Close`. */
  close(): Promise<void>;
}

/**
 * Starts `handler` on `127.0.0.1:0` (a free port) and resolves once it accepts connections.
 * Close it when the test is done. Go: `httptest.NewServer` (and `NewTLSServer` with
 * `{ tls: true }`).
 *
 * @throws {TypeError} for a `handler` that is neither a function nor a `Handler`;
 * {@link NetError} for a bad certificate or key.
 */
export async function startTestServer(
  handler: HandlerLike,
  options: TestServerOptions = {},
): Promise<TestServer> {
  const srv = new Server({ ...options.server, handler });
  const given: TLSOptions | undefined =
    options.tls === true
      ? { cert: testCertificate, key: testKey }
      : options.tls === false
        ? undefined
        : options.tls;
  const tls: TLSOptions | undefined =
    given !== undefined && options.enableHTTP2 === true
      ? { ...given, alpnProtocols: ['h2', 'http/1.1'] }
      : given;
  const l: Listener = await listen('tcp', '127.0.0.1:0', {
    ...(options.backend !== undefined ? { backend: options.backend } : {}),
    ...(tls !== undefined ? { tls } : {}),
  });
  const served = srv.serve(l).catch(() => {});
  const addr = String(l.addr());
  const url = `${tls !== undefined ? 'https' : 'http'}://${addr}`;
  const certificate =
    tls === undefined
      ? undefined
      : typeof tls.cert === 'string'
        ? tls.cert
        : tls.cert instanceof Uint8Array
          ? new TextDecoder().decode(tls.cert)
          : tls.cert
              .map((c) => (typeof c === 'string' ? c : new TextDecoder().decode(c)))
              .join('\n');
  let dispatcher: unknown;
  return {
    url,
    addr,
    server: srv,
    certificate,
    async fetch(input, init) {
      const target = typeof input === 'string' && input.startsWith('/') ? url + input : input;
      if (certificate === undefined) return fetch(target, init);
      if (typeof (globalThis as { Bun?: unknown }).Bun !== 'undefined') {
        // Bun's fetch takes the trusted roots per request.
        return fetch(target, { ...init, tls: { ca: certificate } } as RequestInit);
      }
      dispatcher ??= await trustingDispatcher(certificate);
      return fetch(target, { ...init, dispatcher } as RequestInit);
    },
    async close() {
      await srv.close();
      await served;
      await (dispatcher as { close?: () => Promise<void> } | undefined)?.close?.();
    },
  };
}

// Node's fetch is undici; it takes a `dispatcher`, not per-request roots. undici publishes its
// global dispatcher under this symbol (so that copies of undici share it) once fetch has been
// used; its class builds an agent that trusts `ca`. No undici package to install.
const undiciGlobalDispatcher = Symbol.for('undici.globalDispatcher.1');

async function trustingDispatcher(ca: string): Promise<unknown> {
  const g = globalThis as Record<symbol, unknown>;
  if (g[undiciGlobalDispatcher] === undefined) await (await fetch('data:,')).arrayBuffer();
  const current = g[undiciGlobalDispatcher] as { constructor?: unknown } | undefined;
  const Agent = current?.constructor as (new (o: unknown) => unknown) | undefined;
  if (typeof Agent !== 'function') {
    throw new Error(
      'startTestServer: this fetch exposes no dispatcher that could trust the test certificate; give `certificate` to your own HTTPS client',
    );
  }
  return new Agent({ connect: { ca } });
}
