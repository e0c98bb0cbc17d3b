/**
 * What a user of the published packages writes: two servers on 127.0.0.1:0 — Go's ServeMux behind
 * middleware-kit's `chain`, and a gin Engine with middleware-kit inside it through
 * `wrapMiddleware` and secureHeaders around it — then one JSON line with both ports on stdout. scripts/consumer.ts copies this
 * file into a fresh project that installed the packed tarballs, type-checks it with tsc (nodenext
 * and bundler resolution), runs it (Node.js on tsc's output, Bun on the .ts itself), sends real
 * requests and kills it by PID. It imports only the packages' public entry points.
 */
import {
  type Handler,
  listen,
  type Request,
  type ResponseWriter,
  Server,
} from '@servehttp/core-listener';
import { newRequest, ResponseRecorder } from '@servehttp/core-listener/httptest';
import {
  type Context,
  createEngine,
  recoveryWithWriter,
  wrapMiddleware,
} from '@servehttp/gin-router';
import { isToken } from '@servehttp/http-parser';
import { chain } from '@servehttp/middleware-kit';
import { cors } from '@servehttp/middleware-kit/cors';
import { recovery } from '@servehttp/middleware-kit/recovery';
import { getRequestID, requestID } from '@servehttp/middleware-kit/request-id';
import { secureHeaders } from '@servehttp/middleware-kit/secure-headers';
import { ServeMux } from '@servehttp/servemux';

const origin = 'https://app.example';

async function serve(handler: Handler): Promise<number> {
  const srv = new Server({ handler, errorLog: () => {} });
  const l = await listen('tcp', '127.0.0.1:0');
  void srv.serve(l).catch(() => {});
  return l.addr().port;
}

const mux = new ServeMux();
mux.handleFunc('GET /hello/{name}', (w: ResponseWriter, r: Request) => {
  w.header().set('X-Request-Id-Seen', getRequestID(r));
  void w.write(`Hello, ${r.pathValue('name')}!`);
});
mux.handleFunc('POST /echo', async (w: ResponseWriter, r: Request) => {
  const body = await r.text();
  w.header().set('Content-Type', 'text/plain; charset=utf-8');
  void w.write(`${r.method} ${body.length} ${body}`);
});
mux.handleFunc('GET /panic', () => {
  throw new Error('boom');
});

const engine = createEngine();
engine.use(
  recoveryWithWriter(null),
  wrapMiddleware(requestID()),
  wrapMiddleware(cors({ allowedOrigins: [origin] })),
);
engine.get('/user/:id', (c: Context) => {
  c.json(200, { id: c.param('id'), token: isToken(c.param('id')) });
});
engine.get('/panic', () => {
  throw new Error('boom');
});

// The in-memory path an npm user tests with: httptest from the published subpath.
const rec = new ResponseRecorder();
await mux.serveHTTP(rec, newRequest('GET', '/hello/recorder'));

const ports = {
  mux: await serve(chain(mux, recovery({ log: () => {} }), requestID())),
  gin: await serve(chain(engine, secureHeaders())),
  recorder: `${rec.code} ${rec.text()}`,
  runtime: typeof (globalThis as { Bun?: unknown }).Bun === 'undefined' ? 'node' : 'bun',
};
console.log(JSON.stringify(ports));
