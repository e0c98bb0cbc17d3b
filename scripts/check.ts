/**
 * Everything CI checks, in order, stopping at the first red step: format and lint (Biome), the
 * import table, `tsc -b` (type-checks every project and builds every package's dist), then every
 * test with `bun test`, then the release checks (issue 13), each printing its own rows:
 * scripts/release-check.ts (pack, publint, arethetypeswrong), scripts/consumer.ts (the tarballs
 * installed with npm on Node and with Bun, type-checked and served), scripts/docs.ts --check (every
 * export documented, the API reference renders) and scripts/release.ts --dry-run (the release flow
 * on a throwaway clone). It ends with one line `N passed, N failed` — bun's JUnit counts plus the
 * release rows — and exits non-zero when a step fails, a test or row fails, or no test ran at all.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { countRows } from './release-lib.ts';

const root = resolve(import.meta.dir, '..');
const bin = (name: string) => join(root, 'node_modules/.bin', name);

function step(title: string, cmd: string[]): void {
  const started = performance.now();
  console.log(`\n── ${title}: ${cmd.map((c) => c.replace(root, '.')).join(' ')}`);
  const p = Bun.spawnSync(cmd, { cwd: root, stdout: 'inherit', stderr: 'inherit' });
  const took = ((performance.now() - started) / 1000).toFixed(1);
  if (p.exitCode !== 0) {
    console.log(`── ${title} failed (exit ${p.exitCode}, ${took}s)`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  console.log(`── ${title} ok (${took}s)`);
}

/** Sums the counts of a JUnit report's top-level `<testsuites>` (bun writes one). */
export function countJUnit(xml: string): { passed: number; failed: number; skipped: number } {
  const head = /<testsuites\b([^>]*)>/.exec(xml)?.[1];
  if (head === undefined) throw new Error('check: the JUnit report has no <testsuites> element');
  const attr = (name: string): number =>
    Number(new RegExp(`\\b${name}="(\\d+)"`).exec(head)?.[1] ?? 0);
  const tests = attr('tests');
  const failed = attr('failures') + attr('errors');
  const skipped = attr('skipped');
  return { passed: tests - failed - skipped, failed, skipped };
}

interface Counted {
  passed: number;
  failed: number;
  report: string;
}

/**
 * Runs one release script and returns its rows and its output with a header and footer; a script
 * that crashed before its closing line counts as one failure.
 */
async function rowsOf(title: string, args: string[]): Promise<Counted> {
  const started = performance.now();
  const p = Bun.spawn([process.execPath, ...args], { cwd: root, stdout: 'pipe', stderr: 'pipe' });
  const [out, err, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  const counts = countRows(out) ?? { passed: 0, failed: 1 };
  if (code !== 0 && counts.failed === 0) counts.failed = 1;
  const took = ((performance.now() - started) / 1000).toFixed(1);
  const head = `\n── ${title}: bun ${args.join(' ').replaceAll(root, '.')}\n`;
  const foot = `── ${title}: ${counts.passed} passed, ${counts.failed} failed (${took}s)\n`;
  return { ...counts, report: `${head}${out}${err}${foot}` };
}

/**
 * The release checks, as two chains that overlap (each is part network, part one TypeScript
 * program at a time, and CI has two cores): the tarballs then the consumer projects that install
 * them; the API docs then the dry run. Their reports print in that order once both are done.
 */
async function releaseChecks(): Promise<{ passed: number; failed: number }> {
  step('install tools/release (publint, attw, typedoc, TypeScript 5.9)', [
    process.execPath,
    'install',
    '--frozen-lockfile',
    '--cwd',
    join(root, 'tools/release'),
  ]);
  const packs = mkdtempSync(join(tmpdir(), 'servehttp-packs-'));
  console.log(
    '\n── release checks: tarballs ▸ consumers, and docs ▸ release dry run, side by side',
  );
  try {
    const [a, b] = await Promise.all([
      (async () => [
        await rowsOf('release: pack + publint + attw', [
          'scripts/release-check.ts',
          '--out',
          packs,
        ]),
        await rowsOf('release: consumer projects (npm + Node, Bun)', [
          'scripts/consumer.ts',
          '--tarballs',
          packs,
        ]),
      ])(),
      (async () => [
        await rowsOf('release: API docs', ['scripts/docs.ts', '--check']),
        await rowsOf('release: dry run of the release flow', ['scripts/release.ts', '--dry-run']),
      ])(),
    ]);
    const all = [...a, ...b];
    for (const c of all) process.stdout.write(c.report);
    return {
      passed: all.reduce((n, c) => n + c.passed, 0),
      failed: all.reduce((n, c) => n + c.failed, 0),
    };
  } finally {
    rmSync(packs, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  step('format + lint', [bin('biome'), 'check', '.']);
  step('import table', [process.execPath, 'scripts/boundaries.ts']);
  step('typecheck + build', [bin('tsc'), '-b']);

  const reports = join(root, 'reports');
  rmSync(reports, { recursive: true, force: true });
  mkdirSync(reports, { recursive: true });
  const junit = join(reports, 'junit.xml');
  console.log('\n── tests: bun test');
  const t = Bun.spawnSync(
    [
      process.execPath,
      '--conditions=@servehttp/source',
      'test',
      '--timeout=30000',
      '--reporter=junit',
      `--reporter-outfile=${junit}`,
    ],
    { cwd: root, stdout: 'inherit', stderr: 'inherit' },
  );
  let counts: { passed: number; failed: number; skipped: number };
  try {
    counts = countJUnit(readFileSync(junit, 'utf8'));
  } catch (err) {
    console.log(`── tests: no report (${err instanceof Error ? err.message : String(err)})`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  const skipped = counts.skipped > 0 ? `, ${counts.skipped} skipped` : '';
  const ok = t.exitCode === 0 && counts.failed === 0 && counts.passed > 0;
  if (counts.passed === 0) console.log('── tests: no test ran');
  if (t.exitCode !== 0 && counts.failed === 0) {
    // bun exits non-zero on an error outside any test (a file that fails to load).
    counts.failed = 1;
    console.log(`── tests: bun test exited ${t.exitCode} outside any test`);
  }
  console.log(`── tests: ${counts.passed} passed, ${counts.failed} failed${skipped}`);
  const release = await releaseChecks();
  const passed = counts.passed + release.passed;
  const failed = counts.failed + release.failed;
  console.log(`${passed} passed, ${failed} failed${skipped}`);
  process.exit(ok && release.failed === 0 ? 0 : 1);
}
