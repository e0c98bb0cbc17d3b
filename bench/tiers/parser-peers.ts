/**
 * The parser peers bench/http-parser/bench.ts does not cover: llhttp as undici ships it (wasm,
 * with and without SIMD) and http-parser-js, against servehttp's parser in the same process, on
 * the same four messages (bench/http-parser/cases.ts). ns per message, medians of runs
 * interleaved across contenders. Prints one JSON line.
 *
 * Each contender parses one complete message per iteration with a parser reused across
 * iterations (a keep-alive connection). Callbacks only count lengths: undici's wasm hands spans
 * of its memory (no strings); http-parser-js builds header strings like Node's binding, so its
 * fair partner is servehttp "all strings".
 */
import { createRequire } from 'node:module';
import { HTTPParser, ParseEvent } from '../../packages/http-parser/src/index.ts';
import { CASES } from '../http-parser/cases.ts';

const require = createRequire(import.meta.url);
const quick = process.argv.includes('--quick');
const RUNS = quick ? 3 : 5;
const ITERS = quick ? 20_000 : 60_000;
let sink = 0;

function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function ours(buf: Uint8Array, strings: boolean): () => void {
  const p = new HTTPParser();
  return () => {
    let off = 0;
    for (;;) {
      const ev = p.execute(buf, off, buf.length);
      off = p.offset;
      if (ev === ParseEvent.Head) {
        sink += p.method.length + p.target.length;
        if (strings)
          for (let i = 0; i < p.headerCount; i++)
            sink += p.headerName(i).length + p.headerValue(i).length;
      } else if (ev === ParseEvent.Body) {
        sink += p.bodyEnd - p.bodyStart;
      } else if (ev === ParseEvent.NeedMore) return;
    }
  };
}

interface Wasm {
  memory: WebAssembly.Memory;
  llhttp_alloc(type: number): number;
  llhttp_execute(p: number, at: number, len: number): number;
  malloc(n: number): number;
}

function undiciWasm(simd: boolean): ((buf: Uint8Array) => () => void) | string {
  let bytes: Uint8Array;
  try {
    bytes = require(
      simd ? 'undici/lib/llhttp/llhttp_simd-wasm.js' : 'undici/lib/llhttp/llhttp-wasm.js',
    );
  } catch (e) {
    return `not loadable: ${String(e)}`;
  }
  const count = (_p: number, _at: number, len: number) => {
    sink += len;
    return 0;
  };
  const zero = () => 0;
  let instance: WebAssembly.Instance;
  try {
    instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
      env: {
        wasm_on_url: count,
        wasm_on_status: count,
        wasm_on_message_begin: zero,
        wasm_on_header_field: count,
        wasm_on_header_value: count,
        wasm_on_headers_complete: zero,
        wasm_on_body: count,
        wasm_on_message_complete: zero,
      },
    });
  } catch (e) {
    return `cannot instantiate: ${String(e)}`;
  }
  const w = instance.exports as unknown as Wasm;
  return (buf) => {
    const p = w.llhttp_alloc(1); // TYPE.REQUEST
    const at = w.malloc(Math.ceil(buf.length / 4096) * 4096);
    // The bytes are copied in every iteration, as undici does for every chunk it receives.
    return () => {
      new Uint8Array(w.memory.buffer, at, buf.length).set(buf);
      const r = w.llhttp_execute(p, at, buf.length);
      if (r !== 0) throw new Error(`llhttp wasm error ${r}`);
    };
  };
}

interface HPJS {
  new (type: number): { execute(b: Uint8Array): number | Error; [k: number]: unknown };
  REQUEST: number;
  kOnHeaders: number;
  kOnHeadersComplete: number;
  kOnBody: number;
  kOnMessageComplete: number;
}

function httpParserJs(): ((buf: Uint8Array) => () => void) | string {
  let P: HPJS;
  try {
    P = (require('http-parser-js') as { HTTPParser: HPJS }).HTTPParser;
  } catch (e) {
    return `not loadable: ${String(e)}`;
  }
  return (buf) => {
    const p = new P(P.REQUEST);
    p[P.kOnHeaders] = (h: string[], url: string) => {
      sink += h.length + url.length;
    };
    p[P.kOnHeadersComplete] = (info: { headers: string[]; url: string }) => {
      sink += info.headers.length + info.url.length;
    };
    p[P.kOnBody] = (_b: Uint8Array, _o: number, len: number) => {
      sink += len;
    };
    p[P.kOnMessageComplete] = () => {};
    const b = Buffer.from(buf);
    return () => {
      const r = p.execute(b);
      if (typeof r !== 'number') throw r;
    };
  };
}

const makers: [string, ((buf: Uint8Array) => () => void) | string][] = [
  ['servehttp (lazy)', (b) => ours(b, false)],
  ['servehttp (all strings)', (b) => ours(b, true)],
  ['llhttp wasm (undici)', undiciWasm(false)],
  ['llhttp wasm SIMD (undici)', undiciWasm(true)],
  ['http-parser-js', httpParserJs()],
];

const entries: { parser: string; case: string; bytes: number; fn: () => void; runs: number[] }[] =
  [];
const problems: string[] = [];
for (const [name, make] of makers) {
  if (typeof make === 'string') {
    problems.push(`${name}: ${make}`);
    continue;
  }
  for (const c of CASES) {
    const buf = latin1Bytes(c.input);
    try {
      const fn = make(buf);
      for (let i = 0; i < 3; i++) fn();
      entries.push({ parser: name, case: c.name, bytes: buf.length, fn, runs: [] });
    } catch (e) {
      problems.push(`${name} ${c.name}: ${String(e)}`);
    }
  }
}
for (const e of entries) for (let i = 0; i < 10_000; i++) e.fn();
for (let r = 0; r < RUNS; r++) {
  for (const e of entries) {
    const t0 = performance.now();
    for (let i = 0; i < ITERS; i++) e.fn();
    e.runs.push(((performance.now() - t0) * 1e6) / ITERS);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;
const rows = entries.map((e) => ({
  parser: e.parser,
  case: e.case,
  bytes: e.bytes,
  ns: median(e.runs),
}));
process.stdout.write(
  `${JSON.stringify({ rows, problems, runs: RUNS, iters: ITERS, sink: sink % 7 })}\n`,
);
