import { expect, test } from 'bun:test';
import { handlerFunc } from '@servehttp/core-listener';
import { newRequest, ResponseRecorder } from '@servehttp/core-listener/httptest';
import { contentCharset } from './index.ts';

// Rows of chi TestContentCharset: Content-Type, allowed charsets, body → status.
const rows: [string, string, string[], string, number][] = [
  [
    'should accept requests with a matching charset',
    'application/json; charset=UTF-8',
    ['UTF-8'],
    'foobar',
    200,
  ],
  ['should be case-insensitive', 'application/json; charset=utf-8', ['UTF-8'], 'foobar', 200],
  [
    'should accept requests with a matching charset with extra values',
    'application/json; foo=bar; charset=UTF-8; spam=eggs',
    ['UTF-8'],
    'foobar',
    200,
  ],
  [
    'should accept requests with a matching charset when multiple charsets are supported',
    'text/xml; charset=UTF-8',
    ['UTF-8', 'Latin-1'],
    'foobar',
    200,
  ],
  [
    'should accept requests with no charset if empty charset headers are allowed',
    'text/xml',
    ['UTF-8', ''],
    'foobar',
    200,
  ],
  [
    'should not accept requests with no charset if empty charset headers are not allowed',
    'text/xml',
    ['UTF-8'],
    'foobar',
    415,
  ],
  [
    'should not accept requests with a mismatching charset',
    'text/plain; charset=Latin-1',
    ['UTF-8'],
    'foobar',
    415,
  ],
  [
    'should not accept requests with a mismatching charset even if empty charsets are allowed',
    'text/plain; charset=Latin-1',
    ['UTF-8', ''],
    'foobar',
    415,
  ],
  [
    'should skip validation for requests without a body',
    'text/plain; charset=Latin-1',
    ['UTF-8'],
    '',
    200,
  ],
];
test.each(rows)('%s', async (_n, ct, charsets, body, code) => {
  const r = newRequest('POST', '/', body);
  r.header.set('Content-Type', ct);
  const rec = new ResponseRecorder();
  await contentCharset(...charsets)(handlerFunc((w) => w.writeHeader(200))).serveHTTP(rec, r);
  expect(rec.code).toBe(code);
});
