import { describe, expect, test } from 'bun:test';
import { handlerFunc } from '@servehttp/core-listener';
import { newRequest, ResponseRecorder } from '@servehttp/core-listener/httptest';
import { getRequestID, type RequestIDOptions, requestID } from './index.ts';

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

  test('bad options', () => {
    expect(() => requestID({ header: 'X Bad' })).toThrow('middleware-kit: requestID: header');
  });
});
