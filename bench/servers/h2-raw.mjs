/**
 * Raw `node:http2` for the h2 tier, the baseline servehttp is held to: `createSecureServer`
 * and a `'stream'` handler that answers with `respond` + `end`, nothing else.
 *
 *   bun bench/servers/h2-raw.mjs <port>    |    node bench/servers/h2-raw.mjs <port>
 *
 * Same routes, bodies and certificate as h2-servehttp.ts.
 */
import { readFileSync } from 'node:fs';
import { createSecureServer } from 'node:http2';

const port = Number(process.argv[2] ?? 0);
// The PEM text of core-listener's test certificate, read from its source so no copy drifts.
const src = readFileSync(
  new URL('../../packages/core-listener/src/testcert.ts', import.meta.url),
  'utf8',
);
const pem = (label) => {
  const m = new RegExp(`-----BEGIN ${label}-----[^-]+-----END ${label}-----`).exec(src);
  if (m === null) throw new Error(`h2-raw: no ${label} in testcert.ts`);
  return m[0];
};
const hello = 'Hello, World!';
const big = 'x'.repeat(64 * 1024);
const server = createSecureServer({
  cert: pem('CERTIFICATE'),
  key: pem('PRIVATE KEY'),
  allowHTTP1: true,
  ALPNProtocols: ['h2', 'http/1.1'],
});
server.on('stream', (stream, headers) => {
  const path = headers[':path'];
  if (path === '/hello' || path === '/64k') {
    const body = path === '/hello' ? hello : big;
    stream.respond({
      ':status': 200,
      'content-type': 'text/plain; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      date: new Date().toUTCString(),
    });
    stream.end(body);
    return;
  }
  stream.respond({ ':status': 404 });
  stream.end();
});
server.listen(port, '127.0.0.1', () => console.log(`READY ${server.address().port}`));
