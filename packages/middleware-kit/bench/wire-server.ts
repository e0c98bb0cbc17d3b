/**
 * The wire half of the stack benchmark: serves `GET /hello` bare or inside the demo's usual stack
 * (recovery ▸ requestID ▸ logger to a null sink ▸ cors) on core-listener's real server, for wrk.
 *
 *   taskset -c 0 bun --conditions=@servehttp/source packages/middleware-kit/bench/wire-server.ts bare 18090 &
 *   taskset -c 1 wrk -t1 -c50 -d5s http://127.0.0.1:18090/hello   # warm-up, then again to measure
 *
 * Compare the req/s of `bare` and `stack` (budget: stack ≥ 85 % of bare).
 */
import { handlerFunc, listen, Server } from '@servehttp/core-listener';
import { chain } from '../src/chain.ts';
import { cors } from '../src/cors/index.ts';
import { logger } from '../src/logger/index.ts';
import { recovery } from '../src/recovery/index.ts';
import { requestID } from '../src/request-id/index.ts';

const mode = process.argv[2] ?? 'stack';
const port = Number(process.argv[3] ?? 18090);
const hello = handlerFunc((w) => {
  w.header().set('Content-Type', 'text/plain; charset=utf-8');
  void w.write('Hello, World!\n');
});
const handler =
  mode === 'bare'
    ? hello
    : chain(hello, recovery(), requestID(), logger({ sink: () => {} }), cors());
const srv = new Server({ handler, errorLog: () => {} });
const l = await listen('tcp', `127.0.0.1:${port}`);
// A clean exit on SIGINT, so that `bun --cpu-prof-md` writes its profile.
process.on('SIGINT', () => process.exit(0));
console.log(`${mode} listening on ${String(l.addr())} pid ${process.pid}`);
await srv.serve(l).catch(() => {});
