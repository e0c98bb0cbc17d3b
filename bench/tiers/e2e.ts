/**
 * End-to-end tier: wrk against every contender of lib/servers.ts, four scenarios — `GET /hello`
 * and `GET /user/42`, each keep-alive and pipelined 16 deep, 50 connections — rounds interleaved
 * (lib/campaign.ts). Ratios are to `Bun.serve` in the same round and scenario.
 */
import { campaign, type Row, type Scenario, summarise } from '../lib/campaign.ts';
import { barChart, fmt, type TierContext, type TierResult, table } from '../lib/report.ts';
import { allServers, prepare, type ServerSpec } from '../lib/servers.ts';

export const scenarios: Scenario[] = [
  { id: 'hello', label: 'GET /hello', path: '/hello', connections: 50, depth: 1 },
  { id: 'user', label: 'GET /user/:id', path: '/user/42', connections: 50, depth: 1 },
  {
    id: 'hello-p16',
    label: 'GET /hello ×16 pipelined',
    path: '/hello',
    connections: 50,
    depth: 16,
  },
  {
    id: 'user-p16',
    label: 'GET /user/:id ×16 pipelined',
    path: '/user/42',
    connections: 50,
    depth: 16,
  },
];

export const baseline = 'bun.serve@bun';

/** The data the README and the targets are computed from. */
export interface E2EData {
  rows: Row[];
  servers: { id: string; label: string; runtime: string; ours: boolean }[];
  skipped: { server: string; reason: string }[];
  rounds: number;
  seconds: number;
  warmupSeconds: number;
}

/** `label (runtime)` for tables. */
export function name(s: { label: string; runtime: string }): string {
  return `${s.label} (${s.runtime === 'go' ? 'Go' : s.runtime === 'bun' ? 'Bun' : 'Node'})`;
}

export async function run(ctx: TierContext): Promise<TierResult> {
  const built = prepare(ctx.tmp);
  const servers: ServerSpec[] = allServers(built);
  const rounds = Number.isNaN(ctx.rounds) ? (ctx.quick ? 1 : 3) : ctx.rounds;
  const seconds = Number.isNaN(ctx.seconds) ? 1 : ctx.seconds;
  // JIT warm-up matters: servehttp's numbers settle after a few seconds of load.
  const warmup = ctx.quick
    ? [{ path: '/hello', depth: 1, seconds: 1 }]
    : [
        { path: '/hello', depth: 1, seconds: 2 },
        { path: '/user/42', depth: 1, seconds: 1 },
        { path: '/hello', depth: 16, seconds: 1 },
        { path: '/user/42', depth: 16, seconds: 1 },
      ];
  const warmupSeconds = warmup.reduce((a, w) => a + w.seconds, 0);
  ctx.log(
    `e2e: ${servers.length} contenders, ${scenarios.length} scenarios, ${rounds} rounds × ${seconds} s, warm-up ${warmupSeconds} s`,
  );
  const { samples, skipped } = await campaign(servers, scenarios, {
    rounds,
    seconds,
    warmup,
    bodySize: 13,
    tmp: ctx.tmp,
    log: ctx.log,
    checks: { '/hello': 'Hello, World!', '/user/42': '42' },
  });
  const rows = summarise(samples, baseline);
  const data: E2EData = {
    rows,
    servers: servers.map((s) => ({ id: s.id, label: s.label, runtime: s.runtime, ours: s.ours })),
    skipped,
    rounds,
    seconds,
    warmupSeconds,
  };
  const notes = [...built.notes, ...skipped.map((s) => `${s.server} not measured: ${s.reason}`)];
  return {
    tier: 'e2e',
    markdown: markdown(data),
    charts: { 'e2e.svg': chart(data) },
    data,
    notes,
  };
}

function row(data: E2EData, server: string, scenario: string): Row | undefined {
  return data.rows.find((r) => r.server === server && r.scenario === scenario);
}

/** The compact table (one row per contender, req/s and ratio per scenario) — also the README's. */
export function compactTable(data: E2EData): string {
  const head = [
    'server',
    ...scenarios.map((s) => `${s.label} req/s (× Bun.serve)`),
    'CPU µs/req (hello)',
    'RSS (hello)',
  ];
  const rows: string[][] = [];
  for (const s of data.servers) {
    const h = row(data, s.id, 'hello');
    if (h === undefined) continue;
    const cells = scenarios.map((sc) => {
      const r = row(data, s.id, sc.id);
      return r === undefined ? 'n/a' : `${fmt.int(r.rps)} (${fmt.ratio(r.ratio)})`;
    });
    const n = s.ours ? `**${name(s)}**` : name(s);
    rows.push([n, ...cells, fmt.cpu(h.cpuUsPerReq), fmt.mib(h.rssMiB)]);
  }
  return table(head, rows);
}

function markdown(data: E2EData): string {
  const parts: string[] = [];
  parts.push(
    '## End to end',
    '',
    `wrk, 1 thread, 50 keep-alive connections, ${data.seconds} s per run, ${data.rounds} round(s) interleaved, medians; ` +
      `server on core 0, wrk on core 1; fresh start + ${data.warmupSeconds} s warm-up per server. ` +
      'Ratios are to `Bun.serve` in the same round. Pipelined: 16 requests per write (latency is per batch).',
    '',
    compactTable(data),
    '',
  );
  for (const sc of scenarios) {
    parts.push(`### ${sc.label}`, '');
    const rows: string[][] = [];
    for (const s of data.servers) {
      const r = row(data, s.id, sc.id);
      if (r === undefined) continue;
      rows.push([
        s.ours ? `**${name(s)}**` : name(s),
        fmt.int(r.rps),
        fmt.ratio(r.ratio),
        fmt.us(r.p50),
        fmt.us(r.p99),
        fmt.cpu(r.cpuUsPerReq),
        fmt.mib(r.rssMiB),
        String(r.errors),
      ]);
    }
    parts.push(
      table(['server', 'req/s', '× Bun.serve', 'p50', 'p99', 'CPU µs/req', 'RSS', 'errors'], rows),
      '',
    );
  }
  if (data.skipped.length > 0) {
    parts.push('Not measured:', '', ...data.skipped.map((s) => `- ${s.server}: ${s.reason}`), '');
  }
  return parts.join('\n');
}

function chart(data: E2EData): string {
  const present = data.servers.filter((s) => row(data, s.id, 'hello') !== undefined);
  return barChart({
    title: 'servehttp vs peers: req/s relative to Bun.serve (same round)',
    subtitle: `wrk -t1 -c50, ${data.rounds} round(s) × ${data.seconds} s, medians; higher is better`,
    categories: present.map(name),
    series: scenarios.map((sc) => ({
      name: sc.label,
      values: present.map((s) => row(data, s.id, sc.id)?.ratio ?? Number.NaN),
    })),
    ref: 1,
    unit: '×',
    highlight: (c) => c.startsWith('servehttp'),
  });
}
