/**
 * One benchmark measurement in a fresh process: one contender, one case. bench.ts spawns it
 * (pinned, interleaved with the other contenders) so that no contender inherits another's JIT
 * state or type feedback, and prints what it reports.
 *
 *   bun bench/http-parser/worker.ts <contender> <case> time <warmMs> <batches> <batchMs>
 *     → {"ns":[per-batch ns/message, …]}  after warming up for warmMs (steady state: Bun tiers
 *       a function up to its optimizing JIT only after it has run for a while, and slower still
 *       when pinned to one core with its compiler threads)
 *   bun bench/http-parser/worker.ts <contender> <case> count <n>
 *     → runs exactly n messages and nothing else, for instruction counting under callgrind
 *
 * Contenders:
 * - `servehttp`: reads method, target, keepAlive and framing, and the body's bounds; decodes no
 *   header string (what a router in front of a lazy handler needs).
 * - `servehttp-strings`: also every header name and value as strings, which is what llhttp's
 *   binding always hands JavaScript.
 * - `servehttp-server`: what core-listener's connection loop does per request:
 *   `canonicalHeaderName(i)` and `headerValue(i)` for every field, then the body.
 * - `llhttp-bun`: Bun's built-in llhttp binding, `process.binding('http_parser').HTTPParser`,
 *   with the callbacks Node's `_http_server` installs.
 */
import { HTTPParser, ParseEvent } from '../../packages/http-parser/src/index.ts';
import { CASES } from './cases.ts';

const [contender, caseName, mode, a1, a2, a3] = process.argv.slice(2);
const spec = CASES.find((c) => c.name === caseName);
if (spec === undefined) throw new Error(`unknown case ${caseName}`);
const buf = new Uint8Array(spec.input.length);
for (let i = 0; i < buf.length; i++) buf[i] = spec.input.charCodeAt(i);

let sink = 0;

function servehttp(strings: 'none' | 'raw' | 'canonical'): () => void {
  const p = new HTTPParser();
  return () => {
    let off = 0;
    for (;;) {
      const ev = p.execute(buf, off, buf.length);
      off = p.offset;
      if (ev === ParseEvent.Head) {
        sink += p.method.length + p.target.length + (p.keepAlive ? 1 : 0) + p.framing;
        const n = p.headerCount;
        if (strings === 'raw') {
          for (let i = 0; i < n; i++) sink += p.headerName(i).length + p.headerValue(i).length;
        } else if (strings === 'canonical') {
          for (let i = 0; i < n; i++) {
            sink += p.canonicalHeaderName(i).length + p.headerValue(i).length;
          }
        }
      } else if (ev === ParseEvent.Body) {
        sink += p.bodyEnd - p.bodyStart;
      } else if (ev === ParseEvent.NeedMore) {
        return;
      }
    }
  };
}

interface LlhttpParser {
  initialize(type: number, resource: object): void;
  execute(b: Uint8Array): number | Error;
  [k: number]: unknown;
}

interface LlhttpCtor {
  new (): LlhttpParser;
  REQUEST: number;
  kOnHeaders: number;
  kOnHeadersComplete: number;
  kOnBody: number;
  kOnMessageComplete: number;
  kOnExecute: number;
}

function llhttpBun(): () => void {
  const C = (process as unknown as { binding(n: string): { HTTPParser: LlhttpCtor } }).binding(
    'http_parser',
  ).HTTPParser;
  const p = new C();
  p.initialize(C.REQUEST, {});
  // Long header lists arrive through kOnHeaders first; the rest (or all) with kOnHeadersComplete.
  p[C.kOnHeaders] = (h: string[], url: string) => {
    sink += h.length + url.length;
  };
  p[C.kOnHeadersComplete] = (
    _major: number,
    _minor: number,
    h: string[] | undefined,
    method: number,
    url: string | undefined,
  ) => {
    sink += (h?.length ?? 0) + method + (url?.length ?? 0);
    return 0;
  };
  p[C.kOnBody] = (b: Uint8Array) => {
    sink += b.length;
  };
  p[C.kOnMessageComplete] = () => {};
  p[C.kOnExecute] = () => {};
  return () => {
    const r = p.execute(buf);
    if (typeof r !== 'number') throw r;
  };
}

function pick(): () => void {
  switch (contender) {
    case 'servehttp':
      return servehttp('none');
    case 'servehttp-strings':
      return servehttp('raw');
    case 'servehttp-server':
      return servehttp('canonical');
    case 'llhttp-bun':
      return llhttpBun();
    default:
      throw new Error(`unknown contender ${contender}`);
  }
}

const run = pick();

if (mode === 'count') {
  const n = Number(a1);
  for (let i = 0; i < n; i++) run();
} else {
  const warmMs = Number(a1 ?? 600);
  const batches = Number(a2 ?? 5);
  const batchMs = Number(a3 ?? 60);
  const t0 = performance.now();
  let done = 0;
  while (performance.now() - t0 < warmMs) {
    for (let i = 0; i < 1000; i++) run();
    done += 1000;
  }
  // Batch size from the warm-up's rate, so a batch lasts about batchMs.
  const perMs = done / Math.max(1, performance.now() - t0);
  const iters = Math.max(1000, Math.round(perMs * batchMs));
  const ns: number[] = [];
  for (let b = 0; b < batches; b++) {
    const s = performance.now();
    for (let i = 0; i < iters; i++) run();
    ns.push(((performance.now() - s) * 1e6) / iters);
  }
  process.stdout.write(JSON.stringify({ ns }));
}
if (sink === 0.5) console.log('');
