/**
 * `requestID`: gives each request an id — the client's `X-Request-Id` when it is sane, else a new
 * one — makes it readable with {@link getRequestID} and echoes it in the response. Go: chi's
 * `middleware.RequestID`; Hono's `requestId`.
 *
 * The default id is chi's shape, `<random prefix>-<counter>`: a process-wide random prefix made
 * once plus an incrementing counter, unique per process and far cheaper than a UUID per request.
 *
 * Where the id lives, and why not in the context: chi stores it with `context.WithValue` and
 * `r.WithContext`. Here that costs two things per request: a copy of the request, and — on the
 * real server, which builds a request's cancellable context only when someone asks for it — an
 * `AbortController` and its abort at the end of the request: about 1 µs, more than the rest of
 * the demo's usual stack costs (`bench/stack.bench.ts`). So the id rides on the request's
 * `Header` object, under a private symbol: every shallow copy of a request shares that object
 * (`withContext`, servemux's `maxBytesHandler` and `timeoutHandler`, `bodyLimit`), so a handler
 * below finds the id on whatever copy it is given, the id dies with the request, and the request
 * is never copied. A symbol property, not a `WeakMap`: measured on the server path, the weak
 * table cost about 0.15 µs more per request (its entries are extra work for every collection);
 * a header map that cannot take the property (frozen) falls back to the `WeakMap`. Symbols stay
 * out of `Object.keys`, `for…in` and JSON, and the header's own API never sees it.
 * `Request.clone()` deep-copies the header, so a clone does not carry the id; for it, as for ids
 * placed by other code, {@link getRequestID} falls back to {@link requestIDKey} in the context.
 *
 * Example: `requestID()` on a request without `X-Request-Id` generates `k3Jx9_aQ2b-000042`, sets
 * it on the response, and `getRequestID(r)` returns it in every handler below.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import {
  type ContextKey,
  createKey,
  type Handler,
  type Header,
  type Request,
  type ResponseWriter,
} from '@servehttp/core-listener';
import type { Middleware } from '../chain.ts';
import { MiddlewareOptionError } from '../errors.ts';
import { checkFunc } from '../util.ts';

/**
 * A context key {@link getRequestID} consults when the request carries no id from
 * {@link requestID} — for a `clone()`d request, or an id supplied by other code with
 * `r.withContext(r.context().withValue(requestIDKey, id))`. Go: chi `middleware.RequestIDKey`.
 * The middleware itself does not write it (see the module note: that would cost a context).
 */
export const requestIDKey: ContextKey<string> = createKey<string>('requestID');

// The id requestID chose, on the request's header map (see the module note); `ids` only for a
// header map that cannot take a property.
const kID: unique symbol = Symbol('middleware-kit.requestID');
type Carrier = Header & { [kID]?: string };
const ids = new WeakMap<Header, string>();

function idOf(h: Header): string | undefined {
  return (h as Carrier)[kID] ?? ids.get(h);
}

function setID(h: Header, id: string): void {
  try {
    (h as Carrier)[kID] = id;
  } catch {
    ids.set(h, id); // a frozen or sealed header map
  }
}
// Until a requestID middleware exists, no request can have an id: the logger then skips the
// lookup, and with it `r.header`, which the server builds on first access.
let anyRequestID = false;

/**
 * The id {@link requestID} gave this request (or a shallow copy of it), without touching the
 * request's context: `''` when none. The logger reads ids this way, so logging never makes the
 * server build a context the handler did not ask for.
 */
export function peekRequestID(r: Request): string {
  return anyRequestID ? (idOf(r.header) ?? '') : '';
}

/**
 * The request's id: the one {@link requestID} assigned to it (or to the request it was shallowly
 * copied from), else the {@link requestIDKey} value in its context, else `''`. Go: chi
 * `GetReqID`.
 */
export function getRequestID(r: Request): string {
  return idOf(r.header) ?? r.context().value(requestIDKey) ?? '';
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

// '000' … '999': the default id's counter ends in one of these, so an id costs no
// number-to-string conversion (which showed up in the stack's profile).
let triples: readonly string[] | undefined;

function defaultGenerator(): () => string {
  const prefix = `${randomBytes(8).toString('base64url').slice(0, 10)}-`;
  const t = (triples ??= Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0')));
  let n = 0;
  // The prefix with the counter's thousands, rebuilt once every thousand ids: one concatenation
  // per id instead of two. Below a thousand thousands the head is zero-padded to three digits,
  // so the counter reads as chi's `%06d`; above, it has the digits it needs (000042, 1234567).
  // Past a million ids each one had cost a conversion of the whole counter.
  let head = '';
  let headOf = -1;
  return () => {
    n++;
    const k = Math.floor(n / 1000);
    if (k !== headOf) {
      head = prefix + (k < 1000 ? (t[k] as string) : String(k));
      headOf = k;
    }
    return head + (t[n % 1000] as string);
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
  anyRequestID = true;
  return (next: Handler) => ({
    serveHTTP(w: ResponseWriter, r: Request): void | Promise<void> {
      let id = trust ? r.header.get(header) : '';
      if (id === '' || !saneID.test(id)) id = generate(r);
      if (echo) w.header().set(header, id);
      setID(r.header, id);
      return next.serveHTTP(w, r);
    },
  });
}
