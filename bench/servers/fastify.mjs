// Fastify, runnable on Node and on Bun: `node bench/servers/fastify.mjs <port>`.
import Fastify from 'fastify';

const port = Number(process.argv[2] ?? 0);
const app = Fastify({ logger: false });
app.get('/hello', (_req, reply) => {
  reply.type('text/plain; charset=utf-8').send('Hello, World!');
});
app.get('/user/:id', (req, reply) => {
  reply.type('text/plain; charset=utf-8').send(req.params.id);
});
await app.listen({ host: '127.0.0.1', port });
console.log(`READY ${app.server.address().port}`);
