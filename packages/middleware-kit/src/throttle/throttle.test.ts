import { describe, expect, test } from 'bun:test';
import { handlerFunc } from '@servehttp/core-listener';
import { newRequest, ResponseRecorder } from '@servehttp/core-listener/httptest';
import { throttle } from './index.ts';

function gate() {
  let open!: () => void;
  const p = new Promise<void>((res) => {
    open = res;
  });
  return { p, open };
}

describe('throttle (chi Throttle / ThrottleBacklog)', () => {
  test('limit 1, backlog 1: second waits, third refused with chi message', async () => {
    const g = gate();
    const h = throttle({ limit: 1, backlogLimit: 1, backlogTimeout: 1000 })(
      handlerFunc(async (w) => {
        await g.p;
        w.writeHeader(200);
      }),
    );
    const recs = [new ResponseRecorder(), new ResponseRecorder(), new ResponseRecorder()];
    const runs = recs.map((rec) => h.serveHTTP(rec, newRequest('GET', '/')));
    await runs[2];
    expect([recs[2]?.code, recs[2]?.text()]).toEqual([429, 'Server capacity exceeded.\n']);
    g.open();
    await Promise.all(runs);
    expect(recs.map((r) => r.code)).toEqual([200, 200, 429]);
  });

  test('backlog timeout', async () => {
    const g = gate();
    const h = throttle({ limit: 1, backlogLimit: 1, backlogTimeout: 5, retryAfter: () => 3 })(
      handlerFunc(async () => {
        await g.p;
      }),
    );
    const first = h.serveHTTP(new ResponseRecorder(), newRequest('GET', '/'));
    const rec = new ResponseRecorder();
    await h.serveHTTP(rec, newRequest('GET', '/'));
    expect([rec.code, rec.text(), rec.header().get('Retry-After')]).toEqual([
      429,
      'Timed out while waiting for a pending request to complete.\n',
      '3',
    ]);
    g.open();
    await first;
  });

  test('slots are released after errors', async () => {
    const h = throttle({ limit: 1 })(
      handlerFunc(() => {
        throw new Error('x');
      }),
    );
    for (let i = 0; i < 3; i++)
      expect(() => h.serveHTTP(new ResponseRecorder(), newRequest('GET', '/'))).toThrow('x');
  });

  test('bad options', () => {
    expect(() => throttle({ limit: 0 })).toThrow('middleware-kit: throttle: expects limit > 0');
  });
});
