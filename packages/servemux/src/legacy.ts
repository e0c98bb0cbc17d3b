/**
 * Go 1.21's ServeMux, kept for `new ServeMux({ httpmuxgo121: true })` — Go's
 * `GODEBUG=httpmuxgo121=1`. Go: `net/http/servemux121.go` (frozen there, frozen here).
 *
 * Design note: patterns are plain strings. An exact-match map answers first; then the patterns
 * that end in `/`, sorted longest first, are tried as prefixes, so the longest prefix wins. A
 * pattern that does not start with `/` names a host, and when any exists, `host + path` is tried
 * before the bare path. No methods, no wildcards: `/{x}` is the literal path `/{x}`.
 *
 * Example: `/images/` and `/images/thumbnails/` registered; `/images/thumbnails/a.png` → the
 * longer one; `/images` → 301 to `/images/`, since only `/images/` is registered.
 */
import { escapePath, type Handler, type Request } from '@servehttp/core-listener';
import { RegistrationError } from './errors.ts';
import { notFoundHandler, redirectHandler } from './helpers.ts';
import { cleanPath, stripHostPort } from './path.ts';

interface Entry {
  readonly handler: Handler;
  readonly pattern: string;
}

/** Go 1.21's ServeMux state and matching. Go: `serveMux121`. */
export class LegacyMux {
  readonly #m = new Map<string, Entry>();
  readonly #es: Entry[] = [];
  #hosts = false;

  /** Registers; the caller has checked the pattern is not empty and the handler exists. */
  handle(pattern: string, handler: Handler): void {
    if (this.#m.has(pattern)) {
      throw new RegistrationError(pattern, `multiple registrations for ${pattern}`);
    }
    const e = { handler, pattern };
    this.#m.set(pattern, e);
    if (pattern.endsWith('/')) {
      // Sorted longest first; among equals, earlier registrations first (Go's sort.Search).
      let i = this.#es.findIndex((x) => x.pattern.length < pattern.length);
      if (i === -1) i = this.#es.length;
      this.#es.splice(i, 0, e);
    }
    if (pattern.charCodeAt(0) !== 0x2f) this.#hosts = true;
  }

  /** The handler and pattern for a request. Go: `serveMux121.findHandler`. */
  find(r: Request): { handler: Handler; pattern: string } {
    const u = r.url;
    if (r.method === 'CONNECT') {
      const to = this.#redirectToPathSlash(u.host, u.path, u.rawQuery);
      if (to !== undefined) return { handler: redirectHandler(to.url, 301), pattern: to.path };
      return this.#handler(r.host, u.path);
    }
    const host = stripHostPort(r.host);
    const path = cleanPath(u.path);
    const to = this.#redirectToPathSlash(host, path, u.rawQuery);
    if (to !== undefined) return { handler: redirectHandler(to.url, 301), pattern: to.path };
    if (path !== u.path) {
      const { pattern } = this.#handler(host, path);
      return { handler: redirectHandler(urlString(path, u.rawQuery), 301), pattern };
    }
    return this.#handler(host, u.path);
  }

  #handler(host: string, path: string): { handler: Handler; pattern: string } {
    let e: Entry | undefined;
    if (this.#hosts) e = this.#match(host + path);
    e ??= this.#match(path);
    return e ?? { handler: notFoundHandler(), pattern: '' };
  }

  #match(path: string): Entry | undefined {
    const e = this.#m.get(path);
    if (e !== undefined) return e;
    for (const x of this.#es) if (path.startsWith(x.pattern)) return x;
    return undefined;
  }

  #redirectToPathSlash(
    host: string,
    path: string,
    rawQuery: string,
  ): { url: string; path: string } | undefined {
    const m = this.#m;
    if (m.has(path) || m.has(host + path)) return undefined;
    if (path === '') return undefined;
    if (!(m.has(`${path}/`) || m.has(`${host + path}/`))) return undefined;
    if (path.endsWith('/')) return undefined;
    return { url: urlString(`${path}/`, rawQuery), path: `${path}/` };
  }
}

/** `url.URL{Path: path, RawQuery: q}.String()` for a rooted path. */
export function urlString(path: string, rawQuery: string): string {
  const p = escapePath(path);
  return rawQuery === '' ? p : `${p}?${rawQuery}`;
}
