/**
 * Serving files: `c.file()`, `c.fileFromFS()` and the handler behind `static`/`staticFS`.
 * Go: `http.ServeFile` and `http.FileServer` (`net/http/fs.go`), which gin calls.
 *
 * Design: one request goes through the steps of Go's `serveFile` then `serveContent`, in order:
 *
 * 1. the path-shape redirects (`…/index.html` → `./`; a directory without its slash → `name/`;
 *    with the file-server flag, a file with a slash → `../name`), all relative `301`s as Go's
 *    `localRedirect`, so they work under a stripped prefix;
 * 2. a directory serves its `index.html`, else a listing (empty unless the file system lists);
 * 3. RFC 7232 preconditions in RFC order (`If-Match` → `If-Unmodified-Since` → `If-None-Match` →
 *    `If-Modified-Since`), then `If-Range` decides whether `Range` still applies;
 * 4. the type: the header if the caller set one, the extension, else a sniff of the first 512
 *    bytes (Go's `DetectContentType`) — so a range response carries the whole file's type;
 * 5. `Range`: one range → `206` + `Content-Range`; several → `206 multipart/byteranges` with an
 *    exact `Content-Length`; none overlapping → `416` with `Content-Range: bytes *\/size` (an
 *    empty file ignores the range, Go's kindness to clients that always send one); ranges adding
 *    up to more than the file → ignored (Go's defence against amplification).
 *
 * Example: a 20-byte `a.txt`, `Range: bytes=0-4,-3` → `206`, `Content-Type:
 * multipart/byteranges; boundary=B`, body `--B\r\nContent-Range: bytes 0-4/20\r\nContent-Type:
 * text/plain; charset=utf-8\r\n\r\n<5 bytes>\r\n--B\r\n…bytes 17-19/20…\r\n--B--\r\n`.
 *
 * Errors follow Go's `serveError` (Go 1.23+, golang/go#66343): `Cache-Control`,
 * `Content-Encoding`, `Etag` and `Last-Modified` meant for the file are removed, then
 * `http.Error` writes `404 page not found` / `403 Forbidden` / `500 Internal Server Error`.
 */
import { detectContentType, escapePath, sniffLen } from '@servehttp/core-listener';
import type { Context } from './context.ts';
import { httpDate } from './render.ts';

/** What a file system reports about a name. Go: `fs.FileInfo` (the parts serving uses). */
export interface FileInfo {
  /** Whether it is a directory. */
  readonly isDirectory: boolean;
  /** Size in bytes. */
  readonly size: number;
  /** Modification time (an epoch time means unknown, as in Go). */
  readonly mtime: Date;
}

/** A directory entry, for listings. */
export interface DirEntry {
  /** The entry's base name. */
  readonly name: string;
  /** Whether it is a directory (listed with a trailing `/`). */
  readonly isDirectory: boolean;
}

/**
 * A read-only file tree for `staticFS`, `staticFileFS` and `c.fileFromFS`. Names are cleaned,
 * rooted, `/`-separated paths (`/css/a.css`). gin: `http.FileSystem`.
 *
 * - `stat` resolves `undefined` when the name does not exist; it may reject with an error whose
 *   `code` is `EACCES`/`EPERM` (served as 403) or anything else (500).
 * - `read(name, start, end)` returns bytes `[start, end)`; an implementation that ignores the
 *   bounds and returns the whole file is accepted (the server slices).
 * - `readDir`, when present, lists a directory without `index.html`; without it the listing is
 *   empty (gin's `Dir(root, false)`, "no listing").
 */
export interface FileSystem {
  /** Facts about `name`, or `undefined`. */
  stat(name: string): Promise<FileInfo | undefined>;
  /** The bytes of file `name` in `[start, end)` (all of it when the bounds are omitted). */
  read(name: string, start?: number, end?: number): Promise<Uint8Array>;
  /** The entries of directory `name`, for listings. */
  readDir?(name: string): Promise<DirEntry[]>;
}

type NodeModules = {
  fs: typeof import('node:fs/promises');
  path: typeof import('node:path');
};
let nodeModules: Promise<NodeModules> | undefined;
// Loaded on first use so that the package imports no Node module at start (it also runs where
// there is no file system and no one serves files).
function node(): Promise<NodeModules> {
  nodeModules ??= Promise.all([import('node:fs/promises'), import('node:path')]).then(
    ([fs, path]) => ({ fs, path }),
  );
  return nodeModules;
}

function isNotExist(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * A {@link FileSystem} over the directory `root` on disk. Names cannot climb out of `root`:
 * they are cleaned as rooted paths before joining (Go `http.Dir`); symlinks are followed, as
 * in Go. With `listDirectory` false (the default, gin's `Dir(root, false)` that `static()`
 * uses) a directory without `index.html` is not listed. gin: `gin.Dir`.
 */
export function dir(root: string, listDirectory = false): FileSystem {
  const full = async (name: string): Promise<string> => {
    const { path } = await node();
    // Go http.Dir: path.Clean("/" + name), which also drops a trailing slash.
    let clean = path.posix.normalize(`/${name}`);
    if (clean.length > 1 && clean.endsWith('/')) clean = clean.slice(0, -1);
    return path.join(root === '' ? '.' : root, clean);
  };
  const fsys: FileSystem = {
    async stat(name) {
      const { fs } = await node();
      try {
        const s = await fs.stat(await full(name));
        return { isDirectory: s.isDirectory(), size: s.size, mtime: s.mtime };
      } catch (err) {
        if (isNotExist(err)) return undefined;
        throw err;
      }
    },
    async read(name, start = 0, end = Number.POSITIVE_INFINITY) {
      const { fs } = await node();
      const f = await fs.open(await full(name), 'r');
      try {
        if (start === 0 && end === Number.POSITIVE_INFINITY)
          return new Uint8Array(await f.readFile());
        const out = new Uint8Array(end - start);
        let at = 0;
        // Bounded: each read advances `at` or returns 0 at the end of the file.
        while (at < out.length) {
          const { bytesRead } = await f.read(out, at, out.length - at, start + at);
          if (bytesRead === 0) break;
          at += bytesRead;
        }
        return at === out.length ? out : out.subarray(0, at);
      } finally {
        await f.close();
      }
    },
  };
  if (listDirectory) {
    fsys.readDir = async (name) => {
      const { fs } = await node();
      const entries = await fs.readdir(await full(name), { withFileTypes: true });
      return entries.map((e) => ({ name: e.name, isDirectory: e.isDirectory() }));
    };
  }
  return fsys;
}

// Go's builtin `mime` table (what `mime.TypeByExtension` knows on every system), plus `.txt`.
const mimeTypes: Record<string, string> = {
  '.avif': 'image/avif',
  '.css': 'text/css; charset=utf-8',
  '.gif': 'image/gif',
  '.htm': 'text/html; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.jpeg': 'image/jpeg',
  '.jpg': 'image/jpeg',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.mjs': 'text/javascript; charset=utf-8',
  '.pdf': 'application/pdf',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
  '.webp': 'image/webp',
  '.xml': 'text/xml; charset=utf-8',
};

/** Go's `mime.TypeByExtension` for the common types; `''` for others (then sniffed). */
export function typeByExtension(name: string): string {
  const dot = name.lastIndexOf('.');
  if (dot === -1 || name.indexOf('/', dot) !== -1) return '';
  return mimeTypes[name.slice(dot).toLowerCase()] ?? '';
}

// ───────────────────────── Go's helpers ─────────────────────────

function textprotoTrim(s: string): string {
  let i = 0;
  let j = s.length;
  while (i < j && (s[i] === ' ' || s[i] === '\t' || s[i] === '\n' || s[i] === '\r')) i++;
  while (j > i && (s[j - 1] === ' ' || s[j - 1] === '\t' || s[j - 1] === '\n' || s[j - 1] === '\r'))
    j--;
  return s.slice(i, j);
}

/** Go `http.Error`: plain-text body `msg\n`, `nosniff`, no `Content-Length`. */
function httpError(c: Context, msg: string, code: number): Promise<void> | void {
  const h = c.writer.header();
  h.delete('Content-Length');
  h.set('Content-Type', 'text/plain; charset=utf-8');
  h.set('X-Content-Type-Options', 'nosniff');
  c.writer.writeHeader(code);
  return c.writer.write(`${msg}\n`);
}

/** Go `serveError` (1.23+): drop headers meant for the file, then `http.Error`. */
function serveError(c: Context, msg: string, code: number): Promise<void> | void {
  const h = c.writer.header();
  h.delete('Cache-Control');
  h.delete('Content-Encoding');
  h.delete('Etag');
  h.delete('Last-Modified');
  return httpError(c, msg, code);
}

function toHTTPError(err: unknown): [string, number] {
  const code = (err as { code?: string } | null)?.code;
  if (isNotExist(err)) return ['404 page not found', 404];
  if (code === 'EACCES' || code === 'EPERM') return ['403 Forbidden', 403];
  return ['500 Internal Server Error', 500];
}

/** Go `localRedirect`: a relative 301, keeping the query. */
function localRedirect(c: Context, newPath: string): void {
  const q = c.request.url.rawQuery;
  c.writer.header().set('Location', q === '' ? newPath : `${newPath}?${q}`);
  c.writer.writeHeader(301);
  c.writer.writeHeaderNow();
}

function baseName(p: string): string {
  if (p === '') return '.';
  let end = p.length;
  while (end > 0 && p[end - 1] === '/') end--;
  if (end === 0) return '/';
  const start = p.lastIndexOf('/', end - 1) + 1;
  return p.slice(start, end);
}

function isZeroTime(t: Date): boolean {
  return Number.isNaN(t.getTime()) || t.getTime() === 0;
}

/** Go `http.ParseTime`: RFC 1123 (GMT), RFC 850 or ANSI C; NaN on anything else. */
function parseHTTPTime(s: string): number {
  // IMF-fixdate, RFC 850 and asctime all carry their zone or are GMT by definition; Date.parse
  // reads all three, and the shape check rejects free-form dates Go would not accept.
  if (!/^[A-Z][a-z]{2,8}, \d{2}[ -][A-Z][a-z]{2}[ -]\d{2,4} \d{2}:\d{2}:\d{2} GMT$/.test(s)) {
    if (!/^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/.test(s)) return Number.NaN;
    return Date.parse(`${s} GMT`);
  }
  return Date.parse(s.replace(/-/g, ' '));
}

function scanETag(input: string): [string, string] {
  const s = textprotoTrim(input);
  const start = s.startsWith('W/') ? 2 : 0;
  if (s.length - start < 2 || s[start] !== '"') return ['', ''];
  for (let i = start + 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) return [s.slice(0, i + 1), s.slice(i + 1)];
    if (!(c === 0x21 || (c >= 0x23 && c <= 0x7e) || c >= 0x80)) return ['', ''];
  }
  return ['', ''];
}

const strongMatch = (a: string, b: string): boolean => a === b && a !== '' && a[0] === '"';
const weakMatch = (a: string, b: string): boolean =>
  (a.startsWith('W/') ? a.slice(2) : a) === (b.startsWith('W/') ? b.slice(2) : b);

const condNone = 0;
const condTrue = 1;
const condFalse = 2;

function checkETags(list: string, etag: string, weak: boolean, star: number): number {
  let buf = list;
  for (;;) {
    buf = textprotoTrim(buf);
    if (buf.length === 0) break;
    if (buf[0] === ',') {
      buf = buf.slice(1);
      continue;
    }
    if (buf[0] === '*') return star;
    const [tag, remain] = scanETag(buf);
    if (tag === '') break;
    if (weak ? weakMatch(tag, etag) : strongMatch(tag, etag)) return star;
    buf = remain;
  }
  return star === condTrue ? condFalse : condTrue;
}

function unmodifiedSince(header: string, modtime: Date, method: string, ims: boolean): number {
  if (ims && method !== 'GET' && method !== 'HEAD') return condNone;
  if (header === '' || isZeroTime(modtime)) return condNone;
  const t = parseHTTPTime(header);
  if (Number.isNaN(t)) return condNone;
  // Last-Modified has whole seconds, so the comparison truncates too.
  const m = Math.floor(modtime.getTime() / 1000) * 1000;
  return m <= t ? (ims ? condFalse : condTrue) : ims ? condTrue : condFalse;
}

function writeNotModified(c: Context): void {
  const h = c.writer.header();
  h.delete('Content-Type');
  h.delete('Content-Length');
  h.delete('Content-Encoding');
  if (h.get('Etag') !== '') h.delete('Last-Modified');
  c.writer.writeHeader(304);
  c.writer.writeHeaderNow();
}

/**
 * Go `checkPreconditions` (RFC 7232 section 6): `undefined` when a 304/412 was sent, else the
 * `Range` header still in force (`''` when `If-Range` voids it).
 */
function checkPreconditions(c: Context, modtime: Date): string | undefined {
  const r = c.request;
  const etag = c.writer.header().get('Etag');
  const im = r.header.get('If-Match');
  let ch = im === '' ? condNone : checkETags(im, etag, false, condTrue);
  if (ch === condNone) {
    ch = unmodifiedSince(r.header.get('If-Unmodified-Since'), modtime, r.method, false);
  }
  if (ch === condFalse) {
    c.writer.writeHeader(412);
    c.writer.writeHeaderNow();
    return undefined;
  }
  const inm = r.header.get('If-None-Match');
  const noneMatch = inm === '' ? condNone : checkETags(inm, etag, true, condFalse);
  if (noneMatch === condFalse) {
    if (r.method === 'GET' || r.method === 'HEAD') writeNotModified(c);
    else {
      c.writer.writeHeader(412);
      c.writer.writeHeaderNow();
    }
    return undefined;
  }
  if (
    noneMatch === condNone &&
    unmodifiedSince(r.header.get('If-Modified-Since'), modtime, r.method, true) === condFalse
  ) {
    writeNotModified(c);
    return undefined;
  }
  const range = r.header.get('Range');
  if (range === '' || (r.method !== 'GET' && r.method !== 'HEAD')) return range;
  const ir = r.header.get('If-Range');
  if (ir === '') return range;
  const [tag] = scanETag(ir);
  if (tag !== '') return strongMatch(tag, etag) ? range : '';
  // golang/go#8367: If-Range may carry the modification date instead of an ETag.
  if (isZeroTime(modtime)) return '';
  const t = parseHTTPTime(ir);
  return !Number.isNaN(t) && Math.floor(t / 1000) === Math.floor(modtime.getTime() / 1000)
    ? range
    : '';
}

/** One byte range: `start` and `length`. Go: `httpRange`. */
export interface ByteRange {
  /** First byte. */
  start: number;
  /** Number of bytes. */
  length: number;
}

const digits = /^\d+$/;

/**
 * Parses a `Range` header against a file of `size` bytes. Go: `parseRange`.
 * @returns the ranges (empty when `s` is empty); a string error message when it is invalid
 *   (`invalid range`) or none overlaps (`invalid range: failed to overlap`).
 */
export function parseRange(s: string, size: number): ByteRange[] | string {
  if (s === '') return [];
  if (!s.startsWith('bytes=')) return 'invalid range';
  const ranges: ByteRange[] = [];
  let noOverlap = false;
  for (const part of s.slice(6).split(',')) {
    const ra = textprotoTrim(part);
    if (ra === '') continue;
    const dash = ra.indexOf('-');
    if (dash === -1) return 'invalid range';
    const start = textprotoTrim(ra.slice(0, dash));
    const end = textprotoTrim(ra.slice(dash + 1));
    if (start === '') {
      // A suffix length: the last N bytes (RFC 7233 section 2.1).
      if (!digits.test(end)) return 'invalid range';
      const n = Math.min(Number(end), size);
      ranges.push({ start: size - n, length: n });
      continue;
    }
    if (!digits.test(start)) return 'invalid range';
    const i = Number(start);
    if (i >= size) {
      noOverlap = true;
      continue;
    }
    if (end === '') {
      ranges.push({ start: i, length: size - i });
      continue;
    }
    if (!digits.test(end) || i > Number(end)) return 'invalid range';
    const last = Math.min(Number(end), size - 1);
    ranges.push({ start: i, length: last - i + 1 });
  }
  if (noOverlap && ranges.length === 0) return 'invalid range: failed to overlap';
  return ranges;
}

const contentRange = (ra: ByteRange, size: number): string =>
  `bytes ${ra.start}-${ra.start + ra.length - 1}/${size}`;

function randomBoundary(): string {
  const b = new Uint8Array(30);
  crypto.getRandomValues(b);
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

async function readRange(fs: FileSystem, name: string, start: number, end: number) {
  const bytes = await fs.read(name, start, end);
  // A file system that ignored the bounds gave the whole file.
  return bytes.length === end - start ? bytes : bytes.subarray(start, end);
}

/** Go `serveContent`, after the file is known to exist and be a regular file. */
async function serveContent(
  c: Context,
  fs: FileSystem,
  name: string,
  info: FileInfo,
): Promise<void> {
  const w = c.writer;
  const h = w.header();
  if (!isZeroTime(info.mtime)) h.set('Last-Modified', httpDate(info.mtime));
  const rangeHeader = checkPreconditions(c, info.mtime);
  if (rangeHeader === undefined) return;

  const size = info.size;
  let ctype: string;
  if (!h.has('Content-Type')) {
    ctype = typeByExtension(name);
    if (ctype === '')
      ctype = detectContentType(await readRange(fs, name, 0, Math.min(size, sniffLen)));
    h.set('Content-Type', ctype);
  } else {
    ctype = h.get('Content-Type');
  }

  let ranges = parseRange(rangeHeader, size);
  if (typeof ranges === 'string') {
    if (ranges.endsWith('failed to overlap') && size === 0) ranges = [];
    else {
      if (ranges.endsWith('failed to overlap')) h.set('Content-Range', `bytes */${size}`);
      await serveError(c, ranges, 416);
      return;
    }
  }
  let total = 0;
  for (const ra of ranges) total += ra.length;
  // More bytes asked for than the file has: an attack or a confused client; serve it whole.
  if (total > size) ranges = [];

  let code = 200;
  let sendSize = size;
  let parts: (string | ByteRange)[] = [{ start: 0, length: size }];
  if (ranges.length === 1) {
    const ra = ranges[0] as ByteRange;
    code = 206;
    sendSize = ra.length;
    parts = [ra];
    h.set('Content-Range', contentRange(ra, size));
  } else if (ranges.length > 1) {
    code = 206;
    const boundary = randomBoundary();
    parts = [];
    sendSize = 0;
    for (let i = 0; i < ranges.length; i++) {
      const ra = ranges[i] as ByteRange;
      // Go's multipart.Writer: no CRLF before the first boundary, sorted part headers.
      const head = `${i === 0 ? '' : '\r\n'}--${boundary}\r\nContent-Range: ${contentRange(ra, size)}\r\nContent-Type: ${ctype}\r\n\r\n`;
      parts.push(head, ra);
      sendSize += head.length + ra.length;
    }
    const tail = `\r\n--${boundary}--\r\n`;
    parts.push(tail);
    sendSize += tail.length;
    h.set('Content-Type', `multipart/byteranges; boundary=${boundary}`);
  }
  h.set('Accept-Ranges', 'bytes');
  // Go leaves Content-Length off when the caller set Content-Encoding (it may gzip on the fly),
  // except for ranges.
  if (ranges.length > 0 || h.get('Content-Encoding') === '')
    h.set('Content-Length', String(sendSize));
  w.writeHeader(code);
  if (c.request.method === 'HEAD') {
    w.writeHeaderNow();
    return;
  }
  for (const p of parts) {
    if (typeof p === 'string') await w.write(p);
    else if (p.length > 0) await w.write(await readRange(fs, name, p.start, p.start + p.length));
  }
  w.writeHeaderNow();
}

const htmlEscapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&#34;',
  "'": '&#39;',
};

/** Go `dirList`: an HTML list of links, sorted by name. */
async function dirList(c: Context, fs: FileSystem, name: string): Promise<void> {
  let entries: DirEntry[] = [];
  if (fs.readDir !== undefined) {
    try {
      entries = await fs.readDir(name);
    } catch {
      await httpError(c, 'Error reading directory', 500);
      return;
    }
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  c.writer.header().set('Content-Type', 'text/html; charset=utf-8');
  let out = '<!doctype html>\n<meta name="viewport" content="width=device-width">\n<pre>\n';
  for (const e of entries) {
    const n = e.isDirectory ? `${e.name}/` : e.name;
    // url.URL{Path: n}.String(): escaped, and "./" first when the first segment has a colon.
    let href = escapePath(n).replace(/\?/g, '%3F').replace(/#/g, '%23');
    const colon = n.indexOf(':');
    if (colon !== -1 && (n.indexOf('/') === -1 || colon < n.indexOf('/'))) href = `./${href}`;
    out += `<a href="${href}">${n.replace(/[&<>"']/g, (ch) => htmlEscapes[ch] as string)}</a>\n`;
  }
  out += '</pre>\n';
  await c.writer.write(out);
}

/**
 * Serves `name` from `fs` as Go's `serveFile` does (see the module doc). `urlPath` is the
 * request path the redirects look at; `redirect` is the file server's extra canonicalization.
 */
export async function serveFrom(
  c: Context,
  fs: FileSystem,
  name: string,
  urlPath: string = c.request.url.path,
  redirect = true,
): Promise<void> {
  if (urlPath.endsWith('/index.html')) {
    localRedirect(c, './');
    return;
  }
  let info: FileInfo | undefined;
  try {
    info = await fs.stat(name);
  } catch (err) {
    const [msg, code] = toHTTPError(err);
    await serveError(c, msg, code);
    return;
  }
  if (info === undefined) {
    await serveError(c, '404 page not found', 404);
    return;
  }
  if (redirect) {
    if (info.isDirectory) {
      if (!urlPath.endsWith('/')) {
        localRedirect(c, `${baseName(urlPath)}/`);
        return;
      }
    } else if (urlPath.endsWith('/')) {
      const base = baseName(urlPath);
      if (base === '/' || base === '.') {
        await serveError(c, 'http: attempting to traverse a non-directory', 500);
        return;
      }
      localRedirect(c, `../${base}`);
      return;
    }
  }
  let target = name;
  if (info.isDirectory) {
    if (urlPath === '' || !urlPath.endsWith('/')) {
      localRedirect(c, `${baseName(urlPath)}/`);
      return;
    }
    const index = `${name.endsWith('/') ? name.slice(0, -1) : name}/index.html`;
    const indexInfo = await fs.stat(index).catch(() => undefined);
    if (indexInfo !== undefined) {
      info = indexInfo;
      target = index;
    }
  }
  if (info.isDirectory) {
    if (
      unmodifiedSince(
        c.request.header.get('If-Modified-Since'),
        info.mtime,
        c.request.method,
        true,
      ) === condFalse
    ) {
      writeNotModified(c);
      return;
    }
    if (!isZeroTime(info.mtime)) c.writer.header().set('Last-Modified', httpDate(info.mtime));
    await dirList(c, fs, name);
    return;
  }
  await serveContent(c, fs, target, info);
}

function containsDotDot(v: string): boolean {
  if (!v.includes('..')) return false;
  for (const seg of v.split(/[/\\]/)) if (seg === '..') return true;
  return false;
}

/**
 * `c.file(path)`: Go's `http.ServeFile` — `400 invalid URL path` when the request path has a
 * `..` segment, then the file (or a listing of the directory) from disk.
 */
export async function serveFile(c: Context, filepath: string): Promise<void> {
  if (containsDotDot(c.request.url.path)) {
    await httpError(c, 'invalid URL path', 400);
    return;
  }
  const { path } = await node();
  const slash = filepath.lastIndexOf(path.sep === '\\' ? '\\' : '/');
  const dirName = slash === -1 ? '' : filepath.slice(0, slash + 1);
  const file = filepath.slice(slash + 1);
  return serveFrom(c, dir(dirName, true), `/${file}`, c.request.url.path, false);
}
