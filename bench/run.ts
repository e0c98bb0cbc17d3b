/**
 * servehttp's benchmark: one command, every tier or one by name, a dated results folder.
 *
 *   bun run bench                      # from the repository root: every tier (~10 min)
 *   bun run bench e2e                  # one tier: e2e | router | parser | scale | h2 (several allowed)
 *   bun run bench --quick              # short smoke run of every tier (~3 min)
 *   bun run bench e2e --rounds 5 --seconds 2
 *   bun run bench --readme             # also write the e2e table into the root README
 *
 * Writes bench/results/<UTC date-time>/: results.md (tables, targets, machine), results.json
 * (every number) and one SVG chart per wire tier. Installs bench/'s own dependencies first when
 * they are missing (`bun install --frozen-lockfile` in bench/). Linux only (taskset, /proc, wrk).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, hostname, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { runSync, stillRunning, stopAll } from './lib/proc.ts';
import type { TierContext, TierResult } from './lib/report.ts';
import { depsInstalled } from './lib/servers.ts';
import { targetsMarkdown } from './lib/targets.ts';
import type { E2EData } from './tiers/e2e.ts';

const tiers = ['e2e', 'router', 'parser', 'scale', 'h2'] as const;
type Tier = (typeof tiers)[number];

const argv = process.argv.slice(2);
const flag = (f: string) => argv.includes(f);
const opt = (f: string): number => {
  const i = argv.indexOf(f);
  return i >= 0 ? Number(argv[i + 1]) : Number.NaN;
};
const valueFlags = new Set(['--rounds', '--seconds']);
const chosen: Tier[] = [];
for (let i = 0; i < argv.length; i++) {
  const a = argv[i] as string;
  if (valueFlags.has(a)) {
    i++;
    continue;
  }
  if (a.startsWith('--')) continue;
  if (!(tiers as readonly string[]).includes(a)) {
    console.error(`bench: unknown tier ${JSON.stringify(a)}; tiers: ${tiers.join(', ')}`);
    process.exit(2);
  }
  chosen.push(a as Tier);
}
const selected = chosen.length > 0 ? chosen : [...tiers];
const quick = flag('--quick');
const benchDir = import.meta.dir;
const rootDir = join(benchDir, '..');

for (const tool of ['wrk', 'taskset']) {
  if (Bun.which(tool) === null && selected.some((t) => t === 'e2e' || t === 'scale')) {
    console.error(
      `bench: ${tool} is not on PATH (Debian: apt-get install ${tool === 'wrk' ? 'wrk' : 'util-linux'})`,
    );
    process.exit(2);
  }
}
if (!depsInstalled()) {
  console.log('bench: installing bench/ dependencies (bun install --frozen-lockfile)…');
  runSync(['bun', 'install', '--frozen-lockfile'], 300_000, benchDir);
}

const stamp = new Date()
  .toISOString()
  .replace(/:\d\d\.\d+Z$/, 'Z')
  .replace(/:/g, '');
const outDir = join(benchDir, 'results', `${stamp}${quick ? '-quick' : ''}`);
mkdirSync(outDir, { recursive: true });
const tmp = mkdtempSync(join(tmpdir(), 'servehttp-bench-'));
const logLines: string[] = [];
const log = (line: string) => {
  console.log(line);
  logLines.push(line);
};

const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memGiB: Math.round(totalmem() / 2 ** 30),
  host: hostname(),
  kernel: runSync(['uname', '-r'], 5000).trim(),
  bun: Bun.version,
  node: Bun.which('node') === null ? 'none' : runSync(['node', '--version'], 5000).trim(),
  wrk: (Bun.spawnSync(['wrk', '-v']).stdout.toString().split(' [')[0] ?? '').trim(),
  commit: (() => {
    try {
      return runSync(['git', 'rev-parse', '--short', 'HEAD'], 5000, rootDir).trim();
    } catch {
      return 'unknown';
    }
  })(),
  loadBefore: loadavg(),
  loadAfter: '',
};
log(`bench: tiers ${selected.join(', ')}${quick ? ' (quick)' : ''} → ${outDir}`);
log(
  `machine: ${machine.cpu}, ${machine.cores} cores, Bun ${machine.bun}, Node ${machine.node}, load ${machine.loadBefore}`,
);
if (Number(machine.loadBefore.split(' ')[0]) > 0.5) {
  log(
    'warning: the machine is busy (1-minute load > 0.5): numbers will be noisy; rerun when idle.',
  );
}

const ctx: TierContext = { quick, tmp, log, rounds: opt('--rounds'), seconds: opt('--seconds') };
const results: TierResult[] = [];
const t0 = performance.now();
try {
  for (const t of selected) {
    const t1 = performance.now();
    log(`\n== ${t}`);
    const mod = (await import(`./tiers/${t}.ts`)) as { run(c: TierContext): Promise<TierResult> };
    try {
      results.push(await mod.run(ctx));
    } catch (e) {
      log(`${t} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
    log(`== ${t} done in ${((performance.now() - t1) / 1000).toFixed(0)} s`);
  }
} finally {
  const left = await stopAll();
  if (left > 0) log(`stopped ${left} server process(es) left running`);
  const still = stillRunning();
  if (still.length > 0) log(`warning: processes still running: ${still.join(', ')}`);
  rmSync(tmp, { recursive: true, force: true });
}
machine.loadAfter = loadavg();

const e2e = results.find((r) => r.tier === 'e2e')?.data as E2EData | undefined;
const routerData = results.find((r) => r.tier === 'router')?.data;
const targets = targetsMarkdown(e2e, routerData);
const machineLine =
  `${machine.cpu}, ${machine.cores} cores, ${machine.memGiB} GiB, Linux ${machine.kernel}; ` +
  `Bun ${machine.bun}, Node ${machine.node}, ${machine.wrk}; commit ${machine.commit}; ` +
  `load average ${machine.loadBefore} before, ${machine.loadAfter} after` +
  (Number(machine.loadBefore.split(' ')[0]) > 0.5 || Number(machine.loadAfter.split(' ')[0]) > 0.5
    ? ' — **the machine was busy with other work: these numbers are noisy, rerun on an idle machine before quoting them**'
    : '');
const md = [
  `# servehttp benchmark, ${stamp}${quick ? ' (quick smoke run: 1 round, short warm-up — not for quoting)' : ''}`,
  '',
  `Machine: ${machineLine}.`,
  '',
  `Command: \`bun run bench${argv.length > 0 ? ` ${argv.join(' ')}` : ''}\` (${((performance.now() - t0) / 1000).toFixed(0)} s).`,
  '',
  targets,
  '',
  ...results.map((r) => r.markdown),
  ...results.flatMap((r) => Object.keys(r.charts).map((f) => `![${r.tier}](${f})\n`)),
  '## Notes',
  '',
  ...results.flatMap((r) => r.notes.map((n) => `- ${r.tier}: ${n}`)),
  '',
].join('\n');
writeFileSync(join(outDir, 'results.md'), md);
writeFileSync(
  join(outDir, 'results.json'),
  `${JSON.stringify({ stamp, quick, argv, machine, tiers: results.map((r) => ({ tier: r.tier, data: r.data, notes: r.notes })) }, null, 2)}\n`,
);
for (const r of results)
  for (const [f, svg] of Object.entries(r.charts)) writeFileSync(join(outDir, f), svg);
writeFileSync(join(outDir, 'run.log'), `${logLines.join('\n')}\n`);

if (flag('--readme') && e2e !== undefined) {
  const { updateReadme } = await import('./lib/readme.ts');
  updateReadme(
    join(rootDir, 'README.md'),
    e2e,
    targets,
    machineLine,
    outDir.slice(rootDir.length + 1),
  );
  log('README.md: benchmark section updated');
}
log(`\nresults: ${join(outDir, 'results.md')} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
