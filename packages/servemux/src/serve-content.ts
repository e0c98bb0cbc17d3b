/**
 * `serveContent`: answering a request from a block of content with a name and a modification
 * time — conditional requests, byte ranges, content types. Go: `http.ServeContent` and its
 * helpers in `net/http/fs.go`.
 *
 * Design note. The order of checks is RFC 9110 §13.2.2's, as in Go's `checkPreconditions`:
 * If-Match (else If-Unmodified-Since) → 412; If-None-Match (else If-Modified-Since) → 304 for
 * GET/HEAD, 412 otherwise; then a `Range` survives only if `If-Range` agrees. Ranges are parsed
 * against the size (`parseRange`): one range → 206 with `Content-Range`; several →
 * `multipart/byteranges`, whose exact length is computed before sending, so `Content-Length` is
 * always set; none overlapping → 416 with a `Content-Range` that names only the size (except
 * for empty content, which Go serves whole). Ranges adding up to more than the content are ignored (Go's
 * defence against overlapping-range amplification).
 *
 * Example: 26 bytes, `Range: bytes=0-4,-3` → 206, `Content-Type: multipart/byteranges;
 * boundary=…`, parts `bytes 0-4/26` and `bytes 23-25/26`.
 */
import {
  detectContentType,
  type Request,
  type ResponseWriter,
  StatusInternalServerError,
  StatusNotModified,
  StatusOK,
  StatusPartialContent,
  StatusPreconditionFailed,
  StatusRequestedRangeNotSatisfiable,
  sniffLen,
} from '@servehttp/core-listener';
import { error } from './helpers.ts';
import { typeByExtension } from './mime.ts';

/**
 * Content to serve: bytes or text held in memory, or a random-access source of known size (a
 * file, an object in a store). Go: the `io.ReadSeeker` of `ServeContent`.
 */
export type Content =
  | string
  | Uint8Array
  | {
      /** Total size in bytes. */
      readonly size: number;
      /** Bytes `[start, end)`. */
      read(start: number, end: number): Promise<Uint8Array>;
    };

type Cond = 'none' | 'true' | 'false';

/** One byte range: `start` and `length`. Go: `httpRange`. */
export interface ByteRange {
  /** Offset of the first byte of the range in the content. */
  readonly start: number;
  /** How many bytes the range covers, at least 1. */
  readonly length: number;
}

/** The `errNoOverlap` of Go: every range starts past the end. */
export const errNoOverlap = 'invalid range: failed to overlap';

function trimOWS(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (s.charCodeAt(a) === 0x20 || s.charCodeAt(a) === 0x09)) a++;
  while (b > a && (s.charCodeAt(b - 1) === 0x20 || s.charCodeAt(b - 1) === 0x09)) b--;
  return s.slice(a, b);
}

// strconv.ParseInt(s, 10, 64) for what matters here: optional sign, decimal digits.
function parseInt64(s: string): number | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * Parses a `Range` header against a content size. Go: `parseRange`. Returns the ranges (empty
 * for no header), or a string error: `invalid range` or {@link errNoOverlap}.
 */
export function parseRange(s: string, size: number): ByteRange[] | string {
  if (s === '') return [];
  const b = 'bytes=';
  if (!s.startsWith(b)) return 'invalid range';
  const ranges: ByteRange[] = [];
  let noOverlap = false;
  for (let ra of s.slice(b.length).split(',')) {
    ra = trimOWS(ra);
    if (ra === '') continue;
    const dash = ra.indexOf('-');
    if (dash < 0) return 'invalid range';
    const start = trimOWS(ra.slice(0, dash));
    const end = trimOWS(ra.slice(dash + 1));
    if (start === '') {
      // A suffix: the last `end` bytes.
      if (end === '' || end.charCodeAt(0) === 0x2d) return 'invalid range';
      let i = parseInt64(end);
      if (i === undefined || i < 0) return 'invalid range';
      if (i > size) i = size;
      ranges.push({ start: size - i, length: i });
      continue;
    }
    const i = parseInt64(start);
    if (i === undefined || i < 0) return 'invalid range';
    if (i >= size) {
      noOverlap = true;
      continue;
    }
    if (end === '') {
      ranges.push({ start: i, length: size - i });
      continue;
    }
    let j = parseInt64(end);
    if (j === undefined || i > j) return 'invalid range';
    if (j >= size) j = size - 1;
    ranges.push({ start: i, length: j - i + 1 });
  }
  if (noOverlap && ranges.length === 0) return errNoOverlap;
  return ranges;
}

// Go's scanETag: the first entity-tag of `s` and what follows it, or ['', ''].
function scanETag(s: string): [string, string] {
  s = trimOWS(s);
  let start = 0;
  if (s.startsWith('W/')) start = 2;
  if (s.length - start < 2 || s.charCodeAt(start) !== 0x22) return ['', ''];
  for (let i = start + 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) return [s.slice(0, i + 1), s.slice(i + 1)];
    // etagc = %x21 / %x23-7E / obs-text
    if (!(c === 0x21 || (c >= 0x23 && c <= 0x7e) || c >= 0x80)) return ['', ''];
  }
  return ['', ''];
}

function etagStrongMatch(a: string, b: string): boolean {
  return a === b && a !== '' && a.charCodeAt(0) === 0x22;
}

function etagWeakMatch(a: string, b: string): boolean {
  return (a.startsWith('W/') ? a.slice(2) : a) === (b.startsWith('W/') ? b.slice(2) : b);
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const rfc1123 =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const rfc850 =
  /^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\d{2})-([A-Z][a-z]{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const asctime =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

/**
 * Parses an HTTP date in any of the three formats of RFC 9110 §5.6.7 (IMF-fixdate, RFC 850,
 * asctime), to epoch milliseconds; `undefined` when it is none of them. Go: `http.ParseTime`.
 */
export function parseHTTPTime(s: string): number | undefined {
  let day: string;
  let mon: string;
  let year: number;
  let hms: [string, string, string];
  let m = rfc1123.exec(s);
  if (m !== null) {
    [day, mon, year, hms] = [
      m[1] as string,
      m[2] as string,
      Number(m[3]),
      [m[4], m[5], m[6]] as [string, string, string],
    ];
  } else if ((m = rfc850.exec(s)) !== null) {
    // Go's two-digit years: 69–99 → 19xx, 00–68 → 20xx.
    const yy = Number(m[3]);
    [day, mon, year, hms] = [
      m[1] as string,
      m[2] as string,
      yy >= 69 ? 1900 + yy : 2000 + yy,
      [m[4], m[5], m[6]] as [string, string, string],
    ];
  } else if ((m = asctime.exec(s)) !== null) {
    [day, mon, year, hms] = [
      (m[2] as string).trim(),
      m[1] as string,
      Number(m[6]),
      [m[3], m[4], m[5]] as [string, string, string],
    ];
  } else {
    return undefined;
  }
  const mi = months.indexOf(mon);
  if (mi < 0) return undefined;
  const t = Date.UTC(year, mi, Number(day), Number(hms[0]), Number(hms[1]), Number(hms[2]));
  const d = new Date(t);
  // Reject impossible dates (Feb 30) rather than letting Date roll them over.
  if (
    d.getUTCDate() !== Number(day) ||
    Number(hms[0]) > 23 ||
    Number(hms[1]) > 59 ||
    Number(hms[2]) > 59
  ) {
    return undefined;
  }
  return t;
}

// Go's isZeroTime: the zero time, or the Unix epoch.
function isZeroTime(t: Date): boolean {
  const ms = t.getTime();
  return Number.isNaN(ms) || ms === 0;
}

const truncSec = (t: Date): number => Math.floor(t.getTime() / 1000) * 1000;

function checkIfMatch(w: ResponseWriter, r: Request): Cond {
  let im = r.header.get('If-Match');
  if (im === '') return 'none';
  for (;;) {
    im = trimOWS(im);
    if (im.length === 0) break;
    if (im.charCodeAt(0) === 0x2c) {
      im = im.slice(1);
      continue;
    }
    if (im.charCodeAt(0) === 0x2a) return 'true';
    const [etag, remain] = scanETag(im);
    if (etag === '') break;
    if (etagStrongMatch(etag, w.header().get('Etag'))) return 'true';
    im = remain;
  }
  return 'false';
}

function checkIfUnmodifiedSince(r: Request, modtime: Date): Cond {
  const ius = r.header.get('If-Unmodified-Since');
  if (ius === '' || isZeroTime(modtime)) return 'none';
  const t = parseHTTPTime(ius);
  if (t === undefined) return 'none';
  return truncSec(modtime) <= t ? 'true' : 'false';
}

function checkIfNoneMatch(w: ResponseWriter, r: Request): Cond {
  let inm = r.header.get('If-None-Match');
  if (inm === '') return 'none';
  for (;;) {
    inm = trimOWS(inm);
    if (inm.length === 0) break;
    if (inm.charCodeAt(0) === 0x2c) {
      inm = inm.slice(1);
      continue;
    }
    if (inm.charCodeAt(0) === 0x2a) return 'false';
    const [etag, remain] = scanETag(inm);
    if (etag === '') break;
    if (etagWeakMatch(etag, w.header().get('Etag'))) return 'false';
    inm = remain;
  }
  return 'true';
}

/** Go's checkIfModifiedSince; also used by the directory listing. */
export function checkIfModifiedSince(r: Request, modtime: Date): Cond {
  if (r.method !== 'GET' && r.method !== 'HEAD') return 'none';
  const ims = r.header.get('If-Modified-Since');
  if (ims === '' || isZeroTime(modtime)) return 'none';
  const t = parseHTTPTime(ims);
  if (t === undefined) return 'none';
  return truncSec(modtime) <= t ? 'false' : 'true';
}

function checkIfRange(w: ResponseWriter, r: Request, modtime: Date): Cond {
  if (r.method !== 'GET' && r.method !== 'HEAD') return 'none';
  const ir = r.header.get('If-Range');
  if (ir === '') return 'none';
  const [etag] = scanETag(ir);
  if (etag !== '') return etagStrongMatch(etag, w.header().get('Etag')) ? 'true' : 'false';
  // Otherwise it may be a date, which must be exactly the modification time.
  if (isZeroTime(modtime)) return 'false';
  const t = parseHTTPTime(ir);
  if (t === undefined) return 'false';
  return Math.floor(t / 1000) === Math.floor(modtime.getTime() / 1000) ? 'true' : 'false';
}

/** Go's writeNotModified: a 304 without the headers that describe a body. */
export function writeNotModified(w: ResponseWriter): void {
  const h = w.header();
  h.delete('Content-Type');
  h.delete('Content-Length');
  h.delete('Content-Encoding');
  if (h.get('Etag') !== '') h.delete('Last-Modified');
  w.writeHeader(StatusNotModified);
}

/** Go's setLastModified. */
export function setLastModified(w: ResponseWriter, modtime: Date): void {
  if (!isZeroTime(modtime)) w.header().set('Last-Modified', modtime.toUTCString());
}

// Go's checkPreconditions: [done, the Range header still in force].
function checkPreconditions(w: ResponseWriter, r: Request, modtime: Date): [boolean, string] {
  let ch = checkIfMatch(w, r);
  if (ch === 'none') ch = checkIfUnmodifiedSince(r, modtime);
  if (ch === 'false') {
    w.writeHeader(StatusPreconditionFailed);
    return [true, ''];
  }
  const inm = checkIfNoneMatch(w, r);
  if (inm === 'false') {
    if (r.method === 'GET' || r.method === 'HEAD') writeNotModified(w);
    else w.writeHeader(StatusPreconditionFailed);
    return [true, ''];
  }
  if (inm === 'none' && checkIfModifiedSince(r, modtime) === 'false') {
    writeNotModified(w);
    return [true, ''];
  }
  let rangeHeader = r.header.get('Range');
  if (rangeHeader !== '' && checkIfRange(w, r, modtime) === 'false') rangeHeader = '';
  return [false, rangeHeader];
}

/**
 * Go's serveError (Go 1.23): an error reply that drops the headers meant for the content.
 */
export function serveError(w: ResponseWriter, text: string, code: number): void {
  const h = w.header();
  for (const k of ['Cache-Control', 'Content-Encoding', 'Etag', 'Last-Modified']) h.delete(k);
  error(w, text, code);
}

const encoder = new TextEncoder();

function toSource(c: Content): {
  size: number;
  read(start: number, end: number): Promise<Uint8Array>;
} {
  if (typeof c === 'string' || c instanceof Uint8Array) {
    const bytes = typeof c === 'string' ? encoder.encode(c) : c;
    return { size: bytes.length, read: async (a, b) => bytes.subarray(a, b) };
  }
  return c;
}

// How much is read and written at a time: big enough to amortize the calls, small enough that a
// large file never sits in memory whole.
const chunkSize = 64 * 1024;

async function copyRange(
  w: ResponseWriter,
  src: { read(start: number, end: number): Promise<Uint8Array> },
  start: number,
  length: number,
): Promise<void> {
  for (let at = start, end = start + length; at < end; ) {
    const chunk = await src.read(at, Math.min(end, at + chunkSize));
    if (chunk.length === 0) break;
    await w.write(chunk);
    at += chunk.length;
  }
}

function randomBoundary(): string {
  const b = new Uint8Array(30);
  crypto.getRandomValues(b);
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

/**
 * Replies with `content`, honouring conditional and range requests. Go: `http.ServeContent`.
 *
 * - `Content-Type` is kept if set; otherwise it comes from the extension of `name`, else from
 *   sniffing the first 512 bytes.
 * - `modtime` (skipped when it is the epoch or invalid) sets `Last-Modified` and drives
 *   `If-Modified-Since` / `If-Unmodified-Since` / `If-Range`; an `Etag` header set by the caller
 *   drives `If-Match` / `If-None-Match` / `If-Range`.
 * - `Range`: 206 for one range, `multipart/byteranges` for several, 416 when none overlaps;
 *   `Accept-Ranges: bytes` always; `Content-Length` unless `Content-Encoding` is set.
 * - HEAD gets the headers only. Bodies are read in 64 KiB chunks with backpressure.
 */
export async function serveContent(
  w: ResponseWriter,
  r: Request,
  name: string,
  modtime: Date,
  content: Content,
): Promise<void> {
  setLastModified(w, modtime);
  const [done, rangeReq] = checkPreconditions(w, r, modtime);
  if (done) return;
  const src = toSource(content);
  let code = StatusOK;
  const h = w.header();
  let ctype = h.get('Content-Type');
  if (!h.has('Content-Type')) {
    const dot = name.lastIndexOf('.');
    ctype = dot > name.lastIndexOf('/') && dot !== -1 ? typeByExtension(name.slice(dot)) : '';
    if (ctype === '') {
      ctype = detectContentType(await src.read(0, Math.min(src.size, sniffLen)));
    }
    h.set('Content-Type', ctype);
  }
  const size = src.size;
  if (size < 0 || !Number.isFinite(size)) {
    serveError(w, 'negative content size computed', StatusInternalServerError);
    return;
  }
  let parsed = parseRange(rangeReq, size);
  if (typeof parsed === 'string') {
    if (parsed === errNoOverlap && size === 0) {
      // Some clients send a Range with every request; an empty body is served whole.
      parsed = [];
    } else {
      if (parsed === errNoOverlap) h.set('Content-Range', `bytes */${size}`);
      serveError(w, parsed, StatusRequestedRangeNotSatisfiable);
      return;
    }
  }
  let ranges = parsed;
  // Overlapping ranges adding up to more than the content: serve it whole instead.
  if (ranges.reduce((n, ra) => n + ra.length, 0) > size) ranges = [];
  let sendSize = size;
  let body: () => Promise<void> = () => copyRange(w, src, 0, size);
  if (ranges.length === 1) {
    const ra = ranges[0] as ByteRange;
    sendSize = ra.length;
    code = StatusPartialContent;
    h.set('Content-Range', `bytes ${ra.start}-${ra.start + ra.length - 1}/${size}`);
    body = () => copyRange(w, src, ra.start, ra.length);
  } else if (ranges.length > 1) {
    const boundary = randomBoundary();
    const heads = ranges.map(
      (ra, i) =>
        `${i === 0 ? '' : '\r\n'}--${boundary}\r\nContent-Range: bytes ${ra.start}-${ra.start + ra.length - 1}/${size}\r\nContent-Type: ${ctype}\r\n\r\n`,
    );
    const tail = `\r\n--${boundary}--\r\n`;
    sendSize = heads.reduce((n, s) => n + s.length, tail.length);
    sendSize += ranges.reduce((n, ra) => n + ra.length, 0);
    code = StatusPartialContent;
    h.set('Content-Type', `multipart/byteranges; boundary=${boundary}`);
    body = async () => {
      for (let i = 0; i < ranges.length; i++) {
        await w.write(heads[i] as string);
        const ra = ranges[i] as ByteRange;
        await copyRange(w, src, ra.start, ra.length);
      }
      await w.write(tail);
    };
  }
  h.set('Accept-Ranges', 'bytes');
  if (h.get('Content-Encoding') === '') h.set('Content-Length', String(sendSize));
  w.writeHeader(code);
  if (r.method !== 'HEAD') await body();
}
