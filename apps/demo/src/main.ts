/**
 * Starts the demo server: `bun run demo` (or `npm start` on a machine without Bun).
 * PORT and HOST pick the address (default 127.0.0.1:8080; PORT=0 picks a free port). It prints the
 * URL to open and drains on SIGINT/SIGTERM.
 */
import { app } from './app.ts';
import { serveFetch } from './bridge.ts';

const port = Number(process.env.PORT ?? 8080);
const hostname = process.env.HOST ?? '127.0.0.1';
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(
    `demo: PORT must be a port number 0-65535, got ${JSON.stringify(process.env.PORT)}`,
  );
  process.exit(2);
}

const server = Bun.serve({
  port,
  hostname,
  fetch(req, srv) {
    const ip = srv.requestIP(req);
    return serveFetch(app, req, ip ? `${ip.address}:${ip.port}` : '');
  },
});

const host = hostname.includes(':') ? `[${hostname}]` : hostname;
console.log(`servehttp demo listening on http://${host}:${server.port}/`);

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    void server.stop().then(() => process.exit(0));
  });
}
