/**
 * servehttp under test, one variant per process:
 *
 *   bun --conditions=@servehttp/source bench/servers/servehttp.ts <variant> <port> [bodySize] [reusePort]
 *
 * The variants and their routes are in `variants.ts`.
 * The same file, bundled by `bun build --target=node`, is what the Node runs execute; it listens
 * with the backend of the runtime it runs on (Bun sockets on Bun, node:net on Node).
 */
import { listen, Server } from '../../packages/core-listener/src/index.ts';
import { buildVariant } from './variants.ts';

const variant = process.argv[2] ?? 'core';
const port = Number(process.argv[3] ?? 0);
const bodySize = Number(process.argv[4] ?? 13);

const server = new Server({ handler: await buildVariant(variant, bodySize), errorLog: () => {} });
// `reusePort` as the 5th argument lets several processes share the port (the scale tier's
// worker rows; core-listener's `cluster` helper listens the same way).
const l = await listen('tcp', `127.0.0.1:${port}`, { reusePort: process.argv[5] === 'reusePort' });
console.log(`READY ${l.addr().port}`);
await server.serve(l).catch(() => {});
