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
