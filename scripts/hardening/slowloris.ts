/**
 * Slowloris at full scale: `bun scripts/hardening/slowloris.ts [--connections 1000]
 * [--seconds 60] [--backend bun|node] [--read-header-timeout 0]`.
 *
 * A server process with the default timeouts (Go's defaults: none) gets `--connections`
 * connections that each send the start of a request head and then one byte a second, never
 * finishing it. Meanwhile a normal client asks every 250 ms and must be answered within
 * 500 ms; the server's RSS, heap after GC and fds are sampled every 5 s. With no timeout the
 * slow connections stay open for the whole run — what must hold is that nobody else waits
 * and that memory grows only by the bytes trickled in (a few KiB per connection), not
 * without bound. With `--read-header-timeout N` the same run shows them cut after N ms.
 *
 * Prints a table; exits 1 when a normal request failed or was slow, or memory left its band.
 */
import { connect, type Socket } from 'node:net';
import { flag, seconds } from './args.ts';

const conns = Number(flag('connections', '1000'));
const duration = seconds('seconds', 60);
const backend = flag('backend', 'bun');
const rht = Number(flag('read-header-timeout', '0'));
const MiB = 1 << 20;
const root = new URL('../..', import.meta.url).pathname;

const child = Bun.spawn(
  [
    process.execPath,
    '--conditions=@servehttp/source',
    `${root}packages/core-listener/src/hardening/child-server.test-util.ts`,
    backend,
    '5000',
    String(rht),
  ],
  { stdout: 'pipe', stderr: 'inherit' },
);
const first = await new Response(child.stdout).body?.getReader().read();
const port = Number(/PORT (\d+)/.exec(new TextDecoder().decode(first?.value))?.[1]);
if (!(port > 0)) throw new Error('the server did not start');

async function stats(): Promise<{ rss: number; heap: number; fds: number }> {
  const r = await fetch(`http://127.0.0.1:${port}/__stats`);
  return (await r.json()) as { rss: number; heap: number; fds: number };
}

let failures = 0;
try {
  const idle = await stats();
  const slow: Socket[] = [];
  let closedEarly = 0;
  for (let i = 0; i < conns; i++) {
    const s = connect({ port, host: '127.0.0.1' });
    s.on('error', () => {});
    s.on('close', () => closedEarly++);
    s.once('connect', () => s.write('GET / HTTP/1.1\r\nHost: x\r\nX-Slow: '));
    slow.push(s);
    // Open them over the first second rather than in one burst.
    if (i % 100 === 99) await Bun.sleep(100);
  }
  const trickle = setInterval(() => {
    for (const s of slow) if (!s.destroyed) s.write('a');
  }, 1000);
  const latencies: number[] = [];
  const probe = setInterval(() => {
    const t = performance.now();
    fetch(`http://127.0.0.1:${port}/probe`)
      .then((r) => r.text())
      .then(
        (body) => {
          latencies.push(performance.now() - t);
          if (body !== 'ok') failures++;
        },
        () => failures++,
      );
  }, 250);
  const t0 = Date.now();
  console.log(
    `slowloris: ${conns} connections, 1 byte/s, ${duration} s, backend ${backend}, readHeaderTimeout ${rht} ms`,
  );
  console.log('  t(s)  open  rss(MiB)  heap(MiB)   fds  probe p50/max (ms)');
  const rows: { rss: number; heap: number }[] = [];
  while (Date.now() - t0 < duration * 1000) {
    await Bun.sleep(5000);
    const s = await stats();
    rows.push(s);
    const sorted = [...latencies].sort((a, b) => a - b);
    const p50 = sorted[Math.floor(sorted.length / 2)] ?? 0;
    const max = sorted[sorted.length - 1] ?? 0;
    console.log(
      `${String(Math.round((Date.now() - t0) / 1000)).padStart(6)} ${String(conns - closedEarly).padStart(5)} ${(s.rss / MiB).toFixed(1).padStart(9)} ${(s.heap / MiB).toFixed(1).padStart(10)} ${String(s.fds).padStart(5)}  ${p50.toFixed(1)}/${max.toFixed(1)}`,
    );
  }
  clearInterval(trickle);
  clearInterval(probe);
  for (const s of slow) s.destroy();
  await Bun.sleep(500);
  const after = await stats();
  const slowest = Math.max(...latencies);
  console.log(
    `idle: rss ${(idle.rss / MiB).toFixed(1)} MiB, fds ${idle.fds}; after: rss ${(after.rss / MiB).toFixed(1)} MiB, fds ${after.fds}; ${latencies.length} probes, slowest ${slowest.toFixed(1)} ms, ${failures} failed`,
  );
  const firstRow = rows[0];
  const lastRow = rows[rows.length - 1];
  if (slowest > 500) failures++;
  // Trickled bytes are at most duration bytes per connection; allow for that and the
  // allocator's steps.
  if (firstRow !== undefined && lastRow !== undefined) {
    const allowed = 32 * MiB + conns * duration * 64;
    if (lastRow.heap - firstRow.heap > allowed) {
      console.log(`heap grew ${((lastRow.heap - firstRow.heap) / MiB).toFixed(1)} MiB`);
      failures++;
    }
  }
  if (after.fds > idle.fds + 5) {
    console.log('fds did not return to idle');
    failures++;
  }
} finally {
  child.kill('SIGKILL');
}
console.log(failures === 0 ? 'slowloris: ok' : `slowloris: ${failures} failures`);
process.exit(failures === 0 ? 0 : 1);
