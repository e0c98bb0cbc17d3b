import { afterAll, expect, test } from 'bun:test';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// Runs the real `changeset version` (through Bun, since changesets 3 refuses Node 20) on a copy of
// the repository (bun.lockb included: it is how the workspace is recognised), and checks what the release flow promises: the five packages move together as
// one fixed group, internal ranges follow, and each package gets a CHANGELOG.
const root = resolve(import.meta.dir, '..');
const tmp = mkdtempSync(join(tmpdir(), 'servehttp-release-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const names = ['http-parser', 'core-listener', 'servemux', 'gin-router', 'middleware-kit'];

test('changeset version bumps all five packages together', () => {
  for (const f of ['package.json', 'bunfig.toml', 'bun.lockb', '.changeset']) {
    cpSync(join(root, f), join(tmp, f), { recursive: true });
  }
  for (const dir of [...names.map((n) => `packages/${n}`), 'apps/demo']) {
    cpSync(join(root, dir, 'package.json'), join(tmp, dir, 'package.json'));
  }
  symlinkSync(join(root, 'node_modules'), join(tmp, 'node_modules'));
  const before = JSON.parse(
    readFileSync(join(root, 'packages/core-listener/package.json'), 'utf8'),
  );

  const p = Bun.spawnSync([process.execPath, 'x', '--bun', 'changeset', 'version'], {
    cwd: tmp,
    stdout: 'pipe',
    stderr: 'pipe',
    env: { ...process.env, CI: 'true' },
  });
  expect(p.stderr.toString()).not.toContain('rror');
  expect(p.exitCode).toBe(0);

  const versions = names.map(
    (n) => JSON.parse(readFileSync(join(tmp, 'packages', n, 'package.json'), 'utf8')).version,
  );
  expect(new Set(versions).size).toBe(1);
  expect(versions[0]).not.toBe(before.version);
  for (const n of names) {
    const changelog = join(tmp, 'packages', n, 'CHANGELOG.md');
    expect(existsSync(changelog)).toBe(true);
    expect(readFileSync(changelog, 'utf8')).toContain(`# @servehttp/${n}`);
  }
  // The private demo is not released.
  const demo = JSON.parse(readFileSync(join(tmp, 'apps/demo/package.json'), 'utf8'));
  expect(demo.version).toBe('0.0.0');
  // Consumed changesets are removed, the config stays.
  expect(existsSync(join(tmp, '.changeset/first-release.md'))).toBe(false);
  expect(existsSync(join(tmp, '.changeset/config.json'))).toBe(true);
}, 60_000);

test('the fixed group names exactly the five packages', () => {
  const config = JSON.parse(readFileSync(join(root, '.changeset/config.json'), 'utf8'));
  expect(config.fixed).toEqual([names.map((n) => `@servehttp/${n}`)]);
  expect(config.access).toBe('public');
  expect(config.baseBranch).toBe('main');
});
