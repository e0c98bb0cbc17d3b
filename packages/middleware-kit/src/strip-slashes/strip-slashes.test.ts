import { expect, test } from 'bun:test';
import { handlerFunc } from '@servehttp/core-listener';
import { newRequest, ResponseRecorder } from '@servehttp/core-listener/httptest';
import { stripSlashes } from './index.ts';

// Rows (chi StripSlashes): target → path the next handler sees.
const rows: [string, string][] = [
  ['/', '/'],
  ['/users/', '/users'],
  ['/users', '/users'],
  ['/a/b/?q=1', '/a/b'],
];
test.each(rows)('%s → %s', async (target, want) => {
  let seen = '';
  let query = '';
  const r = newRequest('GET', target);
  await stripSlashes()(
    handlerFunc((_w, r2) => {
      seen = r2.url.path;
      query = r2.url.rawQuery;
    }),
  ).serveHTTP(new ResponseRecorder(), r);
  expect(seen).toBe(want);
  expect(query).toBe(r.url.rawQuery);
});
