/** `Bun.serve` with its native routes: `bun bench/servers/bun-serve.ts <port> [bodySize] [reusePort]`. */
import { helloBody } from './body.ts';

const port = Number(process.argv[2] ?? 0);
const body = helloBody(Number(process.argv[3] ?? 13));
const headers = { 'Content-Type': 'text/plain; charset=utf-8' };
const server = Bun.serve({
  hostname: '127.0.0.1',
  port,
  reusePort: process.argv[4] === 'reusePort',
  routes: {
    '/hello': () => new Response(body, { headers }),
    '/user/:id': (req) => new Response(req.params.id, { headers }),
  },
  fetch: () => new Response(null, { status: 404 }),
});
console.log(`READY ${server.port}`);
