import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import { listen, openNetResources } from '../net.ts';
import { Server } from '../server.ts';
import { buildCorpus, type CorpusRow } from './corpus-build.test-util.ts';
import { CORPUS, type CorpusData } from './corpus-data.test-util.ts';
import {
  echoHandler,
  exchange,
  goBinary,
  goVersion,
  nodeBinary,
  outcome,
  pool,
  type Resp,
  startGoServer,
  startNodeServer,
} from './wire.test-util.ts';

// The smuggling/desync corpus over real TCP against the real server, on both socket backends.
// Each row's `ours` column is what this server answers (reviewed against the `go` and `node`
// columns: where they differ, ours is the stricter side — see SECURITY.md); the invariant that
// matters is checked on its own: on an attack row, no handler ever sees /smuggled.
//
// HARDENING_WRITE_CORPUS=1 re-runs every row against ours, Go and Node and rewrites
// corpus-data.test-util.ts (then review the diff).

const backends = ['bun', 'node'] as const;
const writeMode = process.env.HARDENING_WRITE_CORPUS === '1';

interface Ours {
  port: number;
  /** Handler lines by the client's port. */
  served: Map<number, string[]>;
  srv: Server;
}

async function startOurs(backend: 'bun' | 'node'): Promise<Ours> {
  const served = new Map<number, string[]>();
  const srv = new Server({
    handler: echoHandler((line, r) => {
      const port = Number(r.remoteAddr.slice(r.remoteAddr.lastIndexOf(':') + 1));
      const list = served.get(port) ?? [];
      list.push(line);
      served.set(port, list);
    }),
    errorLog: () => {},
  });
  const l = await listen('tcp', '127.0.0.1:0', { backend });
  void srv.serve(l).catch(() => {});
  return { port: l.addr().port, served, srv };
}

async function runAll(port: number, rows: readonly CorpusRow[]) {
  return pool(rows, 16, (r) => exchange(port, r.send));
}

// Each handler call has its response, in order: a 2xx body names the handler's line; an empty
// one is a HEAD answer or the server's own (OPTIONS *).
function matchServed(responses: readonly Resp[], seen: readonly string[]): boolean {
  // Handler lines are text; the client read latin1 bytes of their UTF-8.
  const lines = seen.map((l) => Buffer.from(l, 'utf8').toString('latin1'));
  let j = 0;
  for (const r of responses) {
    if (r.status < 200 || r.status > 299) continue;
    if (r.body === lines[j]) j++;
    else if (r.body === '' && lines[j]?.startsWith('HEAD ') === true) j++;
    else if (r.body !== '') return false;
  }
  return j === lines.length;
}

const built = buildCorpus();

describe('the corpus file matches its builder', () => {
  test('same rows, same bytes, hundreds of them', () => {
    expect(CORPUS.length).toBe(built.length);
    expect(CORPUS.length).toBeGreaterThanOrEqual(250);
    for (let i = 0; i < built.length; i++) {
      const b = built[i] as CorpusRow;
      const d = CORPUS[i] as CorpusData;
      expect({ name: d.name, send: d.send, attack: d.attack }).toEqual({
        name: b.name,
        send: b.send,
        attack: b.attack,
      });
    }
  });
});

describe.each(backends)('%s backend: smuggling and desync corpus', (backend) => {
  let ours: Ours;
  let results: Awaited<ReturnType<typeof runAll>>;
  beforeAll(async () => {
    ours = await startOurs(backend);
    results = await runAll(ours.port, CORPUS);
  }, 60_000);
  afterAll(async () => {
    await ours.srv.close();
    const deadline = Date.now() + 3000;
    while (openNetResources().conns > 0 && Date.now() < deadline) await Bun.sleep(5);
    expect(openNetResources().conns).toBe(0);
  });

  const rows = CORPUS.map((row, i) => ({ i, row }));
  test.each(rows)('$row.name', ({ i, row }) => {
    const x = results[i];
    if (x === undefined) throw new Error('no result');
    const seen = ours.served.get(x.localPort) ?? [];
    if (row.attack) {
      // The point of the corpus: a hidden request is never handed to a handler.
      expect(seen.filter((l) => l.includes('/smuggled'))).toEqual([]);
    }
    // Every handler call produced exactly one response the client got, in order, and a
    // request the client saw answered was really served.
    expect(matchServed(x.responses, seen)).toBe(true);
    if (!writeMode) expect(outcome(x)).toEqual(row.ours);
    // Never left hanging: after the client's FIN every row ends with a close.
    expect(x.closed).toBe(true);
  });
});

// The reference columns are facts, re-checked against the real servers when they are here.
const refs = [
  { name: 'go' as const, have: goBinary() !== undefined, start: startGoServer },
  { name: 'node' as const, have: nodeBinary() !== undefined, start: startNodeServer },
];
for (const ref of refs) {
  describe.skipIf(!ref.have || writeMode)(`the ${ref.name} column is what ${ref.name} does`, () => {
    test(`every row against a live ${ref.name} server`, async () => {
      const s = await ref.start();
      try {
        const got = await runAll(s.port, CORPUS);
        const diffs: string[] = [];
        CORPUS.forEach((row, i) => {
          const o = outcome(got[i] as Awaited<ReturnType<typeof exchange>>);
          if (JSON.stringify(o) !== JSON.stringify(row[ref.name])) {
            diffs.push(
              `${row.name}: recorded ${JSON.stringify(row[ref.name])}, now ${JSON.stringify(o)}`,
            );
          }
        });
        expect(diffs).toEqual([]);
      } finally {
        s.stop();
      }
    }, 60_000);
  });
}

if (writeMode) {
  test('write corpus-data.test-util.ts', async () => {
    const o = await startOurs('bun');
    const g = goBinary() !== undefined ? await startGoServer() : undefined;
    const n = nodeBinary() !== undefined ? await startNodeServer() : undefined;
    try {
      const mine = await runAll(o.port, built);
      const gos = g !== undefined ? await runAll(g.port, built) : [];
      const nodes = n !== undefined ? await runAll(n.port, built) : [];
      const out = built.map((row, i) => ({
        ...row,
        ours: outcome(mine[i] as Awaited<ReturnType<typeof exchange>>),
        go: gos[i] !== undefined ? outcome(gos[i]) : ['unknown'],
        node: nodes[i] !== undefined ? outcome(nodes[i]) : ['unknown'],
      }));
      const text = `/**
 * The smuggling/desync corpus as data: ${out.length} rows, one connection each. \`send\` is the
 * bytes (latin1); \`ours\`, \`go\` and \`node\` are what each server answered: one entry per
 * response (\`200 METHOD /path bodyLength\` for a served request, the status for an error; no
 * entry when the connection closed without a response). Go: ${goVersion()} net/http;
 * Node: ${Bun.spawnSync(['node', '--version']).stdout.toString().trim()} node:http (llhttp).
 * Generated by \`HARDENING_WRITE_CORPUS=1 bun test …/hardening/corpus.test.ts\` from
 * corpus-build.test-util.ts; the test re-checks every column against the live servers.
 */

/** One row of the corpus with the three servers' answers. */
export interface CorpusData {
  name: string;
  family: string;
  send: string;
  attack: boolean;
  ours: string[];
  go: string[];
  node: string[];
}

/** The corpus. */
export const CORPUS: CorpusData[] = ${JSON.stringify(out, null, 1)};
`;
      await Bun.write(join(import.meta.dir, 'corpus-data.test-util.ts'), text);
    } finally {
      await o.srv.close();
      g?.stop();
      n?.stop();
    }
  }, 120_000);
}
