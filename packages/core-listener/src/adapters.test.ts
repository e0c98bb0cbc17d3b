import { afterEach, describe, expect, test } from 'bun:test';
import { rm } from 'node:fs/promises';
import { createServer, type Server as HTTPServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toFetchHandler, toNodeListener } from './adapters.ts';
import { ErrAbortHandler, ErrNotSupported } from './errors.ts';
import type { HandlerLike } from './handler.ts';
import { listen } from './net.ts';
import type { Request } from './request.ts';
import { ResponseController, type ResponseWriter } from './response.ts';
import { Server } from './server.ts';
import { expectNothingOpen } from './settled.test-util.ts';
import { plainHTTPToTLSReply } from './tls.ts';

// The same rows run on the servehttp Server and through both adapters: what a handler writes
// must reach a client the same way whichever server carries it.
type Kind = 'server' | 'fetch' | 'node';
const kinds: Kind[] = ['server', 'fetch', 'node'];
const closers: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
  await expectNothingOpen();
});

async function start(kind: Kind, handler: HandlerLike, logs: string[] = []): Promise<string> {
  const errorLog = (m: string): void => {
    logs.push(m);
  };
  if (kind === 'server') {
    const srv = new Server({ handler, errorLog });
    const l = await listen('tcp', '127.0.0.1:0');
    void srv.serve(l).catch(() => {});
    closers.push(() => srv.close());
    return `http://127.0.0.1:${l.addr().port}`;
  }
  if (kind === 'fetch') {
    const srv = Bun.serve({
      hostname: '127.0.0.1',
      port: 0,
      fetch: toFetchHandler(handler, { errorLog }),
      error: () => new Response('handler failed', { status: 500 }),
    });
    closers.push(() => srv.stop(true));
    return `http://127.0.0.1:${srv.port}`;
  }
  const srv: HTTPServer = createServer(toNodeListener(handler, { errorLog }));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  closers.push(
    () =>
      new Promise<void>((r) => {
        srv.closeAllConnections();
        srv.close(() => r());
      }),
  );
  return `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
}

interface Row {
  name: string;
  handler: (w: ResponseWriter, r: Request) => void | Promise<void>;
  method?: string;
  path?: string;
  body?: string;
  reqHeaders?: Record<string, string>;
  status: number;
  headers: Record<string, string | null>;
  setCookies?: string[];
  /** Go frames it chunked; a fetch host frames a finished stream as it likes. */
  chunked?: boolean;
  text: string;
}

const big = 'x'.repeat(5000);

// Each row states what Go's server sends (net/http server.go: the 2048-byte buffer decides
// Content-Length vs chunked, DetectContentType fills Content-Type for a body without one, 204
// carries no body and no sniffed type).
const rows: Row[] = [
  {
    name: 'small body: Content-Length and a sniffed text type',
    handler: (w) => void w.write('hello'),
    status: 200,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'content-length': '5' },
    text: 'hello',
  },
  {
    name: 'sniffed HTML',
    handler: (w) => void w.write('<html><body>hi'),
    status: 200,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    text: '<html><body>hi',
  },
  {
    name: 'explicit status and type are kept',
    handler: (w) => {
      w.header().set('Content-Type', 'application/json');
      w.writeHeader(404);
      void w.write('{"e":1}');
    },
    status: 404,
    headers: { 'content-type': 'application/json', 'content-length': '7' },
    text: '{"e":1}',
  },
  {
    name: 'no write: 200 with an empty body and no type',
    handler: () => {},
    status: 200,
    headers: { 'content-type': null, 'content-length': '0' },
    text: '',
  },
  {
    name: '204 has no body',
    handler: (w) => w.writeHeader(204),
    status: 204,
    headers: { 'content-type': null },
    text: '',
  },
  {
    name: 'each Set-Cookie on its own line; other repeated fields joined by the client',
    handler: (w) => {
      w.header().add('Set-Cookie', 'a=1; Path=/');
      w.header().add('Set-Cookie', 'b=2');
      w.header().add('X-Multi', 'one');
      w.header().add('X-Multi', 'two');
    },
    status: 200,
    headers: { 'x-multi': 'one, two' },
    setCookies: ['a=1; Path=/', 'b=2'],
    text: '',
  },
  {
    name: 'over 2048 bytes: streamed without Content-Length',
    handler: (w) => void w.write(big),
    status: 200,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    chunked: true,
    text: big,
  },
  {
    name: 'a handler-set Content-Length is kept',
    handler: (w) => {
      w.header().set('Content-Length', '3');
      void w.write('abc');
    },
    status: 200,
    headers: { 'content-length': '3' },
    text: 'abc',
  },
  {
    name: 'the request as the handler sees it',
    handler: async (w, r) => {
      const body = await r.text();
      void w.write(
        `${r.method} ${r.url.path} ${r.url.query().get('q')} ${r.header.get('X-Foo')} ${r.contentLength} ${body}`,
      );
    },
    method: 'POST',
    path: '/a/b?q=1',
    body: 'payload',
    reqHeaders: { 'x-foo': 'bar' },
    status: 200,
    headers: {},
    text: 'POST /a/b 1 bar 7 payload',
  },
  {
    name: 'remoteAddr is the client ip:port; host is the Host header',
    handler: (w, r) => {
      void w.write(`${/^127\.0\.0\.1:\d+$/.test(r.remoteAddr)} ${r.host.startsWith('127.0.0.1:')}`);
    },
    status: 200,
    headers: {},
    text: 'true true',
  },
  {
    name: 'async handler writing after a turn',
    handler: async (w) => {
      await Bun.sleep(1);
      w.header().set('X-Late', 'yes');
      void w.write('late');
    },
    status: 200,
    headers: { 'x-late': 'yes' },
    text: 'late',
  },
];

describe.each(kinds)('conformance rows on %s', (kind) => {
  test.each(rows)('$name', async (row) => {
    const base = await start(kind, row.handler);
    const res = await fetch(base + (row.path ?? '/'), {
      method: row.method ?? 'GET',
      headers: row.reqHeaders ?? {},
      ...(row.body !== undefined ? { body: row.body } : {}),
    });
    expect(res.status).toBe(row.status);
    for (const [k, v] of Object.entries(row.headers)) expect(res.headers.get(k)).toBe(v);
    if (row.setCookies !== undefined) expect(res.headers.getSetCookie()).toEqual(row.setCookies);
    if (row.chunked === true && kind !== 'fetch') {
      expect(res.headers.get('transfer-encoding')).toBe('chunked');
      expect(res.headers.get('content-length')).toBeNull();
    }
    expect(await res.text()).toBe(row.text);
  });
});

describe.each(['fetch', 'node'] as const)('adapter %s', (kind) => {
  test('flush streams: the client reads the first part before the second is written', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const base = await start(kind, async (w) => {
      void w.write('first;');
      await new ResponseController(w).flush();
      await gate;
      void w.write('second');
    });
    const res = await fetch(`${base}/`);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('first;');
    release();
    let rest = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += new TextDecoder().decode(value);
    }
    expect(rest).toBe('second');
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
  });

  test('a streamed request body reaches the handler chunk by chunk, all of it', async () => {
    const size = 1 << 20;
    const base = await start(kind, async (w, r) => {
      let n = 0;
      for await (const c of r) n += c.length;
      void w.write(String(n));
    });
    const res = await fetch(`${base}/up`, { method: 'POST', body: new Uint8Array(size) });
    expect(await res.text()).toBe(String(size));
  });

  test('the context is cancelled when the client goes away', async () => {
    let cancelled!: (why: string) => void;
    const seen = new Promise<string>((r) => {
      cancelled = r;
    });
    const base = await start(kind, async (w, r) => {
      // A fetch host sends the head with the first body bytes, so write some.
      void w.write('started');
      await new ResponseController(w).flush();
      const signal = r.context().signal;
      await new Promise<void>((res) => {
        if (signal.aborted) res();
        else signal.addEventListener('abort', () => res(), { once: true });
      });
      cancelled(String(r.context().err()));
    });
    const ac = new AbortController();
    const res = await fetch(`${base}/`, { signal: ac.signal });
    expect(res.status).toBe(200);
    ac.abort();
    const why = await Promise.race([seen, Bun.sleep(3000).then(() => 'timed out')]);
    expect(why).not.toBe('timed out');
  });

  test('hijack is not supported', async () => {
    const base = await start(kind, (w) => {
      try {
        new ResponseController(w).hijack();
        void w.write('hijacked?');
      } catch (err) {
        void w.write(err === ErrNotSupported ? 'not supported' : String(err));
      }
    });
    expect(await (await fetch(`${base}/`)).text()).toBe('not supported');
  });

  test('a throwing handler is logged as Go logs a panic; ErrAbortHandler is not', async () => {
    const logs: string[] = [];
    const base = await start(
      kind,
      (_w, r) => {
        if (r.url.path === '/abort') throw ErrAbortHandler;
        throw new Error('boom');
      },
      logs,
    );
    const outcome = async (p: string): Promise<string> => {
      try {
        const res = await fetch(base + p);
        return String(res.status);
      } catch {
        return 'connection cut';
      }
    };
    // Go cuts the connection; fetch hosts can only answer 500 (the host's error page).
    expect(await outcome('/boom')).toBe(kind === 'fetch' ? '500' : 'connection cut');
    expect(await outcome('/abort')).toBe(kind === 'fetch' ? '500' : 'connection cut');
    expect(logs.length).toBe(1);
    expect(logs[0]).toContain('http: panic serving');
    expect(logs[0]).toContain('boom');
  });

  test('write() gives backpressure: a handler that awaits it never runs ahead of the client', async () => {
    const chunk = new Uint8Array(64 * 1024);
    let writes = 0;
    let pending = 0;
    const base = await start(kind, async (w) => {
      for (let i = 0; i < 64; i++) {
        const p = w.write(chunk);
        writes++;
        if (p !== undefined) {
          pending++;
          await p;
        }
      }
    });
    const res = await fetch(`${base}/`);
    let n = 0;
    for await (const c of res.body as ReadableStream<Uint8Array>) n += c.length;
    expect(n).toBe(64 * chunk.length);
    expect(writes).toBe(64);
    expect(pending).toBeGreaterThan(0);
  });
});

describe('adapter specifics', () => {
  test.each([
    { name: 'toFetchHandler', make: () => toFetchHandler(42 as unknown as HandlerLike) },
    { name: 'toNodeListener', make: () => toNodeListener('x' as unknown as HandlerLike) },
  ])('$name refuses a non-handler at once', ({ make }) => {
    expect(make).toThrow(TypeError);
  });

  test('fetch: statuses a Response cannot carry reject', async () => {
    const f = toFetchHandler((w) => w.writeHeader(700), { errorLog: () => {} });
    await expect(f(new globalThis.Request('http://x/'))).rejects.toThrow(RangeError);
  });

  test('fetch: the handler sees the URL path and query, the https flag and a given remoteAddr', async () => {
    const f = toFetchHandler(
      (w, r) => void w.write(`${r.requestURI} ${r.tls?.serverName} ${r.remoteAddr} ${r.host}`),
      { remoteAddr: () => '10.0.0.1:5' },
    );
    const res = await f(new globalThis.Request('https://example.com:8443/p%20q?x=1'));
    expect(await res.text()).toBe('/p%20q?x=1 example.com 10.0.0.1:5 example.com:8443');
  });

  test('fetch: an aborted request signal cancels the context before the handler runs', async () => {
    const ac = new AbortController();
    ac.abort();
    const f = toFetchHandler((w, r) => void w.write(String(r.context().err() !== null)));
    const res = await f(new globalThis.Request('http://x/', { signal: ac.signal }));
    expect(await res.text()).toBe('true');
  });

  test('node: trailers are sent after a chunked body', async () => {
    const base = await start('node', (w) => {
      w.header().set('Trailer', 'X-Sum');
      void w.write('data');
      w.header().set('X-Sum', '42');
      w.header().set(`Trailer:X-Late`, 'yes');
    });
    const got = await new Promise<{ body: string; trailers: Record<string, string | undefined> }>(
      (res, rej) => {
        httpRequest(`${base}/`, (m) => {
          let body = '';
          m.setEncoding('latin1');
          m.on('data', (d: string) => {
            body += d;
          });
          m.on('end', () => res({ body, trailers: { ...m.trailers } }));
        })
          .on('error', rej)
          .end();
      },
    );
    expect(got).toEqual({ body: 'data', trailers: { 'x-sum': '42', 'x-late': 'yes' } });
  });

  test('node: repeated request fields stay separate', async () => {
    const base = await start('node', (w, r) => void w.write(r.header.values('X-A').join('|')));
    const body = await new Promise<string>((res, rej) => {
      const req = httpRequest(`${base}/`, (m) => {
        let b = '';
        m.on('data', (d: Buffer) => {
          b += d.toString();
        });
        m.on('end', () => res(b));
      });
      req.on('error', rej);
      req.setHeader('X-A', ['1', '2']);
      req.end();
    });
    expect(body).toBe('1|2');
  });
});

// Under real Node.js 20 (not Bun's node:http), from the built dist, as an npm user runs it.
test('toNodeListener and TLS on Node.js 20', async () => {
  // Bundled from the sources for Node (a full tsc build takes seconds); scripts/node-dist.test.ts
  // covers the published dist.
  const out = join(tmpdir(), `servehttp-adapters-${process.pid}`);
  const built = await Bun.build({
    entrypoints: [join(import.meta.dir, 'index.ts'), join(import.meta.dir, 'testcert.ts')],
    target: 'node',
    outdir: out,
    conditions: ['@servehttp/source'],
  });
  expect(built.success).toBe(true);
  const script = `
import { createServer } from 'node:http';
import { toNodeListener, ResponseController, Server, listen } from ${JSON.stringify(join(out, 'index.js'))};
import { testCertificate as cert, testKey as key } from ${JSON.stringify(join(out, 'testcert.js'))};
import https from 'node:https';
import { connect } from 'node:net';
const srv = createServer(toNodeListener(async (w, r) => {
  w.header().add('Set-Cookie', 'a=1');
  w.header().add('Set-Cookie', 'b=2');
  const body = await r.text();
  w.write(r.method + ' ' + r.url.path + ' ' + body + ' ' + r.proto);
  await new ResponseController(w).flush();
  w.write(' streamed');
}));
await new Promise((r) => srv.listen(0, '127.0.0.1', r));
const res = await fetch('http://127.0.0.1:' + srv.address().port + '/n?x', { method: 'PUT', body: 'up' });
const out = { node: process.versions.node, status: res.status, te: res.headers.get('transfer-encoding'),
  cookies: res.headers.getSetCookie(), text: await res.text() };
srv.close();
const tsrv = new Server({ handler: (w, r) => w.write(JSON.stringify(r.tls)) });
const l = await listen('tcp', '127.0.0.1:0', { tls: { cert, key } });
void tsrv.serve(l).catch(() => {});
const port = l.addr().port;
out.tls = JSON.parse(await new Promise((res, rej) => https.get({ host: '127.0.0.1', port, servername: 'localhost', ca: cert, ALPNProtocols: ['http/1.1'] }, (m) => { let b = ''; m.on('data', (d) => b += d); m.on('end', () => res(b)); }).on('error', rej)));
out.plain = await new Promise((res) => { const c = connect(port, '127.0.0.1'); let b = ''; c.on('data', (d) => b += d); c.on('close', () => res(b)); c.write('GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n'); });
await tsrv.close();
console.log(JSON.stringify(out));
`;
  const p = Bun.spawnSync(['node', '--input-type=module', '-e', script], {
    stdout: 'pipe',
    stderr: 'pipe',
  });
  await rm(out, { recursive: true, force: true });
  expect(p.stderr.toString()).toBe('');
  const got = JSON.parse(p.stdout.toString());
  expect(Number(got.node.split('.')[0])).toBeGreaterThanOrEqual(20);
  expect(got).toMatchObject({
    status: 200,
    te: 'chunked',
    cookies: ['a=1', 'b=2'],
    text: 'PUT /n up HTTP/1.1 streamed',
    tls: { serverName: 'localhost', negotiatedProtocol: 'http/1.1' },
    plain: plainHTTPToTLSReply,
  });
  expect(got.tls.version).toMatch(/^TLSv1\.[23]$/);
}, 20_000);
