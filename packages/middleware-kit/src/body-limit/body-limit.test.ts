import { describe, expect, test } from 'bun:test';
import { handlerFunc, Request } from '@servehttp/core-listener';
import { newRequest, ResponseRecorder } from '@servehttp/core-listener/httptest';
import { bodyLimit, MaxBytesError } from './index.ts';

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield new TextEncoder().encode(p);
}

function chunked(...parts: string[]): Request {
  return new Request({ method: 'POST', target: '/', body: chunks(...parts) });
}

const echo = handlerFunc(async (w, r) => {
  void w.write(await r.text());
});

describe('bodyLimit (Go MaxBytesReader, Hono bodyLimit)', () => {
  // Rows: request → status, body.
  const rows: [string, () => Request, number, string][] = [
    ['Content-Length under the limit', () => newRequest('POST', '/', 'hello'), 200, 'hello'],
    ['Content-Length at the limit', () => newRequest('POST', '/', '12345678'), 200, '12345678'],
    [
      'Content-Length over the limit: 413 before the handler',
      () => newRequest('POST', '/', '123456789'),
      413,
      'Request Entity Too Large\n',
    ],
    ['chunked under the limit', () => chunked('abc', 'def'), 200, 'abcdef'],
    [
      'chunked crossing the limit: 413',
      () => chunked('abcde', 'fghij'),
      413,
      'Request Entity Too Large\n',
    ],
    ['no body', () => newRequest('GET', '/'), 200, ''],
  ];
  test.each(rows)('%s', async (_n, mk, code, body) => {
    const rec = new ResponseRecorder();
    await bodyLimit(8)(echo).serveHTTP(rec, mk());
    expect([rec.code, rec.text()]).toEqual([code, body]);
  });

  test('the handler can catch MaxBytesError itself', async () => {
    const rec = new ResponseRecorder();
    let caught: unknown;
    await bodyLimit(2)(
      handlerFunc(async (w, r) => {
        try {
          await r.bytes();
        } catch (e) {
          caught = e;
          w.writeHeader(400);
        }
      }),
    ).serveHTTP(rec, chunked('abc'));
    expect(caught).toBeInstanceOf(MaxBytesError);
    expect(rec.code).toBe(400);
  });

  test('bad limit throws', () => {
    expect(() => bodyLimit(-1)).toThrow('middleware-kit: bodyLimit: maxBytes');
  });
});

test('path values set before bodyLimit carry over (the body is swapped with withBody)', async () => {
  const h = bodyLimit(100)(
    handlerFunc(async (w, r) => {
      void w.write(`${r.pathValue('id')}:${await r.text()}`);
    }),
  );
  const r = newRequest('POST', '/items/7', chunks('chunked ', 'body'));
  r.setPathValue('id', '7');
  const rec = new ResponseRecorder();
  await h.serveHTTP(rec, r);
  expect(rec.text()).toBe('7:chunked body');
});
