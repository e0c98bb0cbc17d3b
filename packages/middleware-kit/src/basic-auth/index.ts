/**
 * `basicAuth`: HTTP Basic authentication (RFC 7617) against a user table or a function, with a
 * constant-time comparison. Go: chi's `middleware.BasicAuth(realm, creds)`; gin's `BasicAuth`.
 *
 * Design: both sides are hashed with SHA-256 before `timingSafeEqual`, so the comparison takes the
 * same time whatever the lengths, and every table entry is compared, so response time does not
 * reveal whether a user name exists (chi's map lookup does).
 *
 * @module
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import {
  type ContextKey,
  createKey,
  type Handler,
  type Request,
  type ResponseWriter,
  StatusUnauthorized,
} from '@servehttp/core-listener';
import type { Middleware } from '../chain.ts';
import { MiddlewareOptionError } from '../errors.ts';
import { checkFunc } from '../util.ts';

/** The context key holding the authenticated user name. gin: `AuthUserKey`. */
export const basicAuthUserKey: ContextKey<string> = createKey<string>('basicAuthUser');

/** Options of {@link basicAuth}: give `users` or `validate` (or both: either may admit). */
export interface BasicAuthOptions {
  /** Shown by browsers in the login prompt; default `Restricted`. No `"` or control characters. */
  realm?: string;
  /** user → password. */
  users?: Readonly<Record<string, string>>;
  /** Decides for credentials not in `users`. */
  validate?: (user: string, password: string, r: Request) => boolean | Promise<boolean>;
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

// A realm goes inside a quoted-string: no quote, backslash or control character.
function realmOK(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c === 0x22 || c === 0x5c) return false;
  }
  return true;
}

/** Constant-time string equality (hash-then-compare). */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * Returns middleware that admits only requests with valid Basic credentials. A missing or
 * malformed `Authorization` header, or wrong credentials, get `401` with
 * `WWW-Authenticate: Basic realm="<realm>"` and no body (chi).
 * @throws {MiddlewareOptionError} when neither `users` nor `validate` is given or the realm has a
 * `"` or control character.
 */
export function basicAuth(options: BasicAuthOptions): Middleware {
  const realm = options?.realm ?? 'Restricted';
  if (typeof realm !== 'string' || !realmOK(realm)) {
    throw new MiddlewareOptionError(
      'basicAuth',
      'realm must be a string without quotes, backslashes or control characters',
    );
  }
  if (options.users === undefined && options.validate === undefined) {
    throw new MiddlewareOptionError(
      'basicAuth',
      'give users ({ name: password }) or validate(user, password, r)',
    );
  }
  checkFunc('basicAuth', 'validate', options.validate);
  const users = Object.entries(options.users ?? {}).map(
    ([u, p]) => [digest(u), digest(p)] as const,
  );
  const validate = options.validate;
  const challenge = `Basic realm="${realm}"`;

  const inTable = (user: string, pass: string): boolean => {
    const u = digest(user);
    const p = digest(pass);
    let ok = false;
    // No early exit: every entry costs the same.
    for (const [tu, tp] of users) ok = (timingSafeEqual(u, tu) && timingSafeEqual(p, tp)) || ok;
    return ok;
  };
  const fail = (w: ResponseWriter): void => {
    w.header().add('WWW-Authenticate', challenge);
    w.writeHeader(StatusUnauthorized);
  };

  return (next: Handler) => ({
    serveHTTP(w: ResponseWriter, r: Request): void | Promise<void> {
      const creds = r.basicAuth();
      if (creds === undefined) return fail(w);
      const { username, password } = creds;
      const pass = (): void | Promise<void> =>
        next.serveHTTP(w, r.withContext(r.context().withValue(basicAuthUserKey, username)));
      if (inTable(username, password)) return pass();
      if (validate === undefined) return fail(w);
      const v = validate(username, password, r);
      if (v === true) return pass();
      if (v === false) return fail(w);
      return v.then((ok) => (ok ? pass() : fail(w)));
    },
  });
}
