import { afterEach, describe, expect, test } from 'bun:test';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { listen, NetError, openNetResources } from './net.ts';
import type { Request } from './request.ts';
import type { ResponseWriter } from './response.ts';
import { loadTLSFiles, Server } from './server.ts';
import { expectNothingOpen } from './settled.test-util.ts';
import { testCertificate as cert, testKey as key } from './testcert.ts';
import { alpnWire, looksLikeHTTP, plainHTTPToTLSReply, type TLSConnectionState } from './tls.ts';

const backends = ['bun', 'node'] as const;
const servers: Server[] = [];

afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  await expectNothingOpen();
});

const echoTLS = (w: ResponseWriter, r: Request): void => {
  const t = r.tls as TLSConnectionState | undefined;
  w.header().set('Content-Type', 'application/json');
  void w.write(JSON.stringify(t ?? null));
};

async function startTLS(
  backend: 'bun' | 'node',
  opts: ConstructorParameters<typeof Server>[0] = {},
) {
  const logs: string[] = [];
  const srv = new Server({ handler: echoTLS, errorLog: (m) => logs.push(m), ...opts });
  servers.push(srv);
  const l = await listen('tcp', '127.0.0.1:0', { backend, tls: { cert, key } });
  void srv.serve(l).catch(() => {});
  return { port: l.addr().port, logs };
}

// A raw client: everything the server sends until it closes (bounded).
function rawExchange(port: number, send: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = netConnect(port, '127.0.0.1');
    let got = '';
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`timeout; got ${JSON.stringify(got)}`));
    }, 3000);
    s.on('data', (d: Buffer) => {
      got += d.toString('latin1');
    });
    s.on('error', () => {});
    s.on('close', () => {
      clearTimeout(timer);
      resolve(got);
    });
    s.write(send);
  });
}

describe.each(backends)('TLS on the %s backend', (backend) => {
  test('serves HTTPS; r.tls has version, cipher suite and SNI', async () => {
    const { port } = await startTLS(backend);
    const res = await fetch(`https://localhost:${port}/`, { tls: { ca: cert } } as RequestInit);
    expect(res.status).toBe(200);
    const state = (await res.json()) as TLSConnectionState;
    expect(state.version).toMatch(/^TLSv1\.[23]$/);
    expect(state.cipherSuite).toMatch(/^TLS_/);
    expect(state.serverName).toBe('localhost');
  });

  test('ALPN: a client offering h2 and http/1.1 agrees on http/1.1', async () => {
    const { port } = await startTLS(backend);
    const got = await new Promise<{ alpn: string | false | null; body: string }>(
      (resolve, reject) => {
        const s = tlsConnect({
          port,
          host: '127.0.0.1',
          servername: 'localhost',
          ca: cert,
          ALPNProtocols: ['h2', 'http/1.1'],
        });
        let body = '';
        s.on('secureConnect', () =>
          s.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
        );
        s.on('data', (d: Buffer) => {
          body += d.toString();
        });
        s.on('error', reject);
        s.on('close', () => resolve({ alpn: s.alpnProtocol ?? null, body }));
      },
    );
    expect(got.alpn).toBe('http/1.1');
    expect(got.body).toContain('"negotiatedProtocol":"http/1.1"');
  });

  // Go's conn.serve answers a TLS record header that looks like plain HTTP in clear
  // (net/http server.go, tlsRecordHeaderLooksLikeHTTP) and closes.
  test.each([
    { name: 'GET', send: 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', answered: true },
    { name: 'POST', send: 'POST /x HTTP/1.1\r\nHost: x\r\n\r\n', answered: true },
    { name: 'OPTIONS', send: 'OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n', answered: true },
    // Not among Go's five starts: the handshake just fails (at most a TLS alert), no HTTP.
    { name: 'DELETE', send: 'DELETE / HTTP/1.1\r\nHost: x\r\n\r\n', answered: false },
  ])('plain HTTP $name to the TLS port', async ({ send, answered }) => {
    const { port } = await startTLS(backend);
    const got = await rawExchange(port, send);
    if (answered) expect(got).toBe(plainHTTPToTLSReply);
    else expect(got).not.toContain('HTTP/');
  });

  test('a handshake that never completes is bounded by readHeaderTimeout', async () => {
    const { port } = await startTLS(backend, { readHeaderTimeout: 100 });
    const started = Date.now();
    // Connect and send nothing: no ClientHello ever comes.
    const got = await rawExchange(port, '');
    expect(got).toBe('');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test('a client that ends its side before the handshake is closed, no timeout needed', async () => {
    const { port } = await startTLS(backend);
    const closed = await new Promise<boolean>((resolve) => {
      const c = netConnect(port, '127.0.0.1', () => c.end());
      const timer = setTimeout(() => resolve(false), 3000);
      c.on('error', () => {});
      c.on('close', () => {
        clearTimeout(timer);
        resolve(true);
      });
      c.resume();
    });
    expect(closed).toBe(true);
  });

  test('a plain (non-TLS) request still works on a plain listener: r.tls is undefined', async () => {
    const srv = new Server({ handler: echoTLS });
    servers.push(srv);
    const l = await listen('tcp', '127.0.0.1:0', { backend });
    expect(l.tls).toBe(false);
    void srv.serve(l).catch(() => {});
    expect(await (await fetch(`http://127.0.0.1:${l.addr().port}/`)).text()).toBe('null');
  });

  test.each([
    {
      name: 'garbage certificate',
      tls: { cert: 'not a cert', key },
      want: 'tls: bad certificate or key',
    },
    {
      name: 'key of another certificate',
      tls: { cert, key: otherKey() },
      want: 'tls: bad certificate or key',
    },
    { name: 'empty list', tls: { cert: [], key }, want: 'a certificate and a key are required' },
  ])('$name is refused at listen, nothing is left open', async ({ tls, want }) => {
    const err = await listen('tcp', '127.0.0.1:0', { backend, tls }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetError);
    expect((err as Error).message).toContain(want);
    expect(openNetResources()).toEqual({ listeners: 0, conns: 0 });
  });
});

// An EC key that does not match the test certificate.
function otherKey(): string {
  const { privateKey } = require('node:crypto').generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
}

describe('listenAndServeTLS / serveTLS', () => {
  test('serves the files on addr; a missing file fails before listening', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'servehttp-tls-'));
    try {
      await writeFile(join(dir, 'cert.pem'), cert);
      await writeFile(join(dir, 'key.pem'), key);
      const missing = new Server({ addr: '127.0.0.1:0', handler: echoTLS });
      await expect(
        missing.listenAndServeTLS(join(dir, 'nope.pem'), join(dir, 'key.pem')),
      ).rejects.toThrow('no such file or directory');
      expect(openNetResources().listeners).toBe(0);
      const files = await loadTLSFiles(join(dir, 'cert.pem'), join(dir, 'key.pem'));
      expect(files).toEqual({ cert, key });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('listenAndServeTLS with tlsConfig and no files', async () => {
    const srv = new Server({ addr: '127.0.0.1:0', handler: echoTLS, tlsConfig: { cert, key } });
    servers.push(srv);
    const served = srv.listenAndServeTLS().catch((e: unknown) => e);
    // No way to learn the chosen port from listenAndServe (as in Go); shutting down ends it.
    await Bun.sleep(0);
    await srv.close();
    expect(String(await served)).toContain('Server closed');
  });

  test('serveTLS refuses a plain listener with a fix', async () => {
    const l = await listen('tcp', '127.0.0.1:0');
    const srv = new Server({ handler: echoTLS });
    await expect(srv.serveTLS(l)).rejects.toThrow("listen('tcp', addr, { tls:");
    await l.close();
  });

  test('serveTLS serves a TLS listener', async () => {
    const srv = new Server({ handler: echoTLS });
    servers.push(srv);
    const l = await listen('tcp', '127.0.0.1:0', { tls: { cert, key } });
    void srv.serveTLS(l).catch(() => {});
    const res = await fetch(`https://127.0.0.1:${l.addr().port}/`, {
      tls: { ca: cert },
    } as RequestInit);
    expect(res.status).toBe(200);
  });
});

describe('helpers', () => {
  test.each([
    { start: 'GET /', want: true },
    { start: 'HEAD ', want: true },
    { start: 'POST ', want: true },
    { start: 'PUT /', want: true },
    { start: 'OPTIO', want: true },
    { start: 'GET http://x/', want: false }, // Go matches "GET /" only
    { start: 'PATCH', want: false },
    { start: '\x16\x03\x01\x02\x00', want: false }, // a TLS handshake record
    { start: 'GET', want: false }, // too short to tell
  ])('looksLikeHTTP($start) = $want', ({ start, want }) => {
    expect(looksLikeHTTP(new TextEncoder().encode(start))).toBe(want);
  });

  test('alpnWire length-prefixes each name', () => {
    expect([...alpnWire(['h2', 'http/1.1'])]).toEqual([
      2,
      0x68,
      0x32,
      8,
      ...new TextEncoder().encode('http/1.1'),
    ]);
    expect(() => alpnWire([''])).toThrow(RangeError);
  });
});
