import { expect, test } from 'bun:test';
import { handlerFunc } from '@servehttp/core-listener';
import { newRequest, ResponseRecorder } from '@servehttp/core-listener/httptest';
import { type MethodOverrideOptions, methodOverride } from './index.ts';

// Rows: method, target, override header, options → method the handler sees.
const rows: [string, string, string, MethodOverrideOptions, string][] = [
  ['POST', '/', 'DELETE', {}, 'DELETE'],
  ['POST', '/', 'patch', {}, 'PATCH'],
  ['GET', '/', 'DELETE', {}, 'GET'], // only POST is ever overridden
  ['POST', '/', 'CONNECT', {}, 'POST'], // not allow-listed
  ['POST', '/?_method=PUT', '', { query: '_method' }, 'PUT'],
];
test.each(rows)('%s %s (%s) → %s', async (method, target, hdr, options, want) => {
  const r = newRequest(method, target);
  if (hdr !== '') r.header.set('X-HTTP-Method-Override', hdr);
  let seen = '';
  await methodOverride(options)(
    handlerFunc((_w, r2) => {
      seen = r2.method;
    }),
  ).serveHTTP(new ResponseRecorder(), r);
  expect(seen).toBe(want);
  expect(r.method).toBe(method);
});
test('GET as override target throws', () =>
  expect(() => methodOverride({ methods: ['GET'] })).toThrow('cannot be a POST override'));
