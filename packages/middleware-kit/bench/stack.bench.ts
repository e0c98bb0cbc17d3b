/**
 * The demo's usual stack — recovery ▸ requestID ▸ logger (null sink) ▸ cors — around a hello
 * handler, against the bare handler, both driven in-process over ResponseRecorder. This measures
 * the middleware's own cost; the wire benchmark (budget: ≤ 15 % of the bare route's throughput)
 * belongs to the server's bench (issue 9). Run: bun --conditions=@servehttp/source packages/middleware-kit/bench/stack.bench.ts
 */
import { handlerFunc } from '@servehttp/core-listener';
import { newRequest, ResponseRecorder } from '@servehttp/core-listener/httptest';
import { chain } from '../src/chain.ts';
import { cors } from '../src/cors/index.ts';
import { logger } from '../src/logger/index.ts';
import { recovery } from '../src/recovery/index.ts';
import { requestID } from '../src/request-id/index.ts';

const hello = handlerFunc((w) => {
  w.header().set('Content-Type', 'text/plain');
  void w.write('hello');
});
const stack = chain(hello, recovery(), requestID(), logger({ sink: () => {} }), cors());
const req = newRequest('GET', '/hello');
req.header.set('Origin', 'https://app.example');

function run(h: typeof hello, n: number): number {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) void h.serveHTTP(new ResponseRecorder(), req);
  return performance.now() - t0;
}

const n = 200_000;
for (let round = 0; round < 3; round++) {
  run(hello, 20_000);
  run(stack, 20_000);
}
const bare = run(hello, n);
const full = run(stack, n);
const perBare = (bare / n) * 1000;
const perFull = (full / n) * 1000;
console.log(`bare handler : ${perBare.toFixed(3)} µs/req (recorder included)`);
console.log(`usual stack  : ${perFull.toFixed(3)} µs/req`);
console.log(
  `middleware   : +${(perFull - perBare).toFixed(3)} µs/req (${((perFull / perBare - 1) * 100).toFixed(0)} % over the in-memory bare call)`,
);
