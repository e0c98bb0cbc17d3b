import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test';
import { connect, type Socket } from 'node:net';
import { listen, openNetResources } from '../net.ts';
import type { Request } from '../request.ts';
import { type Flusher, ResponseController, type ResponseWriter } from '../response.ts';
import { Server, type ServerOptions } from '../server.ts';
import { expectNothingOpen } from '../settled.test-util.ts';
import { exchange } from './wire.test-util.ts';

// Faults on both sides of the connection: clients that reset (RST) or vanish mid-request and
// mid-response, handlers that throw, reject, never settle, or write after the client left.
// Each scenario ends with no open socket (openNetResources, Go's afterTest) and, over the whole
// file, no unhandled rejection or uncaught exception reached the process.

const backends = ['bun', 'node'] as const;
const servers: Server[] = [];
const sockets: Socket[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (e: unknown): void => {
  unhandled.push(e);
};

beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
});

afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
  process.off('uncaughtException', onUnhandled);
  expect(unhandled.map(String)).toEqual([]);
});

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
  const logs: string[] = [];
  const srv = new Server({ handler, errorLog: (m) => logs.push(m), ...opts });
  servers.push(srv);
  const l = await listen('tcp', '127.0.0.1:0', { backend });
  const served = srv.serve(l).catch((e: unknown) => e);
  return { srv, port: l.addr().port, logs, served };
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1' });
    sockets.push(s);
    s.on('error', () => {});
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

// An RST rather than a FIN: SO_LINGER 0 then close.
function reset(s: Socket): void {
  const r = s as Socket & { resetAndDestroy?: () => void };
  if (typeof r.resetAndDestroy === 'function') r.resetAndDestroy();
  else s.destroy();
}

// Waits until the server holds no connection (all closed) or the deadline passes.
async function settled(ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (openNetResources().conns > 0 && Date.now() < deadline) await Bun.sleep(5);
}

async function stillServes(port: number): Promise<void> {
  const x = await exchange(port, 'GET /alive HTTP/1.1\r\nHost: x\r\n\r\n');
  expect(x.responses.map((r) => r.status)).toEqual([200]);
}

describe.each(backends)('%s backend: client faults', (backend) => {
  test('resets mid-head, mid-body and right after the request, 60 times over', async () => {
    let bodies = 0;
    const { port } = await start(backend, async (w: ResponseWriter, r: Request) => {
      try {
        await r.bytes();
      } catch {
        bodies++;
      }
      await w.write('ok');
    });
    const shapes = [
      'GET / HTTP/1.1\r\nHost: x\r\nX-Half: ',
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\nabc',
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc',
      'GET / HTTP/1.1\r\nHost: x\r\n\r\n',
    ];
    for (let i = 0; i < 60; i++) {
      const s = await open(port);
      s.write(shapes[i % shapes.length] as string);
      await Bun.sleep(i % 3);
      reset(s);
    }
    await settled();
    expect(openNetResources().conns).toBe(0);
    await stillServes(port);
    // Some body reads saw the reset as an error (the others never started): no crash.
    expect(bodies).toBeGreaterThanOrEqual(0);
  });

  test('a reset mid-response ends a streaming handler: its writes resolve and its context aborts', async () => {
    let aborted = 0;
    let finished = 0;
    const chunk = new Uint8Array(32 << 10).fill(0x62);
    const { port } = await start(backend, async (w: ResponseWriter, r: Request) => {
      if (r.url.path === '/alive') return void w.write('ok');
      const signal = r.context().signal;
      for (let i = 0; i < 4096 && !signal.aborted; i++) {
        await w.write(chunk);
        await (w as ResponseWriter & Flusher).flush();
      }
      if (signal.aborted) aborted++;
      finished++;
    });
    for (let i = 0; i < 10; i++) {
      const s = await open(port);
      const gotSome = new Promise<void>((r) => s.once('data', () => r()));
      s.write('GET /stream HTTP/1.1\r\nHost: x\r\n\r\n');
      await gotSome;
      if (i % 2 === 0) reset(s);
      else s.destroy();
    }
    const deadline = Date.now() + 5000;
    while (finished < 10 && Date.now() < deadline) await Bun.sleep(10);
    expect(finished).toBe(10);
    expect(aborted).toBe(10);
    await settled();
    await stillServes(port);
  });
});

describe.each(backends)('%s backend: handler faults', (backend) => {
  test('throw, reject, reject with a non-Error: logged, connection closed, no unhandled rejection', async () => {
    const { port, logs } = await start(backend, (w: ResponseWriter, r: Request) => {
      switch (r.url.path) {
        case '/throw':
          throw new Error('sync boom');
        case '/reject':
          return Promise.reject(new Error('async boom'));
        case '/reject-value':
          return Promise.reject('a string');
        case '/throw-after-write':
          return (async () => {
            await w.write('partial');
            await (w as ResponseWriter & Flusher).flush();
            throw new Error('late boom');
          })();
        default:
          void w.write('ok');
          return undefined;
      }
    });
    for (const path of ['/throw', '/reject', '/reject-value', '/throw-after-write']) {
      const x = await exchange(port, `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
      expect(x.closed).toBe(true);
      // Never a whole 200 for a handler that failed before finishing (Go: the panic aborts
      // the response; a flushed chunked head is left without its terminating chunk).
      expect(x.responses.filter((r) => r.status === 200 && r.body === 'ok')).toEqual([]);
    }
    expect(logs.length).toBe(4);
    for (const l of logs) expect(l).toStartWith('http: panic serving 127.0.0.1:');
    await stillServes(port);
  });

  test('a handler that never settles is cut by writeTimeout; close() ends the rest', async () => {
    const never = new Promise<void>(() => {});
    const { port, srv } = await start(backend, () => never, { writeTimeout: 300 });
    const t = Date.now();
    const x = await exchange(port, 'GET /hang HTTP/1.1\r\nHost: x\r\n\r\n', { end: false });
    expect(x.closed).toBe(true);
    expect(x.responses).toEqual([]);
    expect(Date.now() - t).toBeGreaterThanOrEqual(250);
    expect(Date.now() - t).toBeLessThan(2500);
    await settled();
    expect(openNetResources().conns).toBe(0);
    // Shutdown cannot wait for it (Go: Shutdown waits for active connections until its
    // context ends): a signal bounds it, then close().
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('deadline')), 200);
    await open(port).then((s) => s.write('GET /hang2 HTTP/1.1\r\nHost: x\r\n\r\n'));
    await Bun.sleep(50);
    const err = await srv.shutdown(ac.signal).catch((e: unknown) => e);
    expect(String(err)).toContain('deadline');
    await srv.close();
  });

  test('write, flush, writeHeader and controller calls after the client left: all resolve, nothing throws', async () => {
    const outcomes: string[] = [];
    let left!: () => void;
    const clientLeft = new Promise<void>((r) => {
      left = r;
    });
    const { port } = await start(backend, async (w: ResponseWriter, r: Request) => {
      if (r.url.path === '/alive') return void w.write('ok');
      await w.write('first');
      await (w as ResponseWriter & Flusher).flush();
      await clientLeft;
      await new Promise<void>((res) => {
        if (r.context().signal.aborted) res();
        else r.context().signal.addEventListener('abort', () => res());
      });
      try {
        for (let i = 0; i < 50; i++) await w.write(new Uint8Array(64 << 10));
        await (w as ResponseWriter & Flusher).flush();
        const rc = new ResponseController(w);
        rc.setWriteDeadline(Date.now() + 10);
        await rc.flush();
        outcomes.push('resolved');
      } catch (e) {
        outcomes.push(`threw ${String(e)}`);
      }
    });
    const s = await open(port);
    const first = new Promise<void>((r) => s.once('data', () => r()));
    s.write('GET /late HTTP/1.1\r\nHost: x\r\n\r\n');
    await first;
    reset(s);
    left();
    const deadline = Date.now() + 3000;
    while (outcomes.length === 0 && Date.now() < deadline) await Bun.sleep(10);
    expect(outcomes).toEqual(['resolved']);
    await settled();
    await stillServes(port);
  });
});
