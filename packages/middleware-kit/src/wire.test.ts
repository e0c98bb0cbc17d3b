import { afterAll, describe, expect, test } from 'bun:test';
import { connect } from 'node:net';
import { gunzipSync } from 'node:zlib';
import {
  type Flusher,
  type Hijacker,
  handlerFunc,
  listen,
  type Request,
  ResponseController,
  type ResponseWriter,
  Server,
} from '@servehttp/core-listener';
import { chain } from './chain.ts';
import { compress } from './compress/index.ts';
import { logger } from './logger/index.ts';
import { recovery } from './recovery/index.ts';
import { timeout } from './timeout/index.ts';

// The scenarios that only the wire can prove: middleware stacks over core-listener's real
// server, raw sockets and fetch as clients, on both socket backends (Go's run(t, f, modes)).
const backends = ['bun', 'node'] as const;

interface Site {
  backend: (typeof backends)[number];
  port: number;
  lines: string[];
  releaseSSE: () => void;
}

function appFor(sseGate: Promise<void>) {
  return (w: ResponseWriter, r: Request): void | Promise<void> => {
    switch (r.url.path) {
      case '/big':
        w.header().set('Content-Type', 'text/plain; charset=utf-8');
        void w.write('compress me '.repeat(500));
        return;
      case '/events':
        return (async () => {
          w.header().set('Content-Type', 'text/event-stream');
          void w.write('data: one\n\n');
          await new ResponseController(w).flush();
          await sseGate;
          void w.write('data: two\n\n');
        })();
      case '/upgrade':
        return (async () => {
          const raw = (w as unknown as Hijacker).hijack();
          await raw.write(
            'HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n',
          );
          // Bytes that came with the request are handed over in `buffered`; later ones by reading.
          if (raw.buffered.length > 0) await raw.write(raw.buffered);
          else {
            for await (const chunk of raw) {
              await raw.write(chunk);
              break;
            }
          }
          raw.close();
        })();
      case '/slow':
        return new Promise<void>((resolve) => {
          const t = setTimeout(() => {
            try {
              void w.write('too late');
            } catch {
              // the timeout middleware refuses late writes
            }
            resolve();
          }, 200);
          r.context().signal.addEventListener('abort', () => clearTimeout(t));
          r.context().signal.addEventListener('abort', () => resolve());
        });
      case '/write-on-abort':
        // Writes the moment its signal aborts: the timeout's gate must already be shut.
        return new Promise<void>((resolve) => {
          r.context().signal.addEventListener('abort', () => {
            w.writeHeader(200);
            void w.write('too late');
            resolve();
          });
        });
      default:
        void w.write('ok');
    }
  };
}

const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function start(backend: Site['backend']): Promise<Site> {
  const lines: string[] = [];
  let releaseSSE: () => void = () => {};
  const sseGate = new Promise<void>((r) => {
    releaseSSE = r;
  });
  const handler = chain(
    appFor(sseGate),
    recovery({ log: () => {} }),
    logger({ sink: (line) => lines.push(line) }),
    compress({ threshold: 256 }),
    timeout(100),
  );
  const srv = new Server({ handler, errorLog: () => {} });
  const l = await listen('tcp', '127.0.0.1:0', { backend });
  void srv.serve(l).catch(() => {});
  servers.push(srv);
  return { backend, port: l.addr().port, lines, releaseSSE };
}

const sites: Site[] = [];
for (const b of backends) sites.push(await start(b));

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
      reject(new Error(`timeout: ${JSON.stringify(got)}`));
    }, 5000);
    s.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      if (until(got)) {
        clearTimeout(timer);
        s.destroy();
        resolve(got);
      }
    });
    s.write(request);
  });
}

describe.each(sites)('$backend backend: middleware on the wire', ({ port, lines, releaseSSE }) => {
  test('compress: gzip by Accept-Encoding, Vary set, the client gets the original bytes', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/big`, {
      headers: { 'Accept-Encoding': 'gzip' },
      decompress: false,
    } as RequestInit);
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('vary')).toContain('Accept-Encoding');
    const body = new Uint8Array(await res.arrayBuffer());
    expect(new TextDecoder().decode(gunzipSync(body))).toBe('compress me '.repeat(500));
  });

  test('small responses and clients without gzip get identity', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/`, {
      headers: { 'Accept-Encoding': 'identity' },
    });
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(await res.text()).toBe('ok');
  });

  test('SSE through logger and compress: the first event arrives before the handler ends', async () => {
    const first = rawExchange(
      port,
      'GET /events HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n',
      (s) => s.includes('data: one'),
    );
    const got = await first;
    // text/event-stream is never compressed, and the flush went through every wrapper.
    expect(got).toContain('Content-Type: text/event-stream\r\n');
    expect(got).not.toContain('Content-Encoding');
    expect(got).not.toContain('data: two');
    releaseSSE();
  });

  test('hijack through logger, compress and recovery reaches the raw connection', async () => {
    const got = await rawExchange(
      port,
      'GET /upgrade HTTP/1.1\r\nHost: x\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\nping',
      (s) => s.endsWith('ping'),
    );
    expect(got).toBe(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\nping',
    );
  });

  test("timeout: 503 once, the late write dropped, the handler's context aborted", async () => {
    const res = await fetch(`http://127.0.0.1:${port}/slow`);
    expect(res.status).toBe(503);
    const body = await res.text();
    expect(body).not.toContain('too late');
  });

  test('timeout: a handler writing from its abort listener still yields the 503', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/write-on-abort`);
    expect(res.status).toBe(503);
    expect(await res.text()).not.toContain('too late');
  });

  test('the logger saw the requests with their status', () => {
    expect(lines.some((line) => line.includes('/big') && line.includes('200'))).toBe(true);
    expect(lines.some((line) => line.includes('/slow') && line.includes('503'))).toBe(true);
  });
});

test('flush capability survives the whole stack (ResponseController finds it)', async () => {
  let found = false;
  const probe = chain(
    handlerFunc((w: ResponseWriter) => {
      found = typeof (w as unknown as Partial<Flusher>).flush === 'function';
      void w.write('x');
    }),
    recovery({ log: () => {} }),
    logger({ sink: () => {} }),
    compress(),
  );
  const s2 = new Server({ handler: probe, errorLog: () => {} });
  const l2 = await listen('tcp', '127.0.0.1:0');
  void s2.serve(l2).catch(() => {});
  try {
    await (await fetch(`http://127.0.0.1:${l2.addr().port}/`)).text();
    expect(found).toBe(true);
  } finally {
    await s2.close();
  }
});
