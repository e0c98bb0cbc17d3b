/**
 * The consumer test: what `npm install @servehttp/servemux` gives a user, outside the monorepo.
 *
 * It takes the five packed tarballs (scripts/release-check.ts `--out DIR`, or packs them itself),
 * and for each of two fresh projects in a temporary directory — one installed by **npm** and run
 * on **Node.js** (the machine's, 20 in CI), one installed and run by **Bun** — it:
 *
 * 1. installs the tarballs (their third-party dependencies come from the registry; the
 *    `@servehttp/*` ones are forced to the tarballs, so nothing of ours is fetched);
 * 2. checks each package resolves to its `dist/` under the runtime's default conditions (the
 *    in-repo `@servehttp/source` condition must never be picked by a consumer);
 * 3. type-checks tools/release/consumer/server.ts with the repository's TypeScript 7 and with
 *    TypeScript 5.9, under `module: nodenext` and under `moduleResolution: bundler`, with
 *    `skipLibCheck: false` so our own `.d.ts` files are checked too;
 * 4. starts that file (Node: tsc's output; Bun: the .ts) — a ServeMux behind middleware-kit's
 *    `chain`, and a gin Engine with middleware-kit inside — and sends real requests with fetch,
 *    checking each answer against what Go's ServeMux / gin / rs/cors answer;
 * 5. kills the server by PID and removes the project.
 *
 * Usage: `bun scripts/consumer.ts [--tarballs DIR]`. Ends with `N passed, N failed`.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Pkg,
  pack,
  Rows,
  readPackages,
  releaseBin,
  releaseTools,
  root,
  run,
} from './release-lib.ts';

const fixture = join(releaseTools, 'consumer');
const origin = 'https://app.example';

/** One way a user installs and runs the packages. */
interface Flavor {
  name: string;
  install: string[];
  /** The command that prints each import specifier's resolved URL. */
  resolve: (specifiers: string[]) => string[];
  /** Starts the fixture server. */
  start: string[];
}

const flavors: Flavor[] = [
  {
    name: 'npm + node',
    install: ['npm', 'install', '--no-audit', '--no-fund', '--loglevel=error'],
    resolve: (s) => [
      'node',
      '--input-type=module',
      '-e',
      `for (const s of ${JSON.stringify(s)}) console.log(import.meta.resolve(s));`,
    ],
    start: ['node', 'out/server.js'],
  },
  {
    name: 'bun',
    install: [process.execPath, 'install'],
    resolve: (s) => [
      process.execPath,
      '-e',
      `for (const s of ${JSON.stringify(s)}) console.log(import.meta.resolve(s));`,
    ],
    start: [process.execPath, 'server.ts'],
  },
];

/** The consumer project's package.json: the tarballs as dependencies, and forced as overrides. */
export function consumerManifest(tarballs: ReadonlyMap<string, string>, typesNode: string): string {
  const deps: Record<string, string> = {};
  for (const [name, tgz] of tarballs) deps[name] = `file:${tgz}`;
  return `${JSON.stringify(
    {
      name: 'servehttp-consumer',
      private: true,
      type: 'module',
      dependencies: { ...deps, '@types/node': typesNode },
      // npm and Bun both honour `overrides`: an internal range in a tarball ("0.0.0") resolves to
      // the tarball, never to whatever the registry holds under that name.
      overrides: deps,
    },
    null,
    2,
  )}\n`;
}

/** Every import specifier the packages export (`exports` keys other than ./package.json). */
export function specifiers(pkgs: readonly Pkg[]): string[] {
  return pkgs.flatMap((p) =>
    Object.keys(p.manifest.exports ?? {})
      .filter((k) => k !== './package.json')
      .map((k) => (k === '.' ? p.manifest.name : `${p.manifest.name}/${k.slice(2)}`)),
  );
}

/** What one request must get back. */
interface Expect {
  server: 'mux' | 'gin';
  method: string;
  path: string;
  body?: string;
  headers?: Record<string, string>;
  status: number;
  text?: string;
  /** Response headers that must equal these values (`''` means: present, any value). */
  has?: Record<string, string>;
  why: string;
}

// What the references answer, for the routes tools/release/consumer/server.ts registers.
const requests: Expect[] = [
  {
    server: 'mux',
    method: 'GET',
    path: '/hello/gopher',
    status: 200,
    text: 'Hello, gopher!',
    has: { 'x-request-id-seen': '', 'x-request-id': '' },
    why: 'a {name} wildcard; requestID (chi RequestID) ran in the chain',
  },
  {
    server: 'mux',
    method: 'POST',
    path: '/echo',
    body: 'ping',
    status: 200,
    text: 'POST 4 ping',
    has: { 'content-type': 'text/plain; charset=utf-8' },
    why: 'a request body read by the handler',
  },
  {
    server: 'mux',
    method: 'GET',
    path: '/nowhere',
    status: 404,
    text: '404 page not found\n',
    why: "Go's NotFound",
  },
  {
    server: 'mux',
    method: 'DELETE',
    path: '/hello/x',
    status: 405,
    text: 'Method Not Allowed\n',
    has: { allow: 'GET, HEAD' },
    why: 'Go 1.22: 405 with Allow listing the methods that match',
  },
  {
    server: 'mux',
    method: 'GET',
    path: '/panic',
    status: 500,
    why: 'recovery (chi Recoverer) turns a throw into 500',
  },
  {
    server: 'gin',
    method: 'GET',
    path: '/user/42',
    headers: { origin },
    status: 200,
    text: '{"id":"42","token":true}',
    has: {
      'content-type': 'application/json; charset=utf-8',
      'access-control-allow-origin': origin,
      'x-request-id': '',
      'x-content-type-options': 'nosniff',
    },
    why: "gin's c.JSON; rs/cors echoes an allowed origin; Hono's secureHeaders around the Engine",
  },
  {
    server: 'gin',
    method: 'OPTIONS',
    path: '/user/42',
    headers: { origin, 'access-control-request-method': 'GET' },
    status: 204,
    has: { 'access-control-allow-origin': origin },
    why: 'rs/cors answers a preflight itself with 204, no OPTIONS route needed',
  },
  {
    server: 'gin',
    method: 'GET',
    path: '/nowhere',
    status: 404,
    text: '404 page not found',
    why: "gin's default 404 body (no newline, unlike Go)",
  },
  {
    server: 'gin',
    method: 'GET',
    path: '/panic',
    status: 500,
    why: "gin's Recovery",
  },
];

interface Started {
  mux: number;
  gin: number;
  recorder: string;
  runtime: string;
}

/** Starts the fixture server and resolves with the JSON line it prints, or rejects in 15 s. */
async function start(
  flavor: Flavor,
  cwd: string,
): Promise<{ proc: Bun.Subprocess; info: Started }> {
  const proc = Bun.spawn(flavor.start, {
    cwd,
    stdout: 'pipe',
    stderr: 'pipe',
    env: { ...process.env, GIN_MODE: 'release' },
  });
  const reader = (proc.stdout as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let seen = '';
  const deadline = Date.now() + 15_000;
  try {
    while (Date.now() < deadline) {
      const timer = new Promise<'timeout'>((r) =>
        setTimeout(() => r('timeout'), deadline - Date.now()),
      );
      const next = await Promise.race([reader.read(), timer]);
      if (next === 'timeout' || next.done) break;
      seen += decoder.decode(next.value, { stream: true });
      const line = seen.split('\n').find((l) => l.startsWith('{') && l.endsWith('}'));
      if (line !== undefined) return { proc, info: JSON.parse(line) as Started };
    }
  } catch (err) {
    proc.kill();
    throw err;
  }
  proc.kill();
  const stderr = await new Response(proc.stderr as ReadableStream<Uint8Array>).text();
  throw new Error(`the server printed no ports in 15 s\nstdout: ${seen}\nstderr: ${stderr}`);
}

async function exchange(port: number, e: Expect): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}${e.path}`, {
    method: e.method,
    headers: e.headers,
    body: e.body,
    signal: AbortSignal.timeout(5000),
  });
  const text = await res.text();
  const problems: string[] = [];
  if (res.status !== e.status) problems.push(`status ${res.status}, want ${e.status}`);
  if (e.text !== undefined && text !== e.text) {
    problems.push(`body ${JSON.stringify(text)}, want ${JSON.stringify(e.text)}`);
  }
  for (const [k, v] of Object.entries(e.has ?? {})) {
    const got = res.headers.get(k);
    if (got === null || (v !== '' && got !== v)) {
      problems.push(
        `header ${k}: ${JSON.stringify(got)}, want ${v === '' ? 'present' : JSON.stringify(v)}`,
      );
    }
  }
  if (problems.length > 0) throw new Error(problems.join('\n'));
}

/** Installs, type-checks, runs and queries one flavor's project. */
async function consumer(
  rows: Rows,
  flavor: Flavor,
  tarballs: ReadonlyMap<string, string>,
  pkgs: readonly Pkg[],
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'servehttp-consumer-'));
  const label = (s: string) => `${flavor.name}: ${s}`;
  let proc: Bun.Subprocess | undefined;
  try {
    cpSync(fixture, dir, { recursive: true });
    const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    writeFileSync(
      join(dir, 'package.json'),
      consumerManifest(tarballs, rootManifest.devDependencies['@types/node']),
    );
    const installed = run(flavor.install, { cwd: dir, timeoutMs: 120_000 });
    if (!rows.row(label('install the five tarballs'), installed.code === 0, installed.out)) return;

    const specs = specifiers(pkgs);
    const resolved = run(flavor.resolve(specs), { cwd: dir });
    rows.attempt(label(`${specs.length} import specifiers resolve to dist/, not src/`), () => {
      if (resolved.code !== 0) throw new Error(resolved.out);
      const urls = resolved.out.trim().split('\n');
      const wrong = specs.filter((s, i) => {
        const pkg = s.split('/').slice(0, 2).join('/');
        return !(urls[i] ?? '').includes(`/node_modules/${pkg}/dist/`);
      });
      if (urls.length !== specs.length || wrong.length > 0) {
        throw new Error(`resolved:\n${resolved.out}`);
      }
    });

    const tsc7 = join(root, 'node_modules/.bin/tsc');
    const tsc5 = releaseBin('tsc');
    // TS 7 under nodenext also emits out/server.js, which Node runs below.
    for (const [tsc, version, config, extra] of [
      [tsc7, '7', 'tsconfig.nodenext.json', []],
      [tsc5, '5.9', 'tsconfig.nodenext.json', ['--noEmit']],
      [tsc7, '7', 'tsconfig.bundler.json', []],
      [tsc5, '5.9', 'tsconfig.bundler.json', []],
    ] as const) {
      const r = run([tsc, '-p', config, ...extra], { cwd: dir });
      const mode = config.includes('nodenext') ? 'module nodenext' : 'moduleResolution bundler';
      rows.row(label(`tsc ${version} type-checks the consumer (${mode})`), r.code === 0, r.out);
    }

    let started: Awaited<ReturnType<typeof start>>;
    try {
      started = await start(flavor, dir);
    } catch (err) {
      rows.row(label('start the servers'), false, err instanceof Error ? err.message : String(err));
      return;
    }
    proc = started.proc;
    const info = started.info;
    const runtime = flavor.name === 'bun' ? 'bun' : 'node';
    rows.row(
      label(`servers up on ${runtime}; httptest from the package answers`),
      info.runtime === runtime && info.recorder === '200 Hello, recorder!',
      JSON.stringify(info),
    );
    for (const e of requests) {
      const name = label(`${e.server} ${e.method} ${e.path} → ${e.status} (${e.why})`);
      try {
        await exchange(e.server === 'mux' ? info.mux : info.gin, e);
        rows.row(name, true);
      } catch (err) {
        rows.row(name, false, err instanceof Error ? err.message : String(err));
      }
    }
  } finally {
    proc?.kill();
    await proc?.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const rows = new Rows();
  const pkgs = readPackages();
  const at = process.argv.indexOf('--tarballs');
  const given = at > 0 ? process.argv[at + 1] : undefined;
  const packs = given ?? mkdtempSync(join(tmpdir(), 'servehttp-pack-'));
  try {
    const tarballs = new Map<string, string>();
    const present = new Set(readdirSync(packs));
    for (const p of pkgs) {
      const file = `${p.manifest.name.replace('@', '').replace('/', '-')}-${p.manifest.version}.tgz`;
      tarballs.set(p.manifest.name, present.has(file) ? join(packs, file) : pack(p, packs));
    }
    const node = run(['node', '--version'], { cwd: root }).out.trim();
    console.log(`consumer: node ${node}, bun ${Bun.version}, tarballs in ${packs}`);
    rows.row(`node ${node} is 20 or later`, Number(/^v(\d+)/.exec(node)?.[1] ?? 0) >= 20, node);
    // The two projects overlap (npm's downloads wait on the network); rows print in order.
    const held = await Promise.all(
      flavors.map(async (flavor) => {
        const r = new Rows({ held: true });
        await consumer(r, flavor, tarballs, pkgs);
        return r;
      }),
    );
    for (const r of held) rows.absorb(r);
  } finally {
    if (given === undefined) rmSync(packs, { recursive: true, force: true });
  }
  process.exit(rows.finish());
}
