import { afterAll, expect, test } from 'bun:test';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cluster } from './cluster.ts';
import { listen } from './net.ts';

const dir = await mkdtemp(join(tmpdir(), 'servehttp-cluster-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

// Lines of JSON a child prints, awaited one predicate at a time (bounded).
function lines(stream: ReadableStream<Uint8Array>) {
  const seen: Record<string, unknown>[] = [];
  let wake: (() => void) | undefined;
  void (async () => {
    let buf = '';
    for await (const chunk of stream) {
      buf += new TextDecoder().decode(chunk);
      let i = buf.indexOf('\n');
      while (i >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line.startsWith('{')) seen.push(JSON.parse(line));
        i = buf.indexOf('\n');
      }
      wake?.();
    }
  })();
  return async (pred: (all: Record<string, unknown>[]) => boolean, what: string) => {
    const deadline = Date.now() + 5000;
    while (!pred(seen)) {
      if (Date.now() > deadline)
        throw new Error(`timeout waiting for ${what}: ${JSON.stringify(seen)}`);
      await Promise.race([
        new Promise<void>((r) => {
          wake = r;
        }),
        Bun.sleep(50),
      ]);
    }
    return seen;
  };
}

test('refuses a non-function main and a bad worker count', async () => {
  await expect(cluster(42 as unknown as () => void)).rejects.toThrow('needs a main function');
  await expect(cluster(() => {}, { workers: 0 })).rejects.toThrow('positive integer');
});

test('workers share the port, a dead worker is replaced, SIGTERM drains them all', async () => {
  const probe = await listen('tcp', '127.0.0.1:0');
  const port = probe.addr().port;
  await probe.close();
  const script = join(dir, 'primary.ts');
  await writeFile(
    script,
    `
import { cluster } from ${JSON.stringify(join(import.meta.dir, 'cluster.ts'))};
import { listen, Server } from ${JSON.stringify(join(import.meta.dir, 'index.ts'))};
import { shutdownOnSignals } from ${JSON.stringify(join(import.meta.dir, 'signals.ts'))};
const out = (o) => console.log(JSON.stringify(o));
const primary = await cluster(async () => {
  const srv = new Server({ handler: (w) => void w.write(String(process.pid)), errorLog: () => {} });
  const l = await listen('tcp', '127.0.0.1:${port}', { reusePort: true });
  shutdownOnSignals(srv, { log: () => {} });
  void srv.serve(l).catch(() => {});
  out({ listening: process.pid });
}, { workers: 2, log: (m) => out({ log: m }) });
if (primary) {
  out({ primary: process.pid });
  void primary.done.then(() => out({ done: primary.restarts }));
}
`,
  );
  const p = Bun.spawn([process.execPath, script], { stdout: 'pipe', stderr: 'inherit' });
  try {
    const wait = lines(p.stdout);
    const listening = (all: Record<string, unknown>[]) =>
      all.filter((o) => o.listening !== undefined).map((o) => o.listening as number);
    await wait((all) => listening(all).length === 2, 'two workers');
    const workers = listening(await wait(() => true, ''));
    // Fresh connections: the kernel spreads them over both listening sockets.
    const pids = new Set<number>();
    for (let i = 0; i < 24 && pids.size < 2; i++) {
      const res = await fetch(`http://127.0.0.1:${port}/`, { headers: { Connection: 'close' } });
      pids.add(Number(await res.text()));
    }
    for (const pid of pids) expect(workers).toContain(pid);
    expect(pids.size).toBe(2);

    process.kill(workers[0] as number, 'SIGKILL');
    await wait((all) => listening(all).length === 3, 'a replacement worker');
    const all = await wait(() => true, '');
    expect(all.some((o) => String(o.log).includes('restarting'))).toBe(true);
    const res = await fetch(`http://127.0.0.1:${port}/`, { headers: { Connection: 'close' } });
    expect(res.status).toBe(200);

    p.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    const final = await wait((a) => a.some((o) => o.done !== undefined), 'done');
    expect(final.find((o) => o.done !== undefined)?.done).toBe(1);
    for (const pid of listening(final)) {
      expect(() => process.kill(pid, 0)).toThrow();
    }
  } finally {
    p.kill('SIGKILL');
  }
}, 15_000);
