/** Hono on `Bun.serve`: `bun bench/servers/hono.ts <port>`. Hono's default router (SmartRouter). */
import { Hono } from 'hono';

const port = Number(process.argv[2] ?? 0);
const app = new Hono();
app.get('/hello', (c) => c.text('Hello, World!'));
app.get('/user/:id', (c) => c.text(c.req.param('id')));
const server = Bun.serve({ hostname: '127.0.0.1', port, fetch: app.fetch });
console.log(`READY ${server.port}`);
