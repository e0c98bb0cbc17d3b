/**
 * `cors`: Cross-Origin Resource Sharing, behaving row for row like rs/cors (`cors.go`), the
 * middleware most Go services use, including its defaults: all origins, methods GET/POST/HEAD,
 * request headers `accept`, `content-type`, `x-requested-with`, and preflights answered
 * `204 No Content` by the middleware itself, so no OPTIONS route is needed.
 *
 * Design: everything is normalised at construction — exact origins in a `Set`, `prefix*suffix`
 * patterns in an array, allowed request headers in a {@link SortedSet}, the `Vary`, `Max-Age` and
 * `Expose-Headers` values as ready strings. Per request: one `Origin` lookup and a few header
 * writes. `Vary` is always set (rs/cors#10): a cache must not serve a response made for one
 * origin to another, even when this one carries no CORS headers.
 *
 * Example: `cors({ allowedOrigins: ['https://*.example.com'], allowCredentials: true })`; a GET
 * with `Origin: https://app.example.com` gets `Access-Control-Allow-Origin:
 * https://app.example.com`, `Access-Control-Allow-Credentials: true`, `Vary: Origin`.
 *
 * @module
 */
import {
  canonicalHeaderKey,
  type Handler,
  type Header,
  type Request,
  type ResponseWriter,
  StatusNoContent,
} from '@servehttp/core-listener';
import type { Middleware } from '../chain.ts';
import { MiddlewareOptionError } from '../errors.ts';
import { checkFunc, checkInt } from '../util.ts';
import { SortedSet } from './sorted-set.ts';

/** Options of {@link cors}; each mirrors the rs/cors `Options` field of the same name. */
export interface CorsOptions {
  /**
   * Origins allowed to make cross-origin requests; `*` allows all, and one `*` inside an origin
   * matches zero or more characters (`https://*.example.com`). Matching ignores case (as rs/cors
   * does, against the letter of the spec). Default `['*']`.
   */
  allowedOrigins?: readonly string[];
  /** Decides from the origin alone; when set, `allowedOrigins` is ignored. */
  allowOriginFunc?: (origin: string) => boolean;
  /**
   * Decides from the request and origin, returning the request headers it looked at so they join
   * `Vary`; takes precedence over the other two. rs/cors `AllowOriginVaryRequestFunc`.
   */
  allowOriginVaryRequestFunc?: (r: Request, origin: string) => [boolean, readonly string[]];
  /** Methods allowed; default GET, POST, HEAD (the CORS-safelisted ones). OPTIONS always is. */
  allowedMethods?: readonly string[];
  /**
   * Request headers allowed (any case); `*` allows all. Default `accept`, `content-type`,
   * `x-requested-with`.
   */
  allowedHeaders?: readonly string[];
  /** Response headers the browser may expose to scripts (`Access-Control-Expose-Headers`). */
  exposedHeaders?: readonly string[];
  /**
   * Seconds a preflight may be cached: > 0 sends `Access-Control-Max-Age`, 0 sends nothing
   * (browsers default to 5 s), < 0 sends `0` (no caching).
   */
  maxAge?: number;
  /** Sends `Access-Control-Allow-Credentials: true`. */
  allowCredentials?: boolean;
  /** Answers `Access-Control-Request-Private-Network: true` preflights (Private Network Access). */
  allowPrivateNetwork?: boolean;
  /** Passes preflights on to the next handler instead of answering them. */
  optionsPassthrough?: boolean;
  /** Status of an answered preflight; default 204. */
  optionsSuccessStatus?: number;
  /** Receives a line per decision, for debugging; off by default (rs/cors `Debug`/`Logger`). */
  logger?: (message: string) => void;
}

interface Wildcard {
  prefix: string;
  suffix: string;
}

const mw = 'cors';
const defaultMethods = ['GET', 'POST', 'HEAD'];
const defaultHeaders = ['accept', 'content-type', 'x-requested-with'];
const tokenRe = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function checkStrings(what: string, v: unknown): readonly string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) {
    throw new MiddlewareOptionError(mw, `${what} must be an array of strings`);
  }
  return v as readonly string[];
}

/**
 * A configured CORS policy. `handler(next)` is the middleware; {@link Cors.originAllowed} answers
 * the origin question alone. Go: rs/cors `*Cors`.
 */
export class Cors {
  readonly #origins: Set<string> | undefined;
  readonly #wildcards: readonly Wildcard[];
  readonly #originsAll: boolean;
  readonly #originFunc: ((r: Request, origin: string) => [boolean, readonly string[]]) | undefined;
  readonly #headers: SortedSet;
  readonly #headersAll: boolean;
  readonly #methods: readonly string[];
  readonly #exposed: string;
  readonly #maxAge: string;
  readonly #credentials: boolean;
  readonly #privateNetwork: boolean;
  readonly #passthrough: boolean;
  readonly #successStatus: number;
  readonly #preflightVary: string;
  readonly #log: ((message: string) => void) | undefined;

  /**
   * Validates and normalises `options`.
   * @throws {MiddlewareOptionError} for a non-string list entry, an origin with more than one `*`,
   * a method or header name that is not a token, a non-integer `maxAge` or a bad status.
   */
  constructor(options: CorsOptions = {}) {
    const origins = checkStrings('allowedOrigins', options.allowedOrigins);
    const methods = checkStrings('allowedMethods', options.allowedMethods);
    const headers = checkStrings('allowedHeaders', options.allowedHeaders);
    const exposed = checkStrings('exposedHeaders', options.exposedHeaders);
    checkFunc(mw, 'allowOriginFunc', options.allowOriginFunc);
    checkFunc(mw, 'allowOriginVaryRequestFunc', options.allowOriginVaryRequestFunc);
    checkFunc(mw, 'logger', options.logger);
    this.#log = options.logger;
    this.#credentials = options.allowCredentials === true;
    this.#privateNetwork = options.allowPrivateNetwork === true;
    this.#passthrough = options.optionsPassthrough === true;

    let originsAll = false;
    let exact: Set<string> | undefined;
    const wild: Wildcard[] = [];
    const vary = options.allowOriginVaryRequestFunc;
    const plain = options.allowOriginFunc;
    if (vary !== undefined) {
      this.#originFunc = vary;
    } else if (plain !== undefined) {
      this.#originFunc = (_r, o) => [plain(o), []];
    } else if (origins === undefined || origins.length === 0) {
      originsAll = true;
    } else {
      exact = new Set();
      for (const raw of origins) {
        // rs/cors lower-cases both sides: spec-exact matching proved error-prone in practice.
        const o = raw.toLowerCase();
        if (o === '*') {
          originsAll = true;
          exact = undefined;
          wild.length = 0;
          break;
        }
        const star = o.indexOf('*');
        if (star === -1) {
          exact.add(o);
        } else if (o.indexOf('*', star + 1) !== -1) {
          throw new MiddlewareOptionError(
            mw,
            `allowedOrigins: ${JSON.stringify(raw)} has more than one "*"; only one wildcard per origin is supported (e.g. "https://*.example.com")`,
          );
        } else {
          wild.push({ prefix: o.slice(0, star), suffix: o.slice(star + 1) });
        }
      }
    }
    this.#originsAll = originsAll;
    this.#origins = exact;
    this.#wildcards = wild;

    if (headers === undefined || headers.length === 0) {
      this.#headers = new SortedSet(defaultHeaders);
      this.#headersAll = false;
    } else {
      for (const h of headers) {
        if (h !== '*' && !tokenRe.test(h)) {
          throw new MiddlewareOptionError(
            mw,
            `allowedHeaders: ${JSON.stringify(h)} is not a header name`,
          );
        }
      }
      this.#headersAll = headers.includes('*');
      this.#headers = new SortedSet(this.#headersAll ? [] : headers.map((h) => h.toLowerCase()));
    }

    if (methods !== undefined) {
      for (const m of methods) {
        if (!tokenRe.test(m)) {
          throw new MiddlewareOptionError(
            mw,
            `allowedMethods: ${JSON.stringify(m)} is not a method`,
          );
        }
      }
    }
    this.#methods =
      methods === undefined || methods.length === 0 ? defaultMethods : methods.slice();

    this.#successStatus =
      options.optionsSuccessStatus === undefined || options.optionsSuccessStatus === 0
        ? StatusNoContent
        : checkInt(mw, 'optionsSuccessStatus', options.optionsSuccessStatus, 200, 299);

    if (exposed !== undefined && exposed.length > 0) {
      for (const h of exposed) {
        if (!tokenRe.test(h)) {
          throw new MiddlewareOptionError(
            mw,
            `exposedHeaders: ${JSON.stringify(h)} is not a header name`,
          );
        }
      }
      this.#exposed = exposed.map(canonicalHeaderKey).join(', ');
    } else {
      this.#exposed = '';
    }

    this.#preflightVary = this.#privateNetwork
      ? 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network'
      : 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';

    const maxAge =
      options.maxAge === undefined
        ? 0
        : checkInt(mw, 'maxAge', options.maxAge, -1, Number.MAX_SAFE_INTEGER);
    this.#maxAge = maxAge > 0 ? String(maxAge) : maxAge < 0 ? '0' : '';
  }

  /** The middleware: answers preflights, decorates actual requests. rs/cors `Handler`. */
  handler(next: Handler): Handler {
    return {
      serveHTTP: (w: ResponseWriter, r: Request): void | Promise<void> => {
        if (r.method === 'OPTIONS' && r.header.get('Access-Control-Request-Method') !== '') {
          this.#preflight(w, r);
          // Preflights end here: later middleware (auth, above all) rarely expects an OPTIONS
          // without credentials (rs/cors#1).
          if (this.#passthrough) return next.serveHTTP(w, r);
          w.writeHeader(this.#successStatus);
          return;
        }
        this.#actual(w, r);
        return next.serveHTTP(w, r);
      },
    };
  }

  /** Reports whether the request's `Origin` is allowed. rs/cors `OriginAllowed`. */
  originAllowed(r: Request): boolean {
    return this.#originAllowed(r, r.header.get('Origin'))[0];
  }

  #originAllowed(r: Request, origin: string): [boolean, readonly string[]] {
    if (this.#originFunc !== undefined) return this.#originFunc(r, origin);
    if (this.#originsAll) return allowedNoVary;
    const o = origin.toLowerCase();
    if (this.#origins?.has(o)) return allowedNoVary;
    for (const w of this.#wildcards) {
      if (
        o.length >= w.prefix.length + w.suffix.length &&
        o.startsWith(w.prefix) &&
        o.endsWith(w.suffix)
      ) {
        return allowedNoVary;
      }
    }
    return deniedNoVary;
  }

  #methodAllowed(method: string): boolean {
    if (this.#methods.length === 0) return false;
    if (method === 'OPTIONS') return true;
    return this.#methods.includes(method);
  }

  #preflight(w: ResponseWriter, r: Request): void {
    const h = w.header();
    const origin = r.header.get('Origin');
    h.add('Vary', this.#preflightVary);
    const [allowed, varyOn] = this.#originAllowed(r, origin);
    if (varyOn.length > 0) h.add('Vary', varyOn.map(canonicalHeaderKey).join(', '));
    if (origin === '') {
      this.#log?.('Preflight aborted: empty origin');
      return;
    }
    if (!allowed) {
      this.#log?.(`Preflight aborted: origin '${origin}' not allowed`);
      return;
    }
    const reqMethod = r.header.get('Access-Control-Request-Method');
    if (!this.#methodAllowed(reqMethod)) {
      this.#log?.(`Preflight aborted: method '${reqMethod}' not allowed`);
      return;
    }
    // Gateways may split the header into several lines (rs/cors#184): check them all.
    const found = r.header.has('Access-Control-Request-Headers');
    const reqHeaders = r.header.values('Access-Control-Request-Headers');
    if (found && !this.#headersAll && !this.#headers.accepts(reqHeaders)) {
      this.#log?.(`Preflight aborted: headers '${reqHeaders.join(',')}' not allowed`);
      return;
    }
    if (this.#originsAll) h.set('Access-Control-Allow-Origin', '*');
    else copyValues(r.header, h, 'Origin', 'Access-Control-Allow-Origin');
    // Echoing the requested method (and headers) is enough, says the spec, and keeps the
    // answer bounded however long the allow-list is.
    copyValues(r.header, h, 'Access-Control-Request-Method', 'Access-Control-Allow-Methods');
    if (found && (reqHeaders[0] ?? '').length > 0) {
      copyValues(r.header, h, 'Access-Control-Request-Headers', 'Access-Control-Allow-Headers');
    }
    if (this.#credentials) h.set('Access-Control-Allow-Credentials', 'true');
    if (this.#privateNetwork && r.header.get('Access-Control-Request-Private-Network') === 'true') {
      h.set('Access-Control-Allow-Private-Network', 'true');
    }
    if (this.#maxAge !== '') h.set('Access-Control-Max-Age', this.#maxAge);
  }

  #actual(w: ResponseWriter, r: Request): void {
    const h = w.header();
    const origin = r.header.get('Origin');
    const [allowed, varyOn] =
      this.#originFunc === undefined && origin === ''
        ? deniedNoVary
        : this.#originAllowed(r, origin);
    h.add('Vary', 'Origin');
    if (varyOn.length > 0) h.add('Vary', varyOn.map(canonicalHeaderKey).join(', '));
    if (origin === '') return;
    if (!allowed) {
      this.#log?.(`Actual request no headers added: origin '${origin}' not allowed`);
      return;
    }
    // The spec never checks simple methods; rs/cors does, so an allow-list can exclude GET.
    if (!this.#methodAllowed(r.method)) {
      this.#log?.(`Actual request no headers added: method '${r.method}' not allowed`);
      return;
    }
    if (this.#originsAll) h.set('Access-Control-Allow-Origin', '*');
    else copyValues(r.header, h, 'Origin', 'Access-Control-Allow-Origin');
    if (this.#exposed !== '') h.set('Access-Control-Expose-Headers', this.#exposed);
    if (this.#credentials) h.set('Access-Control-Allow-Credentials', 'true');
  }
}

const allowedNoVary: [boolean, readonly string[]] = [true, []];
const deniedNoVary: [boolean, readonly string[]] = [false, []];

// Request values are already validated header values, so copying them cannot throw.
function copyValues(from: Header, to: Header, src: string, dst: string): void {
  to.delete(dst);
  for (const v of from.values(src)) to.add(dst, v);
}

/**
 * Returns the CORS middleware for `options` (see {@link CorsOptions}; all defaults = rs/cors
 * `Default()`). Preflights (`OPTIONS` with `Access-Control-Request-Method`) are answered with
 * `optionsSuccessStatus` (204) and stop the chain unless `optionsPassthrough`; other requests get
 * their CORS headers and go on. A disallowed origin is not an error: the response simply lacks
 * the `Access-Control-Allow-*` headers and the browser blocks it. Go: rs/cors `New(opts).Handler`.
 * @throws {MiddlewareOptionError} as {@link Cors} does.
 */
export function cors(options?: CorsOptions): Middleware {
  const c = new Cors(options);
  return (next: Handler) => c.handler(next);
}

/**
 * rs/cors `AllowAll()`: every origin, the common methods, any header, no credentials.
 */
export function corsAllowAll(): Middleware {
  return cors({
    allowedOrigins: ['*'],
    allowedMethods: ['HEAD', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['*'],
  });
}
