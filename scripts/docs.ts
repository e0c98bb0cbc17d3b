/**
 * The API reference: TypeDoc, from the doc comments, for exactly what the packages export.
 *
 * For each package TypeDoc (tools/release's install, on TypeScript 5.9) converts the source files
 * its `exports` map points at — the `@servehttp/source` targets, so `exports` is the one list of
 * entry points — with the package's own tsconfig.json, names each entry module by its import
 * specifier (tools/release/typedoc-module-names.mjs), validates that every exported symbol and
 * member has a doc comment (`validation.notDocumented`), and writes a JSON model. The five models
 * are then merged and rendered as Markdown (typedoc-plugin-markdown) into docs/api/, which is
 * committed: the README links to it, a clean clone and the GitHub file view show it without a build,
 * and the published packages' docs are readable offline. Source links are off, so the pages change
 * only when a comment or a signature does.
 *
 *   bun scripts/docs.ts           regenerate docs/api/ (the release flow runs this after versioning)
 *   bun scripts/docs.ts --check   CI: generate into a temporary folder; a row per package fails
 *                                 when an export is undocumented (each one listed); says whether
 *                                 docs/api/ is current (not a failure: it is refreshed at release)
 *   … --strict                    also fail on the known gaps
 *
 * "Documented" is TypeDoc's `notDocumented` rule, which is strict: every exported declaration,
 * every member of an exported class or interface, every property of an object type written inline
 * in an exported signature, and a setter whose getter has the comment. The gaps the packages had
 * when this check arrived are listed in tools/release/undocumented-baseline.json, owned by the
 * packages' authors to burn down: anything not on that list fails, and an entry that got documented
 * is reported so the list only shrinks.
 *
 * Ends with `N passed, N failed`.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { type Pkg, Rows, readPackages, releaseBin, releaseTools, root } from './release-lib.ts';

const apiDir = join(root, 'docs/api');
const plugin = join(releaseTools, 'typedoc-module-names.mjs');
const baselineFile = join(releaseTools, 'undocumented-baseline.json');

/**
 * A package's entry points: each `exports` subpath (but ./package.json) mapped to the source file
 * of its `@servehttp/source` condition, by absolute path, with the specifier a user imports.
 */
export function entryPoints(p: Pkg): { file: string; specifier: string }[] {
  const out: { file: string; specifier: string }[] = [];
  for (const [key, target] of Object.entries(p.manifest.exports ?? {})) {
    if (key === './package.json') continue;
    const src =
      target !== null && typeof target === 'object'
        ? (target as Record<string, unknown>)['@servehttp/source']
        : undefined;
    if (typeof src !== 'string') {
      throw new Error(
        `docs: ${p.manifest.name} exports "${key}" has no @servehttp/source condition`,
      );
    }
    out.push({
      file: join(p.dir, src),
      specifier: key === '.' ? p.manifest.name : `${p.manifest.name}/${key.slice(2)}`,
    });
  }
  return out;
}

/** TypeDoc's notDocumented warnings in a log, as `Name.member (Kind)` keys. */
export function undocumented(log: string): string[] {
  return [
    ...log.matchAll(
      /^.*?\[warning\]\S*\s*(.+?), defined in .* does not have any documentation\s*$/gm,
    ),
  ].map((m) => m[1] ?? '');
}

/**
 * Splits what TypeDoc found undocumented against the known gaps: `fresh` fails the check, `fixed`
 * (listed but documented now) only asks for the list to shrink.
 */
export function againstBaseline(
  found: readonly string[],
  known: readonly string[],
): { fresh: string[]; fixed: string[] } {
  const k = new Set(known);
  const f = new Set(found);
  return { fresh: found.filter((x) => !k.has(x)), fixed: known.filter((x) => !f.has(x)) };
}

function readBaseline(): Record<string, string[]> {
  return existsSync(baselineFile)
    ? (JSON.parse(readFileSync(baselineFile, 'utf8')) as Record<string, string[]>)
    : {};
}

/** The other warnings of a log (broken `{@link}`s, types referenced but not exported). */
export function otherWarnings(log: string): string[] {
  return log
    .split('\n')
    .filter(
      (l) => /\[warning\]/.test(l) && !/does not have any documentation|Found \d+ errors/.test(l),
    )
    .map((l) => l.replace(/^\S*\[warning\]\S*\s*/, ''))
    .filter((l) => !l.startsWith('The provided git remote'));
}

async function typedoc(args: string[]): Promise<{ code: number; out: string }> {
  const p = Bun.spawn([releaseBin('typedoc'), ...args], {
    cwd: releaseTools,
    stdout: 'pipe',
    stderr: 'pipe',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  const [out, err, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  return { code, out: `${out}${err}` };
}

/** Converts one package to a JSON model in `work`, returning TypeDoc's exit code and log. */
async function convert(p: Pkg, work: string): Promise<{ json: string; code: number; out: string }> {
  const entries = entryPoints(p);
  const json = join(work, `${p.folder}.json`);
  const options = join(work, `${p.folder}.typedoc.json`);
  writeFileSync(
    options,
    JSON.stringify({
      name: p.manifest.name,
      tsconfig: join(p.dir, 'tsconfig.json'),
      entryPointStrategy: 'resolve',
      entryPoints: entries.map((e) => e.file),
      plugin: [plugin],
      servehttpModuleNames: Object.fromEntries(entries.map((e) => [e.file, e.specifier])),
      readme: 'none',
      // tsc -b has type-checked these sources already; TypeDoc's own pass would double the time.
      skipErrorChecking: true,
      disableSources: true,
      excludePrivate: true,
      excludeInternal: true,
      packagesRequiringDocumentation: [p.manifest.name],
      validation: { notExported: true, invalidLink: true, notDocumented: true },
      json,
      logLevel: 'Warn',
    }),
  );
  const r = await typedoc(['--options', options]);
  return { json, ...r };
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const f = join(d, name);
      if (statSync(f).isDirectory()) walk(f);
      else out.push(relative(dir, f));
    }
  };
  walk(dir);
  return out.sort();
}

/** Relative Markdown links in the tree under `dir` whose target file does not exist. */
export function brokenLinks(dir: string): string[] {
  const broken: string[] = [];
  for (const f of listFiles(dir).filter((x) => x.endsWith('.md'))) {
    const text = readFileSync(join(dir, f), 'utf8');
    for (const m of text.matchAll(/\]\(([^)#\s]+\.md)(?:#[^)]*)?\)/g)) {
      const target = m[1] ?? '';
      if (/^[a-z]+:/i.test(target)) continue;
      if (!existsSync(join(dir, dirname(f), target))) broken.push(`${f} → ${target}`);
    }
  }
  return broken;
}

/** The files that differ between two generated trees (added, removed or changed). */
export function treeDiff(a: string, b: string): string[] {
  const fa = listFiles(a);
  const fb = new Set(listFiles(b));
  const changed = fa.filter(
    (f) => !fb.has(f) || !readFileSync(join(a, f)).equals(readFileSync(join(b, f))),
  );
  const gone = [...fb].filter((f) => !fa.includes(f));
  return [...changed, ...gone].sort();
}

/**
 * Generates the docs into `out`; one row per package and one for the render. `strict` ignores the
 * baseline of known gaps.
 */
export async function generate(rows: Rows, out: string, strict: boolean): Promise<void> {
  const baseline = strict ? {} : readBaseline();
  const work = mkdtempSync(join(tmpdir(), 'servehttp-docs-'));
  try {
    const pkgs = readPackages();
    // Two at a time: each conversion is one TypeScript program, and the machine has two cores.
    const results: Awaited<ReturnType<typeof convert>>[] = [];
    for (let i = 0; i < pkgs.length; i += 2) {
      results.push(...(await Promise.all(pkgs.slice(i, i + 2).map((p) => convert(p, work)))));
    }
    const models: string[] = [];
    pkgs.forEach((p, i) => {
      const r = results[i] as (typeof results)[number];
      const known = baseline[p.manifest.name] ?? [];
      const { fresh, fixed } = againstBaseline(undocumented(r.out), known);
      const converted = r.code === 0 && existsSync(r.json);
      if (converted) models.push(r.json);
      const gaps = known.length > 0 ? `; ${known.length} known gaps in the baseline` : '';
      rows.row(
        `${p.manifest.name}: every export has a doc comment (${entryPoints(p).length} entry points${gaps})`,
        converted && fresh.length === 0,
        fresh.length > 0
          ? `${fresh.length} exported symbols or members have no doc comment:\n${fresh.join('\n')}`
          : `typedoc exited ${r.code}:\n${r.out}`,
      );
      const notes = otherWarnings(r.out);
      for (const x of fixed) {
        notes.push(`documented now, delete from tools/release/undocumented-baseline.json: ${x}`);
      }
      if (notes.length > 0) {
        console.log(
          `    notes for ${p.manifest.name} (not failures):\n${notes.map((n) => `      ${n}`).join('\n')}`,
        );
      }
    });
    if (models.length !== pkgs.length) {
      rows.row('render docs/api as Markdown', false, 'a package did not convert');
      return;
    }
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    const r = await typedoc([
      '--entryPointStrategy',
      'merge',
      ...models.flatMap((m) => ['--entryPoints', m]),
      '--plugin',
      'typedoc-plugin-markdown',
      '--name',
      'servehttp API',
      '--readme',
      'none',
      '--disableSources',
      // One page per module (30 pages, not 400): readable on GitHub, small diffs at release.
      '--outputFileStrategy',
      'modules',
      '--excludeScopesInPaths',
      '--logLevel',
      'Error',
      '--out',
      out,
    ]);
    if (
      rows.row(
        'render the merged API reference as Markdown',
        r.code === 0 && existsSync(join(out, 'README.md')),
        r.out,
      )
    ) {
      const broken = brokenLinks(out);
      rows.row('every link between the API pages resolves', broken.length === 0, broken.join('\n'));
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const rows = new Rows();
  if (process.argv.includes('--check')) {
    const out = mkdtempSync(join(tmpdir(), 'servehttp-docs-out-'));
    try {
      await generate(rows, out, process.argv.includes('--strict'));
      if (rows.failed === 0) {
        const diff = treeDiff(out, apiDir);
        console.log(
          diff.length === 0
            ? '    docs/api/ is current'
            : `    docs/api/ differs from the doc comments in ${diff.length} files (refreshed at each release; \`bun scripts/docs.ts\` now): ${diff.slice(0, 5).join(', ')}${diff.length > 5 ? ', …' : ''}`,
        );
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  } else {
    await generate(rows, apiDir, process.argv.includes('--strict'));
    console.log(`docs: wrote ${relative(root, apiDir)}/`);
  }
  process.exit(rows.finish());
}
