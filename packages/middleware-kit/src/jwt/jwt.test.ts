import { describe, expect, test } from 'bun:test';
import { handlerFunc } from '@servehttp/core-listener';
import { newRequest, ResponseRecorder } from '@servehttp/core-listener/httptest';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { getJWTClaims, type JWTOptions, jwt } from './index.ts';

const secret = 'a-string-secret-at-least-256-bits-long!!';
const key = new TextEncoder().encode(secret);
const now = Math.floor(Date.now() / 1000);

async function hs(claims: Record<string, unknown>, alg = 'HS256'): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg }).sign(key);
}

async function run(options: JWTOptions, auth: string | undefined) {
  const r = newRequest('GET', '/');
  if (auth !== undefined) r.header.set('Authorization', auth);
  const rec = new ResponseRecorder();
  let sub: unknown;
  await jwt(options)(
    handlerFunc((w, r2) => {
      sub = getJWTClaims(r2)?.sub;
      w.writeHeader(200);
    }),
  ).serveHTTP(rec, r);
  return { code: rec.code, challenge: rec.header().get('WWW-Authenticate'), sub };
}

describe('jwt (HS256 secret)', () => {
  const opts: JWTOptions = { secret, algorithms: ['HS256'], issuer: 'me' };
  // Rows: token → status, challenge.
  const rows: [string, () => Promise<string | undefined>, number, string][] = [
    ['valid', async () => `Bearer ${await hs({ sub: 'u1', iss: 'me', exp: now + 60 })}`, 200, ''],
    [
      'expired',
      async () => `Bearer ${await hs({ sub: 'u1', iss: 'me', exp: now - 60 })}`,
      401,
      'Bearer error="invalid_token"',
    ],
    [
      'wrong issuer',
      async () => `Bearer ${await hs({ iss: 'you' })}`,
      401,
      'Bearer error="invalid_token"',
    ],
    [
      'alg not allowed (HS512)',
      async () => `Bearer ${await hs({ iss: 'me' }, 'HS512')}`,
      401,
      'Bearer error="invalid_token"',
    ],
    ['garbage token', async () => 'Bearer abc.def.ghi', 401, 'Bearer error="invalid_token"'],
    ['missing', async () => undefined, 401, 'Bearer realm=""'],
    ['malformed header', async () => 'Bearer a b', 400, 'Bearer error="invalid_request"'],
  ];
  test.each(rows)('%s', async (_n, tok, code, challenge) => {
    const got = await run(opts, await tok());
    expect([got.code, got.challenge]).toEqual([code, challenge]);
    if (code === 200) expect(got.sub).toBe('u1');
  });
});

describe('jwt (RS256 via JWKS resolver)', () => {
  test('kid lookup; unknown kid is 401', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
    const getKey = createLocalJWKSet({ keys: [jwk] });
    const sign = (kid: string) =>
      new SignJWT({ sub: 'u2' }).setProtectedHeader({ alg: 'RS256', kid }).sign(privateKey);
    expect((await run({ getKey, algorithms: ['RS256'] }, `Bearer ${await sign('k1')}`)).sub).toBe(
      'u2',
    );
    expect((await run({ getKey, algorithms: ['RS256'] }, `Bearer ${await sign('k9')}`)).code).toBe(
      401,
    );
  });
});

describe('jwt options', () => {
  const bad: [string, unknown, string][] = [
    ['no algorithms', { secret }, 'algorithms is required'],
    ['alg none', { secret, algorithms: ['none'] }, '"none" is never allowed'],
    [
      'two key sources',
      { secret, jwksUri: 'https://x/jwks', algorithms: ['HS256'] },
      'exactly one',
    ],
    ['bad jwksUri', { jwksUri: 'not a url', algorithms: ['RS256'] }, 'is not a URL'],
  ];
  test.each(bad)('%s throws', (_n, o, msg) => expect(() => jwt(o as JWTOptions)).toThrow(msg));
});
