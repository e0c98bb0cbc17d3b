/**
 * What the release scripts share: the five packages and the order they publish in, running a
 * command with its output captured, packing a package the way `bun publish` does, reading the
 * manifest a tarball really holds, and counting pass/fail rows so scripts/check.ts can add them to
 * its closing `N passed, N failed` line.
 *
 * The publish order is a topological order of the packages' own `dependencies`: a package goes out
 * only after every `@servehttp/*` package it depends on, so an `npm install` that races a release
 * never sees a version whose dependency is not on the registry yet. With http-parser ← core-listener
 * ← {servemux, gin-router, middleware-kit} that is http-parser, core-listener, then the three
 * leaves in the order of {@link PACKAGES}.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root. */
export const root: string = resolve(import.meta.dir, '..');

/** tools/release: its own install of publint, arethetypeswrong, TypeDoc and TypeScript 5.9. */
export const releaseTools: string = join(root, 'tools/release');

/** The five released packages, by folder name, in the order the README lists them. */
export const PACKAGES: readonly string[] = [
  'http-parser',
  'core-listener',
  'servemux',
  'gin-router',
  'middleware-kit',
];

/** The fields of a package.json the release scripts read. */
export interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  exports?: Record<string, unknown>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/** One released package: its folder name, its directory and its manifest. */
export interface Pkg {
  dir: string;
  folder: string;
  manifest: Manifest;
}

/** Reads the five packages' manifests under `base` (the repository or a copy of it). */
export function readPackages(base: string = root): Pkg[] {
  return PACKAGES.map((folder) => {
    const dir = join(base, 'packages', folder);
    return { dir, folder, manifest: readManifest(join(dir, 'package.json')) };
  });
}

/** Parses a package.json, failing loudly when it lacks a name or a version. */
export function readManifest(path: string): Manifest {
  const m = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  if (typeof m.name !== 'string' || typeof m.version !== 'string') {
    throw new Error(`release: ${path} has no name or version`);
  }
  return m;
}

/**
 * Orders packages so each comes after the `@servehttp/*` packages in its `dependencies`; ties keep
 * the input order. Throws on a cycle or on a dependency that is not one of the packages.
 */
export function publishOrder(pkgs: readonly Pkg[]): Pkg[] {
  const byName = new Map(pkgs.map((p) => [p.manifest.name, p]));
  const done = new Set<string>();
  const out: Pkg[] = [];
  while (out.length < pkgs.length) {
    const next = pkgs.find(
      (p) =>
        !done.has(p.manifest.name) &&
        internalDeps(p.manifest).every((d) => {
          if (!byName.has(d))
            throw new Error(`release: ${p.manifest.name} depends on ${d}, which is not released`);
          return done.has(d);
        }),
    );
    if (next === undefined) {
      const left = pkgs.filter((p) => !done.has(p.manifest.name)).map((p) => p.manifest.name);
      throw new Error(`release: the dependencies of ${left.join(', ')} form a cycle`);
    }
    done.add(next.manifest.name);
    out.push(next);
  }
  return out;
}

/** The `@servehttp/*` names in a manifest's `dependencies` and `peerDependencies`. */
export function internalDeps(m: Manifest): string[] {
  return Object.keys({ ...m.dependencies, ...m.peerDependencies }).filter((d) =>
    d.startsWith('@servehttp/'),
  );
}

/** The git tag of one released package, as changesets names them: `@servehttp/<pkg>@<version>`. */
export function tagOf(m: Manifest): string {
  return `${m.name}@${m.version}`;
}

/**
 * What is wrong with a packed manifest, given the versions the release holds: a `workspace:`
 * range left in (it installs nowhere outside the monorepo; `changeset publish` ships them so), or an
 * internal dependency not pinned to the version released with it. Empty when it is right.
 */
export function manifestProblems(m: Manifest, versions: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  for (const field of [
    'dependencies',
    'peerDependencies',
    'optionalDependencies',
    'devDependencies',
  ] as const) {
    for (const [dep, range] of Object.entries(m[field] ?? {})) {
      if (range.startsWith('workspace:')) problems.push(`${field}.${dep} is still "${range}"`);
      const want = versions.get(dep);
      if (field !== 'devDependencies' && want !== undefined && range !== want) {
        problems.push(`${field}.${dep} is "${range}", the release holds ${want}`);
      }
    }
  }
  if (m.private === true) problems.push('it is private');
  return problems;
}

/** The output of a finished command. */
export interface Ran {
  code: number;
  out: string;
}

/** Runs a command to completion with stdout and stderr captured together (interleaved per pipe). */
export function run(
  cmd: string[],
  options: { cwd: string; env?: Record<string, string | undefined>; timeoutMs?: number },
): Ran {
  const p = Bun.spawnSync(cmd, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdout: 'pipe',
    stderr: 'pipe',
    timeout: options.timeoutMs ?? 180_000,
  });
  return {
    code: p.exitCode ?? 1,
    out: `${p.stdout.toString()}${p.stderr.toString()}`,
  };
}

/** {@link run} without blocking, so independent commands can overlap (network waits, two cores). */
export async function runAsync(
  cmd: string[],
  options: { cwd: string; env?: Record<string, string | undefined>; timeoutMs?: number },
): Promise<Ran> {
  const p = Bun.spawn(cmd, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdout: 'pipe',
    stderr: 'pipe',
    timeout: options.timeoutMs ?? 180_000,
  });
  const [out, err, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  return { code, out: `${out}${err}` };
}

/** Runs `tasks` with at most `limit` in flight, resolving with their results in order. */
export async function pool<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await (tasks[i] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/** A binary of tools/release's install, installing it (frozen lockfile) when it is missing. */
export function releaseBin(name: string): string {
  const bin = join(releaseTools, 'node_modules/.bin', name);
  if (!existsSync(bin)) installReleaseTools();
  return bin;
}

/** `bun install --frozen-lockfile` in tools/release, with the running (pinned) Bun. */
export function installReleaseTools(): void {
  const r = run([process.execPath, 'install', '--frozen-lockfile'], { cwd: releaseTools });
  if (r.code !== 0) throw new Error(`release: installing tools/release failed:\n${r.out}`);
}

/**
 * Packs one package with `bun pm pack` into `dest` (which rewrites `workspace:*` to the version it
 * points at, as `bun publish` does) and returns the tarball's path.
 */
export function pack(p: Pkg, dest: string): string {
  const r = run([process.execPath, 'pm', 'pack', '--destination', dest, '--quiet'], {
    cwd: p.dir,
  });
  const file = join(
    dest,
    `${p.manifest.name.replace('@', '').replace('/', '-')}-${p.manifest.version}.tgz`,
  );
  if (r.code !== 0 || !existsSync(file)) {
    throw new Error(`release: bun pm pack failed in ${p.dir} (exit ${r.code}):\n${r.out}`);
  }
  return file;
}

/** The names of the files a tarball holds (without the `package/` prefix npm tarballs use). */
export function tarballFiles(tgz: string): string[] {
  const r = run(['tar', '-tzf', tgz], { cwd: root });
  if (r.code !== 0) throw new Error(`release: cannot list ${tgz}: ${r.out}`);
  return r.out
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.replace(/^package\//, ''));
}

/** The package.json a tarball holds: what npm and Bun will read, not what the repository has. */
export function tarballManifest(tgz: string): Manifest {
  const r = Bun.spawnSync(['tar', '-xzOf', tgz, 'package/package.json'], { stdout: 'pipe' });
  if (r.exitCode !== 0) throw new Error(`release: ${tgz} has no package/package.json`);
  return JSON.parse(r.stdout.toString()) as Manifest;
}

/**
 * Counts checks as rows (`✓ name` / `✗ name: why`) and ends with `N passed, N failed`. A `held`
 * set of rows prints nothing until {@link Rows.absorb} takes it, so work that ran concurrently
 * still reports in a stable order.
 */
export class Rows {
  passed = 0;
  failed = 0;
  #held: string[] | undefined;

  constructor(options: { held?: boolean } = {}) {
    this.#held = options.held === true ? [] : undefined;
  }

  #print(line: string): void {
    if (this.#held === undefined) console.log(line);
    else this.#held.push(line);
  }

  /** Prints a held set's rows and adds its counts to this one's. */
  absorb(other: Rows): void {
    for (const line of other.#held ?? []) this.#print(line);
    this.passed += other.passed;
    this.failed += other.failed;
  }

  /** Records one row; `detail` is printed under a failed row. */
  row(name: string, ok: boolean, detail = ''): boolean {
    if (ok) {
      this.passed++;
      this.#print(`  ✓ ${name}`);
    } else {
      this.failed++;
      this.#print(`  ✗ ${name}`);
      if (detail !== '') this.#print(indent(detail.trimEnd()));
    }
    return ok;
  }

  /** Runs `check`, a row that passes unless it throws; the error's message is the detail. */
  attempt(name: string, check: () => void): boolean {
    try {
      check();
      return this.row(name, true);
    } catch (err) {
      return this.row(name, false, err instanceof Error ? err.message : String(err));
    }
  }

  /** Prints the closing line and returns the exit code: 1 when a row failed or none ran. */
  finish(): number {
    console.log(`${this.passed} passed, ${this.failed} failed`);
    return this.failed === 0 && this.passed > 0 ? 0 : 1;
  }
}

function indent(s: string): string {
  return s
    .split('\n')
    .map((l) => `      ${l}`)
    .join('\n');
}

/** The last `N passed, N failed` line of a script's output, or undefined when it printed none. */
export function countRows(output: string): { passed: number; failed: number } | undefined {
  let found: { passed: number; failed: number } | undefined;
  for (const m of output.matchAll(/^(\d+) passed, (\d+) failed/gm)) {
    found = { passed: Number(m[1]), failed: Number(m[2]) };
  }
  return found;
}
