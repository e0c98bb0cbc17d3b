import { expect, test } from 'bun:test';
import { handlerFunc } from '@servehttp/core-listener';
import { newRequest, ResponseRecorder } from '@servehttp/core-listener/httptest';
import { redirectSlashes } from './index.ts';

// Rows (chi RedirectSlashes, with its open-redirect fix): target → status, Location.
const rows: [string, number, string][] = [
  ['/', 200, ''],
  ['/users', 200, ''],
  ['/users/', 301, '/users'],
  ['/a/b/?q=1', 301, '/a/b?q=1'],
  ['//evil.com/', 301, '/evil.com'],
  ['/\\evil.com/', 301, '/evil.com'],
];
test.each(rows)('%s → %p %s', async (target, code, loc) => {
  const rec = new ResponseRecorder();
  await redirectSlashes()(handlerFunc((w) => w.writeHeader(200))).serveHTTP(
    rec,
    newRequest('GET', target),
  );
  expect([rec.code, rec.header().get('Location')]).toEqual([code, loc]);
});
