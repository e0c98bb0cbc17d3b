/**
 * Starts the demo server: `npm start` (no Bun needed) or `bun run demo`. PORT and HOST pick the
 * address (default 127.0.0.1:8080; PORT=0 picks a free port). It prints the URL to open and, on
 * SIGINT/SIGTERM, shuts down gracefully: in-flight requests finish, then it exits.
 */
import { ErrServerClosed, joinHostPort, listen, Server } from '@servehttp/core-listener';
import { createApp } from './app.ts';

const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '127.0.0.1';
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(
    `demo: PORT must be a port number 0-65535, got ${JSON.stringify(process.env.PORT)}`,
  );
  process.exit(2);
}

const server = new Server({ handler: createApp() });
const listener = await listen('tcp', joinHostPort(host, port));
console.log(`servehttp demo listening on http://${String(listener.addr())}/`);

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    const deadline = AbortSignal.timeout(10_000);
    server.shutdown(deadline).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

await server.serve(listener).catch((err: unknown) => {
  if (err === ErrServerClosed) return;
  console.error(err);
  process.exit(1);
});
