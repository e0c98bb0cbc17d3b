/**
 * `requestID`: gives each request an id — the client's `X-Request-Id` when it is sane, else a new
 * one — stores it in the context and echoes it in the response. Go: chi's `middleware.RequestID`;
 * Hono's `requestId`.
 *
 * The default id is chi's shape, `<random prefix>-<counter>`: a process-wide random prefix made
 * once plus an incrementing counter, unique per process and far cheaper than a UUID per request.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import {
  type ContextKey,
  createKey,
  type Handler,
  type Request,
  type ResponseWriter,
} from '@servehttp/core-listener';
import type { Middleware } from '../chain.ts';
import { MiddlewareOptionError } from '../errors.ts';
import { checkFunc } from '../util.ts';

/** The context key the id is stored under. Go: chi `middleware.RequestIDKey`. */
export const requestIDKey: ContextKey<string> = createKey<string>('requestID');

/** The request's id, or `''` when no requestID middleware ran. Go: chi `GetReqID`. */
export function getRequestID(r: Request): string {
  return r.context().value(requestIDKey) ?? '';
}

/** Options of {@link requestID}. */
export interface RequestIDOptions {
  /** Header read from the request and written to the response; default `X-Request-Id`. */
  header?: string;
  /** Makes a new id; default `<10 random base64url chars>-<6+ digit counter>`. */
  generator?: (r: Request) => string;
  /** Whether to reuse a well-formed incoming id; default true (chi). Turn off at the edge. */
  trustIncoming?: boolean;
  /** Whether to echo the id in the response header; default true. */
  setResponseHeader?: boolean;
}

// Ids end up in logs and response headers: refuse anything that could forge a log line or be
// used to smuggle data (Hono validates the same way).
const saneID = /^[A-Za-z0-9._:/+=-]{1,200}$/;
const tokenRe = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function defaultGenerator(): () => string {
  const prefix = randomBytes(8).toString('base64url').slice(0, 10);
  let n = 0;
  return () => {
    n++;
    return `${prefix}-${n < 1e6 ? String(n).padStart(6, '0') : n}`;
  };
}

/**
 * Returns middleware that assigns request ids; read one with {@link getRequestID}.
 * At request time an incoming id that is empty, longer than 200 bytes or outside
 * `[A-Za-z0-9._:/+=-]` is replaced by a fresh one — never an error.
 * @throws {MiddlewareOptionError} for a header name that is not a token or a non-function
 * generator.
 */
export function requestID(options: RequestIDOptions = {}): Middleware {
  const header = options.header ?? 'X-Request-Id';
  if (typeof header !== 'string' || !tokenRe.test(header)) {
    throw new MiddlewareOptionError(
      'requestID',
      `header ${JSON.stringify(header)} is not a header name`,
    );
  }
  checkFunc('requestID', 'generator', options.generator);
  const generate = options.generator ?? defaultGenerator();
  const trust = options.trustIncoming ?? true;
  const echo = options.setResponseHeader ?? true;
  return (next: Handler) => ({
    serveHTTP(w: ResponseWriter, r: Request): void | Promise<void> {
      let id = trust ? r.header.get(header) : '';
      if (id === '' || !saneID.test(id)) id = generate(r);
      if (echo) w.header().set(header, id);
      return next.serveHTTP(w, r.withContext(r.context().withValue(requestIDKey, id)));
    },
  });
}
