import { describe, expect, test } from 'bun:test';
import { Context, handlerFunc, Request } from '@servehttp/core-listener';
import { newRequest, ResponseRecorder } from '@servehttp/core-listener/httptest';
import { chain } from '../chain.ts';
import { cors } from '../cors/index.ts';
import { logger } from '../logger/index.ts';
import { recovery } from '../recovery/index.ts';
import {
  getRequestID,
  peekRequestID,
  type RequestIDOptions,
  requestID,
  requestIDKey,
} from './index.ts';

// Rows: incoming header, options → the id the handler sees (chi RequestID keeps a client id;
// ids that could forge log lines are replaced).
const rows: [string, string | undefined, RequestIDOptions, string | RegExp][] = [
  ['generated when absent', undefined, {}, /^[A-Za-z0-9_-]{10}-\d{6}$/],
  ['incoming kept', 'abc-123', {}, 'abc-123'],
  ['incoming with spaces replaced', 'a b', {}, /^[A-Za-z0-9_-]{10}-\d{6}$/],
  ['too long replaced', 'x'.repeat(201), {}, /-\d{6}$/],
  ['untrusted incoming ignored', 'abc', { trustIncoming: false, generator: () => 'gen' }, 'gen'],
  ['custom header', undefined, { header: 'X-Trace', generator: () => 't1' }, 't1'],
];

describe('requestID', () => {
  test.each(rows)('%s', async (_name, incoming, options, want) => {
    const r = newRequest('GET', '/');
    if (incoming !== undefined) r.header.set(options.header ?? 'X-Request-Id', incoming);
    let seen = '';
    const rec = new ResponseRecorder();
    await requestID(options)(
      handlerFunc((_w, r2) => {
        seen = getRequestID(r2);
      }),
    ).serveHTTP(rec, r);
    if (typeof want === 'string') expect(seen).toBe(want);
    else expect(seen).toMatch(want);
    expect(rec.header().get(options.header ?? 'X-Request-Id')).toBe(seen);
  });

  test('generated ids are unique and increasing', async () => {
    const ids: string[] = [];
    const h = requestID()(
      handlerFunc((_w, r) => {
        ids.push(getRequestID(r));
      }),
    );
    for (let i = 0; i < 3; i++) await h.serveHTTP(new ResponseRecorder(), newRequest('GET', '/'));
    expect(new Set(ids).size).toBe(3);
    expect(ids.map((s) => s.slice(-6))).toEqual(['000001', '000002', '000003']);
    expect(getRequestID(newRequest('GET', '/'))).toBe('');
  });

  test('the counter keeps six digits across the thousands (chi: %06d)', async () => {
    const ids: string[] = [];
    const h = requestID()(
      handlerFunc((_w, r) => {
        ids.push(peekRequestID(r));
      }),
    );
    const r = newRequest('GET', '/');
    for (let i = 0; i < 1001; i++) await h.serveHTTP(new ResponseRecorder(), r);
    expect([ids[8], ids[98], ids[998], ids[999], ids[1000]].map((s) => s?.slice(-7))).toEqual([
      '-000009',
      '-000099',
      '-000999',
      '-001000',
      '-001001',
    ]);
  });

  test('past a million ids the counter just grows (chi: %06d prints every digit)', () => {
    let last = '';
    const h = requestID()(
      handlerFunc((_w, r) => {
        last = peekRequestID(r);
      }),
    );
    const r = newRequest('GET', '/');
    const w = new ResponseRecorder();
    const seen: string[] = [];
    for (let i = 1; i <= 1_001_001; i++) {
      void h.serveHTTP(w, r);
      if (i === 999_999 || i === 1_000_000 || i === 1_000_001 || i === 1_001_001) {
        seen.push(last.slice(last.lastIndexOf('-')));
      }
    }
    expect(seen).toEqual(['-999999', '-1000000', '-1000001', '-1001001']);
  });

  // Where the id can be read: chi keeps it in the context, so every copy made with WithContext or
  // Clone sees it. Here shallow copies share it through the header map, and a clone (which
  // deep-copies the header) falls back to requestIDKey in the context.
  const copies: { what: string; copy: (r: Request) => Request; want: 'id' | 'ctx' | '' }[] = [
    { what: 'the request itself', copy: (r) => r, want: 'id' },
    { what: 'a withContext copy', copy: (r) => r.withContext(r.context()), want: 'id' },
    {
      what: 'a clone carrying requestIDKey in its context',
      copy: (r) => r.clone(r.context().withValue(requestIDKey, 'ctx-id')),
      want: 'ctx',
    },
    { what: 'a plain clone', copy: (r) => r.clone(), want: '' },
  ];
  test.each(copies)('getRequestID on $what', async ({ copy, want }) => {
    let got = '';
    let id = '';
    await requestID({ generator: () => 'the-id' })(
      handlerFunc((_w, r) => {
        id = peekRequestID(r);
        got = getRequestID(copy(r));
      }),
    ).serveHTTP(new ResponseRecorder(), newRequest('GET', '/'));
    expect(id).toBe('the-id');
    expect(got).toBe(want === 'id' ? 'the-id' : want === 'ctx' ? 'ctx-id' : '');
  });

  test('a frozen request header map still carries the id (WeakMap fallback)', async () => {
    const r = newRequest('GET', '/');
    Object.freeze(r.header);
    let seen = '';
    await requestID({ generator: () => 'frozen-1' })(
      handlerFunc((_w, r2) => {
        seen = getRequestID(r2.withContext(r2.context()));
      }),
    ).serveHTTP(new ResponseRecorder(), r);
    expect(seen).toBe('frozen-1');
  });

  test("the demo's stack never makes the server build the request's context", async () => {
    // On the real server a request's cancellable context is made on first use (an
    // AbortController, aborted at the end): requestID, logger, recovery and cors must not ask.
    let asked = 0;
    const r = new Request({
      method: 'GET',
      target: '/hello',
      header: [['Origin', 'https://app.example']],
      context: {
        provideContext() {
          asked++;
          return Context.background();
        },
      },
    });
    let seen = '';
    const h = chain(
      handlerFunc((w, r2) => {
        seen = peekRequestID(r2);
        void w.write('hi');
      }),
      recovery(),
      requestID(),
      logger({ sink: () => {} }),
      cors(),
    );
    await h.serveHTTP(new ResponseRecorder(), r);
    expect(seen).not.toBe('');
    expect(asked).toBe(0);
  });

  test('bad options', () => {
    expect(() => requestID({ header: 'X Bad' })).toThrow('middleware-kit: requestID: header');
  });
});
