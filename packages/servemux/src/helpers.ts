/**
 * The small handlers and functions of `net/http` that users reach for beside a mux: `error`,
 * `notFound`, `redirect`, `stripPrefix`, `allowQuerySemicolons`. Go: `net/http/server.go`.
 */
import {
  type Handler,
  type HandlerLike,
  type Request,
  RequestURL,
  type ResponseWriter,
  StatusNotFound,
  statusText,
  toHandler,
} from '@servehttp/core-listener';
import { pathClean } from './path.ts';

/**
 * Replies with `message` (plus a newline) as plain text and status `code`. It does not end the
 * request: write nothing more to `w` afterwards. It deletes `Content-Length` and
 * `Content-Encoding` (meant for the content the caller had planned), sets `Content-Type:
 * text/plain; charset=utf-8` and `X-Content-Type-Options: nosniff`. Go: `http.Error`.
 * @throws {RangeError} for a code outside 100–999, as `writeHeader` does.
 */
export function error(w: ResponseWriter, message: string, code: number): void {
  const h = w.header();
  h.delete('Content-Length');
  h.delete('Content-Encoding');
  h.set('Content-Type', 'text/plain; charset=utf-8');
  h.set('X-Content-Type-Options', 'nosniff');
  w.writeHeader(code);
  void w.write(`${message}\n`);
}

/** Replies `404 page not found`. Go: `http.NotFound`. */
export function notFound(w: ResponseWriter, _r: Request): void {
  error(w, '404 page not found', StatusNotFound);
}

const notFoundH: Handler = Object.freeze({ serveHTTP: notFound });

/** A handler that replies `404 page not found` to every request. Go: `http.NotFoundHandler`. */
export function notFoundHandler(): Handler {
  return notFoundH;
}

const htmlEscapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  // Go prefers the numeric forms: shorter, and `&apos;` is not HTML 4.
  '"': '&#34;',
  "'": '&#39;',
};

/** Escapes `&<>"'` for HTML text and attributes. Go: `htmlEscape` (`htmlReplacer`). */
export function htmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => htmlEscapes[c] as string);
}

const utf8 = new TextEncoder();

// Go's hexEscapeNonASCII: every byte ≥ 0x80 as %xx, in lower case (strconv.AppendInt base 16).
function hexEscapeNonASCII(s: string): string {
  let ascii = true;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return s;
  let out = '';
  for (const b of utf8.encode(s)) {
    out += b >= 0x80 ? `%${b.toString(16)}` : String.fromCharCode(b);
  }
  return out;
}

function hasBadEscape(s: string): boolean {
  for (let i = s.indexOf('%'); i !== -1; i = s.indexOf('%', i + 1)) {
    if (!/^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) return true;
  }
  return false;
}

// Whether Go's url.Parse(u) succeeds with no scheme and no host — the case where Redirect makes
// the target absolute against the request path.
function isRelativeReference(u: string): boolean {
  for (let i = 0; i < u.length; i++) {
    const c = u.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return false; // parse error: control character
  }
  const hash = u.indexOf('#');
  const frag = hash === -1 ? '' : u.slice(hash + 1);
  let rest = hash === -1 ? u : u.slice(0, hash);
  for (let i = 0; i < rest.length; i++) {
    const c = rest.charCodeAt(i);
    const letter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    if (letter) continue;
    if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e) {
      if (i === 0) break;
      continue;
    }
    // A colon after a scheme-shaped prefix is a scheme; at index 0 it is a parse error.
    if (c === 0x3a) return false;
    break;
  }
  const q = rest.indexOf('?');
  if (q !== -1) rest = rest.slice(0, q);
  if (!rest.startsWith('/')) {
    const slash = rest.indexOf('/');
    if ((slash === -1 ? rest : rest.slice(0, slash)).includes(':')) return false;
  }
  if (rest.startsWith('//') && !rest.startsWith('///')) return false; // has a host
  return !hasBadEscape(rest) && !hasBadEscape(frag);
}

/**
 * Replies with a redirect to `url` and status `code` (usually 301, 302, 303, 307 or 308).
 *
 * A relative `url` is made absolute against the request path (`../x` from `/a/b/c` → `/a/x`) and
 * cleaned, keeping a trailing slash and the query. Non-ASCII bytes of the Location are written as
 * `%xx`. When the response has no `Content-Type` yet, GET and HEAD get `text/html; charset=utf-8`
 * and GET a tiny HTML body linking to the target, for old user agents; setting any Content-Type
 * beforehand turns both off. CR and LF in `url` become spaces, as Go's header writer does.
 * Go: `http.Redirect`.
 */
export function redirect(w: ResponseWriter, r: Request, url: string, code: number): void {
  if (isRelativeReference(url)) {
    const oldpath = r.url.path === '' ? '/' : r.url.path;
    if (url === '' || url.charCodeAt(0) !== 0x2f) {
      url = oldpath.slice(0, oldpath.lastIndexOf('/') + 1) + url;
    }
    let query = '';
    const i = url.indexOf('?');
    if (i !== -1) {
      query = url.slice(i);
      url = url.slice(0, i);
    }
    const trailing = url.endsWith('/');
    url = pathClean(url);
    if (trailing && !url.endsWith('/')) url += '/';
    url += query;
  }
  const h = w.header();
  const hadCT = h.has('Content-Type');
  h.set('Location', hexEscapeNonASCII(url).replace(/[\r\n]/g, ' '));
  if (!hadCT && (r.method === 'GET' || r.method === 'HEAD')) {
    h.set('Content-Type', 'text/html; charset=utf-8');
  }
  w.writeHeader(code);
  // No body for POST & co., nor for HEAD.
  if (!hadCT && r.method === 'GET') {
    void w.write(`<a href="${htmlEscape(url)}">${statusText(code)}</a>.\n\n`);
  }
}

/**
 * A handler that redirects every request to `url` with `code`, by {@link redirect}.
 * Go: `http.RedirectHandler`.
 */
export function redirectHandler(url: string, code: number): Handler {
  return { serveHTTP: (w, r) => redirect(w, r, url, code) };
}

function copyURL(u: RequestURL, path: string, rawPath: string, rawQuery: string): RequestURL {
  return new RequestURL({
    scheme: u.scheme,
    host: u.host,
    path,
    rawPath,
    rawQuery,
    forceQuery: u.forceQuery,
  });
}

/**
 * Serves requests by removing `prefix` from the URL's path (and raw path, when set) and handing
 * them to `h` on a shallow copy of the request. A path without the prefix gets 404; so does one
 * whose raw (escaped) form lacks it, since the prefix must match exactly. An empty prefix returns
 * `h` itself. Go: `http.StripPrefix`.
 * @throws {TypeError} when `h` is not a handler.
 */
export function stripPrefix(prefix: string, h: HandlerLike): Handler {
  const next = toHandler(h, 'stripPrefix handler');
  if (prefix === '') return next;
  return {
    serveHTTP(w, r) {
      const u = r.url;
      const p = u.path.startsWith(prefix) ? u.path.slice(prefix.length) : u.path;
      const rp = u.rawPath.startsWith(prefix) ? u.rawPath.slice(prefix.length) : u.rawPath;
      if (p.length < u.path.length && (u.rawPath === '' || rp.length < u.rawPath.length)) {
        const r2 = r.withContext(r.context());
        r2.url = copyURL(u, p, rp, u.rawQuery);
        return next.serveHTTP(w, r2);
      }
      notFound(w, r);
    },
  };
}

/**
 * Serves requests by turning every `;` of the raw query into `&` before calling `h`, restoring
 * the pre-Go 1.17 reading of `a=1;b=2`. Only for trusted setups: a proxy that treats `;`
 * differently can be fooled. Go: `http.AllowQuerySemicolons` (Go issue 25192).
 * @throws {TypeError} when `h` is not a handler.
 */
export function allowQuerySemicolons(h: HandlerLike): Handler {
  const next = toHandler(h, 'allowQuerySemicolons handler');
  return {
    serveHTTP(w, r) {
      const u = r.url;
      if (!u.rawQuery.includes(';')) return next.serveHTTP(w, r);
      const r2 = r.withContext(r.context());
      r2.url = copyURL(u, u.path, u.rawPath, u.rawQuery.replaceAll(';', '&'));
      return next.serveHTTP(w, r2);
    },
  };
}
