import { afterEach, describe, expect, test } from 'bun:test';
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { listen } from './net.ts';
import type { Request } from './request.ts';
import type { ResponseWriter } from './response.ts';
import { Server } from './server.ts';
import { expectNothingOpen } from './settled.test-util.ts';
import { type Drainable, shutdownOnSignals } from './signals.ts';

const servers: Server[] = [];

afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  await expectNothingOpen();
});

// A server whose handler holds each request until `release()`.
async function slowServer() {
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  let entered!: () => void;
  const inHandler = new Promise<void>((r) => {
    entered = r;
  });
  const srv = new Server({
    handler: async (w: ResponseWriter, r: Request) => {
      entered();
      await Promise.race([
        gate,
        new Promise<void>((res) => r.context().signal.addEventListener('abort', () => res())),
      ]);
      void w.write('finished');
    },
    errorLog: () => {},
  });
  servers.push(srv);
  const l = await listen('tcp', '127.0.0.1:0');
  const served = srv.serve(l).catch((e: unknown) => e);
  return { srv, url: `http://127.0.0.1:${l.addr().port}/`, release, inHandler, served };
}

describe('shutdownOnSignals', () => {
  test('SIGTERM drains: the request in flight completes, then done is graceful', async () => {
    const { srv, url, release, inHandler, served } = await slowServer();
    const source = new EventEmitter();
    const logs: string[] = [];
    const h = shutdownOnSignals(srv, { source, log: (m) => logs.push(m), timeout: 5000 });
    const res = fetch(url);
    await inHandler;
    source.emit('SIGTERM', 'SIGTERM');
    // New connections are refused once the drain started.
    await Bun.sleep(0);
    release();
    const r = await res;
    expect(await r.text()).toBe('finished');
    expect(r.headers.get('connection')).toBe('close');
    expect(await h.done).toBe('graceful');
    expect(String(await served)).toContain('Server closed');
    expect(logs[0]).toContain('SIGTERM: shutting down');
    expect(source.listenerCount('SIGTERM') + source.listenerCount('SIGINT')).toBe(0);
  });

  test('the deadline passes: the rest is closed and done is forced', async () => {
    const { srv, url, inHandler } = await slowServer();
    const source = new EventEmitter();
    const h = shutdownOnSignals(srv, { source, log: () => {}, timeout: 50 });
    const res = fetch(url).then(
      (r) => r.text(),
      () => 'cut',
    );
    await inHandler;
    source.emit('SIGINT', 'SIGINT');
    expect(await h.done).toBe('forced');
    expect(await res).toBe('cut');
  });

  test('a second signal closes at once', async () => {
    const { srv, url, inHandler } = await slowServer();
    const source = new EventEmitter();
    const h = shutdownOnSignals(srv, { source, log: () => {}, timeout: 60_000 });
    const res = fetch(url).catch(() => 'cut');
    await inHandler;
    source.emit('SIGTERM', 'SIGTERM');
    source.emit('SIGINT', 'SIGINT');
    const started = Date.now();
    expect(await h.done).toBe('forced');
    expect(Date.now() - started).toBeLessThan(2000);
    await res;
  });

  test('onSignal runs first; trigger() drains without a signal; several targets', async () => {
    const calls: string[] = [];
    const fake = (name: string): Drainable => ({
      shutdown: async () => {
        calls.push(`${name}.shutdown`);
      },
      close: async () => {
        calls.push(`${name}.close`);
      },
    });
    const source = new EventEmitter();
    const h = shutdownOnSignals([fake('a'), fake('b')], {
      source,
      log: () => {},
      onSignal: (s) => calls.push(`onSignal ${s}`),
    });
    h.trigger();
    h.trigger();
    expect(await h.done).toBe('graceful');
    expect(calls).toEqual(['onSignal shutdown', 'a.shutdown', 'b.shutdown']);
  });

  test.each([
    { name: 'not a server', targets: {} as Drainable, opts: {}, want: 'shutdown() and close()' },
    {
      name: 'negative timeout',
      targets: [] as Drainable[],
      opts: { timeout: -1 },
      want: 'timeout',
    },
  ])('refuses $name', ({ targets, opts, want }) => {
    expect(() => shutdownOnSignals(targets, { source: new EventEmitter(), ...opts })).toThrow(want);
  });

  test('in a real process: SIGTERM drains and the process exits 0', async () => {
    const script = `
      import { Server, listen } from ${JSON.stringify(join(import.meta.dir, 'index.ts'))};
      import { shutdownOnSignals } from ${JSON.stringify(join(import.meta.dir, 'signals.ts'))};
      const srv = new Server({ handler: async (w) => { console.log('in'); await Bun.sleep(100); w.write('drained'); } });
      const l = await listen('tcp', '127.0.0.1:0');
      shutdownOnSignals(srv, { log: () => {} });
      void srv.serve(l).catch(() => {});
      console.log(l.addr().port);
    `;
    const p = Bun.spawn([process.execPath, '--conditions=@servehttp/source', '-e', script], {
      stdout: 'pipe',
      stderr: 'pipe',
    });
    const reader = p.stdout.getReader();
    const first = await reader.read();
    const port = Number(new TextDecoder().decode(first.value).trim());
    expect(port).toBeGreaterThan(0);
    const res = fetch(`http://127.0.0.1:${port}/`).then((r) => r.text());
    // Signal only once the request is inside the handler.
    const second = await reader.read();
    expect(new TextDecoder().decode(second.value)).toContain('in');
    p.kill('SIGTERM');
    expect(await res).toBe('drained');
    expect(await p.exited).toBe(0);
  }, 10_000);
});
