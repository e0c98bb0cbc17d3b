import { describe, expect, test } from 'bun:test';
import {
  ErrAbortHandler,
  ErrDeadlineExceeded,
  handlerFunc,
  type Request,
} from '@servehttp/core-listener';
import { newRequest, ResponseRecorder } from '@servehttp/core-listener/httptest';
import { fakeWriter } from '../fake-writer.test-util.ts';
import { timeout } from './index.ts';

// Resolves when the request's signal aborts; bounded by the test's own timeout.
const aborted = (r: Request) =>
  new Promise<void>((res) =>
    r.context().signal.addEventListener('abort', () => res(), { once: true }),
  );

describe('timeout (Go TimeoutHandler semantics, pass-through writer)', () => {
  test('fast handler: untouched, context cancelled afterwards', async () => {
    const rec = new ResponseRecorder();
    let seen: Request | undefined;
    await timeout(1000)(
      handlerFunc(async (w, r) => {
        seen = r;
        await Promise.resolve();
        void w.write('ok');
      }),
    ).serveHTTP(rec, newRequest('GET', '/'));
    expect([rec.code, rec.text()]).toEqual([200, 'ok']);
    expect(seen?.context().signal.aborted).toBe(true); // released, no timer left behind
  });

  test('slow handler: 503 once with Go body, signal aborted with ErrDeadlineExceeded, late writes dropped', async () => {
    const rec = new ResponseRecorder();
    let release!: () => void;
    const late = new Promise<void>((res) => {
      release = res;
    });
    let reason: unknown;
    const done = timeout(5)(
      handlerFunc(async (w, r) => {
        await aborted(r);
        reason = r.context().err();
        await late;
        w.writeHeader(200);
        void w.write('too late');
      }),
    ).serveHTTP(rec, newRequest('GET', '/'));
    await done; // settles at the deadline, before the handler returns
    release();
    await new Promise((res) => setTimeout(res, 0));
    expect(reason).toBe(ErrDeadlineExceeded);
    expect(rec.code).toBe(503);
    expect(rec.text()).toBe(
      '<html><head><title>Timeout</title></head><body><h1>Timeout</h1></body></html>',
    );
    expect(rec.warnings).toEqual([]); // the late writeHeader never reached the writer
  });

  test('a handler that writes from its own abort listener still gets the 503 (the gate closes first)', async () => {
    // Go buffers the response, so such a write is discarded with the buffer; here the gate must
    // already be shut when the handler's listener runs, or the 503 could not be sent.
    const rec = new ResponseRecorder();
    await timeout(5)(
      handlerFunc(
        (w, r) =>
          new Promise<void>((resolve) => {
            r.context().signal.addEventListener('abort', () => {
              w.writeHeader(200);
              void w.write('too late');
              resolve();
            });
          }),
      ),
    ).serveHTTP(rec, newRequest('GET', '/'));
    expect(rec.code).toBe(503);
    expect(rec.text()).toContain('<h1>Timeout</h1>');
    expect(rec.warnings).toEqual([]);
  });

  test('deadline after the header went out: ErrAbortHandler (no truncated body passed off as whole)', async () => {
    const rec = new ResponseRecorder();
    const run = timeout(5)(
      handlerFunc(async (w, r) => {
        w.writeHeader(200);
        void w.write('part');
        await aborted(r);
      }),
    ).serveHTTP(rec, newRequest('GET', '/'));
    await expect(run).rejects.toBe(ErrAbortHandler);
  });

  test('a handler error before the deadline propagates; after it, it is swallowed', async () => {
    const early = timeout(1000)(
      handlerFunc(async () => {
        await Promise.resolve();
        throw new Error('early');
      }),
    );
    await expect(early.serveHTTP(new ResponseRecorder(), newRequest('GET', '/'))).rejects.toThrow(
      'early',
    );
    const lateErr = timeout(5)(
      handlerFunc(async (_w, r) => {
        await aborted(r);
        throw new Error('late');
      }),
    );
    await lateErr.serveHTTP(new ResponseRecorder(), newRequest('GET', '/'));
  });

  test('custom status (chi uses 504) and message; capabilities kept through the timeout writer', async () => {
    const w = fakeWriter();
    await timeout(5, { status: 504, message: 'slow' })(
      handlerFunc(async (w2, r) => {
        (w2 as unknown as { setWriteDeadline(n: number): void }).setWriteDeadline(1);
        await aborted(r);
      }),
    ).serveHTTP(w, newRequest('GET', '/'));
    expect(w.calls).toEqual(['setWriteDeadline 1', 'writeHeader 504', 'write']);
    expect(w.rec.text()).toBe('slow');
  });

  const bad: [string, number, object, string][] = [
    ['zero', 0, {}, 'ms must be a positive number'],
    ['NaN', Number.NaN, {}, 'ms must be a positive number'],
    ['2xx status', 10, { status: 200 }, 'status must be a 4xx or 5xx'],
  ];
  test.each(bad)('%s throws', (_n, ms, o, msg) => expect(() => timeout(ms, o)).toThrow(msg));
});
