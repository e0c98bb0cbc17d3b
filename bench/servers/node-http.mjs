// node:http, runnable on Node and on Bun: `node bench/servers/node-http.mjs <port> [bodySize]`.
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? 0);
const size = Number(process.argv[3] ?? 13);
const body = size === 13 ? 'Hello, World!' : 'x'.repeat(size);
const length = Buffer.byteLength(body);
const server = createServer((req, res) => {
  const url = req.url ?? '';
  if (url === '/hello') {
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': length });
    res.end(body);
  } else if (url.startsWith('/user/') && url.indexOf('/', 6) === -1) {
    const id = url.slice(6);
    res.writeHead(200, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(id),
    });
    res.end(id);
  } else {
    res.writeHead(404);
    res.end();
  }
});
server.listen(port, '127.0.0.1', () => {
  const addr = server.address();
  console.log(`READY ${typeof addr === 'object' && addr !== null ? addr.port : port}`);
});
