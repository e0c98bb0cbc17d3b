import { afterAll, expect, test } from 'bun:test';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { consumerManifest, specifiers } from './consumer.ts';
import { againstBaseline, brokenLinks, entryPoints, undocumented } from './docs.ts';
import { pendingChangesets, sharedVersion } from './release.ts';

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

// ── the release scripts' own logic (scripts/release-lib.ts, release-check.ts, docs.ts, consumer.ts) ──

import { exportTargets, strayFiles } from './release-check.ts';
import {
  countRows,
  type Manifest,
  manifestProblems,
  type Pkg,
  publishOrder,
  readPackages,
  tagOf,
} from './release-lib.ts';

const pkg = (name: string, deps: Record<string, string> = {}): Pkg => ({
  dir: `/x/${name}`,
  folder: name,
  manifest: { name: `@servehttp/${name}`, version: '1.0.0', dependencies: deps },
});

test('publish order of the real packages: each after the packages it depends on', () => {
  expect(publishOrder(readPackages()).map((p) => p.folder)).toEqual(names);
});

test.each([
  {
    what: 'input order kept between independent packages',
    pkgs: [pkg('b'), pkg('a')],
    order: ['b', 'a'],
  },
  {
    what: 'a dependent listed first goes after its dependency',
    pkgs: [pkg('mux', { '@servehttp/core': 'workspace:*' }), pkg('core')],
    order: ['core', 'mux'],
  },
  {
    what: 'third-party dependencies do not order anything',
    pkgs: [pkg('a', { jose: '6.0.0' }), pkg('b')],
    order: ['a', 'b'],
  },
])('publishOrder: $what', ({ pkgs, order }) => {
  expect(publishOrder(pkgs).map((p) => p.folder)).toEqual([...order]);
});

test.each([
  {
    what: 'a cycle',
    pkgs: [pkg('a', { '@servehttp/b': '1.0.0' }), pkg('b', { '@servehttp/a': '1.0.0' })],
    error: 'form a cycle',
  },
  {
    what: 'an internal package that is not released',
    pkgs: [pkg('a', { '@servehttp/ghost': '1.0.0' })],
    error: 'which is not released',
  },
])('publishOrder refuses $what', ({ pkgs, error }) => {
  expect(() => publishOrder(pkgs)).toThrow(error);
});

const versions = new Map([['@servehttp/core-listener', '0.2.0']]);
test.each([
  {
    what: 'bun pm pack output: internal range rewritten to the released version',
    m: {
      name: 'a',
      version: '0.2.0',
      dependencies: { '@servehttp/core-listener': '0.2.0', jose: '6.2.18' },
    },
    problems: [],
  },
  {
    what: 'changeset publish / npm pack output: workspace:* left in',
    m: { name: 'a', version: '0.2.0', dependencies: { '@servehttp/core-listener': 'workspace:*' } },
    problems: [
      'dependencies.@servehttp/core-listener is still "workspace:*"',
      'the release holds 0.2.0',
    ],
  },
  {
    what: 'an internal dependency on another version than the one released with it',
    m: { name: 'a', version: '0.2.0', peerDependencies: { '@servehttp/core-listener': '^0.1.0' } },
    problems: ['peerDependencies.@servehttp/core-listener is "^0.1.0", the release holds 0.2.0'],
  },
  {
    what: 'workspace: in devDependencies (npm ignores them, but it still leaks the monorepo)',
    m: {
      name: 'a',
      version: '0.2.0',
      devDependencies: { '@servehttp/core-listener': 'workspace:^' },
    },
    problems: ['devDependencies.@servehttp/core-listener is still "workspace:^"'],
  },
  {
    what: 'a private manifest',
    m: { name: 'a', version: '0.2.0', private: true },
    problems: ['it is private'],
  },
] as { what: string; m: Manifest; problems: string[] }[])(
  'manifestProblems: $what',
  ({ m, problems }) => {
    const got = manifestProblems(m, versions).join('\n');
    if (problems.length === 0) expect(got).toBe('');
    for (const p of problems) expect(got).toContain(p);
  },
);

test('tags are named as changesets names them', () => {
  expect(tagOf({ name: '@servehttp/servemux', version: '1.2.3' })).toBe(
    '@servehttp/servemux@1.2.3',
  );
});

test.each([
  {
    what: 'the last closing line wins',
    out: '3 passed, 1 failed\nmore\n20 passed, 0 failed\n',
    want: { passed: 20, failed: 0 },
  },
  {
    what: 'a line inside other text does not count',
    out: 'tests: 3 passed, 1 failed\n',
    want: undefined,
  },
  { what: 'no closing line (a crash)', out: 'TypeError: x\n', want: undefined },
])('countRows: $what', ({ out, want }) => {
  expect(countRows(out)).toEqual(want);
});

test('exportTargets lists every condition of every subpath', () => {
  const m = readPackages().find((p) => p.folder === 'core-listener') as Pkg;
  expect(exportTargets(m.manifest.exports)).toEqual([
    'dist/httptest.d.ts',
    'dist/httptest.js',
    'dist/index.d.ts',
    'dist/index.js',
    'package.json',
    'src/httptest.ts',
    'src/index.ts',
  ]);
});

test.each([
  { file: 'src/tree.test.ts', stray: true },
  { file: 'src/server.test-util.ts', stray: true },
  { file: 'dist/tree.test.js', stray: true },
  { file: 'dist/.tsbuildinfo', stray: true },
  { file: 'src/testdata/index.html', stray: true },
  { file: 'src/tree.ts', stray: false },
  { file: 'dist/testing.js', stray: false },
])('strayFiles: $file → $stray', ({ file, stray }) => {
  expect(strayFiles([file])).toEqual(stray ? [file] : []);
});

test('docs entry points are the exports map: one module per subpath, named as imported', () => {
  const kit = readPackages().find((p) => p.folder === 'middleware-kit') as Pkg;
  const entries = entryPoints(kit);
  expect(entries.length).toBe(Object.keys(kit.manifest.exports ?? {}).length - 1);
  expect(entries).toContainEqual({
    file: `${kit.dir}/src/cors/index.ts`,
    specifier: '@servehttp/middleware-kit/cors',
  });
  expect(entries).toContainEqual({
    file: `${kit.dir}/src/index.ts`,
    specifier: '@servehttp/middleware-kit',
  });
});

test('docs: TypeDoc notDocumented lines become keys; the baseline only lets known gaps through', () => {
  const log = [
    '[warning] ByteRange.start (Property), defined in @servehttp/servemux/src/serve-content.ts, does not have any documentation',
    '\u001b[93m[warning]\u001b[0m @servehttp/core-listener.Request.url (SetSignature), defined in @servehttp/core-listener/src/request.ts, does not have any documentation',
    '[warning] The comment for parseRange links to "errNoOverlap" which was resolved but is not included in the documentation.',
  ].join('\n');
  const found = undocumented(log);
  expect(found).toEqual([
    'ByteRange.start (Property)',
    '@servehttp/core-listener.Request.url (SetSignature)',
  ]);
  expect(againstBaseline(found, ['ByteRange.start (Property)', 'Gone.member (Property)'])).toEqual({
    fresh: ['@servehttp/core-listener.Request.url (SetSignature)'],
    fixed: ['Gone.member (Property)'],
  });
});

test('the docs baseline names only the five packages', () => {
  const baseline = JSON.parse(
    readFileSync(join(root, 'tools/release/undocumented-baseline.json'), 'utf8'),
  );
  for (const key of Object.keys(baseline))
    expect(names.map((n) => `@servehttp/${n}`)).toContain(key);
});

test('the consumer project forces every @servehttp package to its tarball', () => {
  const tarballs = new Map(
    names.map((n) => [`@servehttp/${n}`, `/tmp/p/servehttp-${n}-1.0.0.tgz`]),
  );
  const m = JSON.parse(consumerManifest(tarballs, '20.19.43'));
  expect(m.dependencies['@servehttp/servemux']).toBe('file:/tmp/p/servehttp-servemux-1.0.0.tgz');
  expect(m.overrides).toEqual(Object.fromEntries([...tarballs].map(([k, v]) => [k, `file:${v}`])));
  expect(m.dependencies['@types/node']).toBe('20.19.43');
  expect(m.type).toBe('module');
});

test('consumer specifiers: every exports subpath of every package', () => {
  const s = specifiers(readPackages());
  expect(s).toContain('@servehttp/core-listener/httptest');
  expect(s).toContain('@servehttp/middleware-kit/rate-limit');
  expect(s).not.toContain('@servehttp/servemux/package.json');
  expect(new Set(s).size).toBe(s.length);
});

test('pending changesets: the .md files but the README; the shared version of the five', () => {
  const base = mkdtempSync(join(tmpdir(), 'servehttp-pending-'));
  try {
    mkdirSync(join(base, '.changeset'));
    for (const f of ['README.md', 'config.json', 'brave-cats.md']) {
      writeFileSync(join(base, '.changeset', f), '');
    }
    expect(pendingChangesets(base)).toEqual(['brave-cats.md']);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
  expect(sharedVersion(root)).toMatch(/^\d+\.\d+\.\d+/);
});

test('docs: a relative link to a page that does not exist is reported, anchors and URLs are not', () => {
  const dir = mkdtempSync(join(tmpdir(), 'servehttp-links-'));
  try {
    mkdirSync(join(dir, 'kit'));
    writeFileSync(
      join(dir, 'README.md'),
      '[kit](kit/README.md) [gone](gone.md) [web](https://x.dev/a.md)',
    );
    writeFileSync(
      join(dir, 'kit/README.md'),
      '[up](../README.md#modules) [self](#top) [lost](cors.md#cors)',
    );
    expect(brokenLinks(dir)).toEqual(['README.md → gone.md', 'kit/README.md → cors.md']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
