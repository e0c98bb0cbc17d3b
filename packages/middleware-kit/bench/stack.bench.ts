/**
 * The demo's usual stack — recovery ▸ requestID ▸ logger (null sink) ▸ cors — around a hello
 * handler, against the bare handler, both driven in-process. This measures the middleware's own
 * cost; `wire-server.ts` beside it measures the budget itself (≤ 15 % of the bare route's
 * throughput) over the real server with wrk.
 *
 * Each request is built the way core-listener's connection builds one: parsed from bytes by
 * http-parser into a fresh `Request` whose header fields stay undecoded until read, and whose
 * context is supplied on first use by a provider that makes a cancellable context, cancelled when
 * the handler returns — so middleware that reads the header or forces the context pays what it
 * pays on the server.
 * The bare handler, each middleware alone and the whole stack run in alternating rounds, and the
 * medians are reported, so that other load on the machine hits every case alike.
 *
 * Run: bun --conditions=@servehttp/source packages/middleware-kit/bench/stack.bench.ts
 * On Node: bun build --target=node --conditions=@servehttp/source <this file> --outfile=s.mjs,
 * then node s.mjs. On a busy machine count instructions instead: CALLGRIND=1 valgrind
 * --tool=callgrind --dump-before=getppid node s.mjs writes one dump per case (each case is
 * bracketed by `process.ppid`); add node's --perf-basic-prof to name the JIT functions.
 */
import {
  type CancelFunc,
  Context,
  type Handler,
  Header,
  handlerFunc,
  Request,
  type ResponseWriter,
} from '@servehttp/core-listener';
import { HTTPParser } from '../../http-parser/src/index.ts';
import { chain } from '../src/chain.ts';
import { cors } from '../src/cors/index.ts';
import { logger } from '../src/logger/index.ts';
import { recovery } from '../src/recovery/index.ts';
import { requestID } from '../src/request-id/index.ts';

const hello = handlerFunc((w) => {
  w.header().set('Content-Type', 'text/plain; charset=utf-8');
  void w.write('Hello, World!\n');
});
const stack = chain(hello, recovery(), requestID(), logger({ sink: () => {} }), cors());

// The server's context provider: a cancellable child of the connection's context, made on demand.
const base = Context.background();
let cancel: CancelFunc | undefined;
const provider = {
  provideContext(): Context {
    const [ctx, c] = base.withCancel();
    cancel = c;
    return ctx;
  },
};

// A minimal writer with the server writer's shape (header map, status, body, flush).
class SinkWriter implements ResponseWriter {
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
  flush(): void {}
}

const head = new TextEncoder().encode(
  'GET /hello HTTP/1.1\r\nHost: localhost:8080\r\nUser-Agent: wrk\r\nOrigin: https://app.example\r\n\r\n',
);
const parser = new HTTPParser();

function request(): Request {
  parser.reset();
  parser.execute(head);
  return new Request({
    method: parser.method,
    target: parser.target,
    fields: parser.headFields(),
    remoteAddr: '127.0.0.1:50000',
    context: provider,
  });
}

function run(h: Handler, n: number): number {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    cancel = undefined;
    void h.serveHTTP(new SinkWriter(), request());
    cancel?.();
  }
  return ((performance.now() - t0) / n) * 1000;
}

// Each middleware alone, then the whole stack: rounds alternate between all of them, so that
// other load on the machine hits every one alike; the median and the best round are reported.
const cases: [string, Handler][] = [
  ['bare handler', hello],
  // What one header read costs the server's request (it decodes every field into a Header):
  // requestID, cors and the logger (through the id) each read one field.
  [
    'header read',
    handlerFunc((w, r) => {
      if (r.header.get('Origin') === '') w.header().set('X-No-Origin', '1');
      return hello.serveHTTP(w, r);
    }),
  ],
  ['recovery', chain(hello, recovery())],
  ['requestID', chain(hello, requestID())],
  ['logger', chain(hello, logger({ sink: () => {} }))],
  ['cors', chain(hello, cors())],
  ['usual stack', stack],
];
const rounds = Number(process.env.ROUNDS ?? 15);
const n = Number(process.env.N ?? 30_000);
for (const [, h] of cases) run(h, 30_000);
if (process.env.CALLGRIND !== undefined) {
  for (const [, h] of cases) {
    void process.ppid;
    run(h, n);
  }
  void process.ppid;
} else {
  const times: number[][] = cases.map(() => []);
  for (let i = 0; i < rounds; i++) {
    cases.forEach(([, h], j) => {
      (times[j] as number[]).push(run(h, n));
    });
  }
  const median = (xs: number[]): number => {
    const s = xs.slice().sort((a, b) => a - b);
    return s[s.length >> 1] as number;
  };
  const bare = times[0] as number[];
  console.log(`${rounds} rounds of ${n} requests; µs per request, median (best)`);
  cases.forEach(([name], j) => {
    const t = times[j] as number[];
    const added = t.map((x, i) => x - (bare[i] as number));
    const line = `${name.padEnd(13)}: ${median(t).toFixed(3)} (${Math.min(...t).toFixed(3)})`;
    console.log(j === 0 ? line : `${line}   +${median(added).toFixed(3)} over bare`);
  });
}
