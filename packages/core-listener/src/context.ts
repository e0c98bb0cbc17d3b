/**
 * `Context`: request-scoped values, cancellation and deadlines — Go's `context.Context` with an
 * `AbortSignal` in place of the `Done()` channel, so it plugs into `fetch`, streams and timers.
 *
 * Design: an immutable linked list from child to parent. A value node holds one key/value and
 * borrows its parent's signal; a cancel node owns an `AbortController`, listens to its parent's
 * signal (removing the listener when it is cancelled itself, so a long-lived server context does
 * not collect one listener per finished request) and may carry a deadline timer. `value()` walks
 * up the list: contexts are shallow (a handful of middleware values), so a walk is cheaper than a
 * copied map per `withValue`.
 *
 * Example: `const [ctx, cancel] = Context.background().withTimeout(50)`; after 50 ms
 * `ctx.signal.aborted` is true and `ctx.err() === ErrDeadlineExceeded`; `cancel()` earlier makes it
 * `ErrCanceled` and clears the timer.
 */
import { ErrCanceled, ErrDeadlineExceeded } from './errors.ts';

/**
 * A typed key for {@link Context.value}. Each call to {@link createKey} makes a distinct key, so
 * two packages can never collide — Go's `type userIDKey struct{}` trick.
 */
export interface ContextKey<T> {
  /** A label for debugging and error messages; two keys with one name are still distinct. */
  readonly name: string;
  /** Phantom member that carries the value type; never set. */
  readonly __type?: T;
}

/**
 * Creates a new, unique context key whose values have type `T`:
 * `const userID = createKey<string>('userID')`; `ctx.withValue(userID, 'u1')`;
 * `ctx.value(userID)` is typed `string | undefined`.
 */
export function createKey<T>(name: string): ContextKey<T> {
  if (typeof name !== 'string') {
    throw new TypeError(`http: createKey(name): name must be a string, got ${typeof name}`);
  }
  return Object.freeze({ name }) as ContextKey<T>;
}

/** Cancels a context made by `withCancel`/`withTimeout`/`withDeadline`; idempotent. */
export type CancelFunc = (reason?: unknown) => void;

// The background context never aborts, so it shares one signal nobody can abort and children do
// not subscribe to it at all.
const neverAborts: AbortSignal = new AbortController().signal;
let background: Context | undefined;

/**
 * Carries a deadline, a cancellation signal and request-scoped values across API boundaries.
 * Immutable: every `with…` method returns a child. Go: `context.Context`.
 *
 * - `signal` aborts when the context is cancelled (its `reason` is `err()`), which is when the
 *   client goes away or the handler returns for a request context.
 * - `value(key)` finds the nearest value for `key` up the chain.
 * - `deadline()` is the earliest deadline up the chain, in epoch milliseconds.
 */
export class Context {
  readonly #parent: Context | undefined;
  readonly #key: ContextKey<unknown> | undefined;
  readonly #value: unknown;
  readonly #signal: AbortSignal;
  readonly #deadline: number | undefined;

  private constructor(
    parent: Context | undefined,
    key: ContextKey<unknown> | undefined,
    value: unknown,
    signal: AbortSignal,
    deadline: number | undefined,
  ) {
    this.#parent = parent;
    this.#key = key;
    this.#value = value;
    this.#signal = signal;
    this.#deadline = deadline;
  }

  /**
   * The root context: no values, no deadline, never cancelled. Go: `context.Background()`.
   */
  static background(): Context {
    // Built on first use rather than in a static initializer: the compiled form of a class that
    // constructs itself while being defined breaks on Node.js 20.
    background ??= new Context(undefined, undefined, undefined, neverAborts, undefined);
    return background;
  }

  /** Aborts when the context is done; `signal.reason` equals `err()`. Go: `ctx.Done()`. */
  get signal(): AbortSignal {
    return this.#signal;
  }

  /**
   * `undefined` while the context is live; afterwards why it ended: {@link ErrCanceled},
   * {@link ErrDeadlineExceeded}, or the reason given to the cancel function. Go: `ctx.Err()`.
   */
  err(): unknown {
    return this.#signal.aborted ? this.#signal.reason : undefined;
  }

  /** The deadline in epoch milliseconds, or `undefined` for none. Go: `ctx.Deadline()`. */
  deadline(): number | undefined {
    return this.#deadline;
  }

  /** The value stored under `key` here or in an ancestor, else `undefined`. Go: `ctx.Value`. */
  value<T>(key: ContextKey<T>): T | undefined {
    for (let c: Context | undefined = this; c !== undefined; c = c.#parent) {
      if (c.#key === key) return c.#value as T;
    }
    return undefined;
  }

  /** A child that carries `value` under `key`. Go: `context.WithValue`. */
  withValue<T>(key: ContextKey<T>, value: T): Context {
    if (key === null || typeof key !== 'object') {
      throw new TypeError('http: Context.withValue: key must be made by createKey()');
    }
    return new Context(this, key as ContextKey<unknown>, value, this.#signal, this.#deadline);
  }

  /**
   * A child that is cancelled when `cancel()` is called or the parent is done. Always call
   * `cancel` once the work is finished, to release the parent's listener. Go:
   * `context.WithCancel`.
   */
  withCancel(): [Context, CancelFunc] {
    return this.#cancelable(undefined);
  }

  /**
   * A child that is also cancelled, with {@link ErrDeadlineExceeded}, `ms` milliseconds from now.
   * Go: `context.WithTimeout`.
   */
  withTimeout(ms: number): [Context, CancelFunc] {
    if (typeof ms !== 'number' || Number.isNaN(ms)) {
      throw new TypeError(`http: Context.withTimeout: ms must be a number, got ${String(ms)}`);
    }
    return this.#cancelable(Date.now() + ms);
  }

  /**
   * A child cancelled at `deadline` (a `Date` or epoch milliseconds) at the latest; a parent's
   * earlier deadline still wins. Go: `context.WithDeadline`.
   */
  withDeadline(deadline: Date | number): [Context, CancelFunc] {
    const at = typeof deadline === 'number' ? deadline : deadline.getTime();
    if (Number.isNaN(at)) {
      throw new TypeError('http: Context.withDeadline: deadline is not a valid time');
    }
    return this.#cancelable(at);
  }

  #cancelable(at: number | undefined): [Context, CancelFunc] {
    const controller = new AbortController();
    const parentSignal = this.#signal;
    const deadline =
      at === undefined || (this.#deadline !== undefined && this.#deadline <= at)
        ? this.#deadline
        : at;
    const ctx = new Context(this, undefined, undefined, controller.signal, deadline);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onParentAbort = (): void => cancel(parentSignal.reason);
    const cancel: CancelFunc = (reason?: unknown) => {
      if (timer !== undefined) clearTimeout(timer);
      if (parentSignal !== neverAborts) parentSignal.removeEventListener('abort', onParentAbort);
      if (!controller.signal.aborted) controller.abort(reason ?? ErrCanceled);
    };
    if (parentSignal.aborted) {
      controller.abort(parentSignal.reason);
      return [ctx, cancel];
    }
    if (parentSignal !== neverAborts) {
      parentSignal.addEventListener('abort', onParentAbort, { once: true });
    }
    if (at !== undefined && deadline === at) {
      const wait = at - Date.now();
      if (wait <= 0) {
        cancel(ErrDeadlineExceeded);
      } else {
        timer = setTimeout(cancel, wait, ErrDeadlineExceeded);
        // A pending deadline must not keep the process alive on its own.
        (timer as { unref?: () => void }).unref?.();
      }
    }
    return [ctx, cancel];
  }
}
