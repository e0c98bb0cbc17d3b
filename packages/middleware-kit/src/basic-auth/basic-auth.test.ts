import { describe, expect, test } from 'bun:test';
import { handlerFunc } from '@servehttp/core-listener';
import { newRequest, ResponseRecorder } from '@servehttp/core-listener/httptest';
import { type BasicAuthOptions, basicAuth, basicAuthUserKey, safeEqual } from './index.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');
// Rows: Authorization header → status (chi BasicAuth: 401 + WWW-Authenticate on any failure).
const rows: [string, string | undefined, BasicAuthOptions, number][] = [
  ['valid', `Basic ${b64('alice:secret')}`, { users: { alice: 'secret' } }, 200],
  [
    'scheme case-insensitive (Go Request.BasicAuth)',
    `basic ${b64('alice:secret')}`,
    { users: { alice: 'secret' } },
    200,
  ],
  ['wrong password', `Basic ${b64('alice:nope')}`, { users: { alice: 'secret' } }, 401],
  ['unknown user', `Basic ${b64('bob:secret')}`, { users: { alice: 'secret' } }, 401],
  ['missing header', undefined, { users: { alice: 'secret' } }, 401],
  ['not base64', 'Basic !!!!', { users: { alice: 'secret' } }, 401],
  ['no colon', `Basic ${b64('alice')}`, { users: { alice: 'secret' } }, 401],
  ['Bearer scheme', 'Bearer abc', { users: { alice: 'secret' } }, 401],
  ['password with colon', `Basic ${b64('alice:a:b')}`, { users: { alice: 'a:b' } }, 200],
  [
    'validate function admits',
    `Basic ${b64('x:y')}`,
    { validate: (u, p) => u === 'x' && p === 'y' },
    200,
  ],
  ['async validate refuses', `Basic ${b64('x:z')}`, { validate: async () => false }, 401],
];

describe('basicAuth', () => {
  test.each(rows)('%s', async (_n, auth, options, want) => {
    const r = newRequest('GET', '/');
    if (auth !== undefined) r.header.set('Authorization', auth);
    const rec = new ResponseRecorder();
    let user: string | undefined;
    await basicAuth({ realm: 'admin', ...options })(
      handlerFunc((w, r2) => {
        user = r2.context().value(basicAuthUserKey);
        w.writeHeader(200);
      }),
    ).serveHTTP(rec, r);
    expect(rec.code).toBe(want);
    if (want === 401) {
      expect(rec.header().get('WWW-Authenticate')).toBe('Basic realm="admin"');
      expect(user).toBeUndefined();
    } else {
      expect(user).toBeDefined();
    }
  });

  test('safeEqual', () => {
    expect([safeEqual('a', 'a'), safeEqual('a', 'ab'), safeEqual('', '')]).toEqual([
      true,
      false,
      true,
    ]);
  });

  const bad: [string, BasicAuthOptions, string][] = [
    ['no users or validate', {}, 'give users'],
    ['quote in realm', { realm: 'a"b', users: {} }, 'realm must be'],
  ];
  test.each(bad)('%s throws', (_n, o, msg) => expect(() => basicAuth(o)).toThrow(msg));
});
