/**
 * Path and host helpers shared by the mux and the file server: Go's `path.Clean`, the mux's
 * `cleanPath`, `stripHostPort` and `url.PathUnescape`.
 *
 * Design note: every function here has a fast path that returns its argument unchanged when there
 * is nothing to do (a clean path, a host without a port, a segment without `%`), so the common
 * request allocates nothing. The slow paths work on code units: `/`, `.` and `%` are ASCII and
 * never part of a surrogate pair, so UTF-16 strings can be scanned like Go's byte strings.
 *
 * Example: `cleanPath('/a//b/./c/..')` → `/a/b`; `cleanPath('/a/b/')` → `/a/b/` (the fast path:
 * `isCleanPath` says yes in one loop); `stripHostPort('[::1]:8080')` → `::1`.
 */

const SLASH = 0x2f;
const DOT = 0x2e;

/**
 * Go's `path.Clean`: the shortest path equivalent to `p` by purely lexical processing — repeated
 * slashes collapse, `.` elements go, `..` elements eat the element before them (and stop at the
 * root of a rooted path); `''` becomes `.`.
 */
export function pathClean(p: string): string {
  if (p === '') return '.';
  const n = p.length;
  const rooted = p.charCodeAt(0) === SLASH;
  // `out` plays Go's lazybuf: code units written so far; `w` its length.
  const out: number[] = [];
  let w = 0;
  let r = 0;
  let dotdot = 0;
  if (rooted) {
    out[w++] = SLASH;
    r = 1;
    dotdot = 1;
  }
  while (r < n) {
    const c = p.charCodeAt(r);
    if (c === SLASH) {
      r++;
    } else if (c === DOT && (r + 1 === n || p.charCodeAt(r + 1) === SLASH)) {
      r++;
    } else if (
      c === DOT &&
      p.charCodeAt(r + 1) === DOT &&
      (r + 2 === n || p.charCodeAt(r + 2) === SLASH)
    ) {
      r += 2;
      if (w > dotdot) {
        w--;
        while (w > dotdot && out[w] !== SLASH) w--;
      } else if (!rooted) {
        if (w > 0) out[w++] = SLASH;
        out[w++] = DOT;
        out[w++] = DOT;
        dotdot = w;
      }
    } else {
      if ((rooted && w !== 1) || (!rooted && w !== 0)) out[w++] = SLASH;
      for (; r < n && p.charCodeAt(r) !== SLASH; r++) out[w++] = p.charCodeAt(r);
    }
  }
  if (w === 0) return '.';
  let s = '';
  // Chunked so that a long path never overflows the argument limit of fromCharCode.
  for (let i = 0; i < w; i += 4096) {
    s += String.fromCharCode(...out.slice(i, Math.min(w, i + 4096)));
  }
  return s;
}

/**
 * Reports whether `p` is already what {@link cleanPath} returns: rooted, with no empty, `.` or
 * `..` element (a single trailing slash is allowed). One loop, no allocation.
 */
export function isCleanPath(p: string): boolean {
  const n = p.length;
  if (n === 0 || p.charCodeAt(0) !== SLASH) return false;
  // `start` is the index just after the last slash; at each slash (and at the end, read as one)
  // the element [start, i) is checked. A charCodeAt loop: V8 inlines it, indexOf is a call.
  let start = 1;
  for (let i = 1; i <= n; i++) {
    if (i !== n && p.charCodeAt(i) !== SLASH) continue;
    if (!cleanElement(p, start, i, n)) return false;
    start = i + 1;
  }
  return true;
}

// Whether the element p[start, end) of a path of length n can stay as it is: not `.` or `..`,
// and empty only as the trailing slash (or the root itself).
function cleanElement(p: string, start: number, end: number, n: number): boolean {
  const len = end - start;
  if (len === 0) return end === n;
  return !(
    len <= 2 &&
    p.charCodeAt(start) === DOT &&
    (len === 1 || p.charCodeAt(start + 1) === DOT)
  );
}

// Code units Go's `shouldEscape(c, encodePath)` leaves alone: the unreserved ones and `$&+,/:;=@`.
const pathSafe = new Uint8Array(128);
for (const ch of '-_.~$&+,/:;=@') pathSafe[ch.charCodeAt(0)] = 1;
for (let c = 0x30; c <= 0x39; c++) pathSafe[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) pathSafe[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) pathSafe[c] = 1;

/**
 * Reports whether a decoded path is both its own escaped form (every code unit one that Go's
 * `url.PathEscape` for paths leaves alone, so `EscapedPath()` of a URL without a raw path returns
 * it unchanged) and clean in the sense of {@link isCleanPath}. One loop, no allocation: the
 * mux's fast path for the usual request.
 */
export function isPlainCleanPath(p: string): boolean {
  const n = p.length;
  if (n === 0 || p.charCodeAt(0) !== SLASH) return false;
  let start = 1;
  for (let i = 1; i <= n; i++) {
    if (i !== n) {
      const c = p.charCodeAt(i);
      if (c !== SLASH) {
        if (c >= 128 || pathSafe[c] !== 1) return false;
        continue;
      }
    }
    if (!cleanElement(p, start, i, n)) return false;
    start = i + 1;
  }
  return true;
}

/**
 * The canonical form of a request path, as Go's ServeMux computes it (`cleanPath`): rooted,
 * `path.Clean`ed, with a trailing slash kept. `''` becomes `/`.
 */
export function cleanPath(p: string): string {
  if (isCleanPath(p)) return p;
  if (p === '') return '/';
  if (p.charCodeAt(0) !== SLASH) p = `/${p}`;
  let np = pathClean(p);
  if (p.charCodeAt(p.length - 1) === SLASH && np !== '/') np += '/';
  return np;
}

/**
 * `h` without a trailing `:port`, as Go's `stripHostPort` (via `net.SplitHostPort`): a bracketed
 * IPv6 literal loses its brackets (`[::1]:80` → `::1`); anything SplitHostPort rejects (`[::1]`
 * without a port, `a:b:c`) is returned unchanged.
 */
export function stripHostPort(h: string): string {
  const colon = h.lastIndexOf(':');
  if (colon === -1) return h;
  if (h.charCodeAt(0) === 0x5b) {
    const end = h.indexOf(']');
    // The closing bracket must be followed by ":port"; brackets may not nest or repeat.
    if (end === -1 || end + 1 !== colon) return h;
    const host = h.slice(1, end);
    if (host.includes('[') || host.includes(']') || h.indexOf('[', 1) !== -1) return h;
    return host;
  }
  const host = h.slice(0, colon);
  if (host.includes(':') || host.includes('[') || host.includes(']')) return h;
  if (h.indexOf(']', colon) !== -1 || h.indexOf('[', colon) !== -1) return h;
  return host;
}

const hexVal = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) hexVal[0x30 + i] = i;
for (let i = 0; i < 6; i++) {
  hexVal[0x41 + i] = 10 + i;
  hexVal[0x61 + i] = 10 + i;
}
const utf8 = new TextDecoder('utf-8');
const utf8Encoder = new TextEncoder();

function hex(c: number): number {
  return c < 128 ? (hexVal[c] as number) : -1;
}

/**
 * Go's `url.PathUnescape` as ServeMux uses it (`pathUnescape`): `%XX` escapes decoded, `+` kept;
 * a malformed escape makes the whole input come back unchanged. Decoded bytes are read as UTF-8
 * (U+FFFD for invalid sequences, where Go would keep the raw bytes).
 */
export function pathUnescape(s: string): string {
  const pct = s.indexOf('%');
  if (pct === -1) return s;
  for (let i = pct; i !== -1; i = s.indexOf('%', i + 3)) {
    if (hex(s.charCodeAt(i + 1)) < 0 || hex(s.charCodeAt(i + 2)) < 0) return s;
  }
  const bytes = new Uint8Array(s.length * 3);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25) {
      bytes[n++] = (hex(s.charCodeAt(i + 1)) << 4) | hex(s.charCodeAt(i + 2));
      i += 2;
    } else if (c < 0x80) {
      bytes[n++] = c;
    } else {
      // Non-ASCII text between escapes: re-encode it so it joins the decoded bytes as UTF-8.
      let j = i;
      while (j < s.length && s.charCodeAt(j) >= 0x80) j++;
      const enc = utf8Encoder.encode(s.slice(i, j));
      bytes.set(enc, n);
      n += enc.length;
      i = j - 1;
    }
  }
  return utf8.decode(bytes.subarray(0, n));
}
