/**
 * `jwt`: verifies a bearer JWT with `jose` (panva/jose: audited, dependency-free, the JOSE library
 * of the Node ecosystem) and stores its claims in the context. Keys come from a secret, a key, a
 * key-resolver function, or a remote JWKS fetched and cached by jose's `createRemoteJWKSet`
 * (cache max-age and cooldown between refetches, so a flood of unknown `kid`s cannot hammer the
 * key server).
 *
 * `algorithms` is required: accepting whatever `alg` a token names is the classic JWT hole
 * (alg=none, RS→HS confusion).
 *
 * @module
 */
import {
  type ContextKey,
  createKey,
  type Handler,
  type Request,
  type ResponseWriter,
  StatusBadRequest,
  StatusUnauthorized,
} from '@servehttp/core-listener';
import {
  createRemoteJWKSet,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
  type KeyInput,
} from 'jose';
import { bearerFail, bearerMatcher } from '../bearer-auth/index.ts';
import type { Middleware } from '../chain.ts';
import { MiddlewareOptionError } from '../errors.ts';

/** The context key holding the verified claims. */
export const jwtClaimsKey: ContextKey<JWTPayload> = createKey<JWTPayload>('jwtClaims');

/** The verified claims of the request, or `undefined` when jwt did not run. */
export function getJWTClaims(r: Request): JWTPayload | undefined {
  return r.context().value(jwtClaimsKey);
}

/** Options of {@link jwt}. Exactly one of `secret`, `key`, `getKey`, `jwksUri`. */
export interface JWTOptions {
  /** Accepted `alg` values, e.g. `['HS256']` or `['RS256', 'ES256']`. Required. */
  algorithms: readonly string[];
  /** HMAC secret (a string is used as UTF-8 bytes). */
  secret?: string | Uint8Array;
  /** A public key (CryptoKey, KeyObject or JWK). */
  key?: KeyInput;
  /** Resolves the key per token (e.g. jose `createLocalJWKSet`). */
  getKey?: JWTVerifyGetKey;
  /** URL of a JWKS; fetched lazily and cached by jose. */
  jwksUri?: string;
  /** Cache lifetime of the JWKS in ms (jose `cacheMaxAge`); default 10 minutes. */
  jwksCacheMaxAge?: number;
  /** Required `iss`. */
  issuer?: string | readonly string[];
  /** Required `aud`. */
  audience?: string | readonly string[];
  /** Seconds of clock skew tolerated for `exp`/`nbf`. */
  clockTolerance?: number;
  /** Realm for the challenge; default `''`. */
  realm?: string;
}

/**
 * Returns middleware that requires a valid JWT in `Authorization: Bearer …`. Missing → 401
 * `Bearer realm=""`; malformed header → 400 `Bearer error="invalid_request"`; a token that fails
 * verification (signature, alg, exp/nbf, iss, aud, unknown kid) → 401
 * `Bearer error="invalid_token"`. Never throws at request time.
 * @throws {MiddlewareOptionError} without `algorithms`, with zero or several key sources, or with
 * an invalid `jwksUri`.
 */
export function jwt(options: JWTOptions): Middleware {
  const mw = 'jwt';
  const algs = options?.algorithms;
  if (
    !Array.isArray(algs) ||
    algs.length === 0 ||
    algs.some((a) => typeof a !== 'string' || a === '' || a.toLowerCase() === 'none')
  ) {
    throw new MiddlewareOptionError(
      mw,
      'algorithms is required: list the algs you issue, e.g. ["HS256"]; "none" is never allowed',
    );
  }
  const sources = [options.secret, options.key, options.getKey, options.jwksUri].filter(
    (s) => s !== undefined,
  );
  if (sources.length !== 1) {
    throw new MiddlewareOptionError(
      mw,
      `give exactly one of secret, key, getKey or jwksUri (got ${sources.length})`,
    );
  }
  let key: KeyInput | JWTVerifyGetKey;
  if (options.secret !== undefined) {
    if (options.secret.length === 0)
      throw new MiddlewareOptionError(mw, 'secret must not be empty');
    key =
      typeof options.secret === 'string'
        ? new TextEncoder().encode(options.secret)
        : options.secret;
  } else if (options.key !== undefined) {
    key = options.key;
  } else if (options.getKey !== undefined) {
    if (typeof options.getKey !== 'function')
      throw new MiddlewareOptionError(mw, 'getKey must be a function');
    key = options.getKey;
  } else {
    let url: URL;
    try {
      url = new URL(options.jwksUri as string);
    } catch {
      throw new MiddlewareOptionError(
        mw,
        `jwksUri ${JSON.stringify(options.jwksUri)} is not a URL`,
      );
    }
    key = createRemoteJWKSet(url, { cacheMaxAge: options.jwksCacheMaxAge ?? 600_000 });
  }
  const verifyOptions = {
    algorithms: algs.slice(),
    ...(options.issuer !== undefined ? { issuer: options.issuer as string | string[] } : {}),
    ...(options.audience !== undefined ? { audience: options.audience as string | string[] } : {}),
    ...(options.clockTolerance !== undefined ? { clockTolerance: options.clockTolerance } : {}),
  };
  const realm = (options.realm ?? '').replace(/"/g, '\\"');
  const re = bearerMatcher('Bearer');

  return (next: Handler) => ({
    async serveHTTP(w: ResponseWriter, r: Request): Promise<void> {
      const value = r.header.get('Authorization');
      if (value === '') return bearerFail(w, StatusUnauthorized, `Bearer realm="${realm}"`);
      const m = re.exec(value);
      if (m === null) return bearerFail(w, StatusBadRequest, 'Bearer error="invalid_request"');
      let claims: JWTPayload;
      try {
        // The overloads differ only in the key's type; both are what jose accepts.
        ({ payload: claims } = await jwtVerify(m[1] as string, key as KeyInput, verifyOptions));
      } catch {
        return bearerFail(w, StatusUnauthorized, 'Bearer error="invalid_token"');
      }
      await next.serveHTTP(w, r.withContext(r.context().withValue(jwtClaimsKey, claims)));
    },
  });
}
