/**
 * The server side of the Context-pooling measurement (README "Pooling"): gin-router on
 * core-listener's Server with `GET /hello` and `GET /user/:id`, either as shipped (a new Context
 * per request) or with POOL=1, a prototype that reuses Contexts through the engine's
 * `handleContext` (which clears what a route decided, as gin's `c.reset()`).
 *
 *   POOL=0 PORT=18080 taskset -c 0 bun --conditions=@servehttp/source packages/gin-router/bench/pool-server.ts
 *   taskset -c 1 wrk -t1 -c50 -d5s http://127.0.0.1:18080/hello      (after a 5 s warm-up run)
 *
 * The prototype is not shipped: see the README for the numbers and the decision.
 */
import type { ResponseWriter as HTTPResponseWriter, Request } from '@servehttp/core-listener';
import { listen, Server } from '@servehttp/core-listener';
import { Context, Engine, ResponseWriter, setMode } from '../src/index.ts';

setMode('release');

class PooledEngine extends Engine {
  readonly #pool: Context[] = [];
  override serveHTTP(w: HTTPResponseWriter, r: Request): void | Promise<void> {
    const c = this.#pool.pop() ?? new Context(this, new ResponseWriter(w), r);
    c.request = r;
    c.writer = new ResponseWriter(w);
    const done = (): void => {
      c.writer.writeHeaderNow();
      this.#pool.push(c);
    };
    const res = this.handleContext(c);
    if (res !== undefined) return res.then(done);
    done();
  }
}

const pooled = process.env.POOL === '1';
const r = pooled ? new PooledEngine() : new Engine();
r.get('/hello', (c) => c.string(200, 'hello'));
r.get('/user/:id', (c) => c.string(200, c.param('id')));
r.prepareRun();
const l = await listen('tcp', `127.0.0.1:${process.env.PORT ?? '18080'}`);
console.log(`listening on ${l.addr().port}, pooled=${pooled}`);
await new Server({ handler: r }).serve(l);
