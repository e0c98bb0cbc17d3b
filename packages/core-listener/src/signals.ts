/**
 * `shutdownOnSignals`: what production Go programs write around `Server.Shutdown` — on SIGTERM
 * or SIGINT, stop accepting, let requests in flight finish within a deadline, then close what is
 * left and exit.
 *
 * Design: one listener per signal on the process (or an injected emitter, for tests). The first
 * signal starts a graceful `shutdown()` of every target with an `AbortSignal` that fires at the
 * deadline; when it fires, or when a second signal comes (an impatient operator's second
 * Ctrl-C), every target is `close()`d at once. `done` resolves with how it ended; the listeners
 * are removed then, so the runtime's default handling returns.
 *
 * Example: `shutdownOnSignals(srv, { timeout: 10_000 })`; SIGTERM → `srv.shutdown(signal)`
 * → the last response goes out 2 s later → `done` resolves `'graceful'` → exit code 0.
 */

/** What can be drained: a `Server` (or anything with the same two methods). */
export interface Drainable {
  /** Graceful stop; rejects when `signal` aborts first. Go: `Server.Shutdown(ctx)`. */
  shutdown(signal?: AbortSignal): Promise<void>;
  /** Immediate stop. Go: `Server.Close`. */
  close(): Promise<void>;
}

/** The part of `process` the helper uses; pass your own emitter in tests. */
export interface SignalSource {
  /** Adds a listener for a signal. */
  on(event: string, listener: (signal: string) => void): unknown;
  /** Removes it. */
  off(event: string, listener: (signal: string) => void): unknown;
}

/** Options of {@link shutdownOnSignals}. */
export interface SignalOptions {
  /** Signals that start the drain; default `['SIGTERM', 'SIGINT']`. */
  signals?: readonly string[];
  /** Milliseconds the drain may take before connections are closed; default 10 000. */
  timeout?: number;
  /**
   * Exit the process when done (code 0 after a graceful drain, 1 after a forced close);
   * default `true` when listening on the real `process`.
   */
  exit?: boolean;
  /** Where progress is logged; default `console.error`. */
  log?: (message: string) => void;
  /** Where signals come from; default `process`. */
  source?: SignalSource;
  /** Runs first on the first signal (mark the health check failing, stop background jobs…). */
  onSignal?: (signal: string) => void;
}

/** How a drain ended: every request finished, or the rest was cut at the deadline. */
export type DrainResult = 'graceful' | 'forced';

/** The handle {@link shutdownOnSignals} returns. */
export interface SignalHandle {
  /** Resolves once the drain has ended (never rejects). */
  readonly done: Promise<DrainResult>;
  /** Starts the drain now, as if a signal had come (idempotent). */
  trigger(signal?: string): void;
  /** Removes the signal listeners without draining. */
  dispose(): void;
}

/**
 * Wires SIGTERM/SIGINT to a graceful `shutdown()` of one or more servers, bounded by `timeout`,
 * then `close()`s whatever is left. A second signal during the drain closes at once.
 * Go: the `signal.NotifyContext` + `srv.Shutdown(ctx)` idiom of `net/http`'s Shutdown example.
 * @throws {TypeError} when a target lacks `shutdown`/`close` or `timeout` is not a finite
 * non-negative number.
 */
export function shutdownOnSignals(
  targets: Drainable | readonly Drainable[],
  options: SignalOptions = {},
): SignalHandle {
  const list: readonly Drainable[] = Array.isArray(targets) ? targets : [targets as Drainable];
  for (const t of list) {
    if (typeof t?.shutdown !== 'function' || typeof t?.close !== 'function') {
      throw new TypeError('http: shutdownOnSignals needs servers with shutdown() and close()');
    }
  }
  const timeout = options.timeout ?? 10_000;
  if (!Number.isFinite(timeout) || timeout < 0) {
    throw new TypeError(`http: shutdownOnSignals timeout must be a number of ms, got ${timeout}`);
  }
  const source: SignalSource = options.source ?? process;
  const exit = options.exit ?? options.source === undefined;
  const log = options.log ?? ((m: string) => console.error(m));
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  let resolveDone!: (r: DrainResult) => void;
  const done = new Promise<DrainResult>((r) => {
    resolveDone = r;
  });
  let started = false;
  let forced = false;
  const ac = new AbortController();

  const forceClose = async (): Promise<void> => {
    if (forced) return;
    forced = true;
    await Promise.all(list.map((t) => t.close().catch(() => {})));
  };

  const drain = async (signal: string): Promise<void> => {
    options.onSignal?.(signal);
    log(`http: ${signal}: shutting down, waiting up to ${timeout} ms for requests in flight`);
    const timer = setTimeout(() => ac.abort(new Error('http: shutdown deadline passed')), timeout);
    const results = await Promise.allSettled(list.map((t) => t.shutdown(ac.signal)));
    clearTimeout(timer);
    if (forced || results.some((r) => r.status === 'rejected')) {
      log('http: shutdown deadline passed; closing the remaining connections');
      await forceClose();
      finish('forced');
    } else finish('graceful');
  };

  const onSignal = (signal: string): void => {
    if (!started) {
      trigger(signal);
      return;
    }
    log(`http: ${signal} again: closing now`);
    ac.abort(new Error(`http: ${signal} during shutdown`));
    void forceClose();
  };

  const dispose = (): void => {
    for (const s of signals) source.off(s, onSignal);
  };

  const finish = (r: DrainResult): void => {
    dispose();
    resolveDone(r);
    if (exit) process.exit(r === 'graceful' ? 0 : 1);
  };

  const trigger = (signal = 'shutdown'): void => {
    if (started) return;
    started = true;
    void drain(signal);
  };

  for (const s of signals) source.on(s, onSignal);
  return { done, trigger, dispose };
}
