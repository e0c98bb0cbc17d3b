/**
 * Parser tier: runs the http-parser package's own benchmark (bench/http-parser/bench.ts, owned by
 * the parser's engineer: servehttp vs llhttp through Bun's and Node's bindings) as it is, then
 * tiers/parser-peers.ts (undici's llhttp wasm and http-parser-js, with servehttp in the same
 * process) on Bun and on Node. Everything pinned to core 0.
 */
import { join } from 'node:path';
import { runSync } from '../lib/proc.ts';
import { fmt, type TierContext, type TierResult, table } from '../lib/report.ts';

interface PeersOut {
  rows: { parser: string; case: string; bytes: number; ns: number }[];
  problems: string[];
  runs: number;
  iters: number;
}

export async function run(ctx: TierContext): Promise<TierResult> {
  const notes: string[] = [];
  const md: string[] = ['## Parser', ''];
  const own = join(import.meta.dir, '..', 'http-parser', 'bench.ts');
  const ownArgs = ctx.quick
    ? ['--runs', '3', '--iters', '20000']
    : ['--runs', '5', '--iters', '60000'];
  ctx.log('parser: bench/http-parser/bench.ts');
  let ownText = '';
  try {
    ownText = runSync(['taskset', '-c', '0', 'bun', own, ...ownArgs], 300_000);
    md.push(
      '### servehttp vs llhttp bindings (bench/http-parser/bench.ts)',
      '',
      'ns per message, one message per iteration on a reused parser. "lazy" decodes no header ' +
        'string; "all strings" decodes every name and value, as llhttp bindings do.',
      '',
      ownText
        .trim()
        .split('\n')
        .filter((l) => !l.startsWith('undici llhttp wasm:'))
        .join('\n'),
      '',
    );
  } catch (e) {
    notes.push(`bench/http-parser/bench.ts failed: ${String(e)}`);
  }
  const peers = join(import.meta.dir, 'parser-peers.ts');
  const extra = ctx.quick ? ['--quick'] : [];
  const outs: { runtime: string; out: PeersOut }[] = [];
  ctx.log('parser: peers on Bun');
  try {
    outs.push({
      runtime: 'bun',
      out: JSON.parse(runSync(['taskset', '-c', '0', 'bun', peers, ...extra], 300_000)) as PeersOut,
    });
  } catch (e) {
    notes.push(`parser peers on Bun failed: ${String(e)}`);
  }
  if (Bun.which('node') !== null) {
    ctx.log('parser: peers on Node');
    try {
      const bundle = join(ctx.tmp, 'parser-peers.cjs');
      // http-parser-js and undici's wasm are CommonJS files loaded with require at run time.
      runSync(
        [
          'bun',
          'build',
          peers,
          '--target=node',
          '--format=cjs',
          `--outfile=${bundle}`,
          '--external',
          'http-parser-js',
          '--external',
          'undici',
        ],
        60_000,
      );
      outs.push({
        runtime: 'node',
        out: JSON.parse(
          runSync(
            ['taskset', '-c', '0', 'node', bundle, ...extra],
            300_000,
            join(import.meta.dir, '..'),
          ),
        ) as PeersOut,
      });
    } catch (e) {
      notes.push(`parser peers on Node failed: ${String(e)}`);
    }
  }
  const cases = [
    ...new Set(outs.flatMap((o) => o.out.rows.map((r) => `${r.case}\u0000${r.bytes}`))),
  ].map((k) => k.split('\u0000'));
  for (const { runtime, out } of outs) {
    for (const p of out.problems) notes.push(`${runtime}: ${p}`);
    const parsers = [...new Set(out.rows.map((r) => r.parser))];
    md.push(
      `### servehttp vs undici's llhttp wasm and http-parser-js, ${runtime === 'bun' ? 'Bun' : 'Node'}`,
      '',
      `ns per message (median of ${out.runs} interleaved runs × ${out.iters}). The wasm rows include copying the message into wasm memory, as undici does.`,
      '',
      table(
        ['parser', ...cases.map(([c, b]) => `${c} (${b} B)`)],
        parsers.map((p) => [
          p.startsWith('servehttp') ? `**${p}**` : p,
          ...cases.map(([c]) =>
            fmt.ns(out.rows.find((r) => r.parser === p && r.case === c)?.ns ?? Number.NaN),
          ),
        ]),
      ),
      '',
    );
  }
  return {
    tier: 'parser',
    markdown: md.join('\n'),
    charts: {},
    data: { own: ownText, peers: outs },
    notes,
  };
}
