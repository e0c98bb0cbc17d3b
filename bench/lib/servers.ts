/**
 * The contenders of the wire tiers and how to start each. A contender is one or more processes
 * (two for the reusePort rows) started with a port; each prints `READY <port>` once listening.
 *
 * servehttp runs from its TypeScript sources on Bun (`--conditions=@servehttp/source`) and from a
 * bundle made by `bun build --target=node` on Node (Node 20 runs no TypeScript; the bundle is the
 * same sources, compiled once per run into the temporary directory).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runSync } from './proc.ts';

export type Runtime = 'bun' | 'node' | 'go';

/** One contender. */
export interface ServerSpec {
  readonly id: string;
  readonly label: string;
  readonly runtime: Runtime;
  readonly ours: boolean;
  /** Command lines of its processes, given the port (the same for every process). */
  cmds(port: number, bodySize: number): string[][];
  /** Why it cannot run on this machine, when it cannot. */
  unavailable?: string;
}

const benchDir = join(import.meta.dir, '..');
const src = ['bun', '--conditions=@servehttp/source'];

/** Builds what the Node and Go contenders need into `tmp`; returns the paths or the reasons. */
export function prepare(tmp: string): { nodeBundle?: string; goBinary?: string; notes: string[] } {
  const notes: string[] = [];
  const out: { nodeBundle?: string; goBinary?: string; notes: string[] } = { notes };
  try {
    // Split per dynamic import, so that each variant loads only its own packages on Node too
    // (one bundle would put gin-router's format libraries into the core variant's RSS).
    const outdir = join(tmp, 'servehttp-node');
    const bundle = join(outdir, 'servehttp.mjs');
    runSync(
      [
        'bun',
        'build',
        join(benchDir, 'servers', 'servehttp.ts'),
        '--target=node',
        '--conditions=@servehttp/source',
        '--splitting',
        `--outdir=${outdir}`,
        '--entry-naming=[name].mjs',
        '--chunk-naming=[name]-[hash].mjs',
      ],
      60_000,
    );
    out.nodeBundle = bundle;
  } catch (e) {
    notes.push(`servehttp on Node skipped: bundling failed: ${String(e)}`);
  }
  if (Bun.which('go') === null) {
    notes.push(
      'Go net/http skipped: no Go toolchain on PATH (Debian: `apt-get install golang-go`).',
    );
  } else {
    try {
      const bin = join(tmp, 'gohttp');
      runSync(['go', 'build', '-o', bin, '.'], 180_000, join(benchDir, 'go'));
      out.goBinary = bin;
      notes.push(`Go: ${runSync(['go', 'version'], 10_000).trim()}`);
    } catch (e) {
      notes.push(`Go net/http skipped: build failed: ${String(e)}`);
    }
  }
  if (Bun.which('node') !== null)
    notes.push(`Node: ${runSync(['node', '--version'], 10_000).trim()}`);
  return out;
}

const variants = [
  ['core', 'servehttp core Server'],
  ['servemux', 'servehttp ServeMux'],
  ['gin', 'servehttp gin Engine'],
  ['stack', 'servehttp core + middleware stack'],
] as const;

/** Every end-to-end contender, Bun first, then Node, then Go. */
export function allServers(built: { nodeBundle?: string; goBinary?: string }): ServerSpec[] {
  const s = (f: string) => join(benchDir, 'servers', f);
  const list: ServerSpec[] = [];
  for (const [v, label] of variants) {
    list.push({
      id: `${v}@bun`,
      label,
      runtime: 'bun',
      ours: true,
      cmds: (p, size) => [[...src, s('servehttp.ts'), v, String(p), String(size)]],
    });
  }
  list.push(
    {
      id: 'bun.serve@bun',
      label: 'Bun.serve',
      runtime: 'bun',
      ours: false,
      cmds: (p, size) => [['bun', s('bun-serve.ts'), String(p), String(size)]],
    },
    {
      id: 'hono@bun',
      label: 'Hono',
      runtime: 'bun',
      ours: false,
      cmds: (p) => [['bun', s('hono.ts'), String(p)]],
    },
    {
      id: 'elysia@bun',
      label: 'Elysia',
      runtime: 'bun',
      ours: false,
      cmds: (p) => [['bun', s('elysia.ts'), String(p)]],
    },
    {
      id: 'node:http@bun',
      label: 'node:http',
      runtime: 'bun',
      ours: false,
      cmds: (p, size) => [['bun', s('node-http.mjs'), String(p), String(size)]],
    },
    {
      id: 'fastify@bun',
      label: 'Fastify',
      runtime: 'bun',
      ours: false,
      cmds: (p) => [['bun', s('fastify.mjs'), String(p)]],
    },
    {
      id: 'express@bun',
      label: 'Express',
      runtime: 'bun',
      ours: false,
      cmds: (p) => [['bun', s('express.mjs'), String(p)]],
    },
  );
  const noNode = Bun.which('node') === null ? 'no node on PATH' : undefined;
  for (const [v, label] of variants) {
    list.push({
      id: `${v}@node`,
      label,
      runtime: 'node',
      ours: true,
      cmds: (p, size) => [['node', built.nodeBundle ?? '', v, String(p), String(size)]],
      unavailable: noNode ?? (built.nodeBundle === undefined ? 'not bundled' : undefined),
    });
  }
  list.push(
    {
      id: 'node:http@node',
      label: 'node:http',
      runtime: 'node',
      ours: false,
      cmds: (p, size) => [['node', s('node-http.mjs'), String(p), String(size)]],
      unavailable: noNode,
    },
    {
      id: 'fastify@node',
      label: 'Fastify',
      runtime: 'node',
      ours: false,
      cmds: (p) => [['node', s('fastify.mjs'), String(p)]],
      unavailable: noNode,
    },
    {
      id: 'express@node',
      label: 'Express',
      runtime: 'node',
      ours: false,
      cmds: (p) => [['node', s('express.mjs'), String(p)]],
      unavailable: noNode,
    },
    {
      id: 'net/http@go',
      label: 'Go net/http',
      runtime: 'go',
      ours: false,
      cmds: (p, size) => [[built.goBinary ?? '', String(p), String(size)]],
      unavailable: built.goBinary === undefined ? 'no Go toolchain' : undefined,
    },
  );
  return list;
}

/** Whether the bench's own dependencies are installed. */
export function depsInstalled(): boolean {
  return existsSync(join(benchDir, 'node_modules', 'hono', 'package.json'));
}
