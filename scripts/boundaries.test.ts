import { afterAll, describe, expect, test } from 'bun:test';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { checkBoundaries, importTable } from './boundaries.ts';

const root = resolve(import.meta.dir, '..');
const tmp = mkdtempSync(join(tmpdir(), 'servehttp-boundaries-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// A copy of the packages' manifests, tsconfigs and sources, to break on purpose.
function fixture(): string {
  const dir = mkdtempSync(join(tmp, 'repo-'));
  for (const name of Object.keys(importTable)) {
    for (const f of ['package.json', 'tsconfig.json', 'src']) {
      cpSync(join(root, 'packages', name, f), join(dir, 'packages', name, f), { recursive: true });
    }
  }
  return dir;
}

describe('checkBoundaries', () => {
  test('the repository follows the import table of DESIGN.md', () => {
    expect(checkBoundaries(root)).toEqual([]);
  });

  const breakages: [what: string, apply: (dir: string) => void, message: string][] = [
    [
      'a source import outside the table',
      (d) =>
        writeFileSync(
          join(d, 'packages/servemux/src/probe.ts'),
          "import { isToken } from '@servehttp/http-parser';\nexport const x = isToken;\n",
        ),
      'packages/servemux/src/probe.ts:1: imports @servehttp/http-parser, but servemux may import only [core-listener]',
    ],
    [
      'a test importing a sibling router',
      (d) =>
        writeFileSync(
          join(d, 'packages/gin-router/src/x.test.ts'),
          "const m = await import('@servehttp/servemux');\nexport { m };\n",
        ),
      'imports @servehttp/servemux, but gin-router may import only [core-listener]',
    ],
    [
      'a relative import into another package',
      (d) =>
        writeFileSync(
          join(d, 'packages/middleware-kit/src/probe.ts'),
          "export * from '../../core-listener/src/header.ts';\n",
        ),
      'relative import ../../core-listener/src/header.ts leaves the package',
    ],
    [
      'a dependency the table does not allow',
      (d) => {
        const p = join(d, 'packages/http-parser/package.json');
        const pkg = JSON.parse(readFileSync(p, 'utf8'));
        pkg.dependencies = { '@servehttp/core-listener': 'workspace:*' };
        writeFileSync(p, JSON.stringify(pkg));
      },
      'packages/http-parser/package.json: dependencies on @servehttp packages are [core-listener], the table allows []',
    ],
    [
      'a tsconfig reference the table does not allow',
      (d) => {
        const p = join(d, 'packages/servemux/tsconfig.json');
        const ts = JSON.parse(readFileSync(p, 'utf8'));
        ts.references.push({ path: '../gin-router' });
        writeFileSync(p, JSON.stringify(ts));
      },
      'packages/servemux/tsconfig.json: references are [core-listener, gin-router]',
    ],
    [
      'a package missing from the table',
      (d) => {
        cpSync(join(d, 'packages/servemux'), join(d, 'packages/extra'), { recursive: true });
      },
      'packages/extra: not in the import table',
    ],
  ];
  test.each(breakages)('reports %s', (_what, apply, message) => {
    const dir = fixture();
    expect(checkBoundaries(dir)).toEqual([]);
    apply(dir);
    const problems = checkBoundaries(dir);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join('\n')).toContain(message);
  });
});

describe('tsc -b refuses an import outside the table', () => {
  const tsc = join(root, 'node_modules/.bin/tsc');
  const run = (args: string[]) => {
    const p = Bun.spawnSync([tsc, ...args], { cwd: root, stdout: 'pipe', stderr: 'pipe' });
    return { code: p.exitCode, out: p.stdout.toString() + p.stderr.toString() };
  };

  // Type-checks one probe file inside packages/servemux with servemux's own settings and
  // references, so that the only thing that varies between the two rows is the import.
  const probe = (name: string, source: string) => {
    const file = join(root, 'packages/servemux/src', name);
    const config = join(tmp, `${name}.tsconfig.json`);
    writeFileSync(file, source);
    writeFileSync(
      config,
      JSON.stringify({
        extends: join(root, 'packages/servemux/tsconfig.json'),
        compilerOptions: {
          composite: false,
          noEmit: true,
          types: [],
          rootDir: join(root, 'packages/servemux/src'),
        },
        files: [file],
        include: [],
        exclude: [],
        references: [{ path: join(root, 'packages/core-listener') }],
      }),
    );
    try {
      return run(['-p', config]);
    } finally {
      rmSync(file, { force: true });
    }
  };

  test('built references first', () => {
    expect(run(['-b', 'packages/core-listener']).code).toBe(0);
  });

  test('an allowed import compiles (control)', () => {
    const r = probe(
      '__probe_allowed__.ts',
      "import { Header } from '@servehttp/core-listener';\nexport const h: Header = new Header();\n",
    );
    expect(r.out).toBe('');
    expect(r.code).toBe(0);
  });

  test('servemux importing http-parser fails to compile', () => {
    const r = probe(
      '__probe_forbidden__.ts',
      "import { isToken } from '@servehttp/http-parser';\nexport const t: boolean = isToken('x');\n",
    );
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/TS(2307|6307)/);
    expect(r.out).toContain('@servehttp/http-parser');
  });
});
