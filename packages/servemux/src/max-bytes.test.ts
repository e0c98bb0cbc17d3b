import { describe, expect, test } from 'bun:test';
import type { Request, ResponseWriter } from '@servehttp/core-listener';
import { newRequest, ResponseRecorder } from '@servehttp/core-listener/httptest';
import { MaxBytesError, maxBytesHandler } from './max-bytes.ts';

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield new TextEncoder().encode(p);
}

// Go: TestMaxBytesHandler — a body of `body` bytes under a limit of `limit`.
describe('maxBytesHandler', () => {
  test.each<[number, number, number, string]>([
    [4, 4, 200, 'aaaa'],
    [3, 4, 413, 'http: request body too large\n'],
    [4, 3, 200, 'aaa'],
    [0, 0, 200, ''],
    [0, 1, 413, 'http: request body too large\n'],
    [1024, 100, 200, 'a'.repeat(100)],
  ])('limit %d, body %d → %d', async (limit, size, code, want) => {
    const h = maxBytesHandler(async (w: ResponseWriter, r: Request) => {
      void w.write(await r.text());
    }, limit);
    const w = new ResponseRecorder();
    await h.serveHTTP(w, newRequest('POST', '/', 'a'.repeat(size)));
    expect(w.code).toBe(code);
    expect(w.text()).toBe(want);
    if (code === 413) expect(w.result().header.get('Connection')).toBe('close');
  });

  test('a streamed body delivers the bytes within the limit, then throws MaxBytesError', async () => {
    const seen: string[] = [];
    let caught: unknown;
    const h = maxBytesHandler(async (w: ResponseWriter, r: Request) => {
      try {
        for await (const c of r) seen.push(new TextDecoder().decode(c));
      } catch (err) {
        caught = err;
        w.writeHeader(400); // the handler answers itself, as in Go
      }
    }, 5);
    const w = new ResponseRecorder();
    await h.serveHTTP(w, newRequest('POST', '/', chunks('abc', 'defg', 'h')));
    expect(seen).toEqual(['abc', 'de']);
    expect(caught).toBeInstanceOf(MaxBytesError);
    expect((caught as MaxBytesError).limit).toBe(5);
    expect(w.code).toBe(400);
  });

  test('an error after the response started is rethrown, not turned into a 413', async () => {
    const h = maxBytesHandler(async (w: ResponseWriter, r: Request) => {
      void w.write('partial');
      await r.bytes();
    }, 1);
    const w = new ResponseRecorder();
    expect(h.serveHTTP(w, newRequest('POST', '/', 'abc'))).rejects.toBeInstanceOf(MaxBytesError);
  });

  test('the request copy keeps method, URL, header and context', async () => {
    const r = newRequest('PUT', '/x?y=1', 'hi');
    r.header.set('X-A', 'b');
    let got: Request | undefined;
    await maxBytesHandler((_w: ResponseWriter, r2: Request) => {
      got = r2;
    }, 10).serveHTTP(new ResponseRecorder(), r);
    const g = got as Request | undefined;
    expect([g?.method, g?.url.rawQuery, g?.header.get('X-A'), g?.context()]).toEqual([
      'PUT',
      'y=1',
      'b',
      r.context(),
    ]);
    expect(await g?.text()).toBe('hi');
  });
});

test('path values set before maxBytesHandler carry over (the body is swapped with withBody)', async () => {
  const h = maxBytesHandler(async (w: ResponseWriter, r: Request) => {
    void w.write(`${r.pathValue('id')}:${await r.text()}`);
  }, 100);
  const r = newRequest('POST', '/items/7', 'body');
  r.setPathValue('id', '7');
  const rec = new ResponseRecorder();
  await h.serveHTTP(rec, r);
  expect(rec.text()).toBe('7:body');
});
