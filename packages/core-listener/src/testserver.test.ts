import { afterEach, describe, expect, test } from 'bun:test';
import type { HandlerLike } from './handler.ts';
import { startTestServer, type TestServer, testCertificate } from './httptest.ts';
import { openNetResources } from './net.ts';

const started: TestServer[] = [];

afterEach(async () => {
  for (const s of started.splice(0)) await s.close();
  expect(openNetResources()).toEqual({ listeners: 0, conns: 0 });
});

async function start(h: HandlerLike, opts: Parameters<typeof startTestServer>[1] = {}) {
  const ts = await startTestServer(h, opts);
  started.push(ts);
  return ts;
}

// Go's httptest.NewServer / NewTLSServer: a loopback URL with a chosen port, and a client
// (here ts.fetch) that reaches it — over TLS trusting the server's certificate.
describe.each([
  { name: 'http', tls: false, scheme: 'http:' },
  { name: 'https', tls: true, scheme: 'https:' },
])('$name test server', ({ tls, scheme }) => {
  test.each(['bun', 'node'] as const)('on the %s backend: url, fetch, close', async (backend) => {
    const ts = await start(
      (w, r) => void w.write(`${r.method} ${r.url.path} tls=${r.tls !== undefined}`),
      {
        tls,
        backend,
      },
    );
    const u = new URL(ts.url);
    expect(u.protocol).toBe(scheme);
    expect(u.hostname).toBe('127.0.0.1');
    expect(Number(u.port)).toBeGreaterThan(0);
    expect(ts.url.endsWith('/')).toBe(false);
    expect(ts.certificate).toBe(tls ? testCertificate : undefined);
    const res = await ts.fetch('/hello');
    expect(await res.text()).toBe(`GET /hello tls=${tls}`);
    // An absolute URL works as well.
    expect((await ts.fetch(`${ts.url}/x`)).status).toBe(200);
  });
});

describe('startTestServer', () => {
  test('server options pass through; close() stops serving', async () => {
    const logs: string[] = [];
    const ts = await startTestServer(
      () => {
        throw new Error('handler broke');
      },
      { server: { errorLog: (m) => logs.push(m) } },
    );
    await ts.fetch('/').catch(() => {});
    expect(logs.join('\n')).toContain('handler broke');
    await ts.close();
    await expect(fetch(`${ts.url}/`)).rejects.toThrow();
  });

  test.each([
    { name: 'a number', h: 42 },
    { name: 'null', h: null },
  ])('refuses $name as a handler before listening', async ({ h }) => {
    await expect(startTestServer(h as unknown as HandlerLike)).rejects.toThrow(TypeError);
    expect(openNetResources().listeners).toBe(0);
  });

  test('a bad certificate fails the start, nothing listens', async () => {
    await expect(startTestServer(() => {}, { tls: { cert: 'x', key: 'y' } })).rejects.toThrow(
      'bad certificate or key',
    );
    expect(openNetResources().listeners).toBe(0);
  });
});

// Go's httptest offers only http/1.1 by ALPN unless EnableHTTP2 is set; then h2 is offered first
// and the server (HTTP/2 on by default over TLS) speaks it.
describe('enableHTTP2', () => {
  test.each([
    { enableHTTP2: false, want: 'http/1.1 HTTP/1.1' },
    { enableHTTP2: true, want: 'h2 HTTP/2.0' },
  ])('enableHTTP2: $enableHTTP2 → $want', async ({ enableHTTP2, want }) => {
    const ts = await start((w, r) => void w.write(r.proto), { tls: true, enableHTTP2 });
    const { connect } = await import('node:tls');
    const alpn = await new Promise<string>((resolve, reject) => {
      const s = connect(
        {
          host: '127.0.0.1',
          port: Number(new URL(ts.url).port),
          ca: ts.certificate,
          servername: 'localhost',
          ALPNProtocols: ['h2', 'http/1.1'],
        },
        () => {
          resolve(String(s.alpnProtocol));
          s.destroy();
        },
      );
      s.on('error', reject);
    });
    const proto = await new Promise<string>((resolve, reject) => {
      if (alpn !== 'h2') {
        void ts.fetch('/').then(async (r) => resolve(await r.text()), reject);
        return;
      }
      void import('node:http2').then(({ connect }) => {
        const session = connect(ts.url, { ca: ts.certificate });
        session.on('error', reject);
        const req = session.request({ ':path': '/' });
        let body = '';
        req.setEncoding('utf8');
        req.on('data', (d: string) => {
          body += d;
        });
        req.on('end', () => {
          session.close();
          resolve(body);
        });
        req.on('error', reject);
        req.end();
      });
    });
    expect(`${alpn} ${proto}`).toBe(want);
  });
});
