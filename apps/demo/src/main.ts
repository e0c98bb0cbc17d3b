/**
 * Starts the demo: `npm start` from the repository root (Bun is fetched if missing) or
 * `bun run demo`. Flags and environment variables are in config.ts (and the README); it prints the
 * URL to open. SIGTERM/SIGINT drain it: the server stops accepting, event streams end, requests in
 * flight finish (up to --shutdown-timeout), then the database is closed and the process exits 0.
 * With --cluster N, N worker processes share the port (SO_REUSEPORT) and the SQLite file (WAL).
 *
 * Bun-only: the store is `bun:sqlite`.
 */
import {
  cluster,
  ErrServerClosed,
  joinHostPort,
  listen,
  loadTLSFiles,
  Server,
  shutdownOnSignals,
} from '@servehttp/core-listener';
import { createApp } from './app.ts';
import { type Config, ConfigError, parseConfig } from './config.ts';
import { openStore } from './store.ts';

async function serveOne(cfg: Config, worker: boolean): Promise<void> {
  const store = openStore(cfg.dataDir);
  const { handler, flow } = createApp({
    store,
    logFormat: cfg.logFormat,
    trustedProxies: cfg.trustedProxies,
    corsOrigins: cfg.corsOrigins,
    rateLimit: cfg.rateLimit,
    loginLimit: cfg.loginLimit,
    bodyLimit: cfg.bodyLimit,
  });
  const server = new Server({
    handler,
    connContext: flow.connContext,
    connState: flow.connState,
    readHeaderTimeout: 10_000,
    idleTimeout: 120_000,
  });
  // Event streams never end by themselves; a drain must end them (Go: RegisterOnShutdown).
  server.registerOnShutdown(() => flow.closeAll());
  const tls = cfg.tlsCert !== '' ? await loadTLSFiles(cfg.tlsCert, cfg.tlsKey) : undefined;
  const listener = await listen('tcp', joinHostPort(cfg.host, cfg.port), {
    ...(tls !== undefined ? { tls } : {}),
    ...(worker ? { reusePort: true } : {}),
  });
  const scheme = tls !== undefined ? 'https' : 'http';
  const who = worker ? ` (worker ${process.pid})` : '';
  // One write, so a reader that sees the URL also sees where the data is.
  console.log(
    `servehttp demo listening on ${scheme}://${String(listener.addr())}/${who}\n` +
      `  data: ${store.path}; open the URL above for the live request flow`,
  );
  const drain = shutdownOnSignals(server, { timeout: cfg.shutdownTimeout, exit: false });
  (tls !== undefined ? server.serveTLS(listener) : server.serve(listener)).catch((err: unknown) => {
    if (err === ErrServerClosed) return;
    console.error(err);
    drain.trigger('serve error');
  });
  const how = await drain.done;
  // Only now: no request is left that could still use a statement.
  store.close();
  console.error(`demo: drained (${how}); database closed`);
  process.exit(how === 'graceful' ? 0 : 1);
}

let cfg: Config;
try {
  cfg = parseConfig(process.argv.slice(2), process.env);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  process.exit(2);
}

if (cfg.workers > 0) {
  await cluster(() => serveOne(cfg, true), {
    workers: cfg.workers,
    shutdownTimeout: cfg.shutdownTimeout + 5000,
  });
} else {
  await serveOne(cfg, false);
}
