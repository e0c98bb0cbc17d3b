/**
 * Test helpers shared by the demo's test files: an in-process demo on 127.0.0.1:0 with a fresh
 * data directory, and the demo as a child process (the quick start's way) with its printed URL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listen, Server } from '@servehttp/core-listener';
import { testCertificate, testKey } from '@servehttp/core-listener/httptest';
import { type App, type AppOptions, createApp } from './app.ts';
import { openStore, type Store } from './store.ts';

/** A demo served in this process. */
export interface RunningDemo {
  /** `http://127.0.0.1:PORT` (`https://` with `tls`). */
  base: string;
  /** The server. */
  server: Server;
  /** The app (its flow recorder). */
  app: App;
  /** The database. */
  store: Store;
  /** The data directory. */
  dataDir: string;
  /** Access-log lines so far. */
  logs: string[];
  /** Connections the server reported `new`, for keep-alive checks. */
  conns: () => number;
  /** Shuts down, closes the store and removes the data directory. */
  close: () => Promise<void>;
}

/** A fresh temporary directory (removed by the caller). */
export function tempDir(prefix = 'servehttp-demo-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * Starts the demo in-process on `host:0` with a fresh data dir; `options` override defaults.
 * With `tls` it serves HTTPS with the test certificate, offering h2 and http/1.1 by ALPN.
 */
export async function startDemo(
  options: Partial<Omit<AppOptions, 'store'>> = {},
  host = '127.0.0.1',
  tls = false,
): Promise<RunningDemo> {
  const dataDir = tempDir();
  const store = openStore(dataDir);
  const logs: string[] = [];
  const app = createApp({
    store,
    log: (l) => logs.push(l),
    panicLog: () => {},
    ...options,
  });
  let conns = 0;
  const server = new Server({
    handler: app.handler,
    connContext: app.flow.connContext,
    connState: (c, s) => {
      if (s === 'new') conns++;
      app.flow.connState(c, s);
    },
    errorLog: () => {},
  });
  server.registerOnShutdown(() => app.flow.closeAll());
  const l = await listen(
    'tcp',
    `${host}:0`,
    tls ? { tls: { cert: testCertificate, key: testKey, alpnProtocols: ['h2', 'http/1.1'] } } : {},
  );
  void server.serve(l).catch(() => {});
  const base = `${tls ? 'https' : 'http'}://${String(l.addr())}`;
  return {
    base,
    server,
    app,
    store,
    dataDir,
    logs,
    conns: () => conns,
    close: async () => {
      await server.shutdown(AbortSignal.timeout(5000)).catch(() => server.close());
      store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A demo child process and the URL it printed. */
export interface DemoProcess {
  /** The process. */
  proc: ReturnType<typeof Bun.spawn>;
  /** The printed base URL, without the trailing slash. */
  base: string;
  /** Everything it printed to stdout so far. */
  out: () => string;
}

const mainPath = join(import.meta.dir, 'main.ts');

/**
 * Spawns `bun --conditions=@servehttp/source src/main.ts` with `env` added, waits (≤ 10 s) for
 * "listening on <url>". Kill it by PID (`proc.kill()`) in a finally/afterAll.
 */
export async function spawnDemo(
  env: Record<string, string>,
  args: string[] = [],
): Promise<DemoProcess> {
  const proc = Bun.spawn([process.execPath, '--conditions=@servehttp/source', mainPath, ...args], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ...env },
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const reader = (proc.stdout as ReadableStream<Uint8Array>).getReader();
  const deadline = Date.now() + 10_000;
  let out = '';
  let base = '';
  const dec = new TextDecoder();
  while (Date.now() < deadline && base === '') {
    const timer = new Promise<'timeout'>((r) =>
      setTimeout(() => r('timeout'), deadline - Date.now()),
    );
    const next = await Promise.race([reader.read(), timer]);
    if (next === 'timeout' || next.done) break;
    out += dec.decode(next.value);
    const m = /listening on (https?:\/\/\S+?)\/?(\s|$)/.exec(out);
    if (m?.[1] !== undefined) base = m[1];
  }
  if (base === '') {
    proc.kill('SIGKILL');
    const err = await new Response(proc.stderr as ReadableStream<Uint8Array>).text();
    throw new Error(`demo did not print its address; stdout: ${out}; stderr: ${err}`);
  }
  // Keep draining stdout so the child never blocks on a full pipe.
  void (async () => {
    for (;;) {
      const r = await reader.read().catch(() => ({ done: true as const, value: undefined }));
      if (r.done) return;
      out += dec.decode(r.value);
    }
  })();
  return { proc, base, out: () => out };
}
