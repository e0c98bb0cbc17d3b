import { describe, expect, test } from 'bun:test';
import { handlerFunc } from '@servehttp/core-listener';
import { newRequest, ResponseRecorder } from '@servehttp/core-listener/httptest';
import { MemoryStore, rateLimit } from './index.ts';

describe('rateLimit (token bucket, IETF RateLimit headers)', () => {
  test('burst, then 429 with Retry-After, then refill', async () => {
    let now = 1_000_000;
    const h = rateLimit({ limit: 10, windowMs: 60_000, now: () => now })(
      handlerFunc((w) => w.writeHeader(200)),
    );
    const hit = async () => {
      const rec = new ResponseRecorder();
      await h.serveHTTP(rec, newRequest('GET', '/'));
      const r = rec.result().header;
      return [rec.code, r.get('RateLimit-Remaining'), r.get('Retry-After')];
    };
    // Rows: request n → status, remaining, Retry-After (one token per 6 s).
    const rows: [number, string, string][] = [];
    for (let i = 0; i < 10; i++) rows.push([200, String(9 - i), '']);
    rows.push([429, '0', '6']);
    for (const want of rows) expect(await hit()).toEqual(want);
    now += 6000;
    expect(await hit()).toEqual([200, '0', '']);
    const rec = new ResponseRecorder();
    await h.serveHTTP(rec, newRequest('GET', '/'));
    expect([
      rec.header().get('RateLimit-Limit'),
      rec.header().get('RateLimit-Policy'),
      rec.text(),
    ]).toEqual(['10', '10;w=60', 'Too Many Requests\n']);
  });

  test('keys are separate; memory is bounded and idle buckets evicted', () => {
    const s = new MemoryStore(3);
    const rate = 1 / 1000;
    for (const k of ['a', 'b', 'c', 'd', 'e']) s.take(k, 2, rate, 0);
    expect(s.size).toBe(3);
    // Much later every bucket is full again (idle): a new key evicts them instead of growing.
    s.take('f', 2, rate, 1_000_000);
    expect(s.size).toBeLessThanOrEqual(3);
    expect(s.take('g', 1, rate, 0).allowed).toBe(true);
    expect(s.take('g', 1, rate, 0).allowed).toBe(false);
  });

  test('async store', async () => {
    const h = rateLimit({
      limit: 1,
      store: {
        take: async () => ({ allowed: false, remaining: 0, resetMs: 1000, retryAfterMs: 1500 }),
      },
    })(handlerFunc(() => {}));
    const rec = new ResponseRecorder();
    await h.serveHTTP(rec, newRequest('GET', '/'));
    expect([rec.code, rec.header().get('Retry-After')]).toEqual([429, '2']);
  });

  const bad: [string, object, string][] = [
    ['no limit', {}, 'limit must be an integer'],
    ['zero window', { limit: 1, windowMs: 0 }, 'windowMs'],
    ['bad store', { limit: 1, store: {} }, 'store.take must be a function'],
  ];
  test.each(bad)('%s throws', (_n, o, msg) => expect(() => rateLimit(o as never)).toThrow(msg));
});
