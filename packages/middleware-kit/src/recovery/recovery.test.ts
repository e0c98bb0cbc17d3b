import { describe, expect, test } from 'bun:test';
import {
  ErrAbortHandler,
  type HandlerFunc,
  handlerFunc,
  ResponseController,
} from '@servehttp/core-listener';
import { newRequest, ResponseRecorder } from '@servehttp/core-listener/httptest';
import { fakeWriter } from '../fake-writer.test-util.ts';
import { recovery } from './index.ts';

const boom = new Error('boom');

// Rows: what the handler does before throwing → status, body, whether recovery throws on
// (chi Recoverer / gin Recovery: 500 when nothing was sent; Go re-panics ErrAbortHandler).
const rows: [string, HandlerFunc, number, string, unknown][] = [
  [
    'sync throw',
    () => {
      throw boom;
    },
    500,
    'Internal Server Error\n',
    undefined,
  ],
  [
    'async rejection',
    async () => {
      await Promise.resolve();
      throw boom;
    },
    500,
    'Internal Server Error\n',
    undefined,
  ],
  [
    'staged headers are dropped',
    (w) => {
      w.header().set('Content-Length', '99');
      throw boom;
    },
    500,
    'Internal Server Error\n',
    undefined,
  ],
  [
    'after writeHeader: connection aborted',
    (w) => {
      w.writeHeader(201);
      throw boom;
    },
    201,
    '',
    ErrAbortHandler,
  ],
  [
    'after a body write: connection aborted',
    (w) => {
      void w.write('partial');
      throw boom;
    },
    200,
    'partial',
    ErrAbortHandler,
  ],
  [
    'ErrAbortHandler re-thrown, nothing logged',
    () => {
      throw ErrAbortHandler;
    },
    200,
    '',
    ErrAbortHandler,
  ],
  ['no throw: untouched', (w) => void w.write('ok'), 200, 'ok', undefined],
];

describe('recovery', () => {
  test.each(rows)('%s', async (_name, h, code, body, rethrown) => {
    const logged: unknown[] = [];
    const rec = new ResponseRecorder();
    const run = async () =>
      recovery({ log: (e) => logged.push(e) })(handlerFunc(h)).serveHTTP(
        rec,
        newRequest('GET', '/'),
      );
    if (rethrown === undefined) await run();
    else await expect(run()).rejects.toBe(rethrown as Error);
    expect([rec.code, rec.text()]).toEqual([code, body]);
    expect(logged.length).toBe(
      rethrown === ErrAbortHandler && code === 200 && body === ''
        ? 0
        : code === 200 && body === 'ok'
          ? 0
          : 1,
    );
  });

  test('a hijacked connection is left alone: logged, nothing written or thrown', async () => {
    const w = fakeWriter();
    const logged: unknown[] = [];
    await recovery({ log: (e) => logged.push(e) })(
      handlerFunc((w2) => {
        new ResponseController(w2).hijack();
        throw boom;
      }),
    ).serveHTTP(w, newRequest('GET', '/'));
    expect(w.calls).toEqual(['hijack']);
    expect(logged).toEqual([boom]);
  });

  test('custom handler writes the response', async () => {
    const rec = new ResponseRecorder();
    await recovery({
      log: () => {},
      handler: (w) => {
        w.writeHeader(503);
      },
    })(
      handlerFunc(() => {
        throw boom;
      }),
    ).serveHTTP(rec, newRequest('GET', '/'));
    expect(rec.code).toBe(503);
  });

  test('bad options', () => {
    expect(() => recovery({ log: 1 as never })).toThrow(
      'middleware-kit: recovery: log must be a function',
    );
  });
});
