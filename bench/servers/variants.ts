/**
 * The handlers of servehttp's contenders, one per variant, shared by the wire server
 * (`servehttp.ts`) and the in-process benchmark (`bench/conn/inproc.ts`) so both measure the
 * same code:
 *
 * variant: `core` (core-listener Server, plain handler), `servemux` (ServeMux), `gin` (gin-router
 * Engine) or `stack` (recovery ▸ requestID ▸ logger to a null sink ▸ cors around the core handler).
 * Routes: `GET /hello` → "Hello, World!" (or `bodySize` bytes) and `GET /user/:id` → the id.
 */
import {
  type Handler,
  handlerFunc,
  type Request,
  type ResponseWriter,
} from '../../packages/core-listener/src/index.ts';
import { helloBody } from './body.ts';

const textPlain = 'text/plain; charset=utf-8';

/** Builds the handler of `variant`; each variant loads only the packages it uses. */
export async function buildVariant(variant: string, bodySize = 13): Promise<Handler> {
  const body = helloBody(bodySize);
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
