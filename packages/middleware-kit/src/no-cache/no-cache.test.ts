import { expect, test } from 'bun:test';
import { handlerFunc } from '@servehttp/core-listener';
import { newRequest, ResponseRecorder } from '@servehttp/core-listener/httptest';
import { noCache } from './index.ts';

test('noCache sets chi headers and strips conditional request headers', async () => {
  const r = newRequest('GET', '/');
  r.header.set('If-None-Match', '"x"');
  r.header.set('If-Modified-Since', 'Thu, 01 Jan 1970 00:00:00 GMT');
  const rec = new ResponseRecorder();
  let seen: string[] = [];
  await noCache()(
    handlerFunc((_w, r2) => {
      seen = [...r2.header.keys()];
    }),
  ).serveHTTP(rec, r);
  expect(seen).toEqual([]);
  const h = rec.result().header;
  expect([
    h.get('Expires'),
    h.get('Cache-Control'),
    h.get('Pragma'),
    h.get('X-Accel-Expires'),
  ]).toEqual([
    'Thu, 01 Jan 1970 00:00:00 GMT',
    'no-cache, no-store, no-transform, must-revalidate, private, max-age=0',
    'no-cache',
    '0',
  ]);
});
