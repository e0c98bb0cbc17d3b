/**
 * `bearerAuth`: `Authorization: Bearer <token>` checked against fixed tokens (constant time) or a
 * function, with RFC 6750 challenges. Behaviour and statuses are Hono's `bearerAuth`.
 *
 * @module
 */
import {
  type Handler,
  type Request,
  type ResponseWriter,
  StatusBadRequest,
  StatusUnauthorized,
} from '@servehttp/core-listener';
import { safeEqual } from '../basic-auth/index.ts';
import type { Middleware } from '../chain.ts';
import { MiddlewareOptionError } from '../errors.ts';
import { checkFunc } from '../util.ts';

/** Options of {@link bearerAuth}: `token` or `verifyToken`. */
export interface BearerAuthOptions {
  /** The accepted token(s). */
  token?: string | readonly string[];
  /** Decides instead of `token`. */
  verifyToken?: (token: string, r: Request) => boolean | Promise<boolean>;
  /** Realm in the challenge; default `''`. */
  realm?: string;
  /** Scheme word; default `Bearer`. */
  prefix?: string;
  /** Header carrying the token; default `Authorization`. */
  headerName?: string;
}

// RFC 6750 b64token.
const tokenChars = '[A-Za-z0-9._~+/-]+=*';

/**
 * Builds the matcher for `<prefix> <token>` once: Hono's grammar, one or more spaces after the
 * scheme, trailing spaces tolerated.
 */
export function bearerMatcher(prefix: string): RegExp {
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped} +(${tokenChars}) *$`);
}

/** Writes an RFC 6750 failure: `status`, `WWW-Authenticate: <challenge>`, the status text body. */
export function bearerFail(w: ResponseWriter, status: number, challenge: string): void {
  const h = w.header();
  h.set('WWW-Authenticate', challenge);
  h.set('Content-Type', 'text/plain; charset=utf-8');
  w.writeHeader(status);
  void w.write(status === StatusBadRequest ? 'Bad Request' : 'Unauthorized');
}

/**
 * Returns middleware requiring a bearer token. Missing header → 401 `Bearer realm="<realm>"`;
 * malformed header → 400 `Bearer error="invalid_request"`; wrong token → 401
 * `Bearer error="invalid_token"`. Hono: `bearerAuth`.
 * @throws {MiddlewareOptionError} without `token`/`verifyToken`, or for an empty token list.
 */
export function bearerAuth(options: BearerAuthOptions): Middleware {
  const tokens = typeof options?.token === 'string' ? [options.token] : options?.token;
  if (tokens === undefined && options?.verifyToken === undefined) {
    throw new MiddlewareOptionError(
      'bearerAuth',
      'give token (a string or list) or verifyToken(token, r)',
    );
  }
  if (
    tokens !== undefined &&
    (tokens.length === 0 || tokens.some((t) => typeof t !== 'string' || t === ''))
  ) {
    throw new MiddlewareOptionError(
      'bearerAuth',
      'token must be a non-empty string or a list of them',
    );
  }
  checkFunc('bearerAuth', 'verifyToken', options.verifyToken);
  const prefix = options.prefix ?? 'Bearer';
  const header = options.headerName ?? 'Authorization';
  const realm = (options.realm ?? '').replace(/"/g, '\\"');
  const re = bearerMatcher(prefix);
  const verify = options.verifyToken;
  const list = tokens ?? [];

  return (next: Handler) => ({
    serveHTTP(w: ResponseWriter, r: Request): void | Promise<void> {
      const value = r.header.get(header);
      if (value === '') return bearerFail(w, StatusUnauthorized, `${prefix} realm="${realm}"`);
      const m = re.exec(value);
      if (m === null) return bearerFail(w, StatusBadRequest, `${prefix} error="invalid_request"`);
      const token = m[1] as string;
      const decide = (ok: boolean): void | Promise<void> =>
        ok
          ? next.serveHTTP(w, r)
          : bearerFail(w, StatusUnauthorized, `${prefix} error="invalid_token"`);
      if (verify !== undefined) {
        const v = verify(token, r);
        return typeof v === 'boolean' ? decide(v) : v.then(decide);
      }
      let ok = false;
      for (const t of list) ok = safeEqual(t, token) || ok;
      return decide(ok);
    },
  });
}
