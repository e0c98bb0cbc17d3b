import { describe, expect, test } from 'bun:test';
import { type HandlerFunc, handlerFunc } from '@servehttp/core-listener';
import { newRequest, ResponseRecorder } from '@servehttp/core-listener/httptest';
import { etag, noneMatch } from './index.ts';

const body: HandlerFunc = (w) => {
  w.header().set('Content-Type', 'text/plain');
  void w.write('hello etag');
};

async function run(h: HandlerFunc, inm?: string, method = 'GET', weak = false) {
  const r = newRequest(method, '/');
  if (inm !== undefined) r.header.set('If-None-Match', inm);
  const rec = new ResponseRecorder();
  await etag({ weak })(handlerFunc(h)).serveHTTP(rec, r);
  return rec;
}

describe('etag + conditional GET (Hono etag; Go writeNotModified)', () => {
  test('adds a strong SHA-1 ETag and the body', async () => {
    const rec = await run(body);
    expect(rec.header().get('ETag')).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect([rec.code, rec.text()]).toEqual([200, 'hello etag']);
  });

  test('rows: If-None-Match → status', async () => {
    const tag = (await run(body)).header().get('ETag');
    const rows: [string, string, number][] = [
      ['exact', tag, 304],
      ['weak form of it matches (weak comparison)', `W/${tag}`, 304],
      ['in a list', `"x", ${tag}`, 304],
      ['star', '*', 304],
      ['other', '"nope"', 200],
    ];
    for (const [name, inm, code] of rows) {
      const rec = await run(body, inm);
      expect([name, rec.code]).toEqual([name, code]);
      if (code === 304) {
        expect(rec.text()).toBe('');
        expect(rec.result().header.get('Content-Type')).toBe('');
        expect(rec.result().header.get('ETag')).toBe(tag);
      }
    }
  });

  test('weak option', async () => {
    expect((await run(body, undefined, 'GET', true)).header().get('ETag')).toMatch(/^W\/"/);
  });

  test('non-200, POST, and a handler-set ETag', async () => {
    expect(
      (
        await run((w) => {
          w.writeHeader(404);
          void w.write('x');
        })
      )
        .header()
        .get('ETag'),
    ).toBe('');
    expect((await run(body, undefined, 'POST')).header().get('ETag')).toBe('');
    const rec = await run((w) => {
      w.header().set('ETag', '"v1"');
      void w.write('x');
    }, '"v1"');
    expect(rec.code).toBe(304);
  });

  test('flush streams and gives up the ETag', async () => {
    const rec = await run(async (w) => {
      void w.write('a');
      await (w as unknown as { flush(): Promise<void> }).flush();
      void w.write('b');
    });
    expect([rec.text(), rec.flushCount, rec.header().get('ETag')]).toEqual(['ab', 1, '']);
  });

  test('noneMatch', () => {
    expect(noneMatch(['W/"a"'], '"a"')).toBe(true);
    expect(noneMatch([''], '"a"')).toBe(false);
  });
});
