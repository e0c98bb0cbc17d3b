import { describe, expect, test } from 'bun:test';
import { handlerFunc } from '@servehttp/core-listener';
import { newRequest, ResponseRecorder } from '@servehttp/core-listener/httptest';
import { type BearerAuthOptions, bearerAuth } from './index.ts';

// Rows from Hono's bearer-auth behaviour: header → status, WWW-Authenticate.
const rows: [string, string | undefined, BearerAuthOptions, number, string][] = [
  ['valid', 'Bearer abc.def', { token: 'abc.def' }, 200, ''],
  ['extra spaces tolerated', 'Bearer   abc.def  ', { token: 'abc.def' }, 200, ''],
  ['one of several', 'Bearer t2', { token: ['t1', 't2'] }, 200, ''],
  ['missing', undefined, { token: 't', realm: 'api' }, 401, 'Bearer realm="api"'],
  ['malformed', 'Bearer', { token: 't' }, 400, 'Bearer error="invalid_request"'],
  ['bad chars', 'Bearer a b', { token: 't' }, 400, 'Bearer error="invalid_request"'],
  ['wrong scheme', 'Basic abc', { token: 't' }, 400, 'Bearer error="invalid_request"'],
  ['wrong token', 'Bearer nope', { token: 't' }, 401, 'Bearer error="invalid_token"'],
  ['verifyToken', 'Bearer ok', { verifyToken: async (t) => t === 'ok' }, 200, ''],
  ['custom prefix', 'Token ok', { token: 'ok', prefix: 'Token' }, 200, ''],
];

describe('bearerAuth', () => {
  test.each(rows)('%s', async (_n, auth, options, code, challenge) => {
    const r = newRequest('GET', '/');
    if (auth !== undefined) r.header.set('Authorization', auth);
    const rec = new ResponseRecorder();
    await bearerAuth(options)(handlerFunc((w) => w.writeHeader(200))).serveHTTP(rec, r);
    expect([rec.code, rec.header().get('WWW-Authenticate')]).toEqual([code, challenge]);
  });

  const bad: [string, BearerAuthOptions, string][] = [
    ['nothing', {}, 'give token'],
    ['empty list', { token: [] }, 'non-empty'],
  ];
  test.each(bad)('%s throws', (_n, o, msg) => expect(() => bearerAuth(o)).toThrow(msg));
});
