/**
 * The release flow, scripted (CONTRIBUTING.md "Releasing" says when to run what):
 *
 *   bun scripts/release.ts version            changeset version (the five move together: one fixed
 *                                             group in .changeset/config.json), bun install for the
 *                                             lockfile, docs/api regenerated. Review, then commit.
 *   bun scripts/release.ts publish            on that commit, clean tree: rebuild dist from scratch,
 *                                             check the tarballs (scripts/release-check.ts), then
 *                                             `bun publish` each package in dependency order,
 *                                             skipping one already on the registry (so a failed
 *                                             run can be rerun), and tag each `@servehttp/<pkg>@<v>`.
 *                                             Pushing the tags is left to you: `git push --follow-tags`.
 *   bun scripts/release.ts publish --dry-run  the same with `bun publish --dry-run`, no tag made.
 *   bun scripts/release.ts --dry-run          CI: all of it on a throwaway clone of HEAD — a
 *                                             changeset if none is pending, version, commit,
 *                                             publish --dry-run — checking that the versions moved
 *                                             together, changelogs were written, every package
 *                                             "published" in order, the tags are valid, and this
 *                                             repository was not touched. Rows, then
 *                                             `N passed, N failed`.
 *
 * Never `changeset publish`: it publishes with npm, which ships `workspace:*` ranges verbatim, so
 * the packages would install nowhere. `bun publish` packs like `bun pm pack`, rewriting them to the
 * versions they point at (release-check verifies that in each tarball).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  PACKAGES,
  publishOrder,
  Rows,
  readPackages,
  releaseTools,
  root,
  run,
  tagOf,
} from './release-lib.ts';

const bun = process.execPath;

function must(title: string, cmd: string[], cwd: string, env?: Record<string, string>): string {
  console.log(`── ${title}: ${cmd.join(' ')}`);
  const r = run(cmd, { cwd, env, timeoutMs: 300_000 });
  if (r.code !== 0) {
    console.log(r.out);
    throw new Error(`release: ${title} failed (exit ${r.code})`);
  }
  return r.out;
}

/** The changeset files waiting to be versioned in `base`/.changeset. */
export function pendingChangesets(base: string): string[] {
  const dir = join(base, '.changeset');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.md') && f !== 'README.md');
}

/** The one version the five packages share; throws when they differ (the fixed group broke). */
export function sharedVersion(base: string): string {
  const versions = new Set(readPackages(base).map((p) => p.manifest.version));
  if (versions.size !== 1) {
    throw new Error(`release: the packages' versions differ (${[...versions].join(', ')})`);
  }
  return [...versions][0] as string;
}

function version(base: string, docs: boolean): void {
  const pending = pendingChangesets(base);
  if (pending.length === 0) {
    throw new Error('release: no changeset is pending; add one with `bun run changeset`');
  }
  const before = sharedVersion(base);
  // changesets 3 refuses Node 20, so it runs on Bun.
  must('changeset version', [bun, 'x', '--bun', 'changeset', 'version'], base, { CI: 'true' });
  must('bun install (lockfile)', [bun, 'install'], base);
  if (docs) must('API docs', [bun, 'scripts/docs.ts'], base);
  const after = sharedVersion(base);
  console.log(`release: ${before} → ${after} for ${PACKAGES.length} packages.`);
  console.log(
    `Review the changelogs, then commit them all: git add -A && git commit -m "Release ${after}"`,
  );
}

function publish(base: string, dryRun: boolean): void {
  const status = run(['git', 'status', '--porcelain'], { cwd: base });
  if (status.code !== 0 || status.out.trim() !== '') {
    throw new Error(`release: commit first; the work tree is not clean:\n${status.out}`);
  }
  const pending = pendingChangesets(base);
  if (pending.length > 0) {
    throw new Error(`release: run \`version\` first; pending changesets: ${pending.join(', ')}`);
  }
  const v = sharedVersion(base);
  const pkgs = publishOrder(readPackages(base));
  for (const p of pkgs) rmSync(join(p.dir, 'dist'), { recursive: true, force: true });
  must(
    'build',
    [join(base, 'node_modules/.bin/tsc'), '-b', ...pkgs.map((p) => `packages/${p.folder}`)],
    base,
  );
  must('check the tarballs', [bun, 'scripts/release-check.ts'], base);
  for (const p of pkgs) {
    const tag = tagOf(p.manifest);
    const known = dryRun
      ? undefined
      : run(['npm', 'view', `${p.manifest.name}@${v}`, 'version'], { cwd: base });
    if (known !== undefined && known.code === 0 && known.out.trim() === v) {
      console.log(`── ${p.manifest.name}@${v} is on the registry already; skipped`);
    } else {
      const cmd = [bun, 'publish', ...(dryRun ? ['--dry-run'] : [])];
      // A dry run sends nothing, but bun asks for a token before it gets that far: give a dummy.
      const env = dryRun ? { NPM_CONFIG_TOKEN: 'dry-run' } : undefined;
      const out = must(`publish ${p.manifest.name}`, cmd, p.dir, env);
      if (!out.includes(`${p.manifest.name}@${v}`)) {
        throw new Error(`release: bun publish did not report ${p.manifest.name}@${v}:\n${out}`);
      }
      console.log(`   published ${p.manifest.name}@${v}${dryRun ? ' (dry run)' : ''}`);
    }
    const valid = run(['git', 'check-ref-format', `refs/tags/${tag}`], { cwd: base });
    if (valid.code !== 0) throw new Error(`release: ${tag} is not a valid tag name`);
    const exists = run(['git', 'rev-parse', '-q', '--verify', `refs/tags/${tag}`], { cwd: base });
    if (exists.code === 0) console.log(`   tag ${tag} exists`);
    else if (dryRun) console.log(`   tag ${tag} (dry run: not made)`);
    else must(`tag ${tag}`, ['git', 'tag', '-a', tag, '-m', tag], base);
  }
  console.log(
    `release: ${v} ${dryRun ? 'dry run done' : 'published'}; push the tags with: git push --follow-tags`,
  );
}

/**
 * What the dry run compares before and after, to prove this repository was left alone: HEAD, the
 * release tags, and every file the flow writes (manifests, lockfile, changelogs, changesets). Not
 * the whole `git status`: on a shared machine other work may change other files meanwhile.
 */
function repoState(): string {
  const files = [
    'package.json',
    'bun.lockb',
    ...PACKAGES.flatMap((p) => [`packages/${p}/package.json`, `packages/${p}/CHANGELOG.md`]),
    ...readdirSync(join(root, '.changeset')).map((f) => `.changeset/${f}`),
  ];
  const hashes = files.map((f) =>
    existsSync(join(root, f)) ? run(['git', 'hash-object', f], { cwd: root }).out.trim() : '-',
  );
  return [
    run(['git', 'rev-parse', 'HEAD'], { cwd: root }).out,
    run(['git', 'tag', '-l', '@servehttp/*'], { cwd: root }).out,
    ...files.map((f, i) => `${f} ${hashes[i]}`),
  ].join('\n');
}

function dryRun(): number {
  const rows = new Rows();
  const before = repoState();
  const copy = mkdtempSync(join(tmpdir(), 'servehttp-release-'));
  const git = ['git', '-c', 'user.name=release dry run', '-c', 'user.email=dry-run@invalid'];
  try {
    must('clone HEAD', ['git', 'clone', '-q', root, copy], root);
    // The release tools' install is read-only here; share it rather than install it again.
    if (existsSync(join(releaseTools, 'node_modules'))) {
      symlinkSync(join(releaseTools, 'node_modules'), join(copy, 'tools/release/node_modules'));
      // A symlink is not the node_modules/ folder .gitignore means; keep the copy's status clean.
      writeFileSync(join(copy, '.git/info/exclude'), 'tools/release/node_modules\n');
    }
    must('bun install --frozen-lockfile', [bun, 'install', '--frozen-lockfile'], copy);
    const from = sharedVersion(copy);
    if (pendingChangesets(copy).length === 0) {
      writeFileSync(
        join(copy, '.changeset/dry-run.md'),
        `---\n${PACKAGES.map((p) => `'@servehttp/${p}': patch`).join('\n')}\n---\n\nA dry run of the release flow.\n`,
      );
      console.log('   no changeset pending: the dry run adds a patch changeset');
    }
    rows.attempt('version: changeset version + bun install', () => version(copy, false));
    const pkgs = readPackages(copy);
    const to = pkgs[0]?.manifest.version ?? '';
    rows.row(
      `the five packages moved together: ${from} → ${to}`,
      to !== from && pkgs.every((p) => p.manifest.version === to),
      pkgs.map((p) => `${p.manifest.name}@${p.manifest.version}`).join('\n'),
    );
    rows.row(
      'each package has a CHANGELOG.md naming the version',
      pkgs.every((p) => existsSync(join(p.dir, 'CHANGELOG.md'))) &&
        pkgs.every(
          (p) =>
            Bun.spawnSync(['grep', '-q', `## ${to}`, join(p.dir, 'CHANGELOG.md')]).exitCode === 0,
        ),
    );
    rows.attempt('commit the version', () => {
      must('stage', ['git', 'add', '-A'], copy);
      must('commit', [...git, 'commit', '-q', '-m', `Release ${to} (dry run)`], copy);
    });
    rows.attempt(
      `publish --dry-run in order: ${publishOrder(pkgs)
        .map((p) => p.folder)
        .join(', ')}; tags ${tagOf(pkgs[0]?.manifest ?? { name: '?', version: to })} …`,
      () => publish(copy, true),
    );
  } catch (err) {
    rows.row('release dry run', false, err instanceof Error ? err.message : String(err));
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
  rows.row(
    'this repository is untouched (HEAD, tags, manifests, lockfile, changesets)',
    repoState() === before,
  );
  return rows.finish();
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const dry = args.includes('--dry-run');
  try {
    if (args[0] === 'version') version(root, !args.includes('--no-docs'));
    else if (args[0] === 'publish') publish(root, dry);
    else if (dry && args.length === 1) process.exit(dryRun());
    else {
      console.log('usage: bun scripts/release.ts version | publish [--dry-run] | --dry-run');
      process.exit(2);
    }
  } catch (err) {
    console.log(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
}
