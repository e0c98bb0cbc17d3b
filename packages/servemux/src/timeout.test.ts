import { describe, expect, test } from 'bun:test';
import {
  ErrDeadlineExceeded,
  ErrHandlerTimeout,
  type Request,
  type ResponseWriter,
} from '@servehttp/core-listener';
import { newRequest, ResponseRecorder } from '@servehttp/core-listener/httptest';
import { timeoutHandler } from './timeout.ts';

// Go: TestTimeoutHandler & co. The handlers wait on promises the test controls, never on
// sleeps; the only timer is the handler's own deadline.
describe('timeoutHandler', () => {
  test('a handler that finishes in time is passed through (header, status, body)', async () => {
    const h = timeoutHandler(
      async (w: ResponseWriter) => {
        w.header().set('X-Test', 'ok');
        w.writeHeader(203);
        await Promise.resolve();
        w.write('hi');
      },
      1000,
      'too slow',
    );
    const w = new ResponseRecorder();
    await h.serveHTTP(w, newRequest('GET', '/'));
    expect([w.code, w.text(), w.result().header.get('X-Test')]).toEqual([203, 'hi', 'ok']);
  });

  test('a synchronous handler is passed through', async () => {
    const w = new ResponseRecorder();
    await timeoutHandler((w2: ResponseWriter) => void w2.write('sync'), 1000).serveHTTP(
      w,
      newRequest('GET', '/'),
    );
    expect([w.code, w.text()]).toEqual([200, 'sync']);
  });

  test('on timeout: 503 with the message, context aborted, late writes throw', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let ctxErr: unknown;
    let lateWrite: unknown;
    let finished: () => void = () => {};
    const handlerDone = new Promise<void>((resolve) => {
      finished = resolve;
    });
    const h = timeoutHandler(
      async (w: ResponseWriter, r: Request) => {
        w.header().set('X-Dropped', 'yes');
        await gate;
        ctxErr = r.context().err();
        try {
          w.write('late');
        } catch (err) {
          lateWrite = err;
        }
        finished();
      },
      10,
      'too slow',
    );
    const w = new ResponseRecorder();
    await h.serveHTTP(w, newRequest('GET', '/'));
    expect([w.code, w.text()]).toEqual([503, 'too slow']);
    expect(w.result().header.get('X-Dropped')).toBe('');
    release();
    await handlerDone;
    expect(ctxErr).toBe(ErrDeadlineExceeded);
    expect(lateWrite).toBe(ErrHandlerTimeout);
    expect(w.text()).toBe('too slow');
  });

  test('an empty message gives Go’s default page; a late rejection is swallowed', async () => {
    let fail: (e: Error) => void = () => {};
    const h = timeoutHandler(
      () =>
        new Promise<void>((_resolve, reject) => {
          fail = reject;
        }),
      5,
    );
    const w = new ResponseRecorder();
    await h.serveHTTP(w, newRequest('GET', '/'));
    expect(w.code).toBe(503);
    expect(w.text()).toBe(
      '<html><head><title>Timeout</title></head><body><h1>Timeout</h1></body></html>',
    );
    fail(new Error('late'));
    await Promise.resolve();
  });

  test('an error thrown in time is rethrown', async () => {
    const h = timeoutHandler(async () => {
      throw new Error('boom');
    }, 1000);
    expect(h.serveHTTP(new ResponseRecorder(), newRequest('GET', '/'))).rejects.toThrow('boom');
  });
});
