/** Elysia on Bun: `bun bench/servers/elysia.ts <port>`. */
import { Elysia } from 'elysia';

const port = Number(process.argv[2] ?? 0);
const app = new Elysia()
  .get('/hello', () => 'Hello, World!')
  .get('/user/:id', ({ params }) => params.id)
  .listen({ hostname: '127.0.0.1', port });
console.log(`READY ${app.server?.port}`);
