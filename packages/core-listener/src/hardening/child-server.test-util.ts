/**
 * A server in its own process, for the tests that need one: fd limits (`ulimit -n`), SIGTERM,
 * memory and fd sampling. Run as `bun --conditions=@servehttp/source child-server.test-util.ts
 * <backend> [drainMs] [readHeaderTimeoutMs]`; it prints `PORT <n>` once it accepts connections.
 *
 * It serves `GET /__stats` (after a full GC: `{"rss","heap","fds","served"}`), `/slow` (answers
 * after 200 ms, for requests in flight during a drain) and everything else with `ok`. SIGTERM
 * starts `shutdownOnSignals` with `drainMs`; on the way out it prints `STATS started finished`
 * — requests that reached the handler and responses the handler completed — so a test can
 * compare them with what its clients counted.
 */
import { readdirSync } from 'node:fs';
import { listen } from '../net.ts';
import type { Request } from '../request.ts';
import type { ResponseWriter } from '../response.ts';
import { Server } from '../server.ts';
import { shutdownOnSignals } from '../signals.ts';

/** Whether this file is the process's entry point (it is also type-checked with the tests). */
const main = import.meta.main;

function fds(): number {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return -1;
  }
}

async function run(): Promise<void> {
  const backend = process.argv[2] === 'node' ? 'node' : 'bun';
  const drainMs = Number(process.argv[3] ?? 5000);
  const readHeaderTimeout = Number(process.argv[4] ?? 0);
  let started = 0;
  let finished = 0;
  const srv = new Server({
    readHeaderTimeout,
    handler: async (w: ResponseWriter, r: Request) => {
      started++;
      if (r.url.path === '/__stats') {
        Bun.gc(true);
        const m = process.memoryUsage();
        await w.write(
          JSON.stringify({ rss: m.rss, heap: m.heapUsed, fds: fds(), served: finished }),
        );
      } else if (r.url.path === '/slow') {
        await Bun.sleep(200);
        await w.write('slow ok');
      } else {
        await w.write('ok');
      }
      finished++;
    },
    errorLog: (m) => console.log(`LOG ${m.split('\n')[0]}`),
  });
  process.on('uncaughtException', (e) => {
    console.log(`UNCAUGHT ${String(e)}`);
    process.exit(3);
  });
  process.on('unhandledRejection', (e) => {
    console.log(`UNHANDLED ${String(e)}`);
    process.exit(4);
  });
  const l = await listen('tcp', '127.0.0.1:0', { backend });
  const h = shutdownOnSignals(srv, {
    timeout: drainMs,
    exit: false,
    log: (m) => console.log(`LOG ${m}`),
  });
  void h.done.then((how) => {
    console.log(`STATS ${started} ${finished} ${how}`);
    process.exit(how === 'graceful' ? 0 : 1);
  });
  void srv.serve(l).catch(() => {});
  console.log(`PORT ${l.addr().port}`);
}

if (main) await run();
