/**
 * `throttle`: caps the number of requests in flight, with an optional backlog that waits for a
 * slot. Go: chi's `middleware.Throttle` / `ThrottleBacklog` — same messages, 429 by default.
 *
 * Design: two counters and a FIFO of waiters instead of chi's token channels. A request takes a
 * slot if one is free; else it joins the backlog if there is room (waiting at most
 * `backlogTimeout`, or until its context aborts); else it is refused at once. A finishing request
 * hands its slot straight to the oldest waiter.
 *
 * @module
 */
import {
  type Handler,
  type Request,
  type ResponseWriter,
  StatusTooManyRequests,
} from '@servehttp/core-listener';
import type { Middleware } from '../chain.ts';
import { MiddlewareOptionError } from '../errors.ts';
import { checkInt, httpError } from '../util.ts';

const errCapacityExceeded = 'Server capacity exceeded.';
const errTimedOut = 'Timed out while waiting for a pending request to complete.';
const errContextCanceled = 'Context was canceled.';

/** Options of {@link throttle}. */
export interface ThrottleOptions {
  /** Requests processed at once. Required, ≥ 1. */
  limit: number;
  /** Requests allowed to wait for a slot; default 0. */
  backlogLimit?: number;
  /** How long a waiter waits, ms; default 60 000 (chi). */
  backlogTimeout?: number;
  /** Status for refused requests; default 429. */
  statusCode?: number;
  /** Seconds for `Retry-After`, given whether the client had gone; default no header. */
  retryAfter?: (ctxDone: boolean) => number;
}

/**
 * Returns the throttling middleware.
 * @throws {MiddlewareOptionError} "throttle expects limit > 0" and friends, as chi panics.
 */
export function throttle(options: ThrottleOptions): Middleware {
  if (typeof options?.limit !== 'number' || options.limit < 1) {
    throw new MiddlewareOptionError('throttle', 'expects limit > 0');
  }
  const limit = checkInt('throttle', 'limit', options.limit, 1, Number.MAX_SAFE_INTEGER);
  const backlog = checkInt(
    'throttle',
    'backlogLimit',
    options.backlogLimit ?? 0,
    0,
    Number.MAX_SAFE_INTEGER,
  );
  const wait = checkInt(
    'throttle',
    'backlogTimeout',
    options.backlogTimeout ?? 60_000,
    0,
    2 ** 31 - 1,
  );
  const status = options.statusCode ?? StatusTooManyRequests;
  const retryAfter = options.retryAfter;
  let inFlight = 0;
  const waiters: (() => void)[] = [];

  const refuse = (w: ResponseWriter, msg: string, ctxDone: boolean): void => {
    if (retryAfter !== undefined)
      w.header().set('Retry-After', String(Math.floor(retryAfter(ctxDone))));
    httpError(w, msg, status);
  };
  const release = (): void => {
    const nextWaiter = waiters.shift();
    if (nextWaiter !== undefined)
      nextWaiter(); // the slot passes on; inFlight unchanged
    else inFlight--;
  };
  const run = (next: Handler, w: ResponseWriter, r: Request): void | Promise<void> => {
    let p: void | Promise<void>;
    try {
      p = next.serveHTTP(w, r);
    } catch (err) {
      release();
      throw err;
    }
    if (p === undefined) return release();
    return p.finally(release);
  };

  return (next: Handler) => ({
    serveHTTP(w: ResponseWriter, r: Request): void | Promise<void> {
      const signal = r.context().signal;
      if (signal.aborted) return refuse(w, errContextCanceled, true);
      if (inFlight < limit) {
        inFlight++;
        return run(next, w, r);
      }
      if (waiters.length >= backlog) return refuse(w, errCapacityExceeded, false);
      return new Promise<void>((resolve, reject) => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const leave = (): void => {
          const i = waiters.indexOf(grant);
          if (i !== -1) waiters.splice(i, 1);
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
        };
        const grant = (): void => {
          leave();
          Promise.resolve(run(next, w, r)).then(resolve, reject);
        };
        const onAbort = (): void => {
          leave();
          refuse(w, errContextCanceled, true);
          resolve();
        };
        timer = setTimeout(() => {
          leave();
          refuse(w, errTimedOut, false);
          resolve();
        }, wait);
        signal.addEventListener('abort', onAbort, { once: true });
        waiters.push(grant);
      });
    },
  });
}
