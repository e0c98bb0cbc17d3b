/**
 * Parser benchmark: ns per message for this parser and the llhttp bindings reachable without new
 * dependencies, built to be trusted on a small, shared machine.
 *
 *   bun bench/http-parser/bench.ts [--cpu 1] [--runs 7] [--warm-ms 1500] [--batches 5]
 *                                  [--batch-ms 60] [--case "minimal GET"] [--callgrind]
 *                                  [--cg-n1 50000] [--cg-n2 100000]
 *
 * (`--runs 0 --callgrind` counts instructions only.)
 *
 * Method:
 * - Every measurement is a fresh process (worker.ts; a `node` child for Node's binding) running
 *   one contender on one case, so no contender inherits another's JIT state or type feedback.
 *   It warms up for `--warm-ms` (Bun reaches its optimizing tier for the larger cases only
 *   after a second or so when pinned: its compiler threads share the core), then times
 *   `--batches` batches of about `--batch-ms` each; the median batch is that run's value.
 * - Processes are pinned with `taskset -c <cpu>` (`--cpu`, default the last CPU), and the
 *   contenders are interleaved within each run in a rotating order, so a noisy stretch of the
 *   machine hits every contender alike rather than one.
 * - Reported: the median over `--runs` runs and the spread (min–max); ratios are taken per run
 *   (the contenders of one run ran seconds apart) and then summarized the same way.
 * - `--callgrind`: also counts instructions per message under valgrind, with Bun's JIT and GC
 *   made synchronous (`BUN_JSC_useConcurrentJIT=false`, `BUN_JSC_useConcurrentGC=false`) so
 *   that the count repeats to within a few instructions per message:
 *   instructions(N2) − instructions(N1), divided by N2 − N1, which cancels start-up and JIT
 *   warm-up. A noise-free ratio, slow (minutes per case), and blind to cache misses.
 *
 * Each case is one message in its own buffer, parsed start to end by a parser reused across
 * iterations, as on a keep-alive connection. undici's llhttp wasm and http-parser-js are not
 * installed in this repository, so they are not measured.
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { CASES } from './cases.ts';

const args = process.argv.slice(2);
function opt(name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
const RUNS = Number(opt('--runs') ?? 7);
const WARM_MS = Number(opt('--warm-ms') ?? 1500);
const BATCHES = Number(opt('--batches') ?? 5);
const BATCH_MS = Number(opt('--batch-ms') ?? 60);
const CPU = opt('--cpu') ?? String(availableParallelism() - 1);
const ONLY = opt('--case');
const CALLGRIND = args.includes('--callgrind');
const WORKER = new URL('./worker.ts', import.meta.url).pathname;

const CONTENDERS = [
  'servehttp',
  'servehttp-strings',
  'servehttp-server',
  'llhttp-bun',
  'llhttp-node',
] as const;
type Contender = (typeof CONTENDERS)[number];
const LABEL: Record<Contender, string> = {
  servehttp: 'servehttp (lazy)',
  'servehttp-strings': 'servehttp (all strings)',
  'servehttp-server': 'servehttp (server: canonical names + values)',
  'llhttp-bun': 'llhttp via Bun',
  'llhttp-node': 'llhttp via Node 20',
};

const cases = CASES.filter((c) => ONLY === undefined || c.name === ONLY);
const hasTaskset = spawnSync('taskset', ['-c', CPU, 'true']).status === 0;
const pin = (cmd: string[]): string[] => (hasTaskset ? ['taskset', '-c', CPU, ...cmd] : cmd);

// Node's binding, measured the same way in a `node` child (Node 20 runs no TypeScript).
const NODE_WORKER = `
const { HTTPParser } = process.binding('http_parser');
const [input, warmMs, batches, batchMs] = JSON.parse(process.argv[1]);
const buf = Buffer.from(input, 'latin1');
let sink = 0;
const p = new HTTPParser();
p.initialize(HTTPParser.REQUEST, {});
p[HTTPParser.kOnHeaders] = (h, url) => { sink += h.length + url.length; };
p[HTTPParser.kOnHeadersComplete] = (a, b, h, m, url) => { sink += (h ? h.length : 0) + m + (url ? url.length : 0); return 0; };
p[HTTPParser.kOnBody] = (b) => { sink += b.length; };
p[HTTPParser.kOnMessageComplete] = () => {};
p[HTTPParser.kOnExecute] = () => {};
const run = () => { const r = p.execute(buf); if (typeof r !== 'number') throw r; };
const now = () => Number(process.hrtime.bigint()) / 1e6;
const t0 = now();
let done = 0;
while (now() - t0 < warmMs) { for (let i = 0; i < 1000; i++) run(); done += 1000; }
const iters = Math.max(1000, Math.round((done / Math.max(1, now() - t0)) * batchMs));
const ns = [];
for (let b = 0; b < batches; b++) {
  const s = now();
  for (let i = 0; i < iters; i++) run();
  ns.push(((now() - s) * 1e6) / iters);
}
process.stdout.write(JSON.stringify({ ns, sink: sink > 0 }));
`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** One measurement in a fresh pinned process: the median batch, in ns per message. */
function measure(c: Contender, caseName: string, input: string): number {
  const cmd =
    c === 'llhttp-node'
      ? [
          'node',
          '--no-deprecation',
          '-e',
          NODE_WORKER,
          JSON.stringify([input, WARM_MS, BATCHES, BATCH_MS]),
        ]
      : [
          process.execPath,
          WORKER,
          c,
          caseName,
          'time',
          String(WARM_MS),
          String(BATCHES),
          String(BATCH_MS),
        ];
  const [bin, ...rest] = pin(cmd);
  const r = spawnSync(bin as string, rest, { encoding: 'utf8' });
  if (r.status !== 0) return Number.NaN;
  return median((JSON.parse(r.stdout) as { ns: number[] }).ns);
}

const fmt = (x: number): string => (Number.isNaN(x) ? 'n/a' : x.toFixed(0));
const spread = (xs: number[]): string => {
  const ok = xs.filter((x) => !Number.isNaN(x));
  if (ok.length === 0) return 'n/a';
  return `${fmt(median(ok))} (${fmt(Math.min(...ok))}–${fmt(Math.max(...ok))})`;
};
const ratioSpread = (xs: number[]): string => {
  const ok = xs.filter((x) => Number.isFinite(x));
  if (ok.length === 0) return 'n/a';
  const f = (x: number) => `${x.toFixed(2)}×`;
  return `${f(median(ok))} (${f(Math.min(...ok))}–${f(Math.max(...ok))})`;
};

const results = new Map<string, Map<Contender, number[]>>();
for (const c of cases) results.set(c.name, new Map(CONTENDERS.map((k) => [k, []])));

const started = performance.now();
for (let r = 0; r < RUNS; r++) {
  for (const c of cases) {
    for (let k = 0; k < CONTENDERS.length; k++) {
      const who = CONTENDERS[(k + r) % CONTENDERS.length] as Contender;
      results
        .get(c.name)
        ?.get(who)
        ?.push(measure(who, c.name, c.input));
    }
  }
  process.stderr.write(`run ${r + 1}/${RUNS} done\n`);
}

if (RUNS > 0) report();

function report(): void {
  console.log(
    `Bun ${Bun.version}, ${hasTaskset ? `pinned to CPU ${CPU}` : 'not pinned (no taskset)'}, ` +
      `${RUNS} runs, each a fresh process per contender and case ` +
      `(${WARM_MS} ms warm-up, median of ${BATCHES} × ${BATCH_MS} ms); ` +
      `ns/message: median (min–max over runs); ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
  console.log('');
  console.log(`| case | bytes | ${CONTENDERS.map((k) => LABEL[k]).join(' | ')} |`);
  console.log(`|---|---:|${CONTENDERS.map(() => '---:').join('|')}|`);
  for (const c of cases) {
    const m = results.get(c.name) as Map<Contender, number[]>;
    const cells = CONTENDERS.map((k) => spread(m.get(k) ?? []));
    console.log(`| ${c.name} | ${c.input.length} | ${cells.join(' | ')} |`);
  }
  console.log('');
  console.log('Speed-up over llhttp via Bun, per run (llhttp ns / servehttp ns): median (min–max)');
  console.log('');
  console.log('| case | lazy | all strings | server | servehttp lazy, messages/s |');
  console.log('|---|---:|---:|---:|---:|');
  for (const c of cases) {
    const m = results.get(c.name) as Map<Contender, number[]>;
    const bun = m.get('llhttp-bun') ?? [];
    const per = (k: Contender) => ratioSpread(bun.map((b, i) => b / ((m.get(k) ?? [])[i] ?? 0)));
    const lazy = median(m.get('servehttp') ?? []);
    console.log(
      `| ${c.name} | ${per('servehttp')} | ${per('servehttp-strings')} | ${per('servehttp-server')} | ${(1e9 / lazy / 1e6).toFixed(2)} M |`,
    );
  }
}

if (CALLGRIND) {
  // Instructions per message: the difference of two counts cancels start-up and warm-up.
  const N1 = Number(opt('--cg-n1') ?? 50_000);
  const N2 = Number(opt('--cg-n2') ?? 100_000);
  const count = (c: Contender, caseName: string, n: number): number => {
    const r = spawnSync(
      'valgrind',
      [
        '--tool=callgrind',
        '--callgrind-out-file=/dev/null',
        process.execPath,
        WORKER,
        c,
        caseName,
        'count',
        String(n),
      ],
      {
        encoding: 'utf8',
        env: {
          ...process.env,
          BUN_JSC_useConcurrentJIT: 'false',
          BUN_JSC_useConcurrentGC: 'false',
        },
      },
    );
    const m = /refs:\s+([\d,]+)/.exec(r.stderr);
    return m === null ? Number.NaN : Number((m[1] as string).replaceAll(',', ''));
  };
  const who: Contender[] = ['servehttp', 'servehttp-strings', 'servehttp-server', 'llhttp-bun'];
  console.log('');
  console.log(
    `Instructions per message (callgrind; JIT and GC made synchronous; (I(${N2}) − I(${N1})) / ${N2 - N1})`,
  );
  console.log('');
  console.log(
    `| case | ${who.map((k) => LABEL[k]).join(' | ')} | llhttp ÷ lazy | llhttp ÷ all strings | llhttp ÷ server |`,
  );
  console.log(`|---|${who.map(() => '---:').join('|')}|---:|---:|---:|`);
  for (const c of cases) {
    const per = who.map((k) => (count(k, c.name, N2) - count(k, c.name, N1)) / (N2 - N1));
    const ratio = (per[3] as number) / (per[0] as number);
    console.log(`| ${c.name} | ${per.map((x) => fmt(x)).join(' | ')} | ${ratio.toFixed(2)}× |`);
  }
}
