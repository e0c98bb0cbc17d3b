/**
 * Parser benchmark: ns per message, median of several runs, for this parser and every llhttp
 * binding reachable without new dependencies.
 *
 *   taskset -c 1 bun bench/http-parser/bench.ts [--runs 9] [--iters 200000]
 *
 * Each case is one message in its own buffer, parsed start to end (head, body, end) once per
 * iteration by a parser reused across iterations, as a keep-alive connection would. Contenders:
 *
 * - servehttp (lazy): reads method, target, keepAlive and framing; decodes no header string.
 * - servehttp (all strings): additionally decodes every header name and value, which is what
 *   llhttp's binding always does (it hands JavaScript an array of strings).
 * - llhttp via Bun: `process.binding('http_parser').HTTPParser` in this process.
 * - llhttp via Node 20: the same binding in a `node` child (its own JIT and runtime).
 * - undici's llhttp wasm and http-parser-js: not installed in this repository (reported so).
 */
import { spawnSync } from 'node:child_process';
import { HTTPParser, ParseEvent } from '../../packages/http-parser/src/index.ts';
import { CASES } from './cases.ts';

const args = process.argv.slice(2);
const arg = (name: string, def: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const RUNS = arg('--runs', 9);
const ITERS = arg('--iters', 200_000);

function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1] as number;
}

let sink = 0;

function oursLazy(buf: Uint8Array): () => void {
  const p = new HTTPParser();
  return () => {
    let off = 0;
    for (;;) {
      const ev = p.execute(buf, off, buf.length);
      off = p.offset;
      if (ev === ParseEvent.Head) {
        sink += p.method.length + p.target.length + (p.keepAlive ? 1 : 0) + p.framing;
      } else if (ev === ParseEvent.Body) {
        sink += p.bodyEnd - p.bodyStart;
      } else if (ev === ParseEvent.NeedMore) {
        return;
      }
    }
  };
}

function oursAll(buf: Uint8Array): () => void {
  const p = new HTTPParser();
  return () => {
    let off = 0;
    for (;;) {
      const ev = p.execute(buf, off, buf.length);
      off = p.offset;
      if (ev === ParseEvent.Head) {
        sink += p.method.length + p.target.length + (p.keepAlive ? 1 : 0);
        for (let i = 0; i < p.headerCount; i++)
          sink += p.headerName(i).length + p.headerValue(i).length;
      } else if (ev === ParseEvent.Body) {
        sink += p.body().length;
      } else if (ev === ParseEvent.NeedMore) {
        return;
      }
    }
  };
}

interface LlhttpCtor {
  new (): {
    initialize(type: number, resource: object): void;
    execute(b: Uint8Array): number | Error;
    [k: number]: unknown;
  };
  REQUEST: number;
  kOnHeaders: number;
  kOnHeadersComplete: number;
  kOnBody: number;
  kOnMessageComplete: number;
  kOnExecute: number;
}

function bunLlhttp(): LlhttpCtor | null {
  try {
    const binding = (
      process as unknown as { binding(n: string): { HTTPParser: LlhttpCtor } }
    ).binding('http_parser');
    return binding.HTTPParser;
  } catch {
    return null;
  }
}

function llhttp(Ctor: LlhttpCtor, buf: Uint8Array): () => void {
  const p = new Ctor();
  p.initialize(Ctor.REQUEST, {});
  // Long header lists arrive through kOnHeaders first; the rest (or all) with kOnHeadersComplete.
  p[Ctor.kOnHeaders] = (h: string[], url: string) => {
    sink += h.length + url.length;
  };
  p[Ctor.kOnHeadersComplete] = (
    _a: number,
    _b: number,
    h: string[] | undefined,
    m: number,
    url: string | undefined,
  ) => {
    sink += (h?.length ?? 0) + m + (url?.length ?? 0);
    return 0;
  };
  p[Ctor.kOnBody] = (b: Uint8Array) => {
    sink += b.length;
  };
  p[Ctor.kOnMessageComplete] = () => {};
  p[Ctor.kOnExecute] = () => {};
  return () => {
    const r = p.execute(buf);
    if (typeof r !== 'number') throw r;
  };
}

function measure(fn: () => void): number {
  for (let i = 0; i < Math.min(ITERS, 20_000); i++) fn(); // warm up the JIT
  const runs: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    for (let i = 0; i < ITERS; i++) fn();
    runs.push(((performance.now() - t0) * 1e6) / ITERS);
  }
  return median(runs);
}

const NODE_SCRIPT = `
const { HTTPParser } = process.binding('http_parser');
const { RUNS, ITERS, cases } = JSON.parse(process.argv[1]);
let sink = 0;
const out = {};
for (const c of cases) {
  const buf = Buffer.from(c.input, 'latin1');
  const p = new HTTPParser();
  p.initialize(HTTPParser.REQUEST, {});
  p[HTTPParser.kOnHeaders] = (h, url) => { sink += h.length + url.length; };
  p[HTTPParser.kOnHeadersComplete] = (a, b, h, m, url) => { sink += (h ? h.length : 0) + m + (url ? url.length : 0); return 0; };
  p[HTTPParser.kOnBody] = (b) => { sink += b.length; };
  p[HTTPParser.kOnMessageComplete] = () => {};
  p[HTTPParser.kOnExecute] = () => {};
  for (let i = 0; i < Math.min(ITERS, 20000); i++) p.execute(buf);
  const runs = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < ITERS; i++) p.execute(buf);
    runs.push(Number(process.hrtime.bigint() - t0) / ITERS);
  }
  runs.sort((x, y) => x - y);
  out[c.name] = runs[runs.length >> 1];
}
process.stdout.write(JSON.stringify(out));
`;

function nodeLlhttp(): Record<string, number> | null {
  const r = spawnSync(
    'node',
    ['--no-deprecation', '-e', NODE_SCRIPT, JSON.stringify({ RUNS, ITERS, cases: CASES })],
    {
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) return null;
  return JSON.parse(r.stdout) as Record<string, number>;
}

const BunParser = bunLlhttp();
const nodeResults = nodeLlhttp();
const rows: string[] = [];
rows.push(
  `| case | bytes | servehttp (lazy) | servehttp (all strings) | llhttp via Bun | llhttp via Node 20 | lazy vs Bun llhttp |`,
);
rows.push('|---|---:|---:|---:|---:|---:|---:|');
for (const c of CASES) {
  const buf = latin1Bytes(c.input);
  const lazy = measure(oursLazy(buf));
  const all = measure(oursAll(buf));
  const bun = BunParser === null ? Number.NaN : measure(llhttp(BunParser, buf));
  const node = nodeResults?.[c.name] ?? Number.NaN;
  const f = (x: number) => (Number.isNaN(x) ? 'n/a' : `${x.toFixed(0)} ns`);
  rows.push(
    `| ${c.name} | ${buf.length} | ${f(lazy)} | ${f(all)} | ${f(bun)} | ${f(node)} | ${(bun / lazy).toFixed(2)}× |`,
  );
}
console.log(`Bun ${Bun.version}, ${RUNS} runs × ${ITERS} messages, median ns/message`);
console.log(rows.join('\n'));
console.log(
  'undici llhttp wasm: not installed; http-parser-js: not installed (no new dependencies).',
);
if (sink === 42) console.log('');
