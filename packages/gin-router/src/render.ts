/**
 * Encoders behind the render methods: Go's `encoding/json` output (HTML-safe escaping), gin's
 * JSON variants, a small `fmt.Sprintf`, Go's `http.Redirect` and cookie text.
 * gin: `render/*.go`; Go: `encoding/json`, `net/http/cookie.go`, `text/template.JSEscapeString`.
 */
import type { Request, ResponseWriter } from '@servehttp/core-listener';
import { statusText } from '@servehttp/core-listener';
import { goPathClean } from './path.ts';

const htmlUnsafe = /[<>&\u2028\u2029]/g;
const htmlEscapes: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/**
 * `JSON.stringify` as Go's `json.Marshal` writes it: `undefined` becomes `null`, and `<`, `>`,
 * `&`, U+2028 and U+2029 are escaped unless `escapeHTML` is false (PureJSON). Throws what
 * `JSON.stringify` throws (cycles, BigInt).
 */
export function marshalJSON(obj: unknown, escapeHTML = true, indent?: string): string {
  let s = JSON.stringify(obj) ?? 'null';
  // Indent the plain tree, never the caller's object: Bun 1.4's JSON.stringify with an indent
  // takes ~13 s to reject a cyclic object (40 ms without one), a stalled event loop.
  if (indent !== undefined && indent !== '') s = JSON.stringify(JSON.parse(s), null, indent);
  return escapeHTML ? s.replace(htmlUnsafe, (c) => htmlEscapes[c] as string) : s;
}

/** gin AsciiJSON: every code point above 127 as `\uXXXX` (lower-case hex, as gin prints it). */
export function asciiJSON(json: string): string {
  let out = '';
  for (const ch of json) {
    const cp = ch.codePointAt(0) as number;
    out += cp > 127 ? `\\u${cp.toString(16).padStart(4, '0')}` : ch;
  }
  return out;
}

/** Go's `template.JSEscapeString`, used for the JSONP callback name. */
export function jsEscapeString(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    switch (ch) {
      case '\\':
        out += '\\\\';
        break;
      case "'":
        out += "\\'";
        break;
      case '"':
        out += '\\"';
        break;
      case '<':
        out += '\\u003C';
        break;
      case '>':
        out += '\\u003E';
        break;
      case '&':
        out += '\\u0026';
        break;
      case '=':
        out += '\\u003D';
        break;
      default:
        out += cp < 0x20 ? `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}` : ch;
    }
  }
  return out;
}

function goValue(v: unknown): string {
  if (v instanceof Error) return v.message;
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  if (typeof v === 'object') {
    const s = String(v);
    return s === '[object Object]' ? JSON.stringify(v) : s;
  }
  return String(v);
}

/**
 * A subset of Go's `fmt.Sprintf`: `%s %v %d %q %t %f %x %%`, with `%!verb(MISSING)` for a
 * missing argument and `%!(EXTRA …)` for a surplus, as Go prints them.
 */
export function sprintf(format: string, ...args: unknown[]): string {
  let out = '';
  let a = 0;
  for (let i = 0; i < format.length; i++) {
    const c = format[i] as string;
    if (c !== '%' || i + 1 >= format.length) {
      out += c;
      continue;
    }
    const verb = format[++i] as string;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (a >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const v = args[a++];
    switch (verb) {
      case 'd':
        out += typeof v === 'number' ? String(Math.trunc(v)) : `%!d(${goValue(v)})`;
        break;
      case 'q':
        out += JSON.stringify(goValue(v));
        break;
      case 'x':
        out +=
          typeof v === 'number'
            ? v.toString(16)
            : Array.from(new TextEncoder().encode(goValue(v)), (b) =>
                b.toString(16).padStart(2, '0'),
              ).join('');
        break;
      case 'f':
        out += typeof v === 'number' ? v.toFixed(6) : `%!f(${goValue(v)})`;
        break;
      default:
        out += goValue(v);
    }
  }
  if (a < args.length) {
    out += `%!(EXTRA ${args
      .slice(a)
      .map((v) => `${typeof v}=${goValue(v)}`)
      .join(', ')})`;
  }
  return out;
}

/** Sets `Content-Type` unless the handler already did. gin: `writeContentType`. */
export function writeContentType(w: ResponseWriter, value: string): void {
  const h = w.header();
  if (!h.has('Content-Type')) h.set('Content-Type', value);
}

function htmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&#34;' : '&#39;',
  );
}

function hexEscapeNonASCII(s: string): string {
  let out = '';
  for (const b of new TextEncoder().encode(s)) {
    out += b >= 0x80 ? `%${b.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(b);
  }
  return out;
}

/**
 * Go's `http.Redirect`: resolves a relative `url` against the request path, cleans it (keeping a
 * trailing slash), sets `Location` and, for GET/HEAD without a `Content-Type`, `text/html`; GET
 * gets the small `<a href>` body.
 */
export function httpRedirect(
  w: ResponseWriter,
  r: Request,
  url: string,
  code: number,
  requestPath: string = r.url.path,
): void | Promise<void> {
  let target = url;
  // Go cleans only a URL without scheme and host (url.Parse: `///p` has an empty host).
  const hasHost = target.startsWith('//') && target[2] !== '/' && target.length > 2;
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(target) && !hasHost) {
    const oldpath = requestPath === '' ? '/' : requestPath;
    if (target === '' || target[0] !== '/') {
      target = oldpath.slice(0, oldpath.lastIndexOf('/') + 1) + target;
    }
    let query = '';
    const q = target.indexOf('?');
    if (q !== -1) {
      query = target.slice(q);
      target = target.slice(0, q);
    }
    const trailing = target.endsWith('/');
    target = goPathClean(target);
    if (trailing && !target.endsWith('/')) target += '/';
    target += query;
  }
  const h = w.header();
  const hadCT = h.has('Content-Type');
  h.set('Location', hexEscapeNonASCII(target));
  if (!hadCT && (r.method === 'GET' || r.method === 'HEAD')) {
    h.set('Content-Type', 'text/html; charset=utf-8');
  }
  w.writeHeader(code);
  if (!hadCT && r.method === 'GET') {
    return w.write(`<a href="${htmlEscape(target)}">${statusText(code)}</a>.\n\n`);
  }
}

/** SameSite settings. gin: `http.SameSite`. */
export const SameSiteDefaultMode = 1;
/** `SameSite=Lax`. */
export const SameSiteLaxMode = 2;
/** `SameSite=Strict`. */
export const SameSiteStrictMode = 3;
/** `SameSite=None`. */
export const SameSiteNoneMode = 4;

/** A cookie to send. Go: `http.Cookie` (the fields gin sets). */
export interface Cookie {
  /** Cookie name. */
  name: string;
  /** Cookie value, sent as is (quoted when it has a space or comma, as Go does). */
  value: string;
  /** `Path`; gin defaults it to `/`. */
  path?: string;
  /** `Domain`; a leading dot is dropped. */
  domain?: string;
  /** `Expires`. */
  expires?: Date;
  /** > 0: `Max-Age=n`; < 0: `Max-Age=0` (delete now); 0: none. */
  maxAge?: number;
  /** `Secure`. */
  secure?: boolean;
  /** `HttpOnly`. */
  httpOnly?: boolean;
  /** One of the `SameSite…Mode` constants. */
  sameSite?: number;
  /** `Partitioned` (CHIPS). */
  partitioned?: boolean;
}

const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** An HTTP date (RFC 9110 IMF-fixdate), Go's `http.TimeFormat`. */
export function httpDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${weekday[d.getUTCDay()]}, ${p(d.getUTCDate())} ${month[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} GMT`;
}

// Go's sanitizeCookiePath: drops control bytes and ';'.
function sanitizeCookiePath(p: string): string {
  let out = '';
  for (const ch of p) {
    const code = ch.charCodeAt(0);
    if (code >= 0x20 && code !== 0x7f && ch !== ';') out += ch;
  }
  return out;
}

/** The `Set-Cookie` value Go writes for `c`. Go: `Cookie.String`. */
export function cookieString(c: Cookie): string {
  let v = c.value.replace(/[^\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e ,]/g, '');
  if (v.includes(' ') || v.includes(',')) v = `"${v}"`;
  let s = `${c.name}=${v}`;
  if (c.path) s += `; Path=${sanitizeCookiePath(c.path)}`;
  if (c.domain) s += `; Domain=${c.domain.startsWith('.') ? c.domain.slice(1) : c.domain}`;
  if (c.expires !== undefined && c.expires.getUTCFullYear() >= 1601) {
    s += `; Expires=${httpDate(c.expires)}`;
  }
  const maxAge = c.maxAge ?? 0;
  if (maxAge > 0) s += `; Max-Age=${maxAge}`;
  else if (maxAge < 0) s += '; Max-Age=0';
  if (c.httpOnly) s += '; HttpOnly';
  if (c.secure) s += '; Secure';
  if (c.sameSite === SameSiteNoneMode) s += '; SameSite=None';
  else if (c.sameSite === SameSiteLaxMode) s += '; SameSite=Lax';
  else if (c.sameSite === SameSiteStrictMode) s += '; SameSite=Strict';
  if (c.partitioned) s += '; Partitioned';
  return s;
}

/**
 * The value of the first cookie called `name` in the `Cookie` header(s), or `undefined`.
 * Surrounding double quotes are removed. Go: `Request.Cookie`.
 */
export function readCookie(lines: readonly string[], name: string): string | undefined {
  for (const line of lines) {
    for (const part of line.split(';')) {
      const p = part.trim();
      if (p === '') continue;
      const eq = p.indexOf('=');
      const k = eq === -1 ? p : p.slice(0, eq);
      if (k !== name) continue;
      let v = eq === -1 ? '' : p.slice(eq + 1);
      if (v.length > 1 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
      return v;
    }
  }
  return undefined;
}

/** Go's `url.QueryEscape`. */
export function queryEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/%20/g, '+')
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
