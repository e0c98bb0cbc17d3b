/**
 * middleware-kit, unchanged, in the three places issue 8 names — around a ServeMux, around a gin
 * Engine, and inside gin through gin-router's `wrapMiddleware` — over core-listener's real
 * server on 127.0.0.1:0. middleware-kit may not import servemux or gin-router (the import
 * table), so this proof lives in the demo, which depends on every package.
 *
 * What the references do, which the rows below hold us to:
 * - rs/cors (and gin-contrib/cors) answer a preflight themselves — `204 No Content`, rs/cors'
 *   default `OptionsSuccessStatus` and gin-contrib/cors' `AbortWithStatus(204)` — so no OPTIONS
 *   route is needed; in gin that works because global middleware also runs in the 404 chain.
 * - chi's `Recoverer` and gin's `Recovery` turn a panic into `500` when nothing was written yet.
 * - chi's `BasicAuth` answers `401` with `WWW-Authenticate: Basic realm="…"`; Hono's
 *   `bearerAuth` answers `401` with `WWW-Authenticate: Bearer realm="…"`, or
 *   `error="invalid_token"` for a wrong token.
 * - chi's `Compress` / gin-contrib/gzip encode by `Accept-Encoding` and leave
 *   `text/event-stream` alone, so events are not held back in a compressor's buffer.
 * - Go's `TimeoutHandler` answers `503` with its `<h1>Timeout</h1>` page and cancels the
 *   handler's context.
 * - Go's ServeMux sets `r.Pattern` on the request it was given, so a logger outside the mux sees
 *   the matched pattern as long as nothing between them copied the request.
 */
import { afterAll, describe, expect, test } from 'bun:test';
import { connect } from 'node:net';
import { gunzipSync } from 'node:zlib';
import {
  type Handler,
  handlerFunc,
  listen,
  type Request,
  ResponseController,
  type ResponseWriter,
  Server,
} from '@servehttp/core-listener';
import { newRequest, ResponseRecorder } from '@servehttp/core-listener/httptest';
import { type Context, createEngine, type Engine, wrapMiddleware } from '@servehttp/gin-router';
import { chain } from '@servehttp/middleware-kit';
import { basicAuth } from '@servehttp/middleware-kit/basic-auth';
import { bearerAuth } from '@servehttp/middleware-kit/bearer-auth';
import { compress } from '@servehttp/middleware-kit/compress';
import { cors } from '@servehttp/middleware-kit/cors';
import { logger } from '@servehttp/middleware-kit/logger';
import { recovery } from '@servehttp/middleware-kit/recovery';
import { getRequestID, requestID } from '@servehttp/middleware-kit/request-id';
import { timeout } from '@servehttp/middleware-kit/timeout';
import { ServeMux } from '@servehttp/servemux';

const origin = 'https://app.example';
const bigText = 'compress me '.repeat(500);
const goTimeoutBody =
  '<html><head><title>Timeout</title></head><body><h1>Timeout</h1></body></html>';

// ── servers ─────────────────────────────────────────────────────────────────────────────────

const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

// Every setting runs over both socket backends (Go's run(t, f, modes)).
const backends = ['bun', 'node'] as const;
type Backend = (typeof backends)[number];

async function serve(handler: Handler, backend: Backend): Promise<number> {
  const srv = new Server({ handler, errorLog: () => {} });
  const l = await listen('tcp', '127.0.0.1:0', { backend });
  void srv.serve(l).catch(() => {});
  servers.push(srv);
  return l.addr().port;
}

// One gate per SSE route: the handler sends its first event, flushes, then waits here, so a test
// can see that the first event crossed every wrapper before the handler returned.
function gate(): { wait: Promise<void>; open: () => void } {
  let open: () => void = () => {};
  const wait = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait, open };
}

// Sends `request` on a raw socket and resolves with what came back once `until` holds.
function rawExchange(
  port: number,
  request: string,
  until: (s: string) => boolean,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    let got = '';
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`no answer in time; got ${JSON.stringify(got)}`));
    }, 5000);
    s.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      if (until(got)) {
        clearTimeout(timer);
        s.destroy();
        resolve(got);
      }
    });
    s.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    s.write(request);
  });
}

interface Setting {
  name: string;
  port: number;
  lines: string[];
  panics: unknown[];
  sseGate: { wait: Promise<void>; open: () => void };
  // Inside gin only: what the gin middleware around the wrapped ones saw, per request path, and
  // the reason the slow handler's signal gave.
  trace: Map<string, string[]>;
  slowAborted: unknown;
}

// The stack every setting shares, outermost first: recovery ▸ requestID ▸ logger ▸ cors ▸
// compress (the demo's usual stack plus compress).
function stackOf(lines: string[], panics: unknown[]) {
  return [
    recovery({ log: (err) => panics.push(err) }),
    requestID(),
    logger({ sink: (line) => lines.push(line) }),
    cors({ allowedOrigins: [origin] }),
    compress({ threshold: 256 }),
  ] as const;
}

// ── setting 1: a ServeMux inside the stack, two routes wrapped per route ──────────────────────

function muxRoutes(sse: Setting['sseGate']): ServeMux {
  const mux = new ServeMux();
  mux.handleFunc('GET /hello', (w: ResponseWriter, r: Request) => {
    w.header().set('X-Seen-Request-Id', getRequestID(r));
    void w.write('hello\n');
  });
  mux.handleFunc('GET /items/{id}', (w: ResponseWriter, r: Request) => {
    void w.write(`item ${r.pathValue('id')}\n`);
  });
  mux.handleFunc('GET /big', (w: ResponseWriter) => {
    w.header().set('Content-Type', 'text/plain; charset=utf-8');
    void w.write(bigText);
  });
  mux.handleFunc('GET /panic', () => {
    throw new Error('boom in a mux route');
  });
  mux.handleFunc('GET /events', async (w: ResponseWriter) => {
    w.header().set('Content-Type', 'text/event-stream');
    void w.write('data: one\n\n');
    await new ResponseController(w).flush();
    await sse.wait;
    void w.write('data: two\n\n');
  });
  mux.handle(
    'GET /admin',
    chain(
      handlerFunc((w: ResponseWriter) => void w.write('admin area\n')),
      basicAuth({ realm: 'admin', users: { gopher: 'secret' } }),
    ),
  );
  mux.handle(
    'GET /api/data',
    chain(
      handlerFunc((w: ResponseWriter) => void w.write('data\n')),
      bearerAuth({ token: 'tok-123', realm: 'api' }),
    ),
  );
  return mux;
}

async function muxSetting(backend: Backend): Promise<Setting> {
  const lines: string[] = [];
  const panics: unknown[] = [];
  const sseGate = gate();
  const h = chain(muxRoutes(sseGate), ...stackOf(lines, panics));
  const port = await serve(h, backend);
  const name = `${backend}: ServeMux in the stack`;
  return { name, port, lines, panics, sseGate, trace: new Map(), slowAborted: undefined };
}

// ── setting 2: a gin Engine inside the stack ──────────────────────────────────────────────────

// `before` installs middleware first: in gin, `use()` only reaches routes added after it.
function ginRoutes(sse: Setting['sseGate'], before: (r: Engine) => void = () => {}): Engine {
  const r = createEngine();
  before(r);
  r.get('/hello', (c: Context) => {
    c.header('X-Seen-Request-Id', getRequestID(c.request));
    return c.string(200, 'hello\n');
  });
  r.get('/items/:id', (c: Context) => c.string(200, `item ${c.param('id')}\n`));
  r.get('/big', (c: Context) => c.string(200, bigText));
  r.get('/panic', () => {
    throw new Error('boom in a gin route');
  });
  r.get('/events', async (c: Context) => {
    await c.sseEvent('', 'one');
    await c.writer.flush();
    await sse.wait;
    await c.sseEvent('', 'two');
  });
  return r;
}

async function aroundGinSetting(backend: Backend): Promise<Setting> {
  const lines: string[] = [];
  const panics: unknown[] = [];
  const sseGate = gate();
  const h = chain(ginRoutes(sseGate), ...stackOf(lines, panics));
  const port = await serve(h, backend);
  const name = `${backend}: gin Engine in the stack`;
  return { name, port, lines, panics, sseGate, trace: new Map(), slowAborted: undefined };
}

// ── setting 3: the same middleware inside gin, through wrapMiddleware ─────────────────────────

async function insideGinSetting(backend: Backend): Promise<Setting> {
  const lines: string[] = [];
  const panics: unknown[] = [];
  const sseGate = gate();
  const ginTrace = new Map<string, string[]>();
  const s: Setting = {
    name: `${backend}: inside gin via wrapMiddleware`,
    port: 0,
    lines,
    panics,
    sseGate,
    trace: ginTrace,
    slowAborted: undefined,
  };
  const r = ginRoutes(sseGate, (e) => {
    // A native gin middleware outside the wrapped ones: its code after c.next() must run after
    // the handler and see the final status, as with any gin middleware.
    e.use(async (c: Context) => {
      const trace: string[] = ['gin-in'];
      ginTrace.set(c.request.url.path, trace);
      await c.next();
      trace.push(`gin-out ${c.writer.status}`);
    });
    e.use(...stackOf(lines, panics).map(wrapMiddleware));
    // A native gin middleware inside them: it runs once per request, between the wrapped
    // middleware and the handler, and sees the request they passed on.
    e.use((c: Context) => {
      ginTrace.get(c.request.url.path)?.push(`inner id=${getRequestID(c.request) !== ''}`);
      return c.next();
    });
  });
  r.get('/slow', wrapMiddleware(timeout(100)), (c: Context) => {
    const signal = c.request.context().signal;
    return new Promise<void>((resolve) => {
      // Bounded: the deadline aborts the signal after 100 ms; the 5 s timer only guards a bug.
      const t = setTimeout(resolve, 5000);
      signal.addEventListener('abort', () => {
        s.slowAborted = signal.reason;
        clearTimeout(t);
        void c.string(200, 'too late');
        resolve();
      });
    });
  });
  s.port = await serve(r, backend);
  return s;
}

const settings: Setting[] = [];
for (const backend of backends) {
  settings.push(
    await muxSetting(backend),
    await aroundGinSetting(backend),
    await insideGinSetting(backend),
  );
}
const bySuffix = (suffix: string): Setting[] => settings.filter((s) => s.name.endsWith(suffix));

// ── rows ──────────────────────────────────────────────────────────────────────────────────────

interface Row {
  what: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  status: number;
  want?: Record<string, string | null>;
  body?: string;
  gzipBody?: string;
}

const rows: Row[] = [
  {
    // rs/cors: an allowed origin is echoed and Vary: Origin is always set; chi RequestID echoes
    // the id, and the handler reads the same id.
    what: 'a plain GET: CORS headers, request id, body',
    method: 'GET',
    path: '/hello',
    headers: { Origin: origin },
    status: 200,
    want: { 'access-control-allow-origin': origin, vary: 'Origin' },
    body: 'hello\n',
  },
  {
    // rs/cors: a foreign origin gets no Access-Control-Allow-* headers (the browser blocks it);
    // the request itself is served.
    what: 'a disallowed origin: served, without Access-Control-Allow-Origin',
    method: 'GET',
    path: '/hello',
    headers: { Origin: 'https://evil.example' },
    status: 200,
    want: { 'access-control-allow-origin': null },
    body: 'hello\n',
  },
  {
    // rs/cors and gin-contrib/cors: the middleware answers the preflight 204, with no OPTIONS
    // route (the mux alone would say 405, the engine alone 404: checked below).
    what: 'a preflight with no OPTIONS route is answered 204 by cors',
    method: 'OPTIONS',
    path: '/hello',
    headers: {
      Origin: origin,
      'Access-Control-Request-Method': 'GET',
      'Access-Control-Request-Headers': 'content-type',
    },
    status: 204,
    want: {
      'access-control-allow-origin': origin,
      'access-control-allow-methods': 'GET',
      'access-control-allow-headers': 'content-type',
    },
    body: '',
  },
  {
    // chi Compress / gin-contrib/gzip: a large text body is gzipped for a gzip client.
    what: 'a large text body is gzipped',
    method: 'GET',
    path: '/big',
    headers: { 'Accept-Encoding': 'gzip' },
    status: 200,
    want: { 'content-encoding': 'gzip' },
    gzipBody: bigText,
  },
  {
    what: 'a client without gzip gets identity',
    method: 'GET',
    path: '/big',
    headers: { 'Accept-Encoding': 'identity' },
    status: 200,
    want: { 'content-encoding': null },
    body: bigText,
  },
  {
    // chi Recoverer / gin Recovery: a panic before anything was written → 500.
    what: 'a throw in the route becomes 500',
    method: 'GET',
    path: '/panic',
    status: 500,
    want: { 'content-type': 'text/plain; charset=utf-8' },
    body: 'Internal Server Error\n',
  },
];

async function exchange(port: number, row: Row): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}${row.path}`, {
    method: row.method,
    headers: row.headers ?? {},
    decompress: false,
  } as RequestInit);
}

describe.each(settings)('$name', (s) => {
  test.each(rows)('$what', async (row) => {
    const res = await exchange(s.port, row);
    expect(res.status).toBe(row.status);
    for (const [k, v] of Object.entries(row.want ?? {})) {
      if (k === 'vary') expect(res.headers.get(k) ?? '').toContain(v as string);
      else expect(res.headers.get(k)).toBe(v);
    }
    // requestID ran for every request, preflights and panics included.
    expect(res.headers.get('x-request-id') ?? '').toMatch(/^[A-Za-z0-9_-]{10}-\d{6,}$/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (row.gzipBody !== undefined) {
      expect(new TextDecoder().decode(gunzipSync(bytes))).toBe(row.gzipBody);
    } else if (row.body !== undefined) {
      expect(new TextDecoder().decode(bytes)).toBe(row.body);
    }
    if (row.path === '/hello' && row.method === 'GET') {
      expect(res.headers.get('x-seen-request-id')).toBe(res.headers.get('x-request-id'));
    }
  });

  test('the logger saw each request with its status; recovery logged the panic', () => {
    expect(s.lines.some((l) => l.includes('"GET /panic HTTP/1.1"') && l.includes(' 500 '))).toBe(
      true,
    );
    expect(
      s.lines.some((l) => l.includes('"OPTIONS /hello HTTP/1.1"') && l.includes(' 204 ')),
    ).toBe(true);
    expect(s.panics.length).toBe(1);
    expect(String(s.panics[0])).toContain('boom');
  });

  test('SSE through logger and compress: the first event arrives before the handler ends', async () => {
    const got = await rawExchange(
      s.port,
      'GET /events HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n',
      (t) => t.includes('one\n\n'),
    );
    // text/event-stream is never compressed, and the flush crossed every wrapper.
    expect(got).toContain('Content-Type: text/event-stream\r\n');
    expect(got).not.toContain('Content-Encoding');
    expect(got).not.toContain('two');
    s.sseGate.open();
  });
});

// ── what only one setting can show ────────────────────────────────────────────────────────────

describe.each(bySuffix('ServeMux in the stack'))('$name: specifics', (s) => {
  test('without cors the same mux answers that preflight 405 (Go ServeMux), so cors made the 204', async () => {
    const rec = new ResponseRecorder();
    const r = newRequest('OPTIONS', '/hello');
    r.header.set('Origin', origin);
    r.header.set('Access-Control-Request-Method', 'GET');
    await muxRoutes(gate()).serveHTTP(rec, r);
    expect(rec.code).toBe(405);
  });

  test('a logger outside the mux sees the matched pattern (requestID no longer copies the request)', async () => {
    await (await fetch(`http://127.0.0.1:${s.port}/items/7`)).text();
    expect(
      s.lines.some((l) => l.includes('"GET /items/7 HTTP/1.1"') && l.endsWith('(GET /items/{id})')),
    ).toBe(true);
  });

  const authRows: {
    what: string;
    path: string;
    authorization?: string;
    status: number;
    challenge: string | null;
    body: string;
  }[] = [
    // chi BasicAuth: 401 + Basic challenge with the realm, no body.
    {
      what: 'basic: no credentials',
      path: '/admin',
      status: 401,
      challenge: 'Basic realm="admin"',
      body: '',
    },
    {
      what: 'basic: wrong password',
      path: '/admin',
      authorization: `Basic ${btoa('gopher:nope')}`,
      status: 401,
      challenge: 'Basic realm="admin"',
      body: '',
    },
    {
      what: 'basic: right credentials',
      path: '/admin',
      authorization: `Basic ${btoa('gopher:secret')}`,
      status: 200,
      challenge: null,
      body: 'admin area\n',
    },
    // Hono bearerAuth: 401 + Bearer realm when missing, invalid_token when wrong.
    {
      what: 'bearer: no token',
      path: '/api/data',
      status: 401,
      challenge: 'Bearer realm="api"',
      body: 'Unauthorized',
    },
    {
      what: 'bearer: wrong token',
      path: '/api/data',
      authorization: 'Bearer nope',
      status: 401,
      challenge: 'Bearer error="invalid_token"',
      body: 'Unauthorized',
    },
    {
      what: 'bearer: right token',
      path: '/api/data',
      authorization: 'Bearer tok-123',
      status: 200,
      challenge: null,
      body: 'data\n',
    },
    // The per-route middleware guards only its route.
    {
      what: 'an unguarded route needs nothing',
      path: '/hello',
      status: 200,
      challenge: null,
      body: 'hello\n',
    },
  ];

  test.each(authRows)('per-route auth inside the global stack: $what', async (row) => {
    const headers: Record<string, string> = { Origin: origin };
    if (row.authorization !== undefined) headers.Authorization = row.authorization;
    const res = await fetch(`http://127.0.0.1:${s.port}${row.path}`, { headers });
    expect(res.status).toBe(row.status);
    expect(res.headers.get('www-authenticate')).toBe(row.challenge);
    // The global stack still ran around the per-route middleware.
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
    expect(await res.text()).toBe(row.body);
  });
});

describe("gin's 404 and 405 chains", () => {
  // gin runs global middleware in the 404 chain, and in the 405 chain with
  // HandleMethodNotAllowed: gin-contrib/cors relies on that to answer preflights for routes that
  // have no OPTIONS handler. Rows: engine options, whether cors is installed → status.
  const rows: { what: string; notAllowed: boolean; withCors: boolean; status: number }[] = [
    { what: 'no cors: 404 (gin)', notAllowed: false, withCors: false, status: 404 },
    {
      what: 'no cors, HandleMethodNotAllowed: 405 (gin)',
      notAllowed: true,
      withCors: false,
      status: 405,
    },
    { what: 'cors in the 404 chain: 204', notAllowed: false, withCors: true, status: 204 },
    { what: 'cors in the 405 chain: 204', notAllowed: true, withCors: true, status: 204 },
  ];
  test.each(rows)('$what', async ({ notAllowed, withCors, status }) => {
    const e = createEngine({ handleMethodNotAllowed: notAllowed });
    if (withCors) e.use(wrapMiddleware(cors({ allowedOrigins: [origin] })));
    e.get('/hello', (c: Context) => c.string(200, 'hello\n'));
    const rec = new ResponseRecorder();
    const r = newRequest('OPTIONS', '/hello');
    r.header.set('Origin', origin);
    r.header.set('Access-Control-Request-Method', 'GET');
    await e.serveHTTP(rec, r);
    expect(rec.code).toBe(status);
    expect(rec.header().get('Access-Control-Allow-Origin')).toBe(withCors ? origin : '');
    if (withCors) expect(rec.text()).toBe('');
  });
});

describe("gin's default 404/405 bodies through wrapped middleware", () => {
  // gin writes "404 page not found" / "405 method not allowed" after the chain (serveError). A
  // servehttp middleware's response is complete when next returns, so through wrapMiddleware the
  // body must go out before that: a middleware that wraps the writer (recovery, logger) once
  // turned gin's 404 into an empty 200. Rows: middleware → what the client and the logger see.
  const rows: { what: string; path: string; method: string; status: number; body: string }[] = [
    { what: 'unknown path', path: '/nope', method: 'GET', status: 404, body: '404 page not found' },
    {
      what: 'wrong method (HandleMethodNotAllowed)',
      path: '/hello',
      method: 'POST',
      status: 405,
      body: '405 method not allowed',
    },
    { what: 'a route', path: '/hello', method: 'GET', status: 200, body: 'hello\n' },
  ];
  test.each(rows)('$what', async ({ path, method, status, body }) => {
    const lines: string[] = [];
    const e = createEngine({ handleMethodNotAllowed: true });
    e.use(wrapMiddleware(logger({ format: 'json', sink: (l) => lines.push(String(l)) })));
    e.use(wrapMiddleware(recovery()));
    e.get('/hello', (c: Context) => c.string(200, 'hello\n'));
    const rec = new ResponseRecorder();
    await e.serveHTTP(rec, newRequest(method, path));
    expect(`${rec.code} ${rec.text()}`).toBe(`${status} ${body}`);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`"status":${status}`);
  });
});

describe.each(bySuffix('inside gin via wrapMiddleware'))('$name: specifics', (inside) => {
  test('wrapMiddleware keeps c.next() semantics: gin code after c.next() sees the final status', async () => {
    await (await fetch(`http://127.0.0.1:${inside.port}/hello`)).text();
    expect(inside.trace.get('/hello')).toEqual(['gin-in', 'inner id=true', 'gin-out 200']);
    await (await fetch(`http://127.0.0.1:${inside.port}/panic`)).text();
    // recovery (wrapped) wrote the 500; the outer gin middleware saw it on the way out.
    expect(inside.trace.get('/panic')).toEqual(['gin-in', 'inner id=true', 'gin-out 500']);
  });

  test('a preflight stops in the wrapped cors: the rest of the gin chain does not run', async () => {
    const res = await fetch(`http://127.0.0.1:${inside.port}/hello`, {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': 'GET' },
    });
    expect(res.status).toBe(204);
    expect(inside.trace.get('/hello')).toEqual(['gin-in', 'gin-out 204']);
  });

  test('wrapMiddleware(timeout()): 503 with Go’s body at the deadline, the handler’s context aborted, its late write dropped', async () => {
    const res = await fetch(`http://127.0.0.1:${inside.port}/slow`);
    expect(res.status).toBe(503);
    expect(await res.text()).toBe(goTimeoutBody);
    expect(inside.slowAborted).toBeDefined();
    expect(String(inside.slowAborted)).toContain('deadline');
    expect(
      inside.lines.some((l) => l.includes('"GET /slow HTTP/1.1"') && l.includes(' 503 ')),
    ).toBe(true);
  });
});
