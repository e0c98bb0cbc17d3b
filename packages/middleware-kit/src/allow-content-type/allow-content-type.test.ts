import { expect, test } from 'bun:test';
import { handlerFunc } from '@servehttp/core-listener';
import { newRequest, ResponseRecorder } from '@servehttp/core-listener/httptest';
import { allowContentType } from './index.ts';

// Rows (chi TestContentType): Content-Type, body → status.
const rows: [string, string, number][] = [
  ['application/json', '{}', 200],
  ['Application/JSON; charset=utf-8', '{}', 200],
  [' application/json ', '{}', 200],
  ['text/plain', 'x', 415],
  ['', 'x', 415],
  ['text/plain', '', 200], // no body: not checked
];
test.each(rows)('%p %p → %p', async (ct, body, code) => {
  const r = newRequest('POST', '/', body);
  if (ct !== '') r.header.set('Content-Type', ct.trim());
  const rec = new ResponseRecorder();
  await allowContentType('application/json')(handlerFunc((w) => w.writeHeader(200))).serveHTTP(
    rec,
    r,
  );
  expect(rec.code).toBe(code);
});
test('empty list throws', () =>
  expect(() => allowContentType()).toThrow('middleware-kit: allowContentType:'));
