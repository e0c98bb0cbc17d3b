/**
 * `cluster`: scale one server over every core. The primary process starts N workers running the
 * same program, restarts a worker that dies, and on SIGTERM/SIGINT has every worker drain
 * (`shutdown()`) before it exits itself.
 *
 * Design: built on `node:cluster` (Bun implements it too). Each worker listens on the same port:
 * on Bun with `listen(…, { reusePort: true })`, so the kernel spreads new connections over the
 * workers' sockets (SO_REUSEPORT, Linux); on Node.js `node:cluster` shares the primary's socket
 * with the workers. The primary tracks its workers in a Map from worker id to start time.
 * Invariants: while not shutting down there are `workers` workers alive or about to be forked;
 * a worker that dies within a second of starting is restarted after a delay that doubles (to
 * 5 s), so a program that cannot start does not fork in a tight loop; once shutting down,
 * nothing is restarted and the primary resolves `done` when the last worker has exited (after
 * SIGKILLing those still alive at `shutdownTimeout`).
 *
 * Example: `await cluster(main, { workers: 2 })` in the primary forks two workers; worker 1
 * crashes → `cluster: worker 1 (pid 4242) exited with code 1; restarting` → worker 3 starts;
 * SIGTERM → both workers get SIGTERM, their `shutdownOnSignals` drains them, they exit 0 → the
 * primary exits 0.
 */
import type { Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { nodeCluster as loadCluster } from './builtins.ts';

/** Options of {@link cluster}. */
export interface ClusterOptions {
  /** How many workers; default one per core (`os.availableParallelism()`). */
  workers?: number;
  /** Milliseconds workers get to drain after SIGTERM before they are killed; default 30 000. */
  shutdownTimeout?: number;
  /** Where the primary logs starts, deaths and restarts; default `console.error`. */
  log?: (message: string) => void;
  /** Exit the primary once every worker has exited after a shutdown; default `true`. */
  exit?: boolean;
}

/** The primary's handle on its workers. */
export interface ClusterPrimary {
  /** Process ids of the workers alive now. */
  pids(): number[];
  /** How many workers were restarted after dying. */
  readonly restarts: number;
  /** Asks every worker to drain (SIGTERM), as a signal to the primary does; resolves with `done`. */
  shutdown(): Promise<void>;
  /** Resolves once a shutdown has finished and every worker has exited. */
  readonly done: Promise<void>;
}

const maxRestartDelay = 5000;

/**
 * Runs `main` in N worker processes. In the primary it forks the workers and returns a
 * {@link ClusterPrimary}; in a worker it runs `main` and returns `undefined`. `main` should
 * listen with `reusePort: true` and call `shutdownOnSignals(server)`, so that the SIGTERM the
 * primary forwards drains it. Go has no equivalent (one Go process uses every core); this is
 * the Node.js `cluster` pattern with restarts and a graceful drain.
 * @throws {TypeError} when `main` is not a function or `workers` is not a positive integer.
 */
export async function cluster(
  main: () => unknown,
  options: ClusterOptions = {},
): Promise<ClusterPrimary | undefined> {
  if (typeof main !== 'function') throw new TypeError('http: cluster needs a main function');
  const n = options.workers ?? availableParallelism();
  if (!Number.isInteger(n) || n < 1) {
    throw new TypeError(`http: cluster workers must be a positive integer, got ${n}`);
  }
  const nodeCluster = loadCluster();
  if (!nodeCluster.isPrimary) {
    await main();
    return undefined;
  }
  const log = options.log ?? ((m: string) => console.error(m));
  const timeout = options.shutdownTimeout ?? 30_000;
  const exit = options.exit ?? true;
  const started = new Map<number, number>();
  let delay = 0;
  let restarts = 0;
  let stopping = false;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => {
    resolveDone = r;
  });

  const fork = (): void => {
    const w = nodeCluster.fork();
    started.set(w.id, Date.now());
  };
  const onExit = (w: Worker, code: number | null, signal: string | null): void => {
    const since = started.get(w.id) ?? Date.now();
    started.delete(w.id);
    if (stopping) {
      if (started.size === 0) finish();
      return;
    }
    const how = signal !== null ? `signal ${signal}` : `code ${code}`;
    // A worker that dies at once is likely to die again: back off instead of spinning.
    delay =
      Date.now() - since < 1000 ? Math.min(delay === 0 ? 100 : delay * 2, maxRestartDelay) : 0;
    log(
      `cluster: worker ${w.id} (pid ${w.process.pid}) exited with ${how}; restarting in ${delay} ms`,
    );
    restarts++;
    const t = setTimeout(() => {
      if (!stopping) fork();
    }, delay);
    t.unref?.();
  };
  let killTimer: ReturnType<typeof setTimeout> | undefined;
  const finish = (): void => {
    if (killTimer !== undefined) clearTimeout(killTimer);
    for (const s of ['SIGTERM', 'SIGINT']) process.off(s, onSignal);
    nodeCluster.off('exit', onExit);
    resolveDone();
    // A turn later, so that what awaits `done` runs before the process goes.
    if (exit) setTimeout(() => process.exit(0), 0);
  };
  const shutdown = (): Promise<void> => {
    if (!stopping) {
      stopping = true;
      log(`cluster: draining ${started.size} workers`);
      const alive = Object.values(nodeCluster.workers ?? {});
      if (alive.length === 0) finish();
      for (const w of alive) w?.process.kill('SIGTERM');
      killTimer = setTimeout(() => {
        for (const w of Object.values(nodeCluster.workers ?? {})) w?.process.kill('SIGKILL');
      }, timeout);
    }
    return done;
  };
  const onSignal = (): void => {
    void shutdown();
  };
  for (const s of ['SIGTERM', 'SIGINT']) process.on(s, onSignal);
  nodeCluster.on('exit', onExit);
  for (let i = 0; i < n; i++) fork();
  return {
    pids: () =>
      Object.values(nodeCluster.workers ?? {}).flatMap((w) =>
        w?.process.pid === undefined ? [] : [w.process.pid],
      ),
    get restarts() {
      return restarts;
    },
    shutdown,
    done,
  };
}
