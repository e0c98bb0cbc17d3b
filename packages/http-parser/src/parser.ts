/**
 * The HTTP/1.1 message parser: a pull-driven state machine over the caller's bytes.
 *
 * # Design
 *
 * The caller owns the bytes. `execute(buf, start, end)` scans `buf[start:end)` and returns as
 * soon as it has one thing to report — an *event* — leaving `offset` at the first byte it did not
 * consume. The caller acts on the event and calls again from `offset`. Nothing is reported through
 * callbacks, so there is no closure per request and backpressure is simply not calling again
 * (`pause()` makes that explicit for callers that cannot help calling).
 *
 * States (`#state`) and what each waits for:
 *
 *     HEAD ──head──▶ BODY_LENGTH ──n bytes──▶ END ──▶ HEAD (pipelined) | STOPPED
 *       │   └──────▶ CHUNK_SIZE ─▶ CHUNK_EXT ─▶ CHUNK_LF ─▶ CHUNK_DATA ─▶ CHUNK_DATA_CR ─▶ CHUNK_DATA_LF ─┐
 *       │                ▲                          │ size 0                                         │
 *       │                └──────────────────────────┼────────────────────────────────────────────────┘
 *       │                                           ▼
 *       │                                        TRAILERS ──▶ END
 *       ├──────▶ BODY_EOF (responses only: until finish())
 *       └──────▶ END (no body)
 *
 * The head is parsed line by line, validating every byte once through a 256-entry table
 * (grammar.ts) while looking for the line end; no regex, no string is built. What the head holds
 * is kept as offsets: four int32 per field (name start/end, value start/end, OWS trimmed) in
 * `#fields`, plus the method, target and reason spans. Strings are decoded only when asked.
 *
 * # Invariants
 *
 * - Fast path: a head that arrives whole in one `execute` is parsed in place; its offsets point
 *   into the caller's buffer (`#headBuf === buf`), and no byte is copied.
 * - Faster path: a whole request head of the usual shape (common method, origin-form target,
 *   HTTP/1.x, CRLF) is parsed in one pass by `#fastRequestHead`. It only ever accepts a subset
 *   of what the line parser `#lines` accepts, with the same offsets and facts; on anything else
 *   it gives up and `#lines` re-parses from the start, so errors (status, reason, offset) come
 *   from one place. Tested: every conformance row whole versus byte by byte (the byte-by-byte
 *   parse never takes the fast path), and random mutations of the corpus likewise.
 * - The calls a keep-alive connection makes between messages (`MessageEnd`, then `NeedMore`
 *   with no input left) are answered at the top of `execute`, before the machine.
 * - Split head: when a head is incomplete at `end`, its bytes are copied into `#carry` (at most
 *   `maxHeaderBytes`, else 431) and parsing continues there; every later chunk is appended only
 *   up to that bound, and `#lfScan` remembers how far the line end was searched, so one-byte
 *   chunks cost O(1) each, never a rescan. Lines are validated only once complete, so errors are
 *   the same however the input is split.
 * - Offsets of a message's fields all refer to one buffer (`#headBuf`): either the caller's (valid
 *   until the caller reuses those bytes) or `#carry` (valid until the next head starts).
 * - Trailers are always copied (into `#trailerBuf`, at most `maxTrailerBytes`): they are rare
 *   and may straddle reads.
 * - Body bytes are never copied: BODY reports `[bodyStart, bodyEnd)` of the caller's buffer.
 * - `#stream` is the stream offset of `start` of the current call; every error offset is a stream
 *   offset, so it too is independent of chunking.
 * - After a `ParseError` the parser stays failed (the same error is rethrown) until `reset()`.
 *
 * # Worked example
 *
 *     buf = "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcGET /b HTTP/1.1\r\n"  (68 bytes)
 *     execute(buf, 0, 68)  → Head        offset 48; method "POST", target "/a",
 *                                         field 0 = name [18,22) "Host", value [24,25) "x"
 *     execute(buf, 48, 68) → Body        bodyStart 48, bodyEnd 51 ("abc"); state END
 *     execute(buf, 51, 68) → MessageEnd  state HEAD
 *     execute(buf, 51, 68) → NeedMore    the 17 bytes "GET /b HTTP/1.1\r\n" copied to #carry
 *     execute(next, 0, 11) → Head        next = "Host: y\r\n\r\n" is appended to #carry, the
 *                                         head ends at its byte 11: offset 11
 *
 * @module
 */
import { ParseError } from './errors.ts';
import { FIELD_VALUE, HEX, HOST, QDTEXT, TARGET, TOKEN } from './grammar.ts';

/**
 * What `execute()` (and `finish()`) report. Each call returns exactly one.
 *
 * - `NeedMore` — every byte up to `end` was consumed (or retained); call again with more input.
 * - `Head` — a request or response head is complete: read method/target/status, fields,
 *   `framing`, `keepAlive`, `upgrade`, `expectContinue`.
 * - `Body` — `body()` (= `buf[bodyStart:bodyEnd)`) is the next piece of the message content, a
 *   view of the caller's buffer (chunked framing already removed).
 * - `ChunkExtension` — a chunk-size line carried extensions: `chunkExtensions` holds them raw
 *   (e.g. `;name=value`), `chunkSize` the size. Only reported when there are extensions.
 * - `Trailers` — the trailer section of a chunked message is complete (`trailerCount` > 0).
 * - `MessageEnd` — the message is complete. The next call parses the next pipelined message.
 * - `Paused` — `pause()` is in effect; nothing was consumed.
 * - `Stopped` — the byte stream is no longer HTTP: after a CONNECT or a 101 (upgrade/tunnel), after
 *   a message that closes the connection, or after `finish()`. Nothing was consumed; the bytes
 *   from `offset` on belong to the new protocol.
 */
export const ParseEvent: {
  /** Every byte up to `end` was consumed (or retained): call again with more input. */
  readonly NeedMore: 0;
  /** A request or response head is complete: its accessors are valid. */
  readonly Head: 1;
  /** `body()` is the next piece of content, a view of the caller's buffer. */
  readonly Body: 2;
  /** A chunk-size line carried extensions (`chunkExtensions`, `chunkSize`). */
  readonly ChunkExtension: 3;
  /** The trailer section of a chunked message is complete. */
  readonly Trailers: 4;
  /** The message is complete; the next call parses the next pipelined one. */
  readonly MessageEnd: 5;
  /** `pause()` is in effect; nothing was consumed. */
  readonly Paused: 6;
  /** The stream is no longer HTTP (upgrade, CONNECT, close, `finish()`); nothing was consumed. */
  readonly Stopped: 7;
} = Object.freeze({
  NeedMore: 0,
  Head: 1,
  Body: 2,
  ChunkExtension: 3,
  Trailers: 4,
  MessageEnd: 5,
  Paused: 6,
  Stopped: 7,
} as const);

/** One of the `ParseEvent` values. */
export type ParseEvent = (typeof ParseEvent)[keyof typeof ParseEvent];

/**
 * How the message body is delimited (RFC 9112 §6.3), decided when the head completes.
 *
 * - `None` — no body: no Content-Length/Transfer-Encoding on a request, a HEAD response, 1xx,
 *   204, 304, 2xx to CONNECT.
 * - `Length` — exactly `contentLength` bytes (which may be 0).
 * - `Chunked` — Transfer-Encoding ends in `chunked`.
 * - `UntilClose` — responses only: the body runs until the connection closes (`finish()`).
 */
export const Framing: {
  /** No body (no Content-Length or Transfer-Encoding on a request; HEAD, 1xx, 204, 304). */
  readonly None: 0;
  /** Exactly `contentLength` bytes, possibly 0. */
  readonly Length: 1;
  /** Transfer-Encoding ends in `chunked`. */
  readonly Chunked: 2;
  /** Responses only: the body runs until the connection closes. */
  readonly UntilClose: 3;
} = Object.freeze({ None: 0, Length: 1, Chunked: 2, UntilClose: 3 } as const);

/** One of the `Framing` values. */
export type Framing = (typeof Framing)[keyof typeof Framing];

/**
 * Limits and leniencies. Every limit has a safe default; each breach is a `ParseError` with the
 * status named here.
 */
export interface ParserOptions {
  /** `'request'` (the default; servers) or `'response'` (clients, proxies, tests). */
  kind?: 'request' | 'response';
  /**
   * Bytes of the whole head — start line, fields, the empty line, and any empty lines skipped
   * before it. Default 1 MiB, Go's `DefaultMaxHeaderBytes`. Breach: 431.
   */
  maxHeaderBytes?: number;
  /** Bytes of the request line without its CRLF. Default 64 KiB. Breach: 414. */
  maxRequestLineBytes?: number;
  /** Number of header (and, separately, trailer) fields. Default 1000. Breach: 431. */
  maxHeaderCount?: number;
  /** Bytes of chunk extensions summed over one message. Default 16 KiB. Breach: 413. */
  maxChunkExtensionBytes?: number;
  /** Bytes of the trailer section, its final CRLF included. Default 64 KiB. Breach: 431. */
  maxTrailerBytes?: number;
  /**
   * Bytes of content per message. Checked against Content-Length when the head completes and
   * against each chunk size before its data, so the limit is exact and costs nothing per byte.
   * Default `Number.MAX_SAFE_INTEGER`. Breach: 413.
   */
  maxBodyBytes?: number;
  /**
   * Accept a bare LF as a line terminator (RFC 9112 §2.2 allows a recipient to). Default false:
   * a bare LF, like a bare CR, is a 400, because a peer that disagrees on line ends is how
   * header injection and request smuggling start.
   */
  allowBareLF?: boolean;
}

const SP = 0x20;
const HT = 0x09;
const CR = 0x0d;
const LF = 0x0a;

// What a released parser points at instead of the caller's last buffer.
const noBytes = new Uint8Array(0);

// States. Plain small integers so that the dispatch `switch` compiles to a jump table.
const S_HEAD = 0;
const S_BODY_LENGTH = 1;
const S_CHUNK_SIZE = 2;
const S_CHUNK_EXT = 3;
const S_CHUNK_LF = 4;
const S_CHUNK_DATA = 5;
const S_CHUNK_DATA_CR = 6;
const S_CHUNK_DATA_LF = 7;
const S_TRAILERS = 8;
const S_BODY_EOF = 9;
const S_END = 10;
const S_STOPPED = 11;
const S_FAILED = 12;

// Chunk-extension sub-states (RFC 9112 §7.1.1:
// chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )).
const X_BWS = 0; // after the size or a complete element, inside BWS: only ";" may follow
const X_SEMI = 1; // after ";": BWS then a name
const X_NAME = 2;
const X_NAME_BWS = 3; // BWS after a name: "=" or ";"
const X_EQ = 4; // after "=": BWS then a token or a quoted-string
const X_VALUE = 5;
const X_QUOTED = 6;
const X_QUOTED_ESC = 7;
const X_QUOTED_END = 8;

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

// ASCII lowercase of every octet; non-letters map to themselves (unlike `| 0x20`, which would
// equate "^" with "~", both tchars).
const LOWER = new Uint8Array(256);
for (let c = 0; c < 256; c++) LOWER[c] = c >= 0x41 && c <= 0x5a ? c | 0x20 : c;

function bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

const N_HOST = bytes('host');
const N_EXPECT = bytes('expect');
const N_UPGRADE = bytes('upgrade');
const N_CONNECTION = bytes('connection');
const N_CONTENT_LENGTH = bytes('content-length');
const N_TRANSFER_ENCODING = bytes('transfer-encoding');
const V_CHUNKED = bytes('chunked');
const V_CLOSE = bytes('close');
const V_KEEP_ALIVE = bytes('keep-alive');
const V_UPGRADE = N_UPGRADE;
const V_100_CONTINUE = bytes('100-continue');
const M_CONNECT = bytes('CONNECT');
const HTTP_SLASH = bytes('HTTP/');
const M_OPTIONS = bytes('OPTIONS');

// Interned method strings: the common ones cost no allocation per request.
const METHODS = ['GET', 'POST', 'PUT', 'HEAD', 'DELETE', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE'];
const METHOD_BYTES = METHODS.map(bytes);

// Canonical header names handed out as interned constants by `canonicalHeaderName`: Go's
// textproto `commonHeader` list plus what browsers, proxies and CORS send on nearly every
// request. Interning is only a saving (no string built, a hash computed once); any other name
// gets the same canonical form built from its bytes.
const COMMON_NAMES = [
  // Go net/textproto initCommonHeader
  'Accept',
  'Accept-Charset',
  'Accept-Encoding',
  'Accept-Language',
  'Accept-Ranges',
  'Cache-Control',
  'Cc',
  'Connection',
  'Content-Id',
  'Content-Language',
  'Content-Length',
  'Content-Transfer-Encoding',
  'Content-Type',
  'Cookie',
  'Date',
  'Dkim-Signature',
  'Etag',
  'Expires',
  'From',
  'Host',
  'If-Modified-Since',
  'If-None-Match',
  'In-Reply-To',
  'Last-Modified',
  'Location',
  'Message-Id',
  'Mime-Version',
  'Pragma',
  'Received',
  'Return-Path',
  'Server',
  'Set-Cookie',
  'Subject',
  'To',
  'User-Agent',
  'Via',
  'X-Forwarded-For',
  'X-Imforwards',
  'X-Powered-By',
  // requests from browsers, proxies, CORS and WebSocket clients
  'Access-Control-Request-Headers',
  'Access-Control-Request-Method',
  'Authorization',
  'Content-Encoding',
  'Dnt',
  'Expect',
  'Forwarded',
  'If-Match',
  'If-Range',
  'If-Unmodified-Since',
  'Keep-Alive',
  'Origin',
  'Priority',
  'Proxy-Authorization',
  'Proxy-Connection',
  'Range',
  'Referer',
  'Sec-Ch-Ua',
  'Sec-Ch-Ua-Mobile',
  'Sec-Ch-Ua-Platform',
  'Sec-Fetch-Dest',
  'Sec-Fetch-Mode',
  'Sec-Fetch-Site',
  'Sec-Fetch-User',
  'Sec-Purpose',
  'Sec-Websocket-Extensions',
  'Sec-Websocket-Key',
  'Sec-Websocket-Protocol',
  'Sec-Websocket-Version',
  'Te',
  'Trailer',
  'Transfer-Encoding',
  'Upgrade',
  'Upgrade-Insecure-Requests',
  'X-Forwarded-Host',
  'X-Forwarded-Proto',
  'X-Real-Ip',
  'X-Request-Id',
  'X-Requested-With',
];
const COMMON_LOWER = COMMON_NAMES.map((n) => bytes(n.toLowerCase()));

// Buckets of COMMON_NAMES indices by a hash of (length, first, last byte, lowercased); a name
// is compared with the few names of its bucket only.
const nameHash = (len: number, first: number, last: number): number =>
  (len * 7 + first * 3 + last) & 255;
const COMMON_BUCKETS: number[][] = Array.from({ length: 256 }, () => []);
for (let i = 0; i < COMMON_LOWER.length; i++) {
  const l = COMMON_LOWER[i] as Uint8Array;
  COMMON_BUCKETS[nameHash(l.length, l[0] as number, l[l.length - 1] as number)]?.push(i);
}

/** The interned canonical form of the header name `b[s:e)` when it is a common one, else null. */
function commonName(b: Uint8Array, s: number, e: number): string | null {
  const len = e - s;
  if (!(len > 0)) return null;
  const first = LOWER[b[s] as number] as number;
  const last = LOWER[b[e - 1] as number] as number;
  const bucket = COMMON_BUCKETS[nameHash(len, first, last)] as number[];
  outer: for (let k = 0; k < bucket.length; k++) {
    const idx = bucket[k] as number;
    const lit = COMMON_LOWER[idx] as Uint8Array;
    if (lit.length !== len) continue;
    for (let i = 0; i < len; i++) {
      if (LOWER[b[s + i] as number] !== lit[i]) continue outer;
    }
    return COMMON_NAMES[idx] as string;
  }
  return null;
}

/** Whether `b[s:s+lit.length)` is exactly `lit` (an ASCII string). */
function sameBytes(b: Uint8Array, s: number, lit: string): boolean {
  for (let i = 0; i < lit.length; i++) {
    if (b[s + i] !== lit.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * Go's `textproto.CanonicalMIMEHeaderKey` rewrite of the token `b[s:e)` — first letter and every
 * letter after `-` upper case, the others lower case — or null when it is canonical already.
 */
function recase(b: Uint8Array, s: number, e: number): string | null {
  let upper = true;
  let i = s;
  for (; i < e; i++) {
    const c = b[i] as number;
    if (upper ? c >= 0x61 && c <= 0x7a : c >= 0x41 && c <= 0x5a) break;
    upper = c === 0x2d;
  }
  if (i === e) return null;
  let out = '';
  upper = true;
  for (i = s; i < e; i++) {
    let c = b[i] as number;
    if (upper && c >= 0x61 && c <= 0x7a) c -= 0x20;
    else if (!upper && c >= 0x41 && c <= 0x5a) c += 0x20;
    out += String.fromCharCode(c);
    upper = c === 0x2d;
  }
  return out;
}

/** Compares `b[s:s+lit.length)` with the lowercase literal `lit`, ignoring ASCII case. */
function eqLower(b: Uint8Array, s: number, e: number, lit: Uint8Array): boolean {
  if (e - s !== lit.length) return false;
  for (let i = 0; i < lit.length; i++) {
    if (LOWER[b[s + i] as number] !== lit[i]) return false;
  }
  return true;
}

/** Compares `b[s:e)` with `lit` exactly (methods are case-sensitive, RFC 9110 §9.1). */
function eqExact(b: Uint8Array, s: number, e: number, lit: Uint8Array): boolean {
  if (e - s !== lit.length) return false;
  for (let i = 0; i < lit.length; i++) {
    if (b[s + i] !== lit[i]) return false;
  }
  return true;
}

const asciiDecoder = new TextDecoder();

type SliceFn = (b: Uint8Array, s: number, e: number) => string;

/**
 * Node's Buffer latin1 slice, when it can be trusted here; `undefined` on Bun and elsewhere.
 * Measured twice as fast as `TextDecoder` over 12 to 1,000 bytes (Node 20: 45–170 ns against
 * 100–340 ns), and a head is decoded whole whenever a field longer than 8 bytes is read. On Bun
 * the decoder was as fast or faster for the short spans of a head, so it stays the way there.
 */
const nativeLatin1: SliceFn | undefined = pickNativeLatin1();

/** `b[s:e)`, all ASCII, as a string. */
const asciiString: SliceFn = nativeLatin1 ?? ((b, s, e) => asciiDecoder.decode(b.subarray(s, e)));

function pickNativeLatin1(): SliceFn | undefined {
  const g = globalThis as { Bun?: unknown; Buffer?: { prototype?: { latin1Slice?: unknown } } };
  const slice = g.Bun === undefined ? g.Buffer?.prototype?.latin1Slice : undefined;
  if (typeof slice !== 'function') return undefined;
  const latin1Slice = slice as (this: Uint8Array, s: number, e: number) => string;
  // `latin1Slice` is not in Node's documentation: it is used only if it answers a probe on a
  // plain Uint8Array (what the parser is given in tests) as a latin1 decoder must.
  try {
    if (latin1Slice.call(new Uint8Array([0x61, 0x62, 0xe9, 0x63]), 1, 3) !== 'b\u00e9') {
      return undefined;
    }
  } catch {
    return undefined;
  }
  return (b, s, e) => latin1Slice.call(b, s, e);
}

const fcc = String.fromCharCode;

/**
 * `b[s:e)` as a flat string of at most 8 latin1 characters, in one allocation: `fromCharCode`
 * with a fixed number of arguments. Appending one character at a time instead builds a rope of
 * up to 8 nodes that is flattened again on first use (measured 2–3× slower, Bun 1.4.5).
 */
function short(b: Uint8Array, s: number, n: number): string {
  switch (n) {
    case 1:
      return fcc(b[s] as number);
    case 2:
      return fcc(b[s] as number, b[s + 1] as number);
    case 3:
      return fcc(b[s] as number, b[s + 1] as number, b[s + 2] as number);
    case 4:
      return fcc(b[s] as number, b[s + 1] as number, b[s + 2] as number, b[s + 3] as number);
    case 5:
      return fcc(
        b[s] as number,
        b[s + 1] as number,
        b[s + 2] as number,
        b[s + 3] as number,
        b[s + 4] as number,
      );
    case 6:
      return fcc(
        b[s] as number,
        b[s + 1] as number,
        b[s + 2] as number,
        b[s + 3] as number,
        b[s + 4] as number,
        b[s + 5] as number,
      );
    case 7:
      return fcc(
        b[s] as number,
        b[s + 1] as number,
        b[s + 2] as number,
        b[s + 3] as number,
        b[s + 4] as number,
        b[s + 5] as number,
        b[s + 6] as number,
      );
    default:
      return fcc(
        b[s] as number,
        b[s + 1] as number,
        b[s + 2] as number,
        b[s + 3] as number,
        b[s + 4] as number,
        b[s + 5] as number,
        b[s + 6] as number,
        b[s + 7] as number,
      );
  }
}

/**
 * Decodes `b[s:e)` as latin1 (one UTF-16 code unit per octet), how core-listener's `Header`
 * holds values. Measured on Bun 1.4.5: up to 8 bytes, `fromCharCode` with that many arguments
 * beats any decoder call; for longer pure-ASCII runs, `TextDecoder` (UTF-8 = ASCII there) is
 * fastest; on Node, Buffer's native latin1 slice beats both for any length over 8. Non-ASCII
 * octets are rare and take `fromCharCode` in slices small enough for `apply`'s argument limit.
 * (`TextDecoder('latin1')` is windows-1252 per WHATWG, so it cannot be used.)
 */
export function latin1(b: Uint8Array, s: number, e: number): string {
  const n = e - s;
  if (n <= 0) return '';
  if (n <= 8) return short(b, s, n);
  if (nativeLatin1 !== undefined) return nativeLatin1(b, s, e);
  let i = s;
  while (i < e && (b[i] as number) < 0x80) i++;
  if (i === e) return asciiString(b, s, e);
  let r = '';
  for (let k = s; k < e; k += 4096) {
    const part = b.subarray(k, Math.min(e, k + 4096));
    r += String.fromCharCode.apply(null, part as unknown as number[]);
  }
  return r;
}

// Request targets repeat (a server answers the same few paths over and over), and building a
// short string from bytes costs more than checking the bytes against the string built last time
// (Bun 1.4.5: a 6-byte `fromCharCode` was 6 % of a pipelined request). A direct-mapped cache of
// 256 recent targets, keyed by a hash of the bytes, shared by every parser of the process; a
// target is only ever returned when every byte matches.
const recentTargets: string[] = new Array<string>(256).fill('');
const maxCachedTarget = 64;

function recentTarget(b: Uint8Array, s: number, e: number): string {
  const n = e - s;
  if (n > maxCachedTarget) return latin1(b, s, e);
  let h = n;
  for (let i = s; i < e; i++) h = (h * 31 + (b[i] as number)) | 0;
  const slot = (h ^ (h >>> 8) ^ (h >>> 16)) & 0xff;
  const hit = recentTargets[slot] as string;
  if (hit.length === n) {
    let i = 0;
    while (i < n && hit.charCodeAt(i) === b[s + i]) i++;
    if (i === n) return hit;
  }
  const t = latin1(b, s, e);
  recentTargets[slot] = t;
  return t;
}

/**
 * The fields of one parsed head, kept after the parser has moved on to the next message: what a
 * server hands to a request object so that names and values are decoded only if a handler asks
 * (most never do). Taken with {@link HTTPParser.headFields}; nothing is decoded when it is taken.
 *
 * Lifetime: when the head was parsed in place it shares the caller's buffer (valid while the
 * caller does not overwrite those bytes, as the parser's own accessors are); a head that
 * straddled reads is copied out of the parser's carry buffer, which the next head reuses.
 *
 * Like Node's `rawHeaders`, duplicates stay separate and wire order is kept; unlike it, names
 * come in Go's canonical form on request.
 */
export class HeadFields {
  /** Number of fields. */
  readonly count: number;
  /** Index of the request's `Host` field, -1 when it has none (a request has at most one). */
  readonly hostIndex: number;
  readonly #buf: Uint8Array;
  readonly #offs: number[];
  readonly #start: number;
  readonly #end: number;
  readonly #ascii: boolean;
  #text: string | null = null;

  /** Not for direct use: {@link HTTPParser.headFields} builds it. */
  constructor(
    buf: Uint8Array,
    offs: number[],
    count: number,
    hostIndex: number,
    start: number,
    end: number,
    ascii: boolean,
  ) {
    this.#buf = buf;
    this.#offs = offs;
    this.count = count;
    this.hostIndex = hostIndex;
    this.#start = start;
    this.#end = end;
    this.#ascii = ascii;
  }

  /** Name of field `i` as sent. */
  name(i: number): string {
    const o = this.#offs;
    return this.#str(o[4 * i] as number, o[4 * i + 1] as number);
  }

  /** Name of field `i` in Go's canonical form (see {@link HTTPParser.canonicalHeaderName}). */
  canonicalName(i: number): string {
    const o = this.#offs;
    const b = this.#buf;
    const s = o[4 * i] as number;
    const e = o[4 * i + 1] as number;
    return commonName(b, s, e) ?? recase(b, s, e) ?? this.#str(s, e);
  }

  /** Value of field `i`, latin1, surrounding whitespace removed. */
  value(i: number): string {
    const o = this.#offs;
    return this.#str(o[4 * i + 2] as number, o[4 * i + 3] as number);
  }

  // Same policy as the parser's own spans: short ones directly, longer ones as substrings of
  // the head decoded once.
  #str(s: number, e: number): string {
    if (e <= s) return '';
    let t = this.#text;
    if (t === null) {
      if (e - s <= 8) return short(this.#buf, s, e - s);
      t = this.#ascii
        ? asciiString(this.#buf, this.#start, this.#end)
        : latin1(this.#buf, this.#start, this.#end);
      this.#text = t;
    }
    return t.substring(s - this.#start, e - this.#start);
  }
}

/**
 * A strict, incremental HTTP/1.1 parser for requests or responses, reusable across the messages
 * of one connection.
 *
 * Drive it with `execute(buf, start, end)` in a loop, acting on the returned {@link ParseEvent}
 * and continuing from `offset`; see the package README for the connection loop. It never calls
 * back, never allocates per byte, and never holds more than its limits: a head that straddles
 * reads is retained (copied, ≤ `maxHeaderBytes`), trailers likewise (≤ `maxTrailerBytes`),
 * chunk extensions (≤ `maxChunkExtensionBytes`); body bytes are handed out as views.
 *
 * Head accessors (method, target, fields) are valid from `Head` until the next head starts or the
 * caller overwrites the bytes of the head in its buffer — decode what you keep before reusing
 * the buffer. Numbers and flags (`framing`, `contentLength`, `keepAlive`, …) stay valid until
 * the next `Head`.
 *
 * Mirrors what Go's `http.ReadRequest`/`ReadResponse` and `textproto.Reader` accept, made
 * stricter where the smuggling research of the last years says so (see README, "Strictness").
 *
 * @throws {ParseError} from `execute`/`finish` on any invalid input; the parser then stays failed.
 */
export class HTTPParser {
  // options
  #isResponse: boolean;
  #maxHead: number;
  #maxLine: number;
  #maxCount: number;
  #maxExt: number;
  #maxTrailer: number;
  #maxBody: number;
  #bareLF: boolean;

  // driving state
  #state = S_HEAD;
  #paused = false;
  #failure: ParseError | null = null;
  #buf: Uint8Array = new Uint8Array(0);
  #offset = 0;
  #stream = 0; // stream offset of `start` of the current call
  #base = 0; // add to a position in the buffer being scanned to get its stream offset

  // head
  #headBuf: Uint8Array = new Uint8Array(0);
  #carry: Uint8Array | null = null;
  #carryLen = 0;
  #headStream = 0;
  #headStart = 0;
  #lineStart = 0;
  #lfScan = 0;
  #sawStartLine = false;
  #fields: Int32Array = new Int32Array(64);
  #fieldCount = 0;
  #methodStart = 0;
  #methodEnd = 0;
  #targetStart = 0;
  #targetEnd = 0;
  #reasonStart = 0;
  #reasonEnd = 0;
  #minor = 1;
  #status = 0;
  #isConnect = false;
  #method: string | null = null;
  #target: string | null = null;
  #headEnd = 0;
  #nonAscii = 0; // bit 2 set once a head byte ≥ 0x80 was seen
  #headString: string | null = null;

  // field facts gathered while parsing the head
  #hostCount = 0;
  #hostIndex = -1;
  #clCount = 0;
  #clStart = 0;
  #clEnd = 0;
  #cl = 0;
  #teCount = 0;
  #teChunked = false;
  #teLastChunked = false;
  #connClose = false;
  #connKeepAlive = false;
  #connUpgrade = false;
  #hasUpgrade = false;
  #expect = false;
  #expectOther = false;

  // results
  #framing: Framing = Framing.None;
  #contentLength = -1;
  #keepAlive = false;
  #upgrade = false;
  #stopAfter = false;
  #headResponse = false;
  #connectResponse = false;

  // body
  #remaining = 0;
  #bodyTotal = 0; // declared: Content-Length, or the chunk sizes seen so far
  #delivered = 0;
  #bodyStart = 0;
  #bodyEnd = 0;
  #chunkSize = 0;
  #chunkDigits = 0;
  #extState = X_BWS;
  #ext: Uint8Array | null = null;
  #extLen = 0;
  #extTotal = 0;
  #extString: string | null = null;

  // trailers
  #trailerBuf: Uint8Array | null = null;
  #trailerLen = 0;
  #trailerStream = 0;
  #trailerLine = 0;
  #trailerScan = 0;
  #trailers: Int32Array = new Int32Array(0);
  #trailerCount = 0;

  /** Creates a parser; see {@link ParserOptions} for the defaults. */
  constructor(options: ParserOptions = {}) {
    this.#isResponse = options.kind === 'response';
    this.#maxHead = options.maxHeaderBytes ?? 1 << 20;
    this.#maxLine = options.maxRequestLineBytes ?? 64 << 10;
    this.#maxCount = options.maxHeaderCount ?? 1000;
    this.#maxExt = options.maxChunkExtensionBytes ?? 16 << 10;
    this.#maxTrailer = options.maxTrailerBytes ?? 64 << 10;
    this.#maxBody = options.maxBodyBytes ?? MAX_SAFE;
    this.#bareLF = options.allowBareLF === true;
  }

  /**
   * Forgets everything — state, failure, retained bytes, stream offset — so the parser can serve
   * a new connection. Buffers already grown are kept for reuse; they never exceed the limits.
   */
  reset(): void {
    this.#state = S_HEAD;
    this.#paused = false;
    this.#failure = null;
    this.#buf = new Uint8Array(0);
    this.#offset = 0;
    this.#stream = 0;
    this.#carryLen = 0;
    this.#trailerLen = 0;
    this.#headResponse = false;
    this.#connectResponse = false;
    this.#beginHead(this.#headBuf, 0);
  }

  /**
   * Lets go of the caller's last buffer and the last head's decoded strings, when the parser is
   * between messages with no partial head kept (otherwise it does nothing). A server calls it as
   * a connection goes idle, so that a collection meanwhile finds the last request's bytes dead
   * instead of promoting them; head accessors are not to be used again until the next `Head`.
   * Node's `parser.remove()`/`freeParser` exists for the same reason.
   */
  release(): void {
    if (this.#state !== S_HEAD || this.#carryLen !== 0 || this.#paused) return;
    this.#buf = noBytes;
    this.#offset = 0;
    if (this.#headBuf !== this.#carry) this.#headBuf = noBytes;
    this.#method = null;
    this.#target = null;
    this.#headString = null;
  }

  /**
   * Responses only: tells the parser which request the next response answers, since that decides
   * its framing (RFC 9112 §6.3): to HEAD there is no body; a 2xx to CONNECT starts a tunnel.
   * Applies until the next final (non-1xx) response ends.
   */
  expectResponseTo(method: string): void {
    this.#headResponse = method === 'HEAD';
    this.#connectResponse = method === 'CONNECT';
  }

  /** Makes `execute` return `Paused` without consuming anything until `resume()`. */
  pause(): void {
    this.#paused = true;
  }

  /** Undoes `pause()`. */
  resume(): void {
    this.#paused = false;
  }

  /** Whether `pause()` is in effect. */
  get paused(): boolean {
    return this.#paused;
  }

  /** Index in the last buffer given to `execute` of the first byte not yet consumed. */
  get offset(): number {
    return this.#offset;
  }

  /** Bytes consumed since `reset()`: the stream offset of `offset`. */
  get streamOffset(): number {
    return this.#stream;
  }

  /**
   * Parses `buf[start:end)` up to the next event and returns it; `offset` is then the first byte
   * not consumed (the next call starts there, or at 0 of the next buffer when all was consumed).
   * Bytes of an incomplete head or trailer section are retained by the parser (copied, within the
   * limits), so the caller may reuse its buffer after `NeedMore`; body bytes are not, so a caller
   * keeps `body()` views only as long as it does not overwrite them.
   *
   * @throws {ParseError} on invalid input or a breached limit; every later call rethrows it.
   */
  execute(buf: Uint8Array, start = 0, end: number = buf.length): ParseEvent {
    // The two calls a keep-alive connection makes after every body-less message — the end of
    // the message, then "no more input" — cannot fail; answer them before the general machine.
    // (S_FAILED and pause are neither state nor flag here, so the checks below still guard.)
    const state = this.#state;
    if (!this.#paused) {
      if (state === S_END) {
        this.#buf = buf;
        this.#offset = start;
        this.#endMessage();
        return ParseEvent.MessageEnd;
      }
      if (state === S_HEAD && start >= end && this.#carryLen === 0) {
        this.#buf = buf;
        this.#offset = end;
        this.#stream += end - start;
        return ParseEvent.NeedMore;
      }
    }
    if (this.#failure !== null) throw this.#failure;
    if (this.#paused) {
      this.#offset = start;
      return ParseEvent.Paused;
    }
    this.#buf = buf;
    let event: ParseEvent;
    try {
      event = this.#run(buf, start, end);
    } catch (err) {
      if (err instanceof ParseError) {
        this.#failure = err;
        this.#state = S_FAILED;
      }
      throw err;
    }
    this.#stream += this.#offset - start;
    return event;
  }

  /**
   * Tells the parser the peer closed the connection (EOF). Returns `MessageEnd` when that ends a
   * close-delimited response body, `Stopped` when the stream ended between messages.
   *
   * @throws {ParseError} 400 "unexpected end of stream" when a message was cut short.
   */
  finish(): ParseEvent {
    if (this.#failure !== null) throw this.#failure;
    const s = this.#state;
    if (s === S_BODY_EOF) {
      this.#state = S_STOPPED;
      return ParseEvent.MessageEnd;
    }
    if (s === S_END) {
      this.#endMessage();
      return ParseEvent.MessageEnd;
    }
    if (s === S_STOPPED || (s === S_HEAD && this.#carryLen === 0)) {
      this.#state = S_STOPPED;
      return ParseEvent.Stopped;
    }
    const err = new ParseError(400, 'unexpected end of stream', this.#stream);
    this.#failure = err;
    this.#state = S_FAILED;
    throw err;
  }

  // ---------------------------------------------------------------- head results

  /** Request method as sent (case-sensitive token); common methods are interned strings. */
  get method(): string {
    if (this.#method !== null) return this.#method;
    const b = this.#headBuf;
    const s = this.#methodStart;
    const e = this.#methodEnd;
    for (let i = 0; i < METHOD_BYTES.length; i++) {
      if (eqExact(b, s, e, METHOD_BYTES[i] as Uint8Array)) {
        this.#method = METHODS[i] as string;
        return this.#method;
      }
    }
    this.#method = this.#str(s, e);
    return this.#method;
  }

  /** The raw request-target (Go's `RequestURI`), undecoded: origin, absolute, authority or `*`. */
  get target(): string {
    // Alone (the common case: a router needs only the target) it is decoded by itself rather
    // than through the whole-head string.
    this.#target ??=
      this.#headString === null
        ? recentTarget(this.#headBuf, this.#targetStart, this.#targetEnd)
        : this.#str(this.#targetStart, this.#targetEnd);
    return this.#target;
  }

  /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
  get versionMinor(): number {
    return this.#minor;
  }

  /** `"HTTP/1.0"` or `"HTTP/1.1"` (Go's `Proto`). */
  get proto(): string {
    return this.#minor === 1 ? 'HTTP/1.1' : 'HTTP/1.0';
  }

  /** Responses: the status code (100–999). */
  get statusCode(): number {
    return this.#status;
  }

  /** Responses: the reason phrase, possibly empty. */
  get reason(): string {
    return this.#isResponse ? this.#str(this.#reasonStart, this.#reasonEnd) : '';
  }

  /** Number of header fields, in wire order, duplicates kept. */
  get headerCount(): number {
    return this.#fieldCount;
  }

  /** Name of field `i` as sent (not canonicalized). */
  headerName(i: number): string {
    const f = this.#fields;
    const s = f[4 * i] as number;
    const e = f[4 * i + 1] as number;
    if (this.#headString === null) {
      // Until the head is decoded, a common name sent in canonical case (`Host`) is handed out
      // interned rather than built. Once it is, a substring is cheaper than comparing bytes
      // (callgrind: bench/http-parser --callgrind).
      const b = this.#headBuf;
      const c = commonName(b, s, e);
      if (c !== null && sameBytes(b, s, c)) return c;
    }
    return this.#str(s, e);
  }

  /**
   * Name of field `i` in Go's canonical form, as `http.Header` keys it
   * (`textproto.CanonicalMIMEHeaderKey`: `content-TYPE` → `Content-Type`; names are always
   * tokens here, so always canonicalized). Common names (Go's interned list plus the usual
   * browser, proxy and CORS fields) are returned as interned constants straight from the bytes —
   * no substring, no hash of a fresh string; other names are built only when not canonical
   * already. `''` for an index outside `[0, headerCount)`.
   *
   * For a server building a `Header`: `header.add(p.canonicalHeaderName(i), p.headerValue(i))`
   * replaces `CanonicalHeaderKey(p.headerName(i))`.
   */
  canonicalHeaderName(i: number): string {
    if (!(i >= 0 && i < this.#fieldCount)) return '';
    const f = this.#fields;
    const b = this.#headBuf;
    const s = f[4 * i] as number;
    const e = f[4 * i + 1] as number;
    return commonName(b, s, e) ?? recase(b, s, e) ?? this.#str(s, e);
  }

  /**
   * The value of the request's `Host` field, `''` when it has none (HTTP/1.0). O(1): the
   * parser noted the field while checking it (a request has at most one; a second is a 400).
   * The raw field, as Go's `Request.Host` is for an origin-form target; for an absolute-form
   * target Go takes the host from the target instead.
   */
  get host(): string {
    const i = this.#hostIndex;
    return i < 0 ? '' : this.headerValue(i);
  }

  /** Value of field `i`, latin1, leading and trailing whitespace removed (RFC 9110 §5.5). */
  headerValue(i: number): string {
    const f = this.#fields;
    return this.#str(f[4 * i + 2] as number, f[4 * i + 3] as number);
  }

  /**
   * Index of the first field at or after `from` whose name equals `name` ignoring ASCII case, or
   * -1. Compares bytes in place: no string is built for the fields it skips.
   */
  headerIndex(name: string, from = 0): number {
    return indexOfField(this.#headBuf, this.#fields, this.#fieldCount, name, from);
  }

  /** Value of the first field named `name` (ASCII case-insensitive), or `undefined`. */
  header(name: string): string | undefined {
    const i = this.headerIndex(name);
    return i < 0 ? undefined : this.headerValue(i);
  }

  /**
   * The current head's fields as a {@link HeadFields} that outlives this message: offsets are
   * copied (four numbers a field), bytes only when the head straddled reads. Costs no decoding;
   * a server takes it for every request and decodes lazily.
   */
  headFields(): HeadFields {
    const n = this.#fieldCount;
    const f = this.#fields;
    let buf = this.#headBuf;
    let start = this.#headStart;
    let end = this.#headEnd;
    let shift = 0;
    if (buf === this.#carry) {
      // The carry buffer is refilled by the next split head: keep a copy of this one.
      buf = buf.slice(start, end);
      shift = start;
      end -= start;
      start = 0;
    }
    const offs = new Array<number>(4 * n);
    for (let i = 0; i < 4 * n; i++) offs[i] = (f[i] as number) - shift;
    return new HeadFields(buf, offs, n, this.#hostIndex, start, end, (this.#nonAscii & 2) === 0);
  }

  /** All fields as a flat `[name, value, name, value, …]` array (Node's `rawHeaders`). */
  rawHeaders(): string[] {
    const out = new Array<string>(2 * this.#fieldCount);
    for (let i = 0; i < this.#fieldCount; i++) {
      out[2 * i] = this.headerName(i);
      out[2 * i + 1] = this.headerValue(i);
    }
    return out;
  }

  /** How the body is delimited; see {@link Framing}. */
  get framing(): Framing {
    return this.#framing;
  }

  /** The parsed Content-Length, or -1 when there is none (chunked, close-delimited, absent). */
  get contentLength(): number {
    return this.#contentLength;
  }

  /**
   * Whether the connection may carry another message after this one (RFC 9112 §9.3): HTTP/1.1
   * unless `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`; never for a
   * close-delimited response. Go: `Request.wantsClose` / `shouldClose`.
   */
  get keepAlive(): boolean {
    return this.#keepAlive;
  }

  /**
   * Requests: CONNECT, or `Connection: upgrade` with an `Upgrade` field (the server decides
   * whether to switch; a CONNECT stops the parser after the message). Responses: 101, or a 2xx
   * to CONNECT; the parser then stops and the bytes from `offset` are the new protocol's.
   */
  get upgrade(): boolean {
    return this.#upgrade;
  }

  /** An HTTP/1.1 request carried `Expect: 100-continue` (Go sends 100 Continue on first read). */
  get expectContinue(): boolean {
    return this.#expect;
  }

  /**
   * A request carried a non-empty `Expect` other than `100-continue`, which a server cannot meet:
   * Go's server answers `417 Expectation Failed` and closes (RFC 9110 §10.1.1), without calling
   * the handler.
   */
  get unsupportedExpectation(): boolean {
    return this.#expectOther;
  }

  /**
   * A span of the head as a string. The first call for a span longer than 8 bytes decodes the
   * whole head once (one native decoder call when it is ASCII, as the parse loops recorded);
   * every span is then a substring, which is far cheaper than one decoder call per field
   * (measured: bench/http-parser). Shorter spans asked for before that are built directly.
   */
  #str(s: number, e: number): string {
    if (e <= s) return '';
    const base = this.#headStart;
    let h = this.#headString;
    if (h === null) {
      // A short span before anything longer was asked for (`Host: a.io` of a minimal request):
      // one small string costs less than decoding the whole head for it.
      if (e - s <= 8) return short(this.#headBuf, s, e - s);
      const b = this.#headBuf;
      h =
        (this.#nonAscii & 2) === 0
          ? asciiString(b, base, this.#headEnd)
          : latin1(b, base, this.#headEnd);
      this.#headString = h;
    }
    return h.substring(s - base, e - base);
  }

  // ---------------------------------------------------------------- body results

  /** Start of the `Body` piece in the last buffer given to `execute`. */
  get bodyStart(): number {
    return this.#bodyStart;
  }

  /** End (exclusive) of the `Body` piece in the last buffer given to `execute`. */
  get bodyEnd(): number {
    return this.#bodyEnd;
  }

  /** The `Body` piece as a zero-copy view of the caller's buffer. */
  body(): Uint8Array {
    return this.#buf.subarray(this.#bodyStart, this.#bodyEnd);
  }

  /** Content bytes of this message delivered so far (for a server-side body limit). */
  get bodyBytes(): number {
    return this.#delivered;
  }

  /** At `ChunkExtension`: the size of the chunk whose size line carried the extensions. */
  get chunkSize(): number {
    return this.#chunkSize;
  }

  /** At `ChunkExtension`: the extensions as sent, from the first `;` or BWS, e.g. `;a=1;b`. */
  get chunkExtensions(): string {
    this.#extString ??= this.#ext === null ? '' : latin1(this.#ext, 0, this.#extLen);
    return this.#extString;
  }

  /** Number of trailer fields of the message (valid from `Trailers` until the next head). */
  get trailerCount(): number {
    return this.#trailerCount;
  }

  /** Name of trailer field `i` as sent. */
  trailerName(i: number): string {
    const f = this.#trailers;
    return latin1(this.#trailerBuf as Uint8Array, f[4 * i] as number, f[4 * i + 1] as number);
  }

  /** Value of trailer field `i`, whitespace-trimmed. */
  trailerValue(i: number): string {
    const f = this.#trailers;
    return latin1(this.#trailerBuf as Uint8Array, f[4 * i + 2] as number, f[4 * i + 3] as number);
  }

  /** Value of the first trailer field named `name` (ASCII case-insensitive), or `undefined`. */
  trailer(name: string): string | undefined {
    if (this.#trailerBuf === null) return undefined;
    const i = indexOfField(this.#trailerBuf, this.#trailers, this.#trailerCount, name, 0);
    return i < 0 ? undefined : this.trailerValue(i);
  }

  // ---------------------------------------------------------------- the machine

  #run(buf: Uint8Array, start: number, end: number): ParseEvent {
    let p = start;
    for (;;) {
      switch (this.#state) {
        case S_HEAD:
          return this.#head(buf, p, end);

        case S_BODY_LENGTH: {
          if (p >= end) return this.#need(end);
          const n = Math.min(end - p, this.#remaining);
          this.#bodyStart = p;
          this.#bodyEnd = p + n;
          this.#remaining -= n;
          this.#delivered += n;
          if (this.#remaining === 0) this.#state = S_END;
          this.#offset = p + n;
          return ParseEvent.Body;
        }

        case S_CHUNK_DATA: {
          if (p >= end) return this.#need(end);
          const n = Math.min(end - p, this.#remaining);
          this.#bodyStart = p;
          this.#bodyEnd = p + n;
          this.#remaining -= n;
          this.#delivered += n;
          if (this.#remaining === 0) this.#state = S_CHUNK_DATA_CR;
          this.#offset = p + n;
          return ParseEvent.Body;
        }

        case S_CHUNK_DATA_CR: {
          if (p >= end) return this.#need(end);
          const c = buf[p] as number;
          if (c === CR) {
            this.#state = S_CHUNK_DATA_LF;
          } else if (c === LF && this.#bareLF) {
            this.#beginChunk();
          } else {
            throw this.#error(400, 'missing CRLF after chunk data', p, start);
          }
          p++;
          break;
        }

        case S_CHUNK_DATA_LF: {
          if (p >= end) return this.#need(end);
          if (buf[p] !== LF) throw this.#error(400, 'bare CR after chunk data', p, start);
          p++;
          this.#beginChunk();
          break;
        }

        case S_CHUNK_SIZE:
        case S_CHUNK_EXT:
        case S_CHUNK_LF: {
          p = this.#chunkLine(buf, p, end, start);
          if (p < 0) return this.#need(end);
          if (this.#extLen > 0) {
            this.#offset = p;
            return ParseEvent.ChunkExtension;
          }
          break;
        }

        case S_TRAILERS:
          return this.#trailerSection(buf, p, end);

        case S_BODY_EOF: {
          if (p >= end) return this.#need(end);
          this.#bodyStart = p;
          this.#bodyEnd = end;
          this.#bodyTotal += end - p;
          this.#delivered += end - p;
          this.#offset = end;
          return ParseEvent.Body;
        }

        case S_END:
          this.#offset = p;
          this.#endMessage();
          return ParseEvent.MessageEnd;

        default: // S_STOPPED (S_FAILED never gets here: execute rethrows first)
          this.#offset = p;
          return ParseEvent.Stopped;
      }
    }
  }

  #need(end: number): ParseEvent {
    this.#offset = end;
    return ParseEvent.NeedMore;
  }

  #error(status: number, reason: string, p: number, start: number): ParseError {
    return new ParseError(status, reason, this.#stream + (p - start));
  }

  #fail(status: number, reason: string, p: number): ParseError {
    return new ParseError(status, reason, this.#base + p);
  }

  #endMessage(): void {
    if (this.#stopAfter) {
      this.#state = S_STOPPED;
      return;
    }
    this.#state = S_HEAD;
    if (this.#isResponse && this.#status >= 200) {
      this.#headResponse = false;
      this.#connectResponse = false;
    }
  }

  #beginHead(b: Uint8Array, start: number): void {
    this.#headBuf = b;
    this.#headStart = start;
    this.#lineStart = start;
    this.#lfScan = start;
    this.#sawStartLine = false;
    this.#fieldCount = 0;
    this.#method = null;
    this.#target = null;
    this.#headString = null;
    this.#nonAscii = 0;
    this.#status = 0;
    this.#isConnect = false;
    this.#hostCount = 0;
    this.#hostIndex = -1;
    this.#clCount = 0;
    this.#teCount = 0;
    this.#teChunked = false;
    this.#teLastChunked = false;
    this.#connClose = false;
    this.#connKeepAlive = false;
    this.#connUpgrade = false;
    this.#hasUpgrade = false;
    this.#expect = false;
    this.#expectOther = false;
    this.#trailerCount = 0;
  }

  /** S_HEAD: parse in place when the head is whole, else retain it in #carry. */
  #head(buf: Uint8Array, start: number, end: number): ParseEvent {
    const oldLen = this.#carryLen;
    if (oldLen === 0) {
      if (start >= end) return this.#need(end);
      this.#base = this.#stream - start;
      this.#beginHead(buf, start);
      if (!this.#isResponse) {
        const fast = this.#fastRequestHead(buf, start, end);
        if (fast >= 0) {
          this.#offset = fast;
          return this.#finishHead(fast);
        }
        // Something unusual, or the head is incomplete: the general machine parses it from the
        // start and decides every error, so the fast path can never loosen a rule.
        this.#beginHead(buf, start);
      }
      const headEnd = this.#lines(buf, end, false);
      if (headEnd >= 0) {
        this.#offset = headEnd;
        return this.#finishHead(headEnd);
      }
      // Incomplete: start over in #carry. The in-place work is lost once per split head.
      this.#headStream = this.#stream;
      this.#beginHead(this.#headBuf, 0);
    }
    const carry = this.#ensureCarry(Math.min(this.#maxHead, oldLen + (end - start)));
    const take = Math.min(end - start, this.#maxHead - oldLen);
    carry.set(buf.subarray(start, start + take), oldLen);
    this.#carryLen = oldLen + take;
    this.#headBuf = carry;
    this.#base = this.#headStream;
    const headEnd = this.#lines(carry, this.#carryLen, true);
    if (headEnd >= 0) {
      this.#carryLen = 0;
      this.#offset = start + (headEnd - oldLen);
      return this.#finishHead(headEnd);
    }
    if (this.#carryLen >= this.#maxHead) {
      throw this.#fail(431, 'request header fields too large', this.#maxHead);
    }
    return this.#need(end);
  }

  /**
   * The request head as nearly every client sends it, whole in one buffer: one of the common
   * methods, an origin-form target, `HTTP/1.1` or `HTTP/1.0`, CRLF everywhere. One pass, no
   * per-line bookkeeping, the method string interned on the spot. Returns the index after the
   * head, or -1 as soon as anything differs (another method or target form, any whitespace or
   * byte the grammar rejects, a limit reached, input ending early); the caller then re-parses
   * with `#lines`, which decides every error. So this path accepts a subset of what `#lines`
   * accepts, records the same offsets and facts, and calls `#special` for the same fields in the
   * same order (its errors are the ones `#lines` would throw first: every earlier line is valid).
   *
   *     GET / HTTP/1.1␍␊Host: a.io␍␊␍␊   method "GET" [0,3), target [4,5), minor 1,
   *                                      field [16,20) [22,26), head end 30
   */
  #fastRequestHead(b: Uint8Array, start: number, end: number): number {
    // 18 bytes is the shortest whole head ("GET / HTTP/1.0␍␊␍␊"), so the method bytes read
    // below are all inside [start, end).
    if (end - start < 18) return -1;
    let p = start;
    let method: string;
    switch (b[p]) {
      case 0x47: // GET
        if (b[p + 1] !== 0x45 || b[p + 2] !== 0x54) return -1;
        method = 'GET';
        p += 3;
        break;
      case 0x50: // POST PUT PATCH
        if (b[p + 1] === 0x4f && b[p + 2] === 0x53 && b[p + 3] === 0x54) {
          method = 'POST';
          p += 4;
        } else if (b[p + 1] === 0x55 && b[p + 2] === 0x54) {
          method = 'PUT';
          p += 3;
        } else if (
          b[p + 1] === 0x41 &&
          b[p + 2] === 0x54 &&
          b[p + 3] === 0x43 &&
          b[p + 4] === 0x48
        ) {
          method = 'PATCH';
          p += 5;
        } else return -1;
        break;
      case 0x48: // HEAD
        if (b[p + 1] !== 0x45 || b[p + 2] !== 0x41 || b[p + 3] !== 0x44) return -1;
        method = 'HEAD';
        p += 4;
        break;
      case 0x44: // DELETE
        if (
          b[p + 1] !== 0x45 ||
          b[p + 2] !== 0x4c ||
          b[p + 3] !== 0x45 ||
          b[p + 4] !== 0x54 ||
          b[p + 5] !== 0x45
        ) {
          return -1;
        }
        method = 'DELETE';
        p += 6;
        break;
      default:
        return -1;
    }
    if (b[p] !== SP || b[p + 1] !== 0x2f) return -1;
    this.#method = method;
    this.#methodEnd = p;
    const ts = ++p;
    let hi = 0;
    while (p < end) {
      const t = TARGET[b[p] as number] as number;
      if (t === 0) break;
      hi |= t;
      p++;
    }
    // SP "HTTP/1." ("0" / "1") CR LF
    if (
      p + 11 > end ||
      b[p] !== SP ||
      b[p + 1] !== 0x48 ||
      b[p + 2] !== 0x54 ||
      b[p + 3] !== 0x54 ||
      b[p + 4] !== 0x50 ||
      b[p + 5] !== 0x2f ||
      b[p + 6] !== 0x31 ||
      b[p + 7] !== 0x2e ||
      b[p + 9] !== CR ||
      b[p + 10] !== LF
    ) {
      return -1;
    }
    const minor = (b[p + 8] as number) - 0x30;
    if (minor !== 0 && minor !== 1) return -1;
    if (p + 9 - start > this.#maxLine || p + 11 - start > this.#maxHead) return -1;
    this.#methodStart = start;
    this.#targetStart = ts;
    this.#targetEnd = p;
    this.#minor = minor;
    p += 11;

    const maxHead = this.#maxHead;
    const maxCount = this.#maxCount;
    let f = this.#fields;
    let n = 0;
    for (;;) {
      if (p + 1 >= end) return -1;
      const s = p;
      if (b[p] === CR) {
        if (b[p + 1] !== LF) return -1;
        p += 2;
        break;
      }
      while (p < end && TOKEN[b[p] as number] === 1) p++;
      if (p === s || p >= end || b[p] !== 0x3a) return -1;
      const ne = p++;
      while (p < end && (b[p] === SP || b[p] === HT)) p++;
      const vs = p;
      while (p < end) {
        const t = FIELD_VALUE[b[p] as number] as number;
        if (t === 0) break;
        hi |= t;
        p++;
      }
      if (p + 1 >= end || b[p] !== CR || b[p + 1] !== LF) return -1;
      let ve = p;
      while (ve > vs && (b[ve - 1] === SP || b[ve - 1] === HT)) ve--;
      p += 2;
      if (n >= maxCount) return -1;
      if (4 * n + 4 > f.length) {
        f = grow(f, 4 * n + 4);
        this.#fields = f;
      }
      f[4 * n] = s;
      f[4 * n + 1] = ne;
      f[4 * n + 2] = vs;
      f[4 * n + 3] = ve;
      this.#fieldCount = ++n;
      const len = ne - s;
      if (len >= 4 && len <= 17 && (len <= 7 || len === 10 || len === 14 || len === 17)) {
        this.#special(b, s, ne, vs, ve);
      }
      if (p - start > maxHead) return -1;
    }
    if (p - start > maxHead) return -1;
    this.#nonAscii |= hi;
    return p;
  }

  #ensureCarry(n: number): Uint8Array {
    let c = this.#carry;
    if (c === null || c.length < n) {
      let size = c === null ? 1024 : c.length;
      while (size < n) size *= 2;
      const grown = new Uint8Array(Math.min(size, Math.max(n, this.#maxHead)));
      if (c !== null) grown.set(c.subarray(0, this.#carryLen));
      this.#carry = grown;
      c = grown;
    }
    return c;
  }

  /**
   * Parses complete lines of the head in `b` from `#lineStart` up to `limit`. Returns the index
   * just past the empty line that ends the head, or -1 when more bytes are needed. With `carry`
   * set, a line is parsed only once its LF is present (`#lfScan` remembers the search), so no
   * byte is scanned twice however the input trickles in.
   */
  #lines(b: Uint8Array, limit: number, carry: boolean): number {
    const maxHead = this.#maxHead;
    const headStart = this.#headStart;
    let p = this.#lineStart;
    for (;;) {
      let lineLimit = limit;
      if (carry) {
        let q = this.#lfScan;
        let bareCR = false;
        while (q < limit) {
          const c = b[q];
          if (c === LF) break;
          if (c === CR) {
            if (q + 1 >= limit) break; // decide when the next byte arrives
            // A CR not followed by LF ends the line for the line parser, which then reports
            // the bare CR (or an earlier error) exactly as the in-place path would.
            if (b[q + 1] !== LF) {
              bareCR = true;
              break;
            }
          }
          q++;
        }
        this.#lfScan = q;
        if (!bareCR && (q >= limit || b[q] !== LF)) {
          if (!this.#sawStartLine && !this.#isResponse && limit - p > this.#maxLine + 1) {
            throw this.#fail(414, 'request line too long', p + this.#maxLine);
          }
          return -1;
        }
        lineLimit = bareCR ? q + 2 : q + 1;
      }
      if (p >= lineLimit) return -1;
      const c = b[p] as number;
      let next: number;
      if (c === CR || c === LF) {
        // An empty line: before the start line it is skipped (RFC 9112 §2.2, robustness for
        // clients that send a CRLF after a POST body); after the fields it ends the head.
        if (c === CR) {
          if (p + 1 >= lineLimit) return -1;
          if (b[p + 1] !== LF) throw this.#fail(400, 'bare CR', p);
          next = p + 2;
        } else {
          if (!this.#bareLF) throw this.#fail(400, 'bare LF', p);
          next = p + 1;
        }
        if (next - headStart > maxHead) {
          throw this.#fail(431, 'request header fields too large', headStart + maxHead);
        }
        if (this.#sawStartLine) return next;
      } else {
        if (!this.#sawStartLine) {
          next = this.#isResponse
            ? this.#statusLine(b, p, lineLimit)
            : this.#requestLine(b, p, lineLimit);
        } else {
          next = this.#fieldLine(b, p, lineLimit, false);
        }
        if (next < 0) {
          if (!this.#sawStartLine && !this.#isResponse && lineLimit - p > this.#maxLine + 1) {
            throw this.#fail(414, 'request line too long', p + this.#maxLine);
          }
          if (lineLimit - headStart > maxHead) {
            throw this.#fail(431, 'request header fields too large', headStart + maxHead);
          }
          return -1;
        }
        if (next - headStart > maxHead) {
          throw this.#fail(431, 'request header fields too large', headStart + maxHead);
        }
        this.#sawStartLine = true;
      }
      p = next;
      this.#lineStart = p;
      this.#lfScan = p;
    }
  }

  /** Consumes the line terminator at `p` (CRLF, or LF if allowed); -1 if incomplete. */
  #lineEnd(b: Uint8Array, p: number, limit: number, what: string): number {
    const c = b[p];
    if (c === CR) {
      if (p + 1 >= limit) return -1;
      if (b[p + 1] !== LF) throw this.#fail(400, 'bare CR', p);
      return p + 2;
    }
    if (c === LF) {
      if (!this.#bareLF) throw this.#fail(400, 'bare LF', p);
      return p + 1;
    }
    throw this.#fail(400, what, p);
  }

  /** `HTTP/` DIGIT `.` DIGIT at `p` (RFC 9112 §2.3); returns the index after it or -1. */
  #version(b: Uint8Array, p: number, limit: number): number {
    // "HTTP/" is case-sensitive (RFC 9112 §2.3); Go's ParseHTTPVersion agrees.
    for (let i = 0; i < 5; i++) {
      if (p + i >= limit) return -1;
      if (b[p + i] !== HTTP_SLASH[i]) throw this.#fail(400, 'invalid HTTP version', p + i);
    }
    // DIGIT "." DIGIT, judged byte by byte so that the offset names the first bad byte however
    // much of the line has arrived (garbage fails now rather than waiting for more).
    const stop = Math.min(limit, p + 8);
    for (let i = p + 5; i < stop; i++) {
      const c = b[i] as number;
      if (i === p + 6 ? c !== 0x2e : c < 0x30 || c > 0x39) {
        throw this.#fail(400, 'invalid HTTP version', i);
      }
    }
    if (p + 7 >= limit) return -1;
    const major = (b[p + 5] as number) - 0x30;
    const minor = (b[p + 7] as number) - 0x30;
    if (major !== 1 || minor > 1) throw this.#fail(505, 'unsupported HTTP version', p);
    this.#minor = minor;
    return p + 8;
  }

  /** request-line = method SP request-target SP HTTP-version CRLF (RFC 9112 §3). */
  #requestLine(b: Uint8Array, s: number, limit: number): number {
    let p = s;
    while (p < limit && TOKEN[b[p] as number] === 1) p++;
    if (p >= limit) return -1;
    if (p === s || b[p] !== SP) throw this.#fail(400, 'invalid method', p);
    this.#methodStart = s;
    this.#methodEnd = p;
    const ts = ++p;
    let hi = 0;
    while (p < limit) {
      const t = TARGET[b[p] as number] as number;
      if (t === 0) break;
      hi |= t;
      p++;
    }
    this.#nonAscii |= hi;
    if (p >= limit) return -1;
    if (b[p] !== SP) {
      const c = b[p];
      if (p === ts) throw this.#fail(400, 'invalid request-target', p);
      throw this.#fail(
        400,
        c === CR || c === LF ? 'missing HTTP version' : 'invalid request-target',
        p,
      );
    }
    if (p === ts) throw this.#fail(400, 'invalid request-target', p);
    this.#targetStart = ts;
    this.#targetEnd = p;
    p = this.#version(b, p + 1, limit);
    if (p < 0) return -1;
    if (p >= limit) return -1;
    const lineEnd = p;
    p = this.#lineEnd(b, p, limit, 'invalid HTTP version');
    if (p < 0) return -1;
    if (lineEnd - s > this.#maxLine)
      throw this.#fail(414, 'request line too long', s + this.#maxLine);
    this.#checkTarget(b, s, ts);
    return p;
  }

  /** The request-target forms of RFC 9112 §3.2, by method. */
  #checkTarget(b: Uint8Array, ms: number, ts: number): void {
    const te = this.#targetEnd;
    const c = b[ts];
    this.#isConnect = eqExact(b, ms, this.#methodEnd, M_CONNECT);
    if (c === 0x2f) return; // origin-form; Go's net/rpc also sends it with CONNECT
    if (c === 0x2a && te - ts === 1) {
      if (!eqExact(b, ms, this.#methodEnd, M_OPTIONS)) {
        throw this.#fail(400, 'asterisk-form target without OPTIONS', ts);
      }
      return;
    }
    if (this.#isConnect) {
      // authority-form: uri-host ":" port, with a non-empty host and a non-empty port.
      let colon = -1;
      for (let i = ts; i < te; i++) {
        const h = b[i] as number;
        if (HOST[h] !== 1) throw this.#fail(400, 'invalid CONNECT authority', i);
        if (h === 0x3a) colon = i;
      }
      if (colon <= ts || colon === te - 1) throw this.#fail(400, 'invalid CONNECT authority', ts);
      for (let i = colon + 1; i < te; i++) {
        const d = b[i] as number;
        if (d < 0x30 || d > 0x39) throw this.#fail(400, 'invalid CONNECT authority', i);
      }
      return;
    }
    // absolute-form: scheme "://" …, scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
    let p = ts;
    const a = (b[p] as number) | 0x20;
    if (a < 0x61 || a > 0x7a) throw this.#fail(400, 'invalid request-target', ts);
    p++;
    while (p < te) {
      const d = b[p] as number;
      const l = d | 0x20;
      if (
        (l >= 0x61 && l <= 0x7a) ||
        (d >= 0x30 && d <= 0x39) ||
        d === 0x2b ||
        d === 0x2d ||
        d === 0x2e
      ) {
        p++;
      } else break;
    }
    if (te - p < 3 || b[p] !== 0x3a || b[p + 1] !== 0x2f || b[p + 2] !== 0x2f) {
      throw this.#fail(400, 'invalid request-target', ts);
    }
  }

  /** status-line = HTTP-version SP status-code SP [ reason-phrase ] CRLF (RFC 9112 §4). */
  #statusLine(b: Uint8Array, s: number, limit: number): number {
    let p = this.#version(b, s, limit);
    if (p < 0 || p >= limit) return -1;
    if (b[p] !== SP) throw this.#fail(400, 'invalid status line', p);
    p++;
    let code = 0;
    for (let i = 0; i < 3; i++, p++) {
      if (p >= limit) return -1;
      const d = (b[p] as number) - 0x30;
      if (d < 0 || d > 9) throw this.#fail(400, 'invalid status code', p);
      code = code * 10 + d;
    }
    if (code < 100) throw this.#fail(400, 'invalid status code', p - 3);
    if (p >= limit) return -1;
    let rs = p;
    if (b[p] === SP) {
      rs = ++p;
      let hi = 0;
      while (p < limit) {
        const t = FIELD_VALUE[b[p] as number] as number;
        if (t === 0) break;
        hi |= t;
        p++;
      }
      this.#nonAscii |= hi;
      if (p >= limit) return -1;
    }
    this.#status = code;
    this.#reasonStart = rs;
    this.#reasonEnd = p;
    return this.#lineEnd(b, p, limit, 'invalid status line');
  }

  /**
   * field-line = field-name ":" OWS field-value OWS CRLF (RFC 9112 §5). Returns the index after
   * the line or -1; records the field in the head's or the trailers' offset table.
   */
  #fieldLine(b: Uint8Array, s: number, limit: number, trailer: boolean): number {
    let p = s;
    while (p < limit && TOKEN[b[p] as number] === 1) p++;
    if (p >= limit) return -1;
    const ne = p;
    if (b[p] !== 0x3a) {
      const c = b[p];
      if (p === s && (c === SP || c === HT)) {
        // RFC 9112 §5.2: obs-fold (or whitespace before the first field, §2.2) — reject rather
        // than unfold; Go's textproto unfolds, which lets two parsers disagree on the value.
        throw this.#fail(400, 'obsolete line folding', p);
      }
      if (c === SP || c === HT) throw this.#fail(400, 'whitespace before colon', p);
      throw this.#fail(400, 'invalid header field name', p);
    }
    if (p === s) throw this.#fail(400, 'empty header field name', p);
    p++;
    while (p < limit && (b[p] === SP || b[p] === HT)) p++;
    const vs = p;
    let hi = 0;
    while (p < limit) {
      const t = FIELD_VALUE[b[p] as number] as number;
      if (t === 0) break;
      hi |= t;
      p++;
    }
    this.#nonAscii |= hi;
    if (p >= limit) return -1;
    let ve = p;
    const next = this.#lineEnd(b, p, limit, 'invalid header field value');
    if (next < 0) return -1;
    while (ve > vs && (b[ve - 1] === SP || b[ve - 1] === HT)) ve--;

    let n: number;
    let f: Int32Array;
    if (trailer) {
      n = this.#trailerCount;
      if (n >= this.#maxCount) throw this.#fail(431, 'too many trailer fields', s);
      if (4 * n + 4 > this.#trailers.length) this.#trailers = grow(this.#trailers, 4 * n + 4);
      f = this.#trailers;
      this.#trailerCount = n + 1;
    } else {
      n = this.#fieldCount;
      if (n >= this.#maxCount) throw this.#fail(431, 'too many header fields', s);
      if (4 * n + 4 > this.#fields.length) this.#fields = grow(this.#fields, 4 * n + 4);
      f = this.#fields;
      this.#fieldCount = n + 1;
      const len = ne - s;
      // Only six names change framing or connection handling; the length test skips the rest
      // before any byte comparison.
      if (len >= 4 && len <= 17 && (len <= 7 || len === 10 || len === 14 || len === 17)) {
        this.#special(b, s, ne, vs, ve);
      }
    }
    f[4 * n] = s;
    f[4 * n + 1] = ne;
    f[4 * n + 2] = vs;
    f[4 * n + 3] = ve;
    return next;
  }

  /** Records what the framing- and connection-relevant fields say. */
  #special(b: Uint8Array, ns: number, ne: number, vs: number, ve: number): void {
    switch (ne - ns) {
      case 4:
        if (eqLower(b, ns, ne, N_HOST)) {
          this.#hostCount++;
          this.#hostIndex = this.#fieldCount - 1;
          for (let i = vs; i < ve; i++) {
            if (HOST[b[i] as number] !== 1) throw this.#fail(400, 'invalid Host header', i);
          }
        }
        return;
      case 6:
        if (eqLower(b, ns, ne, N_EXPECT)) {
          // Go: 100-continue is honoured on HTTP/1.1 and ignored on 1.0; any other non-empty
          // expectation is answered 417 by the server.
          if (eqLower(b, vs, ve, V_100_CONTINUE)) {
            if (this.#minor === 1) this.#expect = true;
          } else if (ve > vs) this.#expectOther = true;
        }
        return;
      case 7:
        if (eqLower(b, ns, ne, N_UPGRADE)) this.#hasUpgrade = ve > vs;
        return;
      case 10:
        if (eqLower(b, ns, ne, N_CONNECTION)) this.#connection(b, vs, ve);
        return;
      case 14:
        if (eqLower(b, ns, ne, N_CONTENT_LENGTH)) this.#contentLengthField(b, vs, ve);
        return;
      case 17:
        if (eqLower(b, ns, ne, N_TRANSFER_ENCODING)) this.#transferEncoding(b, vs, ve);
        return;
    }
  }

  /**
   * Content-Length = 1*DIGIT (RFC 9110 §8.6), at most 2^53-1. Repeated field lines must be
   * byte-identical, as in Go (transfer.go fixLength, golang.org/issue/16490); a comma list such as
   * `5, 5` is rejected, also as in Go, and unlike RFC 9110's optional leniency.
   */
  #contentLengthField(b: Uint8Array, vs: number, ve: number): void {
    if (this.#clCount > 0) {
      if (!eqExact(b, vs, ve, b.subarray(this.#clStart, this.#clEnd))) {
        throw this.#fail(400, 'conflicting Content-Length', vs);
      }
      this.#clCount++;
      return;
    }
    if (vs === ve) throw this.#fail(400, 'invalid Content-Length', vs);
    let n = 0;
    for (let i = vs; i < ve; i++) {
      const d = (b[i] as number) - 0x30;
      if (d < 0 || d > 9) throw this.#fail(400, 'invalid Content-Length', i);
      n = n * 10 + d;
      if (n > MAX_SAFE) throw this.#fail(400, 'Content-Length too large', vs);
    }
    this.#clCount = 1;
    this.#clStart = vs;
    this.#clEnd = ve;
    this.#cl = n;
  }

  /**
   * Transfer-Encoding = #transfer-coding (RFC 9112 §6.1), over all field lines in order. Each
   * element must be a bare token; `chunked` may appear once and only last. Whether a non-chunked
   * final coding is an error (501, requests) or means close-delimited (responses) is decided
   * when the head completes.
   */
  #transferEncoding(b: Uint8Array, vs: number, ve: number): void {
    let p = vs;
    for (;;) {
      const es = p;
      while (p < ve && TOKEN[b[p] as number] === 1) p++;
      if (p === es) throw this.#fail(400, 'invalid Transfer-Encoding', p);
      const ee = p;
      while (p < ve && (b[p] === SP || b[p] === HT)) p++;
      if (p < ve && b[p] !== 0x2c) throw this.#fail(400, 'invalid Transfer-Encoding', p);
      this.#teCount++;
      if (this.#teChunked && !this.#isResponse) {
        // Something after chunked: a request's body length cannot be determined (RFC 9112 §6.3
        // rule 4: 400 and close). A response is then read until close (same rule), as by llhttp.
        throw this.#fail(400, 'chunked is not the final transfer coding', es);
      }
      if (eqLower(b, es, ee, V_CHUNKED)) {
        this.#teChunked = true;
        this.#teLastChunked = true;
      } else {
        this.#teLastChunked = false;
      }
      if (p >= ve) return;
      p++;
      while (p < ve && (b[p] === SP || b[p] === HT)) p++;
    }
  }

  /** Connection = #connection-option; only `close`, `keep-alive`, `upgrade` matter here. */
  #connection(b: Uint8Array, vs: number, ve: number): void {
    let p = vs;
    while (p < ve) {
      while (p < ve && (b[p] === SP || b[p] === HT || b[p] === 0x2c)) p++;
      const es = p;
      while (p < ve && b[p] !== 0x2c) p++;
      let ee = p;
      while (ee > es && (b[ee - 1] === SP || b[ee - 1] === HT)) ee--;
      if (eqLower(b, es, ee, V_CLOSE)) this.#connClose = true;
      else if (eqLower(b, es, ee, V_KEEP_ALIVE)) this.#connKeepAlive = true;
      else if (eqLower(b, es, ee, V_UPGRADE)) this.#connUpgrade = true;
    }
  }

  /** Decides framing, keep-alive and upgrade once the head is complete (RFC 9112 §6.3, §9.3). */
  #finishHead(headEnd: number): ParseEvent {
    const at = headEnd - 2;
    this.#headEnd = headEnd;
    const minor = this.#minor;
    const hasTE = this.#teCount > 0;
    const hasCL = this.#clCount > 0;
    if (hasTE && hasCL) {
      // RFC 9112 §6.1 lets TE override CL but calls the message a smuggling attempt; llhttp
      // rejects it, Go drops Content-Length. Rejecting leaves no room for disagreement.
      throw this.#fail(400, 'Content-Length with Transfer-Encoding', at);
    }
    this.#contentLength = hasCL ? this.#cl : -1;
    this.#stopAfter = false;
    this.#upgrade = false;
    let framing: Framing = Framing.None;
    if (!this.#isResponse) {
      if (minor === 1 && this.#hostCount === 0)
        throw this.#fail(400, 'missing required Host header', at);
      if (this.#hostCount > 1) throw this.#fail(400, 'too many Host headers', at);
      if (hasTE) {
        // RFC 9112 §6.1: TE in an HTTP/1.0 message means faulty framing. Go ignores TE there;
        // a proxy that honours it would then see a different body.
        if (minor === 0) throw this.#fail(400, 'Transfer-Encoding in HTTP/1.0', at);
        if (!this.#teLastChunked) throw this.#fail(501, 'unsupported Transfer-Encoding', at);
        framing = Framing.Chunked;
      } else if (hasCL) {
        framing = Framing.Length;
        if (this.#cl > this.#maxBody) throw this.#fail(413, 'body too large', at);
      }
      this.#keepAlive = minor === 1 ? !this.#connClose : this.#connKeepAlive && !this.#connClose;
      if (this.#isConnect) {
        this.#upgrade = true;
        this.#stopAfter = true;
      } else {
        this.#upgrade = this.#connUpgrade && this.#hasUpgrade;
      }
    } else {
      const code = this.#status;
      if (code < 200) {
        if (code === 101) {
          this.#upgrade = true;
          this.#stopAfter = true;
        }
      } else if (this.#headResponse || code === 204 || code === 304) {
        framing = Framing.None;
      } else if (this.#connectResponse && code < 300) {
        this.#upgrade = true;
        this.#stopAfter = true;
      } else if (hasTE) {
        framing = this.#teLastChunked ? Framing.Chunked : Framing.UntilClose;
      } else if (hasCL) {
        framing = Framing.Length;
        if (this.#cl > this.#maxBody) throw this.#fail(413, 'body too large', at);
      } else {
        framing = Framing.UntilClose;
      }
      this.#keepAlive =
        framing !== Framing.UntilClose &&
        (minor === 1 ? !this.#connClose : this.#connKeepAlive && !this.#connClose);
    }
    if (!this.#keepAlive) this.#stopAfter = true;
    this.#framing = framing;
    this.#bodyTotal = 0;
    this.#delivered = 0;
    this.#extTotal = 0;
    if (framing === Framing.Length) {
      this.#remaining = this.#cl;
      this.#bodyTotal = this.#cl;
      this.#state = this.#cl === 0 ? S_END : S_BODY_LENGTH;
    } else if (framing === Framing.Chunked) {
      this.#beginChunk();
    } else if (framing === Framing.UntilClose) {
      this.#state = S_BODY_EOF;
    } else {
      this.#state = S_END;
    }
    return ParseEvent.Head;
  }

  #beginChunk(): void {
    this.#state = S_CHUNK_SIZE;
    this.#chunkSize = 0;
    this.#chunkDigits = 0;
    this.#extLen = 0;
    this.#extString = null;
  }

  /**
   * chunk-size [ chunk-ext ] CRLF (RFC 9112 §7.1), byte by byte since it may straddle reads.
   * Returns the index after the line (state advanced to data or trailers) or -1 (all consumed).
   */
  #chunkLine(b: Uint8Array, p: number, end: number, start: number): number {
    let state = this.#state;
    while (p < end) {
      const c = b[p] as number;
      if (state === S_CHUNK_SIZE) {
        const h = HEX[c] as number;
        if (h !== 0) {
          // Go chunked.go parseHexUint: more than 16 digits is "http chunk length too large",
          // even as leading zeros, so a size line cannot be padded forever.
          if (++this.#chunkDigits > 16 || this.#chunkSize > (MAX_SAFE - (h - 1)) / 16) {
            throw this.#error(400, 'chunk size too large', p, start);
          }
          this.#chunkSize = this.#chunkSize * 16 + (h - 1);
          p++;
          continue;
        }
        if (this.#chunkDigits === 0) throw this.#error(400, 'invalid chunk size', p, start);
        if (c === 0x3b || c === SP || c === HT) {
          state = S_CHUNK_EXT;
          this.#extState = c === 0x3b ? X_SEMI : X_BWS;
          this.#extByte(c, p, start);
          p++;
          continue;
        }
        if (c === CR) {
          state = S_CHUNK_LF;
          p++;
          continue;
        }
        if (c === LF && this.#bareLF) {
          p++;
          return this.#chunkLineDone(p, start);
        }
        throw this.#error(400, c === LF ? 'bare LF' : 'invalid chunk size', p, start);
      }
      if (state === S_CHUNK_EXT) {
        if (c === CR || c === LF) {
          const x = this.#extState;
          if (x !== X_NAME && x !== X_VALUE && x !== X_QUOTED_END) {
            throw this.#error(400, 'invalid chunk extension', p, start);
          }
          if (c === LF) {
            if (!this.#bareLF) throw this.#error(400, 'bare LF', p, start);
            p++;
            return this.#chunkLineDone(p, start);
          }
          state = S_CHUNK_LF;
          p++;
          continue;
        }
        this.#extStep(c, p, start);
        this.#extByte(c, p, start);
        p++;
        continue;
      }
      // S_CHUNK_LF
      if (c !== LF) throw this.#error(400, 'bare CR in chunk size line', p, start);
      p++;
      return this.#chunkLineDone(p, start);
    }
    this.#state = state;
    return -1;
  }

  #chunkLineDone(p: number, start: number): number {
    const size = this.#chunkSize;
    if (size === 0) {
      this.#state = S_TRAILERS;
      this.#trailerLen = 0;
      this.#trailerLine = 0;
      this.#trailerScan = 0;
      this.#trailerCount = 0;
      this.#trailerStream = this.#stream + (p - start);
    } else {
      if (this.#bodyTotal + size > this.#maxBody)
        throw this.#error(413, 'body too large', p - 1, start);
      this.#bodyTotal += size;
      this.#remaining = size;
      this.#state = S_CHUNK_DATA;
    }
    return p;
  }

  #extByte(c: number, p: number, start: number): void {
    if (++this.#extTotal > this.#maxExt)
      throw this.#error(413, 'chunk extensions too long', p, start);
    let x = this.#ext;
    if (x === null || this.#extLen >= x.length) {
      const grown = new Uint8Array(Math.min(this.#maxExt, x === null ? 64 : x.length * 2));
      if (x !== null) grown.set(x);
      this.#ext = grown;
      x = grown;
    }
    x[this.#extLen++] = c;
  }

  /** One byte of chunk-ext grammar (RFC 9112 §7.1.1; quoted-string per RFC 9110 §5.6.4). */
  #extStep(c: number, p: number, start: number): void {
    const ws = c === SP || c === HT;
    switch (this.#extState) {
      case X_BWS:
        if (c === 0x3b) this.#extState = X_SEMI;
        else if (!ws) break;
        return;
      case X_SEMI:
        if (TOKEN[c] === 1) this.#extState = X_NAME;
        else if (!ws) break;
        return;
      case X_NAME:
        if (TOKEN[c] === 1) return;
        if (c === 0x3d) this.#extState = X_EQ;
        else if (c === 0x3b) this.#extState = X_SEMI;
        else if (ws) this.#extState = X_NAME_BWS;
        else break;
        return;
      case X_NAME_BWS:
        if (c === 0x3d) this.#extState = X_EQ;
        else if (c === 0x3b) this.#extState = X_SEMI;
        else if (!ws) break;
        return;
      case X_EQ:
        if (c === 0x22) this.#extState = X_QUOTED;
        else if (TOKEN[c] === 1) this.#extState = X_VALUE;
        else if (!ws) break;
        return;
      case X_VALUE:
        if (TOKEN[c] === 1) return;
        if (c === 0x3b) this.#extState = X_SEMI;
        else if (ws) this.#extState = X_BWS;
        else break;
        return;
      case X_QUOTED:
        if (c === 0x22) this.#extState = X_QUOTED_END;
        else if (c === 0x5c) this.#extState = X_QUOTED_ESC;
        else if (QDTEXT[c] !== 1) break;
        return;
      case X_QUOTED_ESC:
        if (c === HT || (c >= 0x20 && c !== 0x7f)) {
          this.#extState = X_QUOTED;
          return;
        }
        break;
      default: // X_QUOTED_END
        if (c === 0x3b) this.#extState = X_SEMI;
        else if (ws) this.#extState = X_BWS;
        else break;
        return;
    }
    throw this.#error(400, 'invalid chunk extension', p, start);
  }

  /** trailer-section = *( field-line CRLF ) CRLF, always retained (≤ maxTrailerBytes). */
  #trailerSection(buf: Uint8Array, start: number, end: number): ParseEvent {
    const oldLen = this.#trailerLen;
    if (start >= end) return this.#need(end);
    const max = this.#maxTrailer;
    let t = this.#trailerBuf;
    const want = Math.min(max, oldLen + (end - start));
    if (t === null || t.length < want) {
      let size = t === null ? 256 : t.length;
      while (size < want) size *= 2;
      const grown = new Uint8Array(Math.min(size, max));
      if (t !== null) grown.set(t.subarray(0, oldLen));
      this.#trailerBuf = grown;
      t = grown;
    }
    const take = Math.min(end - start, max - oldLen);
    t.set(buf.subarray(start, start + take), oldLen);
    const len = oldLen + take;
    this.#trailerLen = len;
    this.#base = this.#trailerStream;
    let p = this.#trailerLine;
    for (;;) {
      let q = this.#trailerScan;
      while (q < len && t[q] !== LF) q++;
      this.#trailerScan = q;
      if (q >= len) break;
      const lineLimit = q + 1;
      const c = t[p];
      let next: number;
      if (c === CR || c === LF) {
        next = this.#lineEnd(t, p, lineLimit, 'bare CR');
        this.#offset = start + (next - oldLen);
        this.#state = S_END;
        return this.#trailerCount > 0 ? ParseEvent.Trailers : this.#run(buf, this.#offset, end);
      }
      next = this.#fieldLine(t, p, lineLimit, true);
      if (next < 0) throw this.#fail(400, 'invalid trailer field', p);
      p = next;
      this.#trailerLine = p;
      this.#trailerScan = p;
    }
    if (len >= max) throw this.#fail(431, 'trailer section too large', max);
    return this.#need(end);
  }
}

function grow(a: Int32Array, n: number): Int32Array {
  let size = a.length === 0 ? 64 : a.length * 2;
  while (size < n) size *= 2;
  const out = new Int32Array(size);
  out.set(a);
  return out;
}

function indexOfField(
  b: Uint8Array,
  f: Int32Array,
  count: number,
  name: string,
  from: number,
): number {
  const n = name.length;
  outer: for (let i = Math.max(0, from); i < count; i++) {
    const s = f[4 * i] as number;
    if ((f[4 * i + 1] as number) - s !== n) continue;
    for (let k = 0; k < n; k++) {
      const want = name.charCodeAt(k);
      if (LOWER[b[s + k] as number] !== (want < 256 ? LOWER[want] : -1)) continue outer;
    }
    return i;
  }
  return -1;
}
