/**
 * servehttp under test, one variant per process:
 *
 *   bun --conditions=@servehttp/source bench/servers/servehttp.ts <variant> <port> [bodySize] [reusePort]
 *
 * variant: `core` (core-listener Server, plain handler), `servemux` (ServeMux), `gin` (gin-router
 * Engine) or `stack` (recovery ▸ requestID ▸ logger to a null sink ▸ cors around the core handler).
 * Routes: `GET /hello` → "Hello, World!" (or `bodySize` bytes) and `GET /user/:id` → the id.
 * The same file, bundled by `bun build --target=node`, is what the Node runs execute; it listens
 * with the backend of the runtime it runs on (Bun sockets on Bun, node:net on Node).
 */
import {
  type Handler,
  handlerFunc,
  listen,
  type Request,
  type ResponseWriter,
  Server,
} from '../../packages/core-listener/src/index.ts';
import { helloBody } from './body.ts';

const variant = process.argv[2] ?? 'core';
const port = Number(process.argv[3] ?? 0);
const body = helloBody(Number(process.argv[4] ?? 13));
const textPlain = 'text/plain; charset=utf-8';

function hello(w: ResponseWriter): void {
  w.header().set('Content-Type', textPlain);
  void w.write(body);
}

function plain(w: ResponseWriter, r: Request): void {
  const path = r.url.path;
  if (path === '/hello') {
    hello(w);
    return;
  }
  if (path.startsWith('/user/') && path.indexOf('/', 6) === -1) {
    w.header().set('Content-Type', textPlain);
    void w.write(path.slice(6));
    return;
  }
  w.writeHeader(404);
}

// Each variant loads only the packages it uses, so a process's RSS is that variant's own.
async function build(): Promise<Handler> {
  switch (variant) {
    case 'core':
      return handlerFunc(plain);
    case 'stack': {
      const [{ chain }, { cors }, { logger }, { recovery }, { requestID }] = await Promise.all([
        import('../../packages/middleware-kit/src/chain.ts'),
        import('../../packages/middleware-kit/src/cors/index.ts'),
        import('../../packages/middleware-kit/src/logger/index.ts'),
        import('../../packages/middleware-kit/src/recovery/index.ts'),
        import('../../packages/middleware-kit/src/request-id/index.ts'),
      ]);
      return chain(handlerFunc(plain), recovery(), requestID(), logger({ sink: () => {} }), cors());
    }
    case 'servemux': {
      const { ServeMux } = await import('../../packages/servemux/src/index.ts');
      const mux = new ServeMux();
      mux.handleFunc('GET /hello', hello);
      mux.handleFunc('GET /user/{id}', (w, r) => {
        w.header().set('Content-Type', textPlain);
        void w.write(r.pathValue('id'));
      });
      return mux;
    }
    case 'gin': {
      const { createEngine, ReleaseMode, setMode } = await import(
        '../../packages/gin-router/src/index.ts'
      );
      setMode(ReleaseMode);
      const e = createEngine();
      e.get('/hello', (c) => c.data(200, textPlain, body));
      e.get('/user/:id', (c) => c.data(200, textPlain, c.param('id')));
      return e;
    }
    default:
      throw new Error(`servehttp.ts: unknown variant ${variant}`);
  }
}

const server = new Server({ handler: await build(), errorLog: () => {} });
// `reusePort` as the 5th argument lets several processes share the port (the scale tier's
// worker rows; core-listener's `cluster` helper listens the same way).
const l = await listen('tcp', `127.0.0.1:${port}`, { reusePort: process.argv[5] === 'reusePort' });
console.log(`READY ${l.addr().port}`);
await server.serve(l).catch(() => {});
