/**
 * Packs the five packages as `bun publish` would and checks what an npm user would receive, one row
 * per check per package:
 *
 * - the tarball's package.json: no `workspace:` range left, internal dependencies pinned to the
 *   versions released with it, not private;
 * - the files: every `exports` target is in the tarball, no test file, no build info;
 * - `publint --strict` (packaging mistakes, warnings count as errors);
 * - `attw --profile esm-only` (arethetypeswrong: types and JavaScript resolve alike under node16
 *   from ESM and under bundler resolution). The packages are ESM only by design (`"type":
 *   "module"`, no CommonJS build, DESIGN.md), so the profile leaves out node10 and node16-from-CJS,
 *   where "ESM (dynamic import only)" is the intended answer, not a problem.
 *
 * Needs the packages built (`tsc -b`, which scripts/check.ts runs first). Usage:
 *
 *   bun scripts/release-check.ts [--out DIR]   keep the tarballs in DIR (scripts/consumer.ts reads them)
 *
 * Ends with `N passed, N failed`; exits 1 when a row failed.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Manifest,
  manifestProblems,
  type Pkg,
  pack,
  pool,
  Rows,
  readPackages,
  releaseBin,
  root,
  runAsync,
  tarballFiles,
  tarballManifest,
} from './release-lib.ts';

/** Every file path an `exports` map points at, in any condition. */
export function exportTargets(exports: Manifest['exports']): string[] {
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string') out.add(v.replace(/^\.\//, ''));
    else if (v !== null && typeof v === 'object') for (const x of Object.values(v)) walk(x);
  };
  walk(exports);
  return [...out].sort();
}

/** Files a tarball must not hold: tests, test helpers, build info. */
export function strayFiles(files: readonly string[]): string[] {
  return files.filter((f) => /\.test\.|\.test-util\.|tsbuildinfo|(^|\/)testdata\//.test(f));
}

/**
 * Packs every package into `dest` and runs every row; returns the tarballs by package name. Packing
 * is sequential (quick); publint and attw, a few seconds each, overlap.
 */
export async function checkPackages(rows: Rows, dest: string): Promise<Map<string, string>> {
  const pkgs = readPackages();
  const versions = new Map(pkgs.map((p) => [p.manifest.name, p.manifest.version]));
  const tarballs = new Map<string, string>();
  const publint = releaseBin('publint');
  const attw = releaseBin('attw');
  const checks = pkgs.map((p) => async (): Promise<Rows> => {
    const held = new Rows({ held: true });
    const name = p.manifest.name;
    let tgz: string;
    try {
      tgz = pack(p, dest);
    } catch (err) {
      held.row(`${name}: bun pm pack`, false, err instanceof Error ? err.message : String(err));
      return held;
    }
    tarballs.set(name, tgz);
    held.attempt(`${name}: packed package.json has real versions, no workspace: ranges`, () => {
      const problems = manifestProblems(tarballManifest(tgz), versions);
      if (problems.length > 0) throw new Error(problems.join('\n'));
    });
    held.attempt(`${name}: every exports target is in the tarball, no test files`, () => {
      checkFiles(p, tarballFiles(tgz));
    });
    const [lint, types] = await Promise.all([
      runAsync([publint, 'run', '--strict', tgz], { cwd: root }),
      runAsync([attw, tgz, '--profile', 'esm-only', '--format', 'ascii'], { cwd: root }),
    ]);
    held.row(`${name}: publint --strict`, lint.code === 0, lint.out);
    held.row(`${name}: attw --profile esm-only`, types.code === 0, types.out);
    return held;
  });
  for (const held of await pool(checks, 3)) rows.absorb(held);
  return tarballs;
}

function checkFiles(p: Pkg, files: readonly string[]): void {
  const have = new Set(files);
  const missing = exportTargets(p.manifest.exports).filter((f) => !have.has(f));
  const stray = strayFiles(files);
  const problems = [
    ...missing.map((f) => `missing ${f} (an exports target)`),
    ...stray.map((f) => `ships ${f}`),
  ];
  if (!have.has('README.md')) problems.push('missing README.md');
  if (problems.length > 0) throw new Error(problems.join('\n'));
}

if (import.meta.main) {
  const at = process.argv.indexOf('--out');
  const keep = at > 0 ? process.argv[at + 1] : undefined;
  const dest = keep ?? mkdtempSync(join(tmpdir(), 'servehttp-pack-'));
  mkdirSync(dest, { recursive: true });
  const rows = new Rows();
  console.log(`release-check: packing into ${dest}`);
  try {
    await checkPackages(rows, dest);
  } finally {
    if (keep === undefined) rmSync(dest, { recursive: true, force: true });
  }
  process.exit(rows.finish());
}
