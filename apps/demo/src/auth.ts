/**
 * Login tokens: HS256 JSON Web Tokens signed here and verified by middleware-kit's `jwt`
 * middleware. Signing is five lines of `node:crypto` HMAC (RFC 7515 compact form), so the demo
 * needs no JOSE library of its own; verification — the part that must be strict about `alg`,
 * `exp` and the signature — is `jose` inside middleware-kit.
 *
 * Example: `signToken(secret, { sub: '1', name: 'gopher' }, 3600)` →
 * `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIiwibmFtZSI6ImdvcGhlciIsImlhdCI6…`.
 */
import { createHmac } from 'node:crypto';

const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

/** The claims the demo puts in a token. */
export interface TokenClaims {
  /** The user's row id, as a string (RFC 7519 `sub`). */
  sub: string;
  /** The user's login name. */
  name: string;
}

/** Signs `claims` with `secret`, valid for `ttlSeconds` from now (`iat`, `exp`). */
export function signToken(secret: string, claims: TokenClaims, ttlSeconds: number): string {
  const iat = Math.floor(Date.now() / 1000);
  const payload = Buffer.from(JSON.stringify({ ...claims, iat, exp: iat + ttlSeconds })).toString(
    'base64url',
  );
  const sig = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${sig}`;
}
