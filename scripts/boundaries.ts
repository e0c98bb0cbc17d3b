/**
 * The package import table of DESIGN.md, and a checker that holds the repository to it.
 *
 * Three places must agree with the table, and each is checked: a package's `dependencies`, its
 * tsconfig `references` (which is what makes `tsc -b` refuse an undeclared import), and the
 * import specifiers actually written in its sources (tests included). Relative imports may not
 * leave the package: a package reaches another only through its public entry.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** Who may import whom, by package folder name (DESIGN.md "Packages and who may import whom"). */
export const importTable: Readonly<Record<string, readonly string[]>> = {
  'http-parser': [],
  'core-listener': ['http-parser'],
  servemux: ['core-listener'],
  'gin-router': ['core-listener'],
  'middleware-kit': ['core-listener'],
};

const scope = '@servehttp/';
const specifierPattern =
  /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*|\bexport\s+\*\s+from\s*)['"]([^'"]+)['"]/g;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(m|c)?[jt]sx?$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/** Returns one message per violation found under `root` (a repository checkout); empty = clean. */
export function checkBoundaries(root: string): string[] {
  const problems: string[] = [];
  const packagesDir = join(root, 'packages');
  const present = readdirSync(packagesDir).filter((n) =>
    statSync(join(packagesDir, n)).isDirectory(),
  );
  for (const name of present) {
    if (!(name in importTable)) {
      problems.push(
        `packages/${name}: not in the import table of DESIGN.md (scripts/boundaries.ts)`,
      );
    }
  }
  for (const [name, allowed] of Object.entries(importTable)) {
    const dir = join(packagesDir, name);
    const where = `packages/${name}`;
    if (!present.includes(name)) {
      problems.push(`${where}: missing`);
      continue;
    }
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<
      string,
      Record<string, string> | undefined
    >;
    for (const field of [
      'dependencies',
      'devDependencies',
      'peerDependencies',
      'optionalDependencies',
    ]) {
      const deps = Object.keys(pkg[field] ?? {})
        .filter((d) => d.startsWith(scope))
        .map((d) => d.slice(scope.length));
      const want = field === 'dependencies' ? allowed : [];
      if (!sameSet(deps, want)) {
        problems.push(
          `${where}/package.json: ${field} on @servehttp packages are [${deps.join(', ')}], the table allows [${want.join(', ')}]`,
        );
      }
    }
    const tsconfig = JSON.parse(readFileSync(join(dir, 'tsconfig.json'), 'utf8')) as {
      references?: { path: string }[];
    };
    const refs = (tsconfig.references ?? []).map((r) =>
      relative(packagesDir, resolve(dir, r.path)),
    );
    if (!sameSet(refs, allowed)) {
      problems.push(
        `${where}/tsconfig.json: references are [${refs.join(', ')}], the table allows [${allowed.join(', ')}]`,
      );
    }
    for (const file of sourceFiles(join(dir, 'src'))) {
      const text = readFileSync(file, 'utf8');
      const rel = relative(root, file);
      for (const m of text.matchAll(specifierPattern)) {
        const spec = m[1] as string;
        const line = text.slice(0, m.index).split('\n').length;
        if (spec.startsWith(scope)) {
          const target = spec.slice(scope.length).split('/')[0] as string;
          if (target !== name && !allowed.includes(target)) {
            problems.push(
              `${rel}:${line}: imports ${spec}, but ${name} may import only [${allowed.join(', ')}] (DESIGN.md)`,
            );
          }
        } else if (spec.startsWith('.')) {
          const to = resolve(dirname(file), spec);
          if (!(to + sep).startsWith(dir + sep)) {
            problems.push(
              `${rel}:${line}: relative import ${spec} leaves the package; import the other package's public entry`,
            );
          }
        }
      }
    }
  }
  return problems;
}

if (import.meta.main) {
  const root = resolve(import.meta.dir, '..');
  const problems = checkBoundaries(root);
  if (problems.length > 0) {
    console.error(`boundaries: ${problems.length} violation(s) of the import table:`);
    for (const p of problems) console.error(`  ${p}`);
    process.exit(1);
  }
  console.log(`boundaries: ${Object.keys(importTable).length} packages follow the import table`);
}
