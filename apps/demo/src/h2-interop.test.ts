/**
 * servemux, gin-router and middleware-kit, unchanged, over HTTP/2 (issue 15): one table of
 * requests answered alike over HTTP/1.1 (clear and TLS), HTTP/2 over TLS (ALPN h2) and h2c, by a ServeMux and by
 * a gin Engine, each inside the demo's middleware stack, on both socket backends. Those packages
 * may not import each other (the import table), so this proof lives in the demo.
 *
 * What the rows hold to is what the references do on both protocols: Go's ServeMux and gin route
 * the same whatever `r.Proto` says; chi's Recoverer and gin's Recovery answer 500; rs/cors
 * answers a preflight with 204; chi's BasicAuth answers 401 with `WWW-Authenticate`; chi's
 * Compress gzips by `Accept-Encoding`; a flushed SSE event reaches the client before the
 * handler returns.
 */
import { afterAll, describe, expect, test } from 'bun:test';
import * as http from 'node:http';
import * as http2 from 'node:http2';
import * as https from 'node:https';
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
import { testCertificate, testKey } from '@servehttp/core-listener/httptest';
import { type Context, createEngine } from '@servehttp/gin-router';
import { chain } from '@servehttp/middleware-kit';
import { basicAuth } from '@servehttp/middleware-kit/basic-auth';
import { compress } from '@servehttp/middleware-kit/compress';
import { cors } from '@servehttp/middleware-kit/cors';
import { logger } from '@servehttp/middleware-kit/logger';
import { recovery } from '@servehttp/middleware-kit/recovery';
import { getRequestID, requestID } from '@servehttp/middleware-kit/request-id';
import { ServeMux } from '@servehttp/servemux';

const origin = 'https://app.example';
const bigText = 'compress me '.repeat(500);
const modes = ['h1', 'h1-tls', 'h2', 'h2c'] as const;
type Mode = (typeof modes)[number];
const backends = ['bun', 'node'] as const;

const servers: Server[] = [];
const sessions: http2.ClientHttp2Session[] = [];
afterAll(async () => {
  for (const s of sessions) s.destroy();
  await Promise.all(servers.map((s) => s.close()));
});

interface Ports {
  tls: number;
  plain: number;
}

// The events route flushes its first event, then waits for the client to have read it.
let eventSeen: () => void = () => {};

async function events(w: ResponseWriter): Promise<void> {
  w.header().set('Content-Type', 'text/event-stream');
  void w.write('data: one\n\n');
  await new ResponseController(w).flush();
  const seen = new Promise<boolean>((resolve) => {
    eventSeen = () => resolve(true);
    setTimeout(() => resolve(false), 3000);
  });
  void w.write((await seen) ? 'data: two\n\n' : 'data: never flushed\n\n');
}

function muxApp(): Handler {
  const mux = new ServeMux();
  mux.handleFunc('GET /hello', (w: ResponseWriter, r: Request) => {
    w.header().set('X-Seen-Request-Id', getRequestID(r));
    void w.write(`hello ${r.proto}\n`);
  });
  mux.handleFunc('GET /items/{id}', (w: ResponseWriter, r: Request) => {
    void w.write(`item ${r.pathValue('id')}\n`);
  });
  mux.handleFunc('GET /big', (w: ResponseWriter) => {
    w.header().set('Content-Type', 'text/plain; charset=utf-8');
    void w.write(bigText);
  });
  mux.handleFunc('POST /echo', async (w: ResponseWriter, r: Request) => {
    void w.write(`echo ${await r.text()}`);
  });
  mux.handleFunc('GET /panic', () => {
    throw new Error('boom in a mux route');
  });
  mux.handleFunc('GET /events', events);
  mux.handle(
    'GET /admin',
    chain(
      handlerFunc((w: ResponseWriter) => void w.write('admin area\n')),
      basicAuth({ realm: 'admin', users: { gopher: 'secret' } }),
    ),
  );
  return mux;
}

function ginApp(): Handler {
  const r = createEngine();
  r.get('/hello', (c: Context) => {
    c.header('X-Seen-Request-Id', getRequestID(c.request));
    return c.string(200, `hello ${c.request.proto}\n`);
  });
  r.get('/items/:id', (c: Context) => c.string(200, `item ${c.param('id')}\n`));
  r.get('/big', (c: Context) => c.string(200, bigText));
  r.post('/echo', async (c: Context) => c.string(200, `echo ${await c.request.text()}`));
  r.get('/panic', () => {
    throw new Error('boom in a gin route');
  });
  r.get('/events', (c: Context) => events(c.writer));
  r.get(
    '/admin',
    (c: Context) => {
      const auth = c.request.basicAuth();
      if (auth?.username !== 'gopher' || auth.password !== 'secret') {
        c.header('WWW-Authenticate', 'Basic realm="admin"');
        c.abortWithStatus(401);
      }
    },
    (c: Context) => c.string(200, 'admin area\n'),
  );
  return r;
}

async function serve(app: Handler, backend: 'bun' | 'node', lines: string[]): Promise<Ports> {
  const handler = chain(
    app,
    recovery({ log: () => {} }),
    requestID(),
    logger({ sink: (line) => lines.push(line) }),
    cors({ allowedOrigins: [origin] }),
    compress({ threshold: 256 }),
  );
  const srv = new Server({ handler, errorLog: () => {}, protocols: { unencryptedHTTP2: true } });
  servers.push(srv);
  const tl = await listen('tcp', '127.0.0.1:0', {
    backend,
    tls: { cert: testCertificate, key: testKey, alpnProtocols: ['h2', 'http/1.1'] },
  });
  const pl = await listen('tcp', '127.0.0.1:0', { backend });
  void srv.serve(tl).catch(() => {});
  void srv.serve(pl).catch(() => {});
  return { tls: tl.addr().port, plain: pl.addr().port };
}

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

interface Ask {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  onFirstData?: () => void;
}

function flat(h: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (!k.startsWith(':') && v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  return out;
}

function ask(mode: Mode, ports: Ports, a: Ask): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${mode} ${a.path}: no answer`)), 5000);
    const done = (r: Reply): void => {
      clearTimeout(timer);
      resolve(r);
    };
    const chunks: Buffer[] = [];
    let first = true;
    const onData = (c: Buffer): void => {
      chunks.push(c);
      if (first) a.onFirstData?.();
      first = false;
    };
    if (mode === 'h1' || mode === 'h1-tls') {
      const req = (mode === 'h1' ? http : https).request(
        {
          host: '127.0.0.1',
          port: mode === 'h1' ? ports.plain : ports.tls,
          ...(mode === 'h1-tls' ? { ca: testCertificate, servername: 'localhost' } : {}),
          method: a.method ?? 'GET',
          path: a.path,
          headers: a.headers,
          agent: false,
        },
        (m) => {
          m.on('data', onData);
          m.on('end', () =>
            done({
              status: m.statusCode ?? 0,
              headers: flat(m.headers),
              body: Buffer.concat(chunks),
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(a.body);
      return;
    }
    const s =
      mode === 'h2'
        ? http2.connect(`https://127.0.0.1:${ports.tls}`, {
            ca: testCertificate,
            servername: 'localhost',
          })
        : http2.connect(`http://127.0.0.1:${ports.plain}`);
    sessions.push(s);
    s.on('error', reject);
    const st = s.request(
      { ':method': a.method ?? 'GET', ':path': a.path, ...a.headers },
      { endStream: a.body === undefined },
    );
    let status = 0;
    let headers: Record<string, string> = {};
    st.on('response', (h) => {
      status = Number(h[':status']);
      headers = flat(h);
    });
    st.on('data', onData);
    st.on('end', () => {
      s.close();
      done({ status, headers, body: Buffer.concat(chunks) });
    });
    st.on('error', reject);
    if (a.body !== undefined) st.end(a.body);
  });
}

interface Row {
  name: string;
  ask: Ask;
  check: (r: Reply, mode: Mode) => void;
}

const rows: Row[] = [
  {
    name: 'a route answers; the request ID set outside the router is seen inside it',
    ask: { path: '/hello' },
    check: (r, mode) => {
      expect(r.status).toBe(200);
      expect(r.body.toString()).toBe(`hello ${mode.startsWith('h1') ? 'HTTP/1.1' : 'HTTP/2.0'}\n`);
      expect(r.headers['x-request-id']).toBeString();
      expect(r.headers['x-seen-request-id']).toBe(r.headers['x-request-id'] as string);
    },
  },
  {
    name: 'path parameters',
    ask: { path: '/items/42' },
    check: (r) => expect(r.body.toString()).toBe('item 42\n'),
  },
  {
    name: 'a request body reaches the handler',
    ask: { method: 'POST', path: '/echo', body: 'payload' },
    check: (r) => expect(r.body.toString()).toBe('echo payload'),
  },
  {
    name: 'compress gzips by Accept-Encoding (chi Compress)',
    ask: { path: '/big', headers: { 'accept-encoding': 'gzip' } },
    check: (r) => {
      expect(r.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(r.body).toString()).toBe(bigText);
    },
  },
  {
    name: 'recovery turns a thrown error into 500 (chi Recoverer, gin Recovery)',
    ask: { path: '/panic' },
    check: (r) => expect(r.status).toBe(500),
  },
  {
    name: 'cors answers a preflight with 204 (rs/cors OptionsSuccessStatus)',
    ask: {
      method: 'OPTIONS',
      path: '/hello',
      headers: { origin, 'access-control-request-method': 'GET' },
    },
    check: (r) => {
      expect(r.status).toBe(204);
      expect(r.headers['access-control-allow-origin']).toBe(origin);
    },
  },
  {
    name: 'basic auth: 401 with the challenge',
    ask: { path: '/admin' },
    check: (r) => {
      expect(r.status).toBe(401);
      expect(r.headers['www-authenticate']).toBe('Basic realm="admin"');
    },
  },
  {
    name: 'basic auth: the right credentials pass',
    ask: {
      path: '/admin',
      headers: { authorization: `Basic ${Buffer.from('gopher:secret').toString('base64')}` },
    },
    check: (r) => expect(r.body.toString()).toBe('admin area\n'),
  },
  {
    name: 'an unknown path is 404',
    ask: { path: '/nowhere' },
    check: (r) => expect(r.status).toBe(404),
  },
  {
    name: 'SSE through every wrapper: the flushed event arrives before the handler returns',
    ask: {
      path: '/events',
      headers: { 'accept-encoding': 'gzip' },
      onFirstData: () => eventSeen(),
    },
    check: (r) => {
      expect(r.headers['content-encoding']).toBeUndefined();
      expect(r.body.toString()).toBe('data: one\n\ndata: two\n\n');
    },
  },
];

const apps = [
  { app: 'ServeMux', make: muxApp },
  { app: 'gin Engine', make: ginApp },
];

describe.each(backends)('%s backend', (backend) => {
  describe.each(apps)('$app in the middleware stack', ({ make }) => {
    const ready = (async () => {
      const lines: string[] = [];
      return { ports: await serve(make(), backend, lines), lines };
    })();
    test.each(rows)('$name', async (row) => {
      const { ports, lines } = await ready;
      for (const mode of modes) {
        const before = lines.length;
        const r = await ask(mode, ports, row.ask);
        try {
          row.check(r, mode);
        } catch (err) {
          throw new Error(`${mode}: ${(err as Error).message}`);
        }
        // The logger outside saw this request too, whatever the protocol.
        expect(lines.length).toBeGreaterThan(before);
      }
    });
  });
});
