/**
 * Router tier: runs tiers/router-bench.ts pinned to core 0, on Bun from source and on Node from a
 * bundle, and tabulates ns per lookup. See router-bench.ts for what is measured and how.
 */
import { join } from 'node:path';
import { runSync } from '../lib/proc.ts';
import { barChart, fmt, type TierContext, type TierResult, table } from '../lib/report.ts';
import type { RouterRow } from '../lib/targets.ts';

interface BenchOut {
  rows: { router: string; case: string; ns: number }[];
  problems: string[];
  routes: string[];
  cases: { name: string; path: string }[];
  runs: number;
  iters: number;
}

export async function run(ctx: TierContext): Promise<TierResult> {
  const script = join(import.meta.dir, 'router-bench.ts');
  const extra = ctx.quick ? ['--quick'] : [];
  const outs: { runtime: string; out: BenchOut }[] = [];
  const notes: string[] = [];
  ctx.log('router: Bun');
  outs.push({
    runtime: 'bun',
    out: JSON.parse(
      runSync(
        ['taskset', '-c', '0', 'bun', '--conditions=@servehttp/source', script, ...extra],
        300_000,
      ),
    ) as BenchOut,
  });
  if (Bun.which('node') !== null) {
    ctx.log('router: Node');
    try {
      const bundle = join(ctx.tmp, 'router-bench.mjs');
      runSync(
        [
          'bun',
          'build',
          script,
          '--target=node',
          '--conditions=@servehttp/source',
          `--outfile=${bundle}`,
        ],
        60_000,
      );
      outs.push({
        runtime: 'node',
        out: JSON.parse(
          runSync(['taskset', '-c', '0', 'node', bundle, ...extra], 300_000),
        ) as BenchOut,
      });
    } catch (e) {
      notes.push(`Node run failed: ${String(e)}`);
    }
  } else notes.push('Node run skipped: no node on PATH');
  const rows: RouterRow[] = [];
  for (const { runtime, out } of outs) {
    for (const r of out.rows) rows.push({ ...r, runtime });
    for (const p of out.problems) notes.push(`${runtime}: wrong answer, not timed: ${p}`);
  }
  const first = outs[0]?.out;
  const cases = first?.cases ?? [];
  const routers = [...new Set(rows.map((r) => r.router))];
  const md: string[] = [
    '## Router',
    '',
    `ns per lookup (median of ${first?.runs} runs × ${first?.iters} lookups), each lookup on a path string decoded ` +
      'from bytes in that iteration; `decode only` is that decoding alone (included in every other row). ' +
      `Routes (${first?.routes.length}): ${first?.routes.map((r) => `\`${r}\``).join(', ')}. ` +
      'servemux is its RoutingTree; gin-router is its static map + radix tree, as Engine uses them.',
    '',
    `Paths: ${cases.map((c) => `${c.name} \`${c.path}\``).join(', ')}.`,
    '',
  ];
  for (const { runtime } of outs) {
    md.push(`### ${runtime === 'bun' ? 'Bun' : 'Node'}`, '');
    const body = routers
      .filter((r) => rows.some((x) => x.router === r && x.runtime === runtime))
      .map((r) => [
        r.startsWith('servemux') || r.startsWith('gin') ? `**${r}**` : r,
        ...cases.map((c) =>
          fmt.ns(
            rows.find((x) => x.router === r && x.runtime === runtime && x.case === c.name)?.ns ??
              Number.NaN,
          ),
        ),
      ]);
    md.push(table(['router', ...cases.map((c) => c.name)], body), '');
  }
  const shown = routers.filter((r) => r !== 'decode only');
  const cats = outs.flatMap(({ runtime }) =>
    shown.map((r) => `${r} (${runtime === 'bun' ? 'Bun' : 'Node'})`),
  );
  const chart = barChart({
    title: 'Route lookup speed relative to find-my-way (same runtime)',
    subtitle: 'find-my-way ns ÷ router ns, decoding included; higher is better',
    categories: cats,
    series: cases.map((c) => ({
      name: c.name,
      values: outs.flatMap(({ runtime }) =>
        shown.map((r) => {
          const f = rows.find(
            (x) => x.router === 'find-my-way' && x.runtime === runtime && x.case === c.name,
          )?.ns;
          const v = rows.find(
            (x) => x.router === r && x.runtime === runtime && x.case === c.name,
          )?.ns;
          return f === undefined || v === undefined ? Number.NaN : f / v;
        }),
      ),
    })),
    ref: 1,
    unit: '×',
    highlight: (c) => c.startsWith('servemux') || c.startsWith('gin'),
  });
  return {
    tier: 'router',
    markdown: md.join('\n'),
    charts: { 'router.svg': chart },
    data: { rows },
    notes,
  };
}
