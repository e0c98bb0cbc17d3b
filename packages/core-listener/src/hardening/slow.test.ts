import { afterEach, describe, expect, test } from 'bun:test';
import { connect, type Socket } from 'node:net';
import { listen } from '../net.ts';
import type { Request } from '../request.ts';
import type { ResponseWriter } from '../response.ts';
import { Server, type ServerOptions } from '../server.ts';
import { expectNothingOpen } from '../settled.test-util.ts';
import { exchange } from './wire.test-util.ts';

// Slow clients, the short versions (the full-scale slowloris, 1,000 connections at one byte a
// second with the default timeouts, is scripts/hardening/slowloris.ts). Each runs on both
// socket backends.

const backends = ['bun', 'node'] as const;
const servers: Server[] = [];
const sockets: Socket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const s of servers.splice(0)) await s.close();
  await expectNothingOpen(3000);
});

async function start(
  backend: 'bun' | 'node',
  handler: (w: ResponseWriter, r: Request) => void | Promise<void>,
  opts: ServerOptions = {},
) {
  const srv = new Server({ handler, errorLog: () => {}, ...opts });
  servers.push(srv);
  const l = await listen('tcp', '127.0.0.1:0', { backend });
  void srv.serve(l).catch(() => {});
  return l.addr().port;
}

function open(port: number): Promise<{ s: Socket; closedAt: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1' });
    sockets.push(s);
    s.on('error', () => {});
    const closedAt = new Promise<number>((r) => s.once('close', () => r(Date.now())));
    s.once('connect', () => resolve({ s, closedAt }));
    s.once('error', reject);
  });
}

const hello = (w: ResponseWriter): void => void w.write('hello');

describe.each(backends)('%s backend: slow clients', (backend) => {
  test('slowloris: 200 heads trickled a byte per 150 ms are cut at readHeaderTimeout; others are served meanwhile', async () => {
    const readHeaderTimeout = 1000;
    const port = await start(backend, hello, { readHeaderTimeout });
    Bun.gc(true);
    const heapBefore = process.memoryUsage().heapUsed;
    const t0 = Date.now();
    const slow = await Promise.all(Array.from({ length: 200 }, () => open(port)));
    for (const c of slow) c.s.write('GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    let sent = 0;
    const trickle = setInterval(() => {
      for (const c of slow) if (!c.s.destroyed) c.s.write('a');
      sent++;
    }, 150);
    try {
      // A normal client, meanwhile: every request answered promptly.
      const latencies: number[] = [];
      for (let i = 0; i < 10; i++) {
        const t = Date.now();
        const x = await exchange(port, `GET /ok${i} HTTP/1.1\r\nHost: x\r\n\r\n`);
        latencies.push(Date.now() - t);
        expect(x.responses.map((r) => r.status)).toEqual([200]);
        await Bun.sleep(50);
      }
      // Loose bound: this is a shared 2-core machine; a blocked loop would show as ~1 s.
      expect(Math.max(...latencies)).toBeLessThan(500);
      const closed = await Promise.all(slow.map((c) => c.closedAt));
      const first = Math.min(...closed) - t0;
      const last = Math.max(...closed) - t0;
      expect(first).toBeGreaterThanOrEqual(readHeaderTimeout - 50);
      expect(last).toBeLessThan(readHeaderTimeout + 2000);
      expect(sent).toBeGreaterThan(3);
    } finally {
      clearInterval(trickle);
    }
    // What the trickled heads left behind is gone with them.
    Bun.gc(true);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(32 << 20);
  }, 15_000);

  test('slow body: readTimeout bounds the body too (Go ReadTimeout), so a trickled body fails its read', async () => {
    let failedAfter = -1;
    const port = await start(
      backend,
      async (w: ResponseWriter, r: Request) => {
        const t = Date.now();
        try {
          await r.text();
        } catch {
          failedAfter = Date.now() - t;
        }
        w.writeHeader(400);
      },
      { readTimeout: 400 },
    );
    const c = await open(port);
    c.s.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n');
    const t0 = Date.now();
    const trickle = setInterval(() => {
      if (!c.s.destroyed) c.s.write('a');
    }, 100);
    try {
      const closedAt = await c.closedAt;
      expect(failedAfter).toBeGreaterThanOrEqual(350);
      expect(failedAfter).toBeLessThan(1500);
      expect(closedAt - t0).toBeLessThan(3000);
    } finally {
      clearInterval(trickle);
    }
  }, 10_000);

  test('slow reader: a client that never reads pins kernel buffers, not the server; writeTimeout frees the handler', async () => {
    let written = 0;
    let handlerDone = false;
    const chunk = new Uint8Array(64 << 10).fill(0x61);
    const port = await start(
      backend,
      async (w: ResponseWriter, r: Request) => {
        w.header().set('Content-Type', 'application/octet-stream');
        const gone = r.context().signal;
        // More than the client can take before writeTimeout, however fast it reads once it
        // resumes (512 MiB had gone through in the 800 ms left, and the response then ended
        // before the deadline): up to 64 GiB or 8 s, each write awaited as the contract asks, so
        // backpressure stalls here.
        const until = Date.now() + 8000;
        for (let i = 0; i < 1 << 20 && Date.now() < until; i++) {
          await w.write(chunk);
          written += chunk.length;
          // A client that left cancels the context (Go's background read).
          if (gone.aborted) break;
        }
        handlerDone = true;
      },
      { writeTimeout: 1500 },
    );
    const rssBefore = process.memoryUsage().rss;
    const c = await open(port);
    c.s.pause();
    c.s.write('GET /big HTTP/1.1\r\nHost: x\r\n\r\n');
    await Bun.sleep(700);
    const stalledAt = written;
    // Loopback socket buffers hold a few MiB; the rest waits in the handler, not in memory.
    expect(stalledAt).toBeLessThan(32 << 20);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(96 << 20);
    // writeTimeout closes the connection; the handler's pending write resolves, so it ends.
    // (A paused node socket never notices its peer closed: let the client read again.)
    c.s.resume();
    await c.closedAt;
    const deadline = Date.now() + 3000;
    while (!handlerDone && Date.now() < deadline) await Bun.sleep(10);
    expect(handlerDone).toBe(true);
  }, 10_000);

  // Go's conn writes everything into the kernel before it half-closes and closes (finalFlush,
  // closeWriteAndWait); here the bytes may still be queued in the process when the response ends,
  // and the connection must not close under them.
  const closeRows = [
    { name: 'Connection: close', head: 'Connection: close\r\n', proto: 'HTTP/1.1' },
    { name: 'HTTP/1.0 without keep-alive', head: '', proto: 'HTTP/1.0' },
  ];
  for (const row of closeRows) {
    test(`a reader that pauses 1 s: 16 MiB then ${row.name} arrive whole before the close`, async () => {
      const body = new Uint8Array(16 << 20).fill(0x78);
      const port = await start(backend, (w) => void w.write(body));
      const { s, closedAt } = await open(port);
      let got = 0;
      s.on('data', (d: Buffer) => {
        got += d.length;
      });
      s.pause();
      s.write(`GET /big ${row.proto}\r\nHost: x\r\n${row.head}\r\n`);
      await Bun.sleep(1000);
      s.resume();
      await Promise.race([closedAt, Bun.sleep(5000)]);
      // The head is a few hundred bytes; the body must be all there.
      expect(got).toBeGreaterThan(body.length);
      expect(got).toBeLessThan(body.length + 1024);
    }, 10_000);
  }
});
