/**
 * `RequestURL`: the parsed request-target, Go's `*url.URL` as `url.ParseRequestURI` fills it.
 *
 * Why not the WHATWG `URL`: it resolves `.`/`..` segments and re-encodes the path while parsing,
 * so a router could no longer see (and redirect, as Go's ServeMux does) `/a/../b`, and `%2F` would
 * be indistinguishable from `/`. This type keeps the raw and decoded forms side by side, and
 * decodes lazily: a request whose path has no `%` never builds a second string.
 *
 * Example: `parseRequestURI('/a%2Fb/c?x=1')` → `path` `/a/b/c`, `rawPath` `/a%2Fb/c`,
 * `escapedPath()` `/a%2Fb/c`, `rawQuery` `x=1`.
 */

/** Thrown for a request-target that Go's `url.ParseRequestURI` rejects. */
export class URLError extends Error {
  /** The target as given. */
  readonly url: string;

  /** Builds the error; the message reads like Go's `parse "<url>": <why>`. */
  constructor(url: string, why: string) {
    super(`parse ${JSON.stringify(url)}: ${why}`);
    this.name = 'URLError';
    this.url = url;
  }
}

const hexVal = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) hexVal[0x30 + i] = i;
for (let i = 0; i < 6; i++) {
  hexVal[0x41 + i] = 10 + i;
  hexVal[0x61 + i] = 10 + i;
}

// Path characters Go's `shouldEscape(c, encodePath)` leaves alone: the unreserved ones plus
// `$&+,/:;=@`. Everything else, `!'()*` included, is written as %XX.
const pathSafe = new Uint8Array(256);
for (const ch of '-_.~$&+,/:;=@') pathSafe[ch.charCodeAt(0)] = 1;
for (let c = 0x30; c <= 0x39; c++) pathSafe[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) pathSafe[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) pathSafe[c] = 1;

function hex(c: number): number {
  return c < 256 ? (hexVal[c] as number) : -1;
}

const utf8 = new TextDecoder('utf-8');
const utf8Encoder = new TextEncoder();
const hexDigits = '0123456789ABCDEF';

/**
 * Decodes %XX escapes of a path (`+` stays `+`). The raw string is a byte string (one code unit per
 * octet); the decoded bytes are read as UTF-8, with U+FFFD for sequences that are not.
 * Returns `undefined` for a malformed escape.
 */
function unescapePath(raw: string): string | undefined {
  let plain = true;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x25 || c > 0x7f) {
      plain = false;
      break;
    }
  }
  if (plain) return raw;
  const bytes = new Uint8Array(raw.length);
  let n = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x25) {
      const hi = hex(raw.charCodeAt(i + 1));
      const lo = hex(raw.charCodeAt(i + 2));
      if (hi < 0 || lo < 0) return undefined;
      bytes[n++] = (hi << 4) | lo;
      i += 2;
    } else {
      bytes[n++] = c & 0xff;
    }
  }
  return utf8.decode(bytes.subarray(0, n));
}

// What may appear in an encoded path as sent (Go's `validEncoded(s, encodePath)`): the characters
// escaping leaves alone, the sub-delims and brackets that some clients send unescaped, and `%`.
const encodedPathChars = new Uint8Array(256);
for (let c = 0; c < 256; c++) encodedPathChars[c] = pathSafe[c] as number;
for (const ch of "!$&'()*+,;=:@[]%") encodedPathChars[ch.charCodeAt(0)] = 1;

function validEncoded(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    if (encodedPathChars[s.charCodeAt(i)] !== 1) return false;
  }
  return true;
}

/** Go's `url.PathEscape`-style encoding of a decoded path, keeping `/`. */
export function escapePath(path: string): string {
  let safe = true;
  for (let i = 0; i < path.length; i++) {
    if (pathSafe[path.charCodeAt(i)] !== 1) {
      safe = false;
      break;
    }
  }
  if (safe) return path;
  let out = '';
  for (const b of utf8Encoder.encode(path)) {
    if (pathSafe[b] === 1) out += String.fromCharCode(b);
    else out += `%${hexDigits[b >> 4]}${hexDigits[b & 15]}`;
  }
  return out;
}

// The inverse of checkHost's decoding, for String(): `%` and non-ASCII go back to %XX.
function escapeHost(host: string): string {
  let plain = true;
  for (let i = 0; i < host.length; i++) {
    const c = host.charCodeAt(i);
    if (c === 0x25 || c > 0x7f) plain = false;
  }
  if (plain) return host;
  let out = '';
  for (const b of utf8Encoder.encode(host)) {
    out +=
      b === 0x25 || b > 0x7f ? `%${hexDigits[b >> 4]}${hexDigits[b & 15]}` : String.fromCharCode(b);
  }
  return out;
}

/**
 * A parsed request-target. Go: `net/url.URL` as produced by `url.ParseRequestURI`.
 * `path` is decoded, `rawPath` is the original encoding when it differs from the default one
 * (`''` otherwise), and `rawQuery` is the undecoded query without `?`.
 */
export class RequestURL {
  /** Lower-cased scheme of an absolute-form target (`http`), else `''`. */
  readonly scheme: string;
  /** `host[:port]` of an absolute-form or authority-form target, else `''`. */
  readonly host: string;
  /** The decoded path (`*` for the asterisk form). */
  readonly path: string;
  /** The path as sent, when that is not the default encoding of `path`; else `''`. */
  readonly rawPath: string;
  /** The query without the leading `?`, undecoded. */
  readonly rawQuery: string;
  /** True for a target that ended in a bare `?`. Go: `URL.ForceQuery`. */
  readonly forceQuery: boolean;
  #query: URLSearchParams | undefined;

  /** Builds a URL from already-split parts; use {@link parseRequestURI} to parse a target. */
  constructor(parts: {
    scheme?: string;
    host?: string;
    path: string;
    rawPath?: string;
    rawQuery?: string;
    forceQuery?: boolean;
  }) {
    this.scheme = parts.scheme ?? '';
    this.host = parts.host ?? '';
    this.path = parts.path;
    this.rawPath = parts.rawPath ?? '';
    this.rawQuery = parts.rawQuery ?? '';
    this.forceQuery = parts.forceQuery ?? false;
  }

  /**
   * The path in escaped form: `rawPath` when it is a valid encoding of `path`, else the default
   * encoding of `path`; `*` stays `*` (Go issue 11202). Go: `URL.EscapedPath`.
   */
  escapedPath(): string {
    const raw = this.rawPath;
    if (raw !== '' && validEncoded(raw) && unescapePath(raw) === this.path) return raw;
    if (this.path === '*') return '*';
    return escapePath(this.path);
  }

  /**
   * The parsed query, built on first use and cached. Note: unlike Go's `ParseQuery`, a `;` is an
   * ordinary character here (WHATWG form-urlencoded parsing), never a separator.
   */
  query(): URLSearchParams {
    this.#query ??= new URLSearchParams(this.rawQuery);
    return this.#query;
  }

  /** The path and query as they go in a request line (Go: `URL.RequestURI`). */
  requestURI(): string {
    const p = this.path === '*' ? '*' : this.escapedPath() || '/';
    return this.rawQuery !== '' || this.forceQuery ? `${p}?${this.rawQuery}` : p;
  }

  /**
   * The whole URL as text: `http://host/path?q`, `/path?q`, `//host:443` for an authority-form
   * target. Go: `URL.String`.
   */
  toString(): string {
    let out = this.scheme !== '' ? `${this.scheme}:` : '';
    if (this.scheme !== '' || this.host !== '') out += `//${escapeHost(this.host)}`;
    const p = this.path === '*' ? '*' : this.escapedPath();
    if (p !== '' && p.charCodeAt(0) !== 0x2f && p !== '*' && this.host !== '') out += '/';
    out += p;
    return this.rawQuery !== '' || this.forceQuery ? `${out}?${this.rawQuery}` : out;
  }
}

function hasControl(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return i;
  }
  return -1;
}

// The first `%` not followed by two hex digits, as Go quotes it (`invalid URL escape "%zz"`).
function badEscape(s: string): string {
  for (let i = s.indexOf('%'); i !== -1; i = s.indexOf('%', i + 1)) {
    if (hex(s.charCodeAt(i + 1)) < 0 || hex(s.charCodeAt(i + 2)) < 0) {
      return s.slice(i, i + 3);
    }
  }
  return '%';
}

// Whether `s` is made only of characters that neither decode nor get escaped in a path (ALPHA,
// DIGIT, `-._~` and `/`): then the path is the string itself and there is no rawPath to keep.
// Most request paths are; it spares the decode and the re-encode that compare them.
function plainPath(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (
      !(
        (c >= 0x61 && c <= 0x7a) ||
        (c >= 0x2d && c <= 0x39) || // - . / 0-9
        (c >= 0x41 && c <= 0x5a) ||
        c === 0x5f ||
        c === 0x7e
      )
    ) {
      return false;
    }
  }
  return true;
}

// The last origin-form target that was a plain path: servers see the same few paths over and
// over (the parser hands the same string back for repeated targets), and comparing with it is
// cheaper than scanning it twice more.
let lastPlain = '\0';

function splitPath(target: string, raw: string, scheme: string, host: string): RequestURL {
  if (plainPath(raw)) {
    if (raw === target) lastPlain = target;
    return new RequestURL({ scheme, host, path: raw });
  }
  let rest = raw;
  let rawQuery = '';
  let forceQuery = false;
  const q = rest.indexOf('?');
  if (q !== -1) {
    rawQuery = rest.slice(q + 1);
    rest = rest.slice(0, q);
    forceQuery = rawQuery === '';
  }
  const path = unescapePath(rest);
  if (path === undefined) {
    throw new URLError(target, `invalid URL escape ${JSON.stringify(badEscape(rest))}`);
  }
  // Go's `URL.setPath`: keep the sent form only when it is not what escaping the decoded path
  // gives back (`/oid/[id]`, `/a%2Fb`), so that it can be sent on unchanged.
  const rawPath = escapePath(path) === rest ? '' : rest;
  return new RequestURL({ scheme, host, path, rawPath, rawQuery, forceQuery });
}

/**
 * Parses a request-target the way Go's server does (`url.ParseRequestURI`): `*`, an origin-form
 * path (`/a?b`), an absolute URL (`http://h/a`), or — with `authorityForm` (CONNECT) — a bare
 * `host:port`. A fragment is not split off: request-targets have none.
 *
 * @throws {URLError} for an empty target, a control character, a relative path, a malformed
 * `%` escape or a malformed host.
 */
export function parseRequestURI(target: string, authorityForm = false): RequestURL {
  if (target === lastPlain) return new RequestURL({ path: target });
  if (target === '') throw new URLError(target, 'empty url');
  const ctl = hasControl(target);
  if (ctl !== -1) throw new URLError(target, 'net/url: invalid control character in URL');
  if (target === '*') return new RequestURL({ path: '*' });
  if (target.charCodeAt(0) === 0x2f) return splitPath(target, target, '', '');
  if (authorityForm) return new RequestURL({ host: checkHost(target, target), path: '' });
  const colon = target.indexOf(':');
  const scheme = colon > 0 ? target.slice(0, colon) : '';
  if (scheme === '' || !/^[A-Za-z][A-Za-z0-9+.-]*$/.test(scheme)) {
    throw new URLError(target, 'invalid URI for request');
  }
  const rest = target.slice(colon + 1);
  if (!rest.startsWith('//')) throw new URLError(target, 'invalid URI for request');
  const slash = rest.indexOf('/', 2);
  const qmark = rest.indexOf('?', 2);
  const end =
    slash === -1
      ? qmark === -1
        ? rest.length
        : qmark
      : qmark === -1
        ? slash
        : Math.min(slash, qmark);
  const authority = rest.slice(2, end);
  if (authority.includes('@')) {
    throw new URLError(target, 'user information is not allowed in a request-target');
  }
  // `http://h` and `http://h?q` have an empty path, as in Go; routers clean it to `/`.
  return splitPath(target, rest.slice(end), scheme.toLowerCase(), checkHost(target, authority));
}

// RFC 3986 reg-name / IP-literal characters and an optional numeric port, as Go's `parseHost`
// takes them: escapes are allowed in an IPv6 zone (`[fe80::1%25en0]`) and, for non-ASCII bytes
// only, in a name (`hello.%E4%B8%96.com`); an escaped ASCII byte in a name is refused, as are
// spaces, `/`, `\` and quotes. Returns the host decoded (`[fe80::1%en0]`, `hello.世.com`).
const hostPattern =
  /^(\[[0-9A-Fa-f:.]+(%25([\w.~-]|%[0-9A-Fa-f]{2})+)?\]|([\w.~!$&'()*+,;=-]|%[0-9A-Fa-f]{2})*)(:\d*)?$/;
function checkHost(target: string, host: string): string {
  if (!hostPattern.test(host)) {
    throw new URLError(target, `invalid host ${JSON.stringify(host)}`);
  }
  if (!host.includes('%')) return host;
  if (host.charCodeAt(0) !== 0x5b) {
    for (let i = host.indexOf('%'); i !== -1; i = host.indexOf('%', i + 1)) {
      if (hex(host.charCodeAt(i + 1)) < 8) {
        throw new URLError(target, `invalid URL escape ${JSON.stringify(host.slice(i, i + 3))}`);
      }
    }
  }
  return unescapePath(host) ?? host;
}
