import { describe, expect, test } from 'bun:test';
import { connect, type Socket } from 'node:net';
import { childStats, startChild } from './child.test-util.ts';

// Soak: a server process under steady mixed load — keep-alive connections pipelining requests
// and a stream of short-lived connections — sampled for RSS, heap after a full GC and open
// file descriptors. Memory and fds must stay within a small band once warm, and the fds must
// return to the idle count when the load stops.
//
// Default: ~8 s on the Bun backend (CI). Full: scripts/hardening/soak.ts --seconds 300, which
// sets HARDENING_SOAK_SECONDS, HARDENING_SOAK_BACKEND and prints the table.

const seconds = Number(process.env.HARDENING_SOAK_SECONDS ?? 8);
const backend = process.env.HARDENING_SOAK_BACKEND === 'node' ? 'node' : 'bun';
const verbose = process.env.HARDENING_VERBOSE === '1' || seconds > 8;
const MiB = 1 << 20;

const REQ = 'GET /soak HTTP/1.1\r\nHost: x\r\n\r\n';
const DEPTH = 8;

/** A keep-alive connection that keeps DEPTH requests in flight until stopped. */
function keepAlive(port: number, counter: { n: number }, stop: { now: boolean }) {
  return new Promise<void>((resolve) => {
    const s: Socket = connect({ port, host: '127.0.0.1' });
    const batch = REQ.repeat(DEPTH);
    let pending = 0;
    let tail = '';
    s.on('error', () => resolve());
    s.on('close', () => resolve());
    s.once('connect', () => {
      pending = DEPTH;
      s.write(batch);
    });
    s.on('data', (d: Buffer) => {
      // Every response ends with the body "ok"; count them across chunk boundaries.
      const text = tail + d.toString('latin1');
      let at = text.indexOf('\r\n\r\nok');
      let last = 0;
      while (at !== -1) {
        pending--;
        counter.n++;
        last = at + 6;
        at = text.indexOf('\r\n\r\nok', last);
      }
      tail = text.slice(Math.max(last, text.length - 6));
      if (pending === 0) {
        if (stop.now) {
          s.end();
          return;
        }
        pending = DEPTH;
        s.write(batch);
      }
    });
  });
}

/** Opens, asks once with Connection: close, reads to the end, repeats. */
async function churn(port: number, counter: { n: number }, stop: { now: boolean }) {
  while (!stop.now) {
    await new Promise<void>((resolve) => {
      const s = connect({ port, host: '127.0.0.1' });
      let got = '';
      s.on('data', (d: Buffer) => {
        got += d.toString('latin1');
      });
      s.on('error', () => resolve());
      s.on('close', () => {
        if (got.endsWith('ok')) counter.n++;
        resolve();
      });
      s.once('connect', () =>
        s.write('GET /churn HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
      );
    });
  }
}

interface Sample {
  t: number;
  requests: number;
  rss: number;
  heap: number;
  fds: number;
}

describe('soak', () => {
  test(
    `${seconds} s of mixed keep-alive and new connections (${backend} backend): flat memory, no fd growth`,
    async () => {
      const child = await startChild(backend);
      try {
        const idle = await childStats(child.port);
        const counter = { n: 0 };
        const stop = { now: false };
        const t0 = Date.now();
        const load = [
          ...Array.from({ length: 16 }, () => keepAlive(child.port, counter, stop)),
          ...Array.from({ length: 4 }, () => churn(child.port, counter, stop)),
        ];
        const samples: Sample[] = [];
        const warm = Math.min(30, Math.max(2, seconds / 5)) * 1000;
        const every = Math.max(1000, (seconds * 1000) / 20);
        const end = t0 + seconds * 1000;
        let next = t0 + warm;
        while (Date.now() < end) {
          await Bun.sleep(Math.max(0, Math.min(next, end) - Date.now()));
          if (Date.now() >= next) {
            const s = await childStats(child.port);
            samples.push({ t: Date.now() - t0, requests: counter.n, ...s });
            next += every;
          }
        }
        stop.now = true;
        await Promise.all(load);
        await Bun.sleep(300);
        const after = await childStats(child.port);
        const elapsed = (Date.now() - t0) / 1000;
        if (verbose) {
          console.log(`soak ${backend}: ${counter.n} requests in ${elapsed.toFixed(0)} s`);
          console.log('   t(s)   requests    rss(MiB)  heap(MiB)  fds');
          for (const s of samples) {
            console.log(
              `${(s.t / 1000).toFixed(0).padStart(6)} ${String(s.requests).padStart(10)} ${(s.rss / MiB).toFixed(1).padStart(11)} ${(s.heap / MiB).toFixed(1).padStart(10)} ${String(s.fds).padStart(5)}`,
            );
          }
          console.log(
            `idle before: fds ${idle.fds}, heap ${(idle.heap / MiB).toFixed(1)} MiB; after: fds ${after.fds}, heap ${(after.heap / MiB).toFixed(1)} MiB, rss ${(after.rss / MiB).toFixed(1)} MiB`,
          );
        }
        expect(samples.length).toBeGreaterThanOrEqual(2);
        expect(counter.n).toBeGreaterThan(seconds * 1000);
        const first = samples[0] as Sample;
        const maxOf = (k: 'rss' | 'heap' | 'fds'): number => Math.max(...samples.map((s) => s[k]));
        // Bands once warm: heap after GC within 16 MiB, RSS within 25% + 32 MiB (allocator
        // arenas grow in steps), fds within the load's own connections.
        expect(maxOf('heap') - first.heap).toBeLessThan(16 * MiB);
        expect(maxOf('rss')).toBeLessThan(first.rss * 1.25 + 32 * MiB);
        expect(maxOf('fds') - first.fds).toBeLessThan(24);
        // The load gone, every connection it made is closed.
        expect(after.fds).toBeLessThanOrEqual(idle.fds + 2);
        expect(
          child.lines.filter((l) => l.startsWith('UNCAUGHT') || l.startsWith('UNHANDLED')),
        ).toEqual([]);
      } finally {
        child.kill();
      }
    },
    (seconds + 60) * 1000,
  );
});
