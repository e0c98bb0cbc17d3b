/**
 * servehttp over HTTP/2 for the h2 tier: a core-listener `Server` on a TLS listener whose ALPN
 * offers `h2`, the same handler the HTTP/1 tiers use.
 *
 *   bun --conditions=@servehttp/source bench/servers/h2-servehttp.ts <port> [node]
 *
 * `node` as the second argument listens with the node:net backend on Bun too, whose h2
 * connections are handed to the runtime's http2 as their own TLS sockets.
 *
 * Routes: `GET /hello` → "Hello, World!", `GET /64k` → 64 KiB of `x`. Bundled with
 * `bun build --target=node` for the Node runs, where it listens with node:net and node's own
 * http2 (nghttp2) serves the streams.
 */
import {
  listen,
  type Request,
  type ResponseWriter,
  Server,
} from '../../packages/core-listener/src/index.ts';
import { testCertificate, testKey } from '../../packages/core-listener/src/testcert.ts';
import { helloBody } from './body.ts';

const port = Number(process.argv[2] ?? 0);
const hello = helloBody(13);
const big = helloBody(64 * 1024);
const textPlain = 'text/plain; charset=utf-8';

function handler(w: ResponseWriter, r: Request): void {
  const path = r.url.path;
  if (path === '/hello' || path === '/64k') {
    w.header().set('Content-Type', textPlain);
    void w.write(path === '/hello' ? hello : big);
    return;
  }
  w.writeHeader(404);
}

const server = new Server({ handler, errorLog: () => {} });
const l = await listen('tcp', `127.0.0.1:${port}`, {
  tls: { cert: testCertificate, key: testKey, alpnProtocols: ['h2', 'http/1.1'] },
  ...(process.argv[3] === 'node' ? { backend: 'node' as const } : {}),
});
console.log(`READY ${l.addr().port}`);
await server.serve(l).catch(() => {});
