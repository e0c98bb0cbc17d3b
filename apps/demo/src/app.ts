/**
 * The demo application: a ServeMux (the seeds' routes, static files, the event stream) that
 * mounts the gin API under `/api/`, inside middleware-kit's stack, every stage traced for the
 * request-flow page.
 *
 * The stack, outermost first (each in `traced(name, …)` so the page can draw it):
 *
 * ```
 * trace → flow.begin → recovery → requestID → realIP (when proxies are trusted) → logger → cors
 *   → secureHeaders → compress → apiErrors → rateLimit (/api/ only) → bodyLimit → flow.who
 *   → ServeMux ─┬─ GET /{$}, /static/, /helloworld, /health, /hello/{name}, /events, /demo/…
 *               └─ /api/ → gin Engine (see api.ts)
 * ```
 *
 * Why this order: `trace` outermost so its clock covers everything and `recovery` below it turns
 * a throw into a finished trace; `realIP` before `logger` and `rateLimit` so both see the client,
 * not the proxy; `compress` outside `apiErrors` so JSON errors are compressed like the rest;
 * `apiErrors` outside `rateLimit` and `bodyLimit` so their plain-text refusals become JSON.
 */
import { join } from 'node:path';
import {
  type Handler,
  LocalAddrContextKey,
  type Request,
  type ResponseWriter,
  splitHostPort,
} from '@servehttp/core-listener';
import { chain, maybe } from '@servehttp/middleware-kit';
import { bodyLimit } from '@servehttp/middleware-kit/body-limit';
import { compress } from '@servehttp/middleware-kit/compress';
import { cors } from '@servehttp/middleware-kit/cors';
import { logger } from '@servehttp/middleware-kit/logger';
import { rateLimit } from '@servehttp/middleware-kit/rate-limit';
import { realIP } from '@servehttp/middleware-kit/real-ip';
import { recovery } from '@servehttp/middleware-kit/recovery';
import { requestID } from '@servehttp/middleware-kit/request-id';
import { secureHeaders } from '@servehttp/middleware-kit/secure-headers';
import { trace, traced, tracedHandler } from '@servehttp/middleware-kit/server-timing';
import { dir, fileServer, ServeMux, serveFile, stripPrefix } from '@servehttp/servemux';
import { apiErrors, createApi } from './api.ts';
import { FlowRecorder } from './flow.ts';
import type { Store } from './store.ts';

/** Where the page's files are. */
export const staticDir: string = join(import.meta.dir, '..', 'static');

/** Options of {@link createApp}. */
export interface AppOptions {
  /** The database (the app does not close it). */
  store: Store;
  /** Access-log lines; default standard output. */
  log?: (line: string) => void;
  /** Access-log format; default `text`. */
  logFormat?: 'text' | 'json';
  /** Proxies whose `X-Forwarded-For` is believed (CIDRs); none by default. */
  trustedProxies?: readonly string[];
  /** Origins allowed by CORS; default every origin (`*`). */
  corsOrigins?: readonly string[];
  /** Requests per minute per client under `/api/`; default 300. */
  rateLimit?: number;
  /** Login attempts per minute per client; default 5. */
  loginLimit?: number;
  /** Largest request body in bytes; default 16 KiB. */
  bodyLimit?: number;
  /** Where recovered panics are reported; default standard error. */
  panicLog?: (err: unknown, r: Request) => void;
}

/** The built application. */
export interface App {
  /** The handler to serve: the whole stack. */
  handler: Handler;
  /** The flow recorder: give its `connContext`/`connState` to the Server, `closeAll` on shutdown. */
  flow: FlowRecorder;
}

/** A thrown error the demo's panic button causes on purpose. */
export class DemoPanic extends Error {
  /** Builds it. */
  constructor() {
    super('demo: this handler panics on purpose (the recovery middleware turns it into a 500)');
    this.name = 'DemoPanic';
  }
}

/** Builds the demo's handler and flow recorder. */
export function createApp(options: AppOptions): App {
  const { store } = options;
  const flow = new FlowRecorder();
  const mux = new ServeMux();
  // Each route handler is the `handler` stage and records the pattern that matched.
  const route = (pattern: string, fn: (w: ResponseWriter, r: Request) => void | Promise<void>) =>
    mux.handle(
      pattern,
      tracedHandler('handler', (w: ResponseWriter, r: Request) => {
        flow.note(r, { pattern: r.pattern });
        return fn(w, r);
      }),
    );

  const files = stripPrefix('/static', fileServer(dir(staticDir)));
  const index = join(staticDir, 'index.html');
  route('GET /{$}', (w, r) => {
    // The page is static/index.html; `/` serves it so the URL printed at start is the page.
    w.header().set('Cache-Control', 'no-cache');
    return serveFile(w, r, index);
  });
  route('/static/', (w, r) => files.serveHTTP(w, r));
  route('GET /helloworld', (w) => void w.write('Hello, World!\n'));
  route('GET /health', (w) => {
    w.header().set('Content-Type', 'application/json');
    void w.write('{"status":"ok"}\n');
  });
  route('GET /hello/{name}', (w, r) => void w.write(`Hello, ${r.pathValue('name')}!\n`));
  route('GET /whoami', (w, r) => {
    w.header().set('Content-Type', 'application/json');
    // After realIP, remoteAddr is the client's address without a port; an untrusted peer keeps
    // its host:port. clientIP is the host either way.
    const body = { clientIP: hostOf(r.remoteAddr), remoteAddr: r.remoteAddr, proto: r.proto };
    void w.write(`${JSON.stringify(body)}\n`);
  });
  route('GET /demo/panic', () => {
    throw new DemoPanic();
  });
  route('POST /demo/preflight', async (w, r) => {
    // A page cannot send a preflight itself (Origin and Access-Control-Request-* are forbidden
    // header names in fetch), so the server sends one to itself, as a browser on another origin
    // would, and reports what came back. The preflight shows up on the page as its own flow.
    // The connection's own local address, never the Host header: a Host the client picked
    // would make this a request to anywhere (SSRF). Certificate names do not match an IP, and
    // the peer is this very listener, so its certificate is not checked.
    const local = r.context().value(LocalAddrContextKey);
    if (local === undefined) throw new Error('demo: no local address in the request context');
    const self = `${r.tls === undefined ? 'http' : 'https'}://${local}`;
    const res = await fetch(`${self}/api/v1/posts`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://elsewhere.example',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization, content-type',
      },
      tls: { rejectUnauthorized: false },
    });
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      if (k.startsWith('access-control-') || k === 'vary') headers[k] = v;
    });
    w.header().set('Content-Type', 'application/json');
    void w.write(`${JSON.stringify({ status: res.status, headers })}\n`);
  });
  mux.handle('GET /events', flow.events);

  const api = createApi({
    store,
    flow,
    ...(options.loginLimit !== undefined ? { loginLimit: options.loginLimit } : {}),
  });
  mux.handle(
    '/api/',
    tracedHandler('gin', (w: ResponseWriter, r: Request) => {
      flow.note(r, { pattern: r.pattern });
      return api.serveHTTP(w, r);
    }),
  );

  const log = options.log ?? ((line: string) => console.log(line));
  const trusted = options.trustedProxies ?? [];
  const stack = [
    trace({ sink: flow.sink }),
    flow.begin,
    traced(
      'recovery',
      recovery({
        ...(options.panicLog !== undefined ? { log: options.panicLog } : {}),
        handler: (w, r) => {
          const api = r.url.path.startsWith('/api/');
          w.header().set(
            'Content-Type',
            api ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8',
          );
          w.writeHeader(500);
          void w.write(
            api ? '{"error":"internal server error","status":500}\n' : 'Internal Server Error\n',
          );
        },
      }),
    ),
    traced('request-id', requestID()),
    ...(trusted.length > 0 ? [traced('real-ip', realIP({ trustedProxies: trusted }))] : []),
    traced('logger', logger({ format: options.logFormat ?? 'text', sink: (line) => log(line) })),
    traced(
      'cors',
      cors({
        allowedOrigins: options.corsOrigins ?? ['*'],
        allowedMethods: ['GET', 'POST', 'DELETE'],
        allowedHeaders: ['Authorization', 'Content-Type'],
        exposedHeaders: ['X-Request-Id', 'Server-Timing', 'RateLimit-Remaining'],
        maxAge: 600,
      }),
    ),
    traced(
      'secure-headers',
      secureHeaders({
        // The page loads only its own script and style; the event stream is same-origin.
        contentSecurityPolicy: {
          defaultSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          frameAncestors: ["'none'"],
        },
        // HSTS only means something over TLS; on plain HTTP browsers ignore it anyway.
        strictTransportSecurity: false,
      }),
    ),
    traced('compress', compress()),
    traced('api-errors', apiErrors),
    traced(
      'rate-limit',
      maybe(rateLimit({ limit: options.rateLimit ?? 300, windowMs: 60_000 }), (r) =>
        r.url.path.startsWith('/api/'),
      ),
    ),
    traced('body-limit', bodyLimit(options.bodyLimit ?? 16 * 1024)),
    flow.who,
  ];
  const handler = chain(tracedHandler('servemux', mux), ...stack);
  return { handler, flow };
}

function hostOf(addr: string): string {
  try {
    return splitHostPort(addr)[0];
  } catch {
    return addr;
  }
}
