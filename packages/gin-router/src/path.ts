/**
 * Path helpers: gin's `cleanPath` (httprouter `CleanPath`), Go's `path.Clean`/`path.Join` as
 * gin's `joinPaths` uses them, and `removeRepeatedChar` for `X-Forwarded-Prefix`.
 *
 * Design: `cleanPath` is one flat pass with a read index `r` and a write index `w`. It allocates
 * only when the output first differs from the input (httprouter's lazy buffer), so an already
 * clean path — the common case — comes back as the very same string. Rules, applied until none
 * is left: `//` → `/`; `/./` → `/`; `/x/../` → `/`; a leading `/..` is dropped; a trailing slash
 * is kept. Example: `cleanPath('/a/b/../c//d/')` → `/a/c/d/`; `cleanPath('/abc')` returns its
 * argument unchanged.
 */

// Builds the output lazily: `out` stays undefined while the cleaned path equals the input's prefix.
class LazyBuf {
  out: string[] | undefined;
  readonly s: string;
  constructor(s: string) {
    this.s = s;
  }
  // Writes c at w; allocates a copy of the prefix the first time c differs from the input.
  put(w: number, c: string): void {
    if (this.out === undefined) {
      if (this.s[w] === c) return;
      this.out = this.s.slice(0, w).split('');
    }
    this.out[w] = c;
  }
  at(w: number): string | undefined {
    return this.out === undefined ? this.s[w] : this.out[w];
  }
  result(w: number): string {
    return this.out === undefined ? this.s.slice(0, w) : this.out.slice(0, w).join('');
  }
}

/**
 * The canonical form of a URL path: single slashes, no `.`/`..` elements, rooted, trailing slash
 * kept. `''` becomes `/`. Returns the argument itself when it is already clean.
 * gin: `cleanPath` (httprouter `CleanPath`).
 */
export function cleanPath(p: string): string {
  if (p === '') return '/';
  const n = p.length;
  let buf: LazyBuf;
  let r = 1;
  let w = 1;
  if (p.charCodeAt(0) !== 0x2f) {
    // Not rooted: clean '/' + p, copying from the start.
    buf = new LazyBuf(`/${p}`);
    buf.out = ['/'];
    r = 0;
  } else {
    buf = new LazyBuf(p);
  }
  const src = p;
  let trailing = n > 1 && src.charCodeAt(n - 1) === 0x2f;
  while (r < n) {
    const c = src.charCodeAt(r);
    if (c === 0x2f) {
      r++;
    } else if (c === 0x2e && r + 1 === n) {
      trailing = true;
      r++;
    } else if (c === 0x2e && src.charCodeAt(r + 1) === 0x2f) {
      r += 2;
    } else if (
      c === 0x2e &&
      src.charCodeAt(r + 1) === 0x2e &&
      (r + 2 === n || src.charCodeAt(r + 2) === 0x2f)
    ) {
      r += 3;
      if (w > 1) {
        w--;
        while (w > 1 && buf.at(w) !== '/') w--;
      }
    } else {
      if (w > 1) {
        buf.put(w, '/');
        w++;
      }
      while (r < n && src.charCodeAt(r) !== 0x2f) {
        buf.put(w, src[r] as string);
        w++;
        r++;
      }
    }
  }
  if (trailing && w > 1) {
    buf.put(w, '/');
    w++;
  }
  // A non-rooted input always allocated, so result() reads the buffer.
  return buf.result(w);
}

/**
 * Collapses runs of `char` into one. Returns `s` itself when there is no run.
 * gin: `removeRepeatedChar`.
 */
export function removeRepeatedChar(s: string, char: string): string {
  if (!s.includes(char + char)) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === char && out.endsWith(char)) continue;
    out += c;
  }
  return out;
}

/**
 * Go's `path.Clean`: the shortest equivalent path; `''` → `.`, and no trailing slash except for
 * the root.
 */
export function goPathClean(p: string): string {
  if (p === '') return '.';
  const rooted = p.charCodeAt(0) === 0x2f;
  const parts: string[] = [];
  let dotdot = 0; // leading '..' elements kept for a relative path
  let start = 0;
  for (let i = 0; i <= p.length; i++) {
    if (i < p.length && p.charCodeAt(i) !== 0x2f) continue;
    const el = p.slice(start, i);
    start = i + 1;
    if (el === '' || el === '.') continue;
    if (el === '..') {
      if (parts.length > dotdot) parts.pop();
      else if (!rooted) {
        parts.push('..');
        dotdot++;
      }
      continue;
    }
    parts.push(el);
  }
  const out = parts.join('/');
  if (rooted) return `/${out}`;
  return out === '' ? '.' : out;
}

/** Go's `path.Join`: joins the non-empty elements with `/` and cleans the result. */
export function goPathJoin(...elems: string[]): string {
  const nonEmpty = elems.filter((e) => e !== '');
  if (nonEmpty.length === 0) return '';
  return goPathClean(nonEmpty.join('/'));
}

/**
 * Joins a group's base path and a relative path, keeping the relative path's trailing slash.
 * gin: `joinPaths`.
 */
export function joinPaths(absolutePath: string, relativePath: string): string {
  if (relativePath === '') return absolutePath;
  const finalPath = goPathJoin(absolutePath, relativePath);
  if (relativePath.endsWith('/') && !finalPath.endsWith('/')) return `${finalPath}/`;
  return finalPath;
}
