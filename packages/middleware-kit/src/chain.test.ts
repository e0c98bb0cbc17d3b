import { describe, expect, test } from 'bun:test';
import {
  createKey,
  type Handler,
  handlerFunc,
  type Request,
  type ResponseWriter,
} from '@servehttp/core-listener';
import { newRequest, ResponseRecorder } from '@servehttp/core-listener/httptest';
import { chain, type Middleware, maybe, withValue } from './chain.ts';

function tracer(name: string, log: string[]): Middleware {
  return (next: Handler) => ({
    async serveHTTP(w: ResponseWriter, r: Request) {
      log.push(`${name} in`);
      await next.serveHTTP(w, r);
      log.push(`${name} out`);
    },
  });
}

describe('chain', () => {
  test('chain(h, a, b) runs a → b → h and unwinds b → a (seed 004)', async () => {
    const log: string[] = [];
    const h = chain(
      (_w: ResponseWriter, _r: Request) => {
        log.push('handler');
      },
      tracer('a', log),
      tracer('b', log),
    );
    await h.serveHTTP(new ResponseRecorder(), newRequest('GET', '/'));
    expect(log).toEqual(['a in', 'b in', 'handler', 'b out', 'a out']);
  });

  test('chain(a, b)(h) is the same order, and composes once', async () => {
    const log: string[] = [];
    let applied = 0;
    const counting: Middleware = (next) => {
      applied++;
      return next;
    };
    const h = chain(tracer('a', log), counting, tracer('b', log))(handlerFunc(() => {}));
    for (let i = 0; i < 3; i++) await h.serveHTTP(new ResponseRecorder(), newRequest('GET', '/'));
    expect(applied).toBe(1);
    expect(log.slice(0, 4)).toEqual(['a in', 'b in', 'b out', 'a out']);
  });

  test('chain() is the identity', () => {
    const h = handlerFunc(() => {});
    expect(chain()(h)).toBe(h);
  });

  // Rows: bad arguments → the message names the argument and the fix.
  const bad: [string, () => unknown, string][] = [
    [
      'a string middleware',
      () =>
        chain(
          handlerFunc(() => {}),
          'x' as never,
        ),
      'argument 1',
    ],
    ['null middleware', () => chain(null as never), 'argument 0 must be a middleware'],
    [
      'middleware returning nothing',
      () =>
        chain(
          handlerFunc(() => {}),
          (() => undefined) as never,
        ),
      'must return a handler',
    ],
    [
      'a one-parameter handler func passed as middleware',
      () =>
        (chain as (...a: unknown[]) => (h: unknown) => unknown)((w: ResponseWriter) =>
          w.write('x'),
        )(handlerFunc(() => {})),
      'wrap it in handlerFunc()',
    ],
  ];
  test.each(bad)('%s throws', (_name, f, msg) => {
    expect(f).toThrow(msg);
    expect(f).toThrow('middleware-kit: chain:');
  });
});

describe('maybe', () => {
  // Rows: path → whether the middleware ran (chi middleware.Maybe).
  const rows: [string, boolean][] = [
    ['/api/x', true],
    ['/static/x', false],
  ];
  test.each(rows)('%s → middleware ran: %p', async (path, ran) => {
    const log: string[] = [];
    const h = chain(
      handlerFunc(() => {}),
      maybe(tracer('m', log), (r) => r.url.path.startsWith('/api/')),
    );
    await h.serveHTTP(new ResponseRecorder(), newRequest('GET', path));
    expect(log.length > 0).toBe(ran);
  });
});

describe('withValue', () => {
  test('the next handler sees the value under its typed key', async () => {
    const key = createKey<number>('n');
    let seen: number | undefined;
    const h = chain(
      handlerFunc((_w, r) => {
        seen = r.context().value(key);
      }),
      withValue(key, 7),
    );
    await h.serveHTTP(new ResponseRecorder(), newRequest('GET', '/'));
    expect(seen).toBe(7);
    expect(() => withValue('k' as never, 1)).toThrow('middleware-kit: withValue:');
  });
});
