/**
 * `rateLimit`: a token bucket per key (default: client IP), with the IETF `RateLimit-*` response
 * headers (draft-ietf-httpapi-ratelimit-headers: `RateLimit-Limit`, `RateLimit-Remaining`,
 * `RateLimit-Reset`, `RateLimit-Policy`) and `429 Too Many Requests` + `Retry-After` when empty.
 *
 * Design: a bucket holds up to `burst` tokens and refills at `limit / windowMs`; a request takes
 * one. State lives in a {@link RateLimitStore}, so a cluster can share it (Redis, …); the default
 * {@link MemoryStore} is a `Map` in least-recently-used order with a hard cap on keys and a sweep
 * that drops buckets idle long enough to be full again (a full bucket is the same as no entry), so
 * memory stays bounded under a flood of distinct keys.
 *
 * Example: limit 10 per 60 s, burst 10: ten requests pass at once (remaining 9 … 0); the 11th gets
 * 429 with `Retry-After: 6` (one token refills every 6 s).
 *
 * @module
 */
import {
  type Handler,
  type Request,
  type ResponseWriter,
  StatusTooManyRequests,
  statusText,
} from '@servehttp/core-listener';
import type { Middleware } from '../chain.ts';
import { checkFunc, checkInt, hostOf, httpError } from '../util.ts';

/** The result of taking a token. */
export interface RateLimitResult {
  /** Whether the request may proceed. */
  allowed: boolean;
  /** Whole tokens left after this request. */
  remaining: number;
  /** Milliseconds until the bucket is full again. */
  resetMs: number;
  /** Milliseconds until one token is available (0 when allowed). */
  retryAfterMs: number;
}

/** Where buckets live. `take` may be async (a network store). */
export interface RateLimitStore {
  /** Takes one token for `key` from a bucket of `capacity` refilling `ratePerMs`, at time `now`. */
  take(
    key: string,
    capacity: number,
    ratePerMs: number,
    now: number,
  ): RateLimitResult | Promise<RateLimitResult>;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** The in-memory store: LRU order, at most `maxKeys` buckets, idle full buckets evicted. */
export class MemoryStore implements RateLimitStore {
  readonly #buckets = new Map<string, Bucket>();
  readonly #maxKeys: number;

  /** @param maxKeys hard cap on tracked keys (default 100 000); the least recently used go first. */
  constructor(maxKeys = 100_000) {
    this.#maxKeys = checkInt(
      'rateLimit',
      'MemoryStore maxKeys',
      maxKeys,
      1,
      Number.MAX_SAFE_INTEGER,
    );
  }

  /** How many keys are tracked. */
  get size(): number {
    return this.#buckets.size;
  }

  /** See {@link RateLimitStore.take}. */
  take(key: string, capacity: number, ratePerMs: number, now: number): RateLimitResult {
    const m = this.#buckets;
    let b = m.get(key);
    if (b === undefined) {
      b = { tokens: capacity, at: now };
      if (m.size >= this.#maxKeys) this.#evict(now, capacity, ratePerMs);
    } else {
      m.delete(key); // re-inserted below: Map order is recency
      b.tokens = Math.min(capacity, b.tokens + (now - b.at) * ratePerMs);
      b.at = now;
    }
    m.set(key, b);
    const allowed = b.tokens >= 1;
    if (allowed) b.tokens -= 1;
    return {
      allowed,
      remaining: Math.floor(b.tokens),
      resetMs: Math.ceil((capacity - b.tokens) / ratePerMs),
      retryAfterMs: allowed ? 0 : Math.ceil((1 - b.tokens) / ratePerMs),
    };
  }

  // Drops buckets that are full by now (idle), oldest first, bounded work; then the LRU one if
  // still at the cap.
  #evict(now: number, capacity: number, ratePerMs: number): void {
    const m = this.#buckets;
    let scanned = 0;
    for (const [k, b] of m) {
      if (scanned++ >= 64) break;
      if (b.tokens + (now - b.at) * ratePerMs >= capacity) m.delete(k);
    }
    if (m.size >= this.#maxKeys) {
      const oldest = m.keys().next();
      if (oldest.done !== true) m.delete(oldest.value);
    }
  }
}

/** Options of {@link rateLimit}. */
export interface RateLimitOptions {
  /** Requests per window (the refill). Required. */
  limit: number;
  /** Window in ms; default 60 000. */
  windowMs?: number;
  /** Bucket size (requests allowed at once); default `limit`. */
  burst?: number;
  /** The key of a request; default the client IP (`remoteAddr` without port; run realIP first). */
  key?: (r: Request) => string;
  /** Where buckets live; default a {@link MemoryStore}. */
  store?: RateLimitStore;
  /** The clock, for tests; default `Date.now`. */
  now?: () => number;
}

/**
 * Returns rate-limiting middleware (see the module note). Allowed requests carry the
 * `RateLimit-*` headers; refused ones get `429 Too Many Requests` with `Retry-After` (seconds).
 * @throws {MiddlewareOptionError} for a non-positive limit, window or burst, or a bad key/store.
 */
export function rateLimit(options: RateLimitOptions): Middleware {
  const limit = checkInt('rateLimit', 'limit', options?.limit, 1, Number.MAX_SAFE_INTEGER);
  const windowMs = checkInt(
    'rateLimit',
    'windowMs',
    options.windowMs ?? 60_000,
    1,
    Number.MAX_SAFE_INTEGER,
  );
  const burst = checkInt('rateLimit', 'burst', options.burst ?? limit, 1, Number.MAX_SAFE_INTEGER);
  checkFunc('rateLimit', 'key', options.key);
  checkFunc('rateLimit', 'now', options.now);
  if (options.store !== undefined) checkFunc('rateLimit', 'store.take', options.store.take, false);
  const key = options.key ?? ((r: Request) => hostOf(r.remoteAddr));
  const store = options.store ?? new MemoryStore();
  const now = options.now ?? Date.now;
  const rate = limit / windowMs;
  const policy = `${limit};w=${Math.ceil(windowMs / 1000)}`;
  const limitStr = String(burst);

  const apply = (
    w: ResponseWriter,
    r: Request,
    next: Handler,
    res: RateLimitResult,
  ): void | Promise<void> => {
    const h = w.header();
    h.set('RateLimit-Limit', limitStr);
    h.set('RateLimit-Remaining', String(res.remaining));
    h.set('RateLimit-Reset', String(Math.ceil(res.resetMs / 1000)));
    h.set('RateLimit-Policy', policy);
    if (res.allowed) return next.serveHTTP(w, r);
    h.set('Retry-After', String(Math.max(1, Math.ceil(res.retryAfterMs / 1000))));
    httpError(w, statusText(StatusTooManyRequests), StatusTooManyRequests);
  };

  return (next: Handler) => ({
    serveHTTP(w: ResponseWriter, r: Request): void | Promise<void> {
      const res = store.take(key(r), burst, rate, now());
      if ('then' in res) return res.then((x) => apply(w, r, next, x));
      return apply(w, r, next, res);
    },
  });
}
