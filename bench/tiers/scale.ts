/**
 * Scale tier: how cost grows. `GET /hello` at 1 → 1,000 connections; response bodies of
 * 13 B → 1 MiB at 50 connections (each size a fresh start, since servers build the body once);
 * 1 vs 2 worker processes sharing a port with reusePort. Contenders: Bun.serve, servehttp's core
 * Server on Bun and on Node, node:http on Node, Go net/http when built.
 */
import { campaign, type Row, type Scenario, summarise } from '../lib/campaign.ts';
import { barChart, fmt, type TierContext, type TierResult, table } from '../lib/report.ts';
import { allServers, prepare, type ServerSpec } from '../lib/servers.ts';
import { helloBody } from '../servers/body.ts';
import { name } from './e2e.ts';

const baseline = 'bun.serve@bun';
const picked = ['bun.serve@bun', 'core@bun', 'core@node', 'node:http@node', 'net/http@go'];

function sizeLabel(n: number): string {
  return n >= 1 << 20 ? `${n >> 20} MiB` : n >= 1024 ? `${n >> 10} KiB` : `${n} B`;
}

export async function run(ctx: TierContext): Promise<TierResult> {
  const built = prepare(ctx.tmp);
  const servers = allServers(built).filter((s) => picked.includes(s.id));
  const quick = ctx.quick;
  const rounds = Number.isNaN(ctx.rounds) ? 1 : ctx.rounds;
  const seconds = Number.isNaN(ctx.seconds) ? 1 : ctx.seconds;
  const warmup = [{ path: '/hello', depth: 1, seconds: quick ? 1 : 2 }];
  const notes = [...built.notes];
  const conns = quick ? [1, 100, 1000] : [1, 10, 100, 1000];
  const sizes = quick ? [13, 65536, 1 << 20] : [13, 1024, 16384, 65536, 1 << 20];
  const common = { rounds, seconds, tmp: ctx.tmp, log: ctx.log };

  ctx.log(`scale: connections ${conns.join(', ')}`);
  const connScen: Scenario[] = conns.map((c) => ({
    id: `c${c}`,
    label: `${c} conn`,
    path: '/hello',
    connections: c,
    depth: 1,
  }));
  const cr = await campaign(servers, connScen, {
    ...common,
    warmup,
    bodySize: 13,
    checks: { '/hello': 'Hello, World!' },
  });
  const connRows = summarise(cr.samples, baseline);
  for (const s of cr.skipped) notes.push(`${s.server} not measured: ${s.reason}`);

  const sizeRows: Row[] = [];
  for (const size of sizes) {
    ctx.log(`scale: body ${sizeLabel(size)}`);
    const sc: Scenario = {
      id: `b${size}`,
      label: sizeLabel(size),
      path: '/hello',
      connections: 50,
      depth: 1,
      bodySize: size,
    };
    const r = await campaign(servers, [sc], {
      ...common,
      warmup,
      bodySize: size,
      checks: { '/hello': helloBody(size) },
    });
    sizeRows.push(...summarise(r.samples, baseline));
  }

  ctx.log('scale: 1 vs 2 workers (reusePort)');
  // Each contender once with one reusePort worker and once with two on the same port; the
  // ratio that matters is 2 workers ÷ 1 worker of the same server, measured in the same run.
  const workerRows: Row[] = [];
  const workerLabels = new Map<string, string>();
  for (const id of [baseline, 'core@bun']) {
    const base = servers.find((s) => s.id === id);
    if (base === undefined) continue;
    const first = (p: number, size: number) => [
      ...(base.cmds(p, size)[0] as string[]),
      'reusePort',
    ];
    const one: ServerSpec = { ...base, id: `${id}×1`, cmds: (p, size) => [first(p, size)] };
    const two: ServerSpec = {
      ...base,
      id: `${id}×2`,
      cmds: (p, size) => [first(p, size), first(p, size)],
    };
    workerLabels.set(one.id, `${name(base)}, 1 worker (reusePort)`);
    workerLabels.set(two.id, `${name(base)}, 2 workers (reusePort)`);
    const r = await campaign(
      [one, two],
      [{ id: 'w', label: '/hello', path: '/hello', connections: 100, depth: 1 }],
      { ...common, warmup, bodySize: 13, checks: { '/hello': 'Hello, World!' } },
    );
    workerRows.push(...summarise(r.samples, one.id));
  }
  notes.push(
    `workers: this machine has ${navigator.hardwareConcurrency} cores and wrk needs one, so both workers share core 0: the rows show what reusePort costs, not how it scales.`,
  );

  const present = (rows: Row[]) => servers.filter((s) => rows.some((r) => r.server === s.id));
  const cell = (rows: Row[], s: string, sc: string) => {
    const r = rows.find((x) => x.server === s && x.scenario === sc);
    return r === undefined
      ? 'n/a'
      : `${fmt.int(r.rps)} (${fmt.ratio(r.ratio)}), p99 ${fmt.us(r.p99)}, ${fmt.cpu(r.cpuUsPerReq)}`;
  };
  const md: string[] = [
    '## Scale',
    '',
    `wrk as in the end-to-end tier, ${rounds} round(s) × ${seconds} s after a ${warmup[0]?.seconds} s warm-up per fresh start. ` +
      'Cells: req/s (× Bun.serve), p99 latency, server CPU µs per request.',
    '',
    '### Connections (`GET /hello`, 13 B)',
    '',
    table(
      ['server', ...connScen.map((s) => s.label)],
      present(connRows).map((s) => [name(s), ...connScen.map((c) => cell(connRows, s.id, c.id))]),
    ),
    '',
    '### Response size (50 connections)',
    '',
    table(
      ['server', ...sizes.map(sizeLabel)],
      present(sizeRows).map((s) => [name(s), ...sizes.map((z) => cell(sizeRows, s.id, `b${z}`))]),
    ),
    '',
    '### Workers (100 connections, both workers pinned to core 0)',
    '',
    table(
      ['server', 'req/s', '× 1 worker', 'p99', 'CPU µs/req', 'RSS (all workers)'],
      workerRows.map((r) => [
        workerLabels.get(r.server) ?? r.server,
        fmt.int(r.rps),
        fmt.ratio(r.ratio),
        fmt.us(r.p99),
        fmt.cpu(r.cpuUsPerReq),
        fmt.mib(r.rssMiB),
      ]),
    ),
    '',
  ];
  const chart = (rows: Row[], ids: string[], labels: string[], title: string) =>
    barChart({
      title,
      subtitle: 'req/s ÷ Bun.serve req/s at the same point; higher is better',
      categories: present(rows).map(name),
      series: ids.map((id, i) => ({
        name: labels[i] as string,
        values: present(rows).map(
          (s) => rows.find((r) => r.server === s.id && r.scenario === id)?.ratio ?? Number.NaN,
        ),
      })),
      ref: 1,
      unit: '×',
      highlight: (c) => c.startsWith('servehttp'),
    });
  return {
    tier: 'scale',
    markdown: md.join('\n'),
    charts: {
      'scale-connections.svg': chart(
        connRows,
        connScen.map((s) => s.id),
        connScen.map((s) => s.label),
        'Connections 1 → 1,000: req/s relative to Bun.serve',
      ),
      'scale-size.svg': chart(
        sizeRows,
        sizes.map((z) => `b${z}`),
        sizes.map(sizeLabel),
        'Response size 13 B → 1 MiB: req/s relative to Bun.serve',
      ),
    },
    data: { connRows, sizeRows, workerRows },
    notes,
  };
}
