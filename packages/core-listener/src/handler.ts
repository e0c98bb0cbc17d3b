/**
 * The Handler contract: anything with `serveHTTP(w, r)`, or a plain function of the same shape
 * (Go's `HandlerFunc` trick). Routers and servers normalize once, at registration, with
 * {@link toHandler}, so the request path never tests which of the two it holds.
 */
import type { Request } from './request.ts';
import type { ResponseWriter } from './response.ts';

/**
 * Responds to an HTTP request. Go: `http.Handler`.
 *
 * `serveHTTP` should write the header and body to `w` and then return (or resolve). Once it has
 * returned, `w` and `r.body` must not be used: the server may reuse the connection. A handler that
 * throws (or rejects) makes the server log the error and close the connection; throw
 * {@link ErrAbortHandler} to abort quietly. Read the body before writing when you can: on HTTP/1.1
 * the server may not be able to read more of it once the response has started.
 */
export interface Handler {
  /** Handles one request. */
  serveHTTP(w: ResponseWriter, r: Request): void | Promise<void>;
}

/** A plain function used as a {@link Handler}. Go: `http.HandlerFunc`. */
export type HandlerFunc = (w: ResponseWriter, r: Request) => void | Promise<void>;

/** Either form of handler that the API accepts. */
export type HandlerLike = Handler | HandlerFunc;

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') {
    const name = (v as { constructor?: { name?: string } }).constructor?.name;
    return `an object${name ? ` (${name})` : ''} without a serveHTTP method`;
  }
  if (typeof v === 'string') return `the string ${JSON.stringify(v.slice(0, 40))}`;
  return `${typeof v} ${String(v)}`;
}

/**
 * Reports whether `v` can be used as a handler: a function, or an object whose `serveHTTP` is
 * a function.
 */
export function isHandler(v: unknown): v is HandlerLike {
  return (
    typeof v === 'function' ||
    (v !== null && typeof v === 'object' && typeof (v as Handler).serveHTTP === 'function')
  );
}

/**
 * Normalizes a handler to the object form. A function is wrapped once (Go's
 * `HandlerFunc(f)` conversion); an object is returned as is.
 * @throws {TypeError} naming what was passed when it is neither.
 */
export function toHandler(h: HandlerLike, what = 'handler'): Handler {
  if (typeof h === 'function') return { serveHTTP: h };
  if (isHandler(h)) return h;
  throw new TypeError(
    `http: ${what} must be a function (w, r) => … or an object with serveHTTP(w, r), got ${describe(h)}`,
  );
}

/** Makes a {@link Handler} from a function. Go: `http.HandlerFunc(f)`. */
export function handlerFunc(f: HandlerFunc): Handler {
  if (typeof f !== 'function') {
    throw new TypeError(`http: handlerFunc(f): f must be a function, got ${describe(f)}`);
  }
  return { serveHTTP: f };
}
