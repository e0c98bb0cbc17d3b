/**
 * What ServeMux adds per request over a plain handler, in-process: the bench server's `core`
 * handler (`r.url.path` compared by hand) against a ServeMux holding the same two routes
 * (`GET /hello`, `GET /user/{id}`), each request built the way core-listener's connection builds
 * one — parsed from bytes by http-parser, its header fields left undecoded, its URL parsed on
 * first use — and answered into a writer that only counts. The parse is in both sides, so the
 * difference is the mux's own cost: host, path cleaning, lookup, path values, pattern.
 *
 * Rounds alternate between the sides, so other load on the machine hits both alike; the median
 * and best round are reported with the ratio mux ÷ plain of ns per request (1.00 = free).
 * Deterministic alternative on a busy machine: count instructions, e.g.
 *   valgrind --tool=callgrind --dump-before=getppid node <bundle> (each case is bracketed by
 *   `process.ppid`, so every dump file is one case).
 *
 * Run: bun --conditions=@servehttp/source packages/servemux/bench/serve.bench.ts
 *   or on Node: bun build --target=node --conditions=@servehttp/source <this file> --outfile=x.mjs
 *   && node x.mjs
 */
import {
  type Handler,
  Header,
  handlerFunc,
  Request,
  type ResponseWriter,
} from '@servehttp/core-listener';
import { HTTPParser } from '../../http-parser/src/index.ts';
import { ServeMux } from '../src/index.ts';

const textPlain = 'text/plain; charset=utf-8';

class CountingWriter implements ResponseWriter {
  readonly #h = new Header();
  status = 0;
  bytes = 0;
  header(): Header {
    return this.#h;
  }
  writeHeader(code: number): void {
    if (this.status === 0) this.status = code;
  }
  write(chunk: string | Uint8Array): void {
    if (this.status === 0) this.status = 200;
    this.bytes += chunk.length;
  }
}

function hello(w: ResponseWriter): void {
  w.header().set('Content-Type', textPlain);
  w.write('Hello, World!');
}

// The bench server's `core` variant (bench/servers/servehttp.ts).
const plain = handlerFunc((w, r) => {
  const path = r.url.path;
  if (path === '/hello') return hello(w);
  if (path.startsWith('/user/') && path.indexOf('/', 6) === -1) {
    w.header().set('Content-Type', textPlain);
    w.write(path.slice(6));
    return;
  }
  w.writeHeader(404);
});

const mux = new ServeMux();
mux.handleFunc('GET /hello', hello);
mux.handleFunc('GET /user/{id}', (w, r) => {
  w.header().set('Content-Type', textPlain);
  w.write(r.pathValue('id'));
});

const enc = new TextEncoder();
const heads = {
  hello: enc.encode('GET /hello HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: wrk\r\n\r\n'),
  user: enc.encode('GET /user/1234567 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: wrk\r\n\r\n'),
};
const parser = new HTTPParser();

function request(buf: Uint8Array): Request {
  parser.reset();
  parser.execute(buf);
  return new Request({
    method: parser.method,
    target: parser.target,
    fields: parser.headFields(),
    remoteAddr: '127.0.0.1:50000',
  });
}

let sink = 0;
function run(h: Handler, buf: Uint8Array, n: number): number {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const w = new CountingWriter();
    void h.serveHTTP(w, request(buf));
    sink += w.bytes;
  }
  return ((performance.now() - t0) * 1e6) / n;
}

const cases: [string, Handler, Uint8Array][] = [
  ['plain /hello', plain, heads.hello],
  ['mux /hello', mux, heads.hello],
  ['plain /user/{id}', plain, heads.user],
  ['mux /user/{id}', mux, heads.user],
];
// Every answer checked once before timing.
for (const [name, h, buf] of cases) {
  const w = new CountingWriter();
  void h.serveHTTP(w, request(buf));
  if (w.status !== 200) throw new Error(`${name}: status ${w.status}`);
}
const rounds = Number(process.env.ROUNDS ?? 15);
const n = Number(process.env.N ?? 50_000);
for (const [, h, buf] of cases) run(h, buf, n);
if (process.env.CALLGRIND !== undefined) {
  // One dump per case under `--dump-before=getppid`.
  for (const [, h, buf] of cases) {
    void process.ppid;
    run(h, buf, n);
  }
  void process.ppid;
} else {
  const times: number[][] = cases.map(() => []);
  for (let i = 0; i < rounds; i++) {
    cases.forEach(([, h, buf], j) => {
      (times[j] as number[]).push(run(h, buf, n));
    });
  }
  const median = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[xs.length >> 1] ?? 0;
  console.log(`${rounds} rounds of ${n} requests; ns per request, median (best)`);
  cases.forEach(([name], j) => {
    const t = times[j] as number[];
    let line = `${name.padEnd(18)} ${median(t).toFixed(0).padStart(6)} (${Math.min(...t).toFixed(0)})`;
    if (j % 2 === 1) {
      const base = times[j - 1] as number[];
      line += `   mux ÷ plain ${median(t.map((x, i) => x / (base[i] as number))).toFixed(3)}`;
    }
    console.log(line);
  });
}
if (sink === -1) console.log(sink);
