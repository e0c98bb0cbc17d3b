/**
 * h2 tier: HTTP/2 over TLS, measured with `h2load` (Debian `nghttp2-client`): 50 clients × 10
 * concurrent streams on `GET /hello` (13 B) and `GET /64k` (64 KiB). servehttp's `Server` over
 * h2 against raw `node:http2` (`createSecureServer` + a `'stream'` handler) on the same runtime,
 * in the same run, rounds interleaved; the ratio servehttp ÷ raw is what the target reads
 * (servehttp at most 10% below raw node:http2 on the same runtime). Go's net/http h2 peer is
 * measured when a Go toolchain is on PATH (bench/go/h2, built into the run's temporary folder),
 * else skipped with the reason; its column is the ratio to Go.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testCertificate, testKey } from '../../packages/core-listener/src/testcert.ts';
import { runSync, start, stop } from '../lib/proc.ts';
import { fmt, type TierContext, type TierResult, table } from '../lib/report.ts';

interface Contender {
  id: string;
  label: string;
  runtime: 'bun' | 'node' | 'go';
  cmd: (port: number) => string[];
}

interface Sample {
  id: string;
  path: string;
  round: number;
  rps: number;
  succeeded: number;
  failed: number;
}

const benchDir = join(import.meta.dir, '..');
const paths = ['/hello', '/64k'];

// Requests per `--seconds` of a run: about a second's worth for the slowest contender, so a
// 5-second run lasts 3–6 s (/hello runs at 25–50k req/s here, /64k at 5–19k).
function perSecond(path: string): number {
  return path === '/hello' ? 30_000 : 4_000;
}

function median(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

// h2load prints "finished in 2.00s, 41234.50 req/s, …" and "requests: … N succeeded, N failed".
function parseH2load(out: string): { rps: number; succeeded: number; failed: number } {
  const rps = /finished in [\d.]+m?s, ([\d.]+) req\/s/.exec(out);
  const req = /requests: .*?(\d+) succeeded, (\d+) failed/.exec(out);
  return {
    rps: rps === null ? Number.NaN : Number(rps[1]),
    succeeded: req === null ? 0 : Number(req[1]),
    failed: req === null ? 0 : Number(req[2]),
  };
}

export async function run(ctx: TierContext): Promise<TierResult> {
  const notes: string[] = [];
  const rounds = Number.isNaN(ctx.rounds) ? (ctx.quick ? 1 : 3) : ctx.rounds;
  const seconds = Number.isNaN(ctx.seconds) ? (ctx.quick ? 2 : 5) : ctx.seconds;
  if (Bun.which('h2load') === null) {
    notes.push('h2 tier skipped: h2load is not on PATH (Debian: apt-get install nghttp2-client).');
    return { tier: 'h2', markdown: '## h2\n\nSkipped: no h2load.\n', charts: {}, data: {}, notes };
  }
  const s = (f: string) => join(benchDir, 'servers', f);
  const contenders: Contender[] = [
    {
      id: 'servehttp@bun',
      label: 'servehttp Server (h2)',
      runtime: 'bun',
      cmd: (p) => ['bun', '--conditions=@servehttp/source', s('h2-servehttp.ts'), String(p)],
    },
    {
      // Not the default on Bun: its h2 connections skip the duplex, its HTTP/1 over TLS is slower.
      id: 'servehttp-node-backend@bun',
      label: 'servehttp Server (h2, node:net backend)',
      runtime: 'bun',
      cmd: (p) => [
        'bun',
        '--conditions=@servehttp/source',
        s('h2-servehttp.ts'),
        String(p),
        'node',
      ],
    },
    {
      id: 'node:http2@bun',
      label: 'raw node:http2',
      runtime: 'bun',
      cmd: (p) => ['bun', s('h2-raw.mjs'), String(p)],
    },
  ];
  if (Bun.which('node') !== null) {
    try {
      const bundle = join(ctx.tmp, 'h2-servehttp-node.mjs');
      runSync(
        [
          'bun',
          'build',
          s('h2-servehttp.ts'),
          '--target=node',
          '--conditions=@servehttp/source',
          `--outfile=${bundle}`,
        ],
        60_000,
      );
      contenders.push(
        {
          id: 'servehttp@node',
          label: 'servehttp Server (h2)',
          runtime: 'node',
          cmd: (p) => ['node', bundle, String(p)],
        },
        {
          id: 'node:http2@node',
          label: 'raw node:http2',
          runtime: 'node',
          cmd: (p) => ['node', s('h2-raw.mjs'), String(p)],
        },
      );
    } catch (e) {
      notes.push(`servehttp on Node skipped: bundling failed: ${String(e)}`);
    }
  } else notes.push('Node runs skipped: no node on PATH.');
  if (Bun.which('go') === null) {
    notes.push(
      'Go net/http h2 skipped: no Go toolchain on PATH (Debian: `apt-get install golang-go`).',
    );
  } else {
    try {
      const bin = join(ctx.tmp, 'gohttp-h2');
      runSync(['go', 'build', '-o', bin, './h2'], 180_000, join(benchDir, 'go'));
      // Go reads the certificate from files: core-listener's test pair, written out once.
      const cert = join(ctx.tmp, 'h2-cert.pem');
      const key = join(ctx.tmp, 'h2-key.pem');
      writeFileSync(cert, testCertificate);
      writeFileSync(key, testKey);
      contenders.push({
        id: 'net/http@go',
        label: 'Go net/http (h2)',
        runtime: 'go',
        cmd: (p) => [bin, String(p), cert, key],
      });
      notes.push(`Go: ${runSync(['go', 'version'], 10_000).trim()}`);
    } catch (e) {
      notes.push(`Go net/http h2 skipped: build failed: ${String(e)}`);
    }
  }

  const samples: Sample[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const c of contenders) {
      const log = join(ctx.tmp, `h2-${c.id.replace(/[^a-z0-9]/gi, '_')}-${round}.log`);
      let proc: Awaited<ReturnType<typeof start>>;
      try {
        // The server on core 0, h2load on core 1: the two-core machine's usual split.
        proc = await start(c.cmd(0), '0', log);
      } catch (e) {
        notes.push(`${c.id} did not start: ${String(e)}`);
        continue;
      }
      try {
        for (const path of paths) {
          const url = `https://127.0.0.1:${proc.port}${path}`;
          // A fixed request count rather than -D: h2load 1.52 with -D can wait on in-flight
          // streams past the end (seen with raw node:http2 on Node and /64k). The count is sized
          // for runs of seconds: h2load's time includes its 50 TLS handshakes, which are a third
          // of a 20,000-request /hello run (23k req/s measured that way, 45k in steady state).
          const n = Math.round(perSecond(path) * seconds);
          // A warm-up of half the measured run, so the JIT has settled for the contenders with
          // more JavaScript, as the e2e tier's 5 s warm-up does.
          runSync(
            ['taskset', '-c', '1', 'h2load', '-c', '50', '-m', '10', '-n', String(n >> 1), url],
            180_000,
          );
          const out = runSync(
            ['taskset', '-c', '1', 'h2load', '-c', '50', '-m', '10', '-n', String(n), url],
            180_000,
          );
          const r = parseH2load(out);
          samples.push({ id: c.id, path, round, ...r });
          ctx.log(
            `h2: ${c.id} ${path} round ${round + 1}: ${fmt.int(r.rps)} req/s (${r.failed} failed)`,
          );
        }
      } catch (e) {
        notes.push(`${c.id}: h2load failed: ${String(e)}`);
      } finally {
        await stop(proc.sub);
      }
    }
  }

  // As in the e2e tier: a ratio is taken within each round, between runs minutes apart at most,
  // and the median of those kept, so the machine's drift across rounds cancels out.
  const pairedRatio = (id: string, base: string, path: string): number => {
    const ratios: number[] = [];
    for (const a of samples) {
      if (a.id !== id || a.path !== path) continue;
      const b = samples.find((x) => x.id === base && x.path === path && x.round === a.round);
      if (b !== undefined && b.rps > 0) ratios.push(a.rps / b.rps);
    }
    return median(ratios);
  };
  const rows: string[][] = [];
  const data: Record<string, Record<string, number>> = {};
  const ratioData: Record<string, Record<string, number>> = {};
  for (const c of contenders) {
    const row = [`${c.label} @ ${c.runtime}`];
    data[c.id] = {};
    ratioData[c.id] = {};
    for (const path of paths) {
      const m = median(samples.filter((x) => x.id === c.id && x.path === path).map((x) => x.rps));
      (data[c.id] as Record<string, number>)[path] = m;
      const raw = pairedRatio(c.id, `node:http2@${c.runtime}`, path);
      (ratioData[c.id] as Record<string, number>)[path] = raw;
      row.push(
        fmt.int(m),
        c.runtime === 'go' ? '' : fmt.ratio(raw),
        fmt.ratio(pairedRatio(c.id, 'net/http@go', path)),
      );
    }
    rows.push(row);
  }
  const failed = samples.reduce((n, x) => n + x.failed, 0);
  if (failed > 0) notes.push(`${failed} h2load requests failed across the runs.`);
  const verdicts = ['bun', 'node']
    .filter((rt) => contenders.some((c) => c.id === `servehttp@${rt}`))
    .map((rt) => {
      const ratios = paths.map((p) => ratioData[`servehttp@${rt}`]?.[p] ?? Number.NaN);
      const worst = Math.min(...ratios);
      return `- ${rt}: servehttp ÷ raw node:http2 = ${ratios.map((r) => fmt.ratio(r)).join(' (/hello), ')} (/64k) — target ≥ 0.90×: ${worst >= 0.9 ? 'met' : 'NOT met'}`;
    });
  const markdown = [
    '## h2',
    '',
    `h2load, 50 clients × 10 streams, TLS (ALPN h2), ${perSecond('/hello') * seconds} requests on /hello and ${perSecond('/64k') * seconds} on /64k per run after a warm-up of half that, ${rounds} round(s) interleaved, median req/s; ratios against raw node:http2 on the same runtime and against Go, each the median of the per-round ratios. Servers on core 0, h2load on core 1.`,
    '',
    table(['server', '/hello req/s', '÷ raw', '÷ Go', '/64k req/s', '÷ raw', '÷ Go'], rows),
    '',
    ...verdicts,
    '',
  ].join('\n');
  return {
    tier: 'h2',
    markdown,
    charts: {},
    data: { samples, medians: data, ratios: ratioData },
    notes,
  };
}
