/**
 * `crossOriginProtection`: Go 1.25's `http.CrossOriginProtection` — rejects non-safe cross-origin
 * browser requests (CSRF) using `Sec-Fetch-Site`, falling back to comparing `Origin` with `Host`.
 *
 * Design (Go `net/http/csrf.go`): GET/HEAD/OPTIONS always pass. `Sec-Fetch-Site: same-origin` or
 * `none` passes; any other value fails unless exempt. Without it, no `Origin` passes (not a
 * browser, or same-origin from an old one); an `Origin` whose host equals the request's `Host`
 * passes; anything else fails unless exempt. Exempt = a bypass pattern matches the request, or the
 * `Origin` is exactly a trusted origin. Bypass patterns use ServeMux syntax; since this package
 * may not import servemux, a small matcher here implements the subset Go's check relies on
 * (method, host, literal segments, `{name}`, `{name...}`, `{$}`, trailing-slash subtrees, path
 * cleaning and the trailing-slash redirect that `ServeMux.Handler` reports as a match).
 *
 * Example: `POST /transfer` with `Sec-Fetch-Site: cross-site` → 403 "cross-origin request detected
 * from Sec-Fetch-Site header"; the same from `Origin: https://partner.example` after
 * `addTrustedOrigin('https://partner.example')` → passes.
 *
 * @module
 */
import {
  type Handler,
  type HandlerLike,
  type Request,
  type ResponseWriter,
  StatusForbidden,
  toHandler,
} from '@servehttp/core-listener';
import type { Middleware } from '../chain.ts';
import { MiddlewareOptionError } from '../errors.ts';
import { httpError } from '../util.ts';

/** The error `check` returns; its message is Go's. */
export class CrossOriginError extends Error {
  /** Builds the error with Go's message text. */
  constructor(message: string) {
    super(message);
    this.name = 'CrossOriginError';
  }
}

const errSecFetchSite = 'cross-origin request detected from Sec-Fetch-Site header';
const errOrigin =
  'cross-origin request detected, and/or browser is out of date: Sec-Fetch-Site is missing, and Origin does not match Host';

const originRe = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/;
const hostRe = /^[A-Za-z0-9.\-_~!$&'()*+,;=:[\]%]+$/;

// The host of an Origin value as Go's url.Parse would give it, or undefined when it does not parse
// as scheme://host (e.g. `null`).
function originHost(origin: string): string | undefined {
  const m = originRe.exec(origin);
  if (m === null) return undefined;
  const host = m[2] as string;
  return host === '' || hostRe.test(host) ? host : undefined;
}

interface BypassPattern {
  method: string;
  host: string;
  segs: string[]; // literal, or '' for a {name} wildcard
  multi: boolean; // ends in '/' or {name...}
  exactSlash: boolean; // ends in {$}
  text: string;
}

function parsePattern(p: string): BypassPattern {
  let rest = p.trim();
  let method = '';
  const sp = rest.search(/[ \t]/);
  if (sp !== -1) {
    method = rest.slice(0, sp);
    rest = rest.slice(sp).trim();
  }
  const slash = rest.indexOf('/');
  if (slash === -1) {
    throw new MiddlewareOptionError(
      'crossOriginProtection',
      `bypass pattern ${JSON.stringify(p)} has no path; write it as ServeMux does: "[METHOD ][HOST]/path"`,
    );
  }
  const host = rest.slice(0, slash);
  const parts = rest.slice(slash + 1).split('/');
  let multi = false;
  let exactSlash = false;
  const segs: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const s = parts[i] as string;
    const last = i === parts.length - 1;
    if (s === '' && last) {
      multi = parts.length > 0;
      break;
    }
    if (s.startsWith('{') && s.endsWith('}')) {
      const name = s.slice(1, -1);
      if (name === '$') {
        if (!last)
          throw new MiddlewareOptionError(
            'crossOriginProtection',
            `bypass pattern ${JSON.stringify(p)}: {$} must be last`,
          );
        exactSlash = true;
        break;
      }
      if (name.endsWith('...')) {
        if (!last)
          throw new MiddlewareOptionError(
            'crossOriginProtection',
            `bypass pattern ${JSON.stringify(p)}: {${name}} must be last`,
          );
        multi = true;
        break;
      }
      segs.push('');
      continue;
    }
    segs.push(s);
  }
  return { method, host, segs, multi, exactSlash, text: p };
}

function matchPattern(pat: BypassPattern, method: string, host: string, path: string): boolean {
  if (pat.method !== '' && pat.method !== method && !(pat.method === 'GET' && method === 'HEAD'))
    return false;
  if (pat.host !== '' && pat.host !== host) return false;
  const parts = path.slice(1).split('/');
  // With multi or {$}, the pattern's segments are followed by a '/' (then anything, or nothing).
  if (pat.multi || pat.exactSlash) {
    if (parts.length < pat.segs.length + 1) return false;
    if (pat.exactSlash && (parts.length !== pat.segs.length + 1 || parts[pat.segs.length] !== ''))
      return false;
  } else if (parts.length !== pat.segs.length) {
    return false;
  }
  for (let i = 0; i < pat.segs.length; i++) {
    const want = pat.segs[i] as string;
    const got = parts[i] as string;
    if (want === '' ? got === '' : want !== got) return false;
  }
  return true;
}

// Go's cleanPath: resolve `.` and `..`, collapse `//`, keep a trailing slash.
function cleanPath(p: string): string {
  if (p === '') return '/';
  const out: string[] = [];
  for (const s of p.split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..') out.pop();
    else out.push(s);
  }
  let c = `/${out.join('/')}`;
  if (p.endsWith('/') && c !== '/') c += '/';
  return c;
}

/** Options of {@link crossOriginProtection}. */
export interface CrossOriginProtectionOptions {
  /** Origins (`scheme://host[:port]`) whose requests always pass. Go: `AddTrustedOrigin`. */
  trustedOrigins?: readonly string[];
  /** ServeMux patterns whose requests always pass. Go: `AddInsecureBypassPattern`. */
  insecureBypassPatterns?: readonly string[];
  /** Answers rejected requests instead of the default 403. Go: `SetDenyHandler`. */
  denyHandler?: HandlerLike;
}

/** Go: `http.CrossOriginProtection`. Configure, then use `handler(next)` or {@link crossOriginProtection}. */
export class CrossOriginProtection {
  readonly #trusted = new Set<string>();
  readonly #bypass: BypassPattern[] = [];
  #deny: Handler | undefined;

  /**
   * Allows every request whose `Origin` is exactly `origin`. Go: `AddTrustedOrigin`.
   * @throws {MiddlewareOptionError} unless `origin` is `scheme://host[:port]` with no path, query or
   * fragment (Go's "invalid origin" errors).
   */
  addTrustedOrigin(origin: string): void {
    const bad = (why: string): never => {
      throw new MiddlewareOptionError(
        'crossOriginProtection',
        `invalid origin ${JSON.stringify(origin)}: ${why}`,
      );
    };
    if (typeof origin !== 'string') bad('must be a string');
    const m = originRe.exec(origin);
    if (m === null) bad('scheme is required, as in "https://example.com"');
    const [, , host, rest] = m as RegExpExecArray;
    if (host === '') bad('host is required');
    if (!hostRe.test(host as string)) bad('host is not valid');
    if (rest !== '') bad('path, query, and fragment are not allowed');
    this.#trusted.add(origin);
  }

  /** Allows every request that matches `pattern` (ServeMux syntax). Go: `AddInsecureBypassPattern`. */
  addInsecureBypassPattern(pattern: string): void {
    this.#bypass.push(parsePattern(pattern));
  }

  /** Sets (or with `undefined`, clears) the handler for rejected requests. Go: `SetDenyHandler`. */
  setDenyHandler(h: HandlerLike | undefined): void {
    this.#deny = h === undefined ? undefined : toHandler(h, 'crossOriginProtection deny handler');
  }

  /** Returns the rejection error, or `undefined` when the request may proceed. Go: `Check`. */
  check(r: Request): CrossOriginError | undefined {
    const m = r.method;
    if (m === 'GET' || m === 'HEAD' || m === 'OPTIONS') return undefined;
    const site = r.header.get('Sec-Fetch-Site');
    if (site !== '') {
      if (site === 'same-origin' || site === 'none') return undefined;
      return this.#exempt(r) ? undefined : new CrossOriginError(errSecFetchSite);
    }
    const origin = r.header.get('Origin');
    if (origin === '') return undefined;
    // Host carries no scheme, so an HTTP→HTTPS cross-origin request passes here; Go accepts that
    // for browsers too old to send Sec-Fetch-Site, leaving the rest to HSTS.
    if (originHost(origin) === r.host) return undefined;
    return this.#exempt(r) ? undefined : new CrossOriginError(errOrigin);
  }

  #exempt(r: Request): boolean {
    if (this.#bypass.length > 0) {
      const raw = r.url.path;
      const path = cleanPath(raw);
      const host = r.host.replace(/:\d+$/, '');
      for (const p of this.#bypass) {
        if (matchPattern(p, r.method, host, path)) return true;
        // ServeMux.Handler reports the trailing-slash redirect /x → /x/ as a match.
        if (!path.endsWith('/') && p.multi && matchPattern(p, r.method, host, `${path}/`))
          return true;
      }
    }
    const origin = r.header.get('Origin');
    return origin !== '' && this.#trusted.has(origin);
  }

  /** The middleware: rejected requests get 403 (Go's message) or the deny handler. Go: `Handler`. */
  handler(next: Handler): Handler {
    return {
      serveHTTP: (w: ResponseWriter, r: Request): void | Promise<void> => {
        const err = this.check(r);
        if (err === undefined) return next.serveHTTP(w, r);
        if (this.#deny !== undefined) return this.#deny.serveHTTP(w, r);
        httpError(w, err.message, StatusForbidden);
      },
    };
  }
}

/**
 * Returns Go 1.25's CSRF protection as middleware. Rejected requests get `403 Forbidden` with Go's
 * message, or `denyHandler`. Malformed `Origin` values are treated as cross-origin, never thrown.
 * @throws {MiddlewareOptionError} for an invalid trusted origin or bypass pattern.
 */
export function crossOriginProtection(options: CrossOriginProtectionOptions = {}): Middleware {
  const c = new CrossOriginProtection();
  for (const o of options.trustedOrigins ?? []) c.addTrustedOrigin(o);
  for (const p of options.insecureBypassPatterns ?? []) c.addInsecureBypassPattern(p);
  if (options.denyHandler !== undefined) c.setDenyHandler(options.denyHandler);
  return (next: Handler) => c.handler(next);
}
