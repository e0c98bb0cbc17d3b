/**
 * Content sniffing: the algorithm behind Go's `http.DetectContentType` (`net/http/sniff.go`),
 * which in turn follows the WHATWG MIME Sniffing Standard (https://mimesniff.spec.whatwg.org/).
 * The server runs it on the first body bytes when a handler writes without setting Content-Type.
 *
 * Go's results are reproduced exactly, including where Go departs from the spec (RAR signatures
 * from RAR Labs, `charset=utf-8` on text types, `image/x-icon`), because clients and tests written
 * against a Go server compare the header byte for byte.
 *
 * Only the first {@link sniffLen} bytes are looked at. Leading whitespace (TAB, LF, FF, CR, SP) is
 * measured once; the HTML and XML checks start after it, every other check starts at byte 0.
 * Signatures are tried in Go's order and the first hit wins:
 *
 *   1. HTML tags (`<!DOCTYPE HTML`, `<HTML`, … `<!--`), ASCII-case-insensitive, each of which must
 *      be followed by a tag-terminating byte (space or `>`);
 *   2. `<?xml`, then PDF and PostScript;
 *   3. UTF-16BE, UTF-16LE and UTF-8 byte order marks;
 *   4. images, then audio and video (including the MP4 `ftyp` box walk), then fonts, archives and
 *      WebAssembly;
 *   5. text: `text/plain; charset=utf-8` unless a binary control byte appears;
 *   6. otherwise `application/octet-stream`.
 *
 * Worked example: `"\r\n<html>..."` skips two whitespace bytes, then `<html` matches the `<HTML`
 * signature once lowercase letters are folded, and the next byte `>` terminates the tag, so the
 * result is `text/html; charset=utf-8`. `"\r\n<htmlx"` fails every HTML check (`x` does not end a
 * tag), contains no binary byte, and is `text/plain; charset=utf-8`.
 *
 * Work is on bytes only: no decoding, no regular expressions, and every signature is a
 * module-level `Uint8Array` built once at load.
 */

/**
 * The most bytes {@link detectContentType} examines; anything after them cannot change the result.
 * A server buffers at least this much of a body before sniffing, as Go's does. Mirrors the
 * unexported `sniffLen` constant behind Go's `http.DetectContentType`.
 */
export const sniffLen = 512;

const htmlType = 'text/html; charset=utf-8';
const textType = 'text/plain; charset=utf-8';
const mp4Type = 'video/mp4';
const fallbackType = 'application/octet-stream';

/** One row of the signature table; `kind` picks the matching rule. */
type Signature =
  | { readonly kind: 'html'; readonly tag: Uint8Array }
  | {
      readonly kind: 'masked';
      readonly mask: Uint8Array;
      readonly pattern: Uint8Array;
      readonly skipWhitespace: boolean;
      readonly contentType: string;
    }
  | { readonly kind: 'exact'; readonly prefix: Uint8Array; readonly contentType: string }
  | { readonly kind: 'mp4' }
  | { readonly kind: 'text' };

// Signatures are written as byte strings (one code unit per octet, with \xNN escapes) so each row
// reads like the spec's tables; this runs once per signature at module load, never per request.
function bytesOf(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) throw new RangeError(`signature byte out of range: ${c}`);
    out[i] = c;
  }
  return out;
}

function html(tag: string): Signature {
  return { kind: 'html', tag: bytesOf(tag) };
}

function exact(prefix: string, contentType: string): Signature {
  return { kind: 'exact', prefix: bytesOf(prefix), contentType };
}

function masked(
  mask: string,
  pattern: string,
  contentType: string,
  skipWhitespace = false,
): Signature {
  // Go quietly treats a mask/pattern length mismatch as "no match"; here it is a table typo, so
  // fail loudly at load instead of silently never matching.
  if (mask.length !== pattern.length) throw new Error(`mask and pattern differ for ${contentType}`);
  return {
    kind: 'masked',
    mask: bytesOf(mask),
    pattern: bytesOf(pattern),
    skipWhitespace,
    contentType,
  };
}

// Order matters: it is Go's, and several rows overlap (the RIFF container, text that happens to
// start with "BM"), so the first hit decides.
const signatures: readonly Signature[] = [
  html('<!DOCTYPE HTML'),
  html('<HTML'),
  html('<HEAD'),
  html('<SCRIPT'),
  html('<IFRAME'),
  html('<H1'),
  html('<DIV'),
  html('<FONT'),
  html('<TABLE'),
  html('<A'),
  html('<STYLE'),
  html('<TITLE'),
  html('<B'),
  html('<BODY'),
  html('<BR'),
  html('<P'),
  html('<!--'),
  masked('\xFF\xFF\xFF\xFF\xFF', '<?xml', 'text/xml; charset=utf-8', true),
  exact('%PDF-', 'application/pdf'),
  exact('%!PS-Adobe-', 'application/postscript'),

  // Byte order marks. The masks are four bytes long (from the draft Go first followed), so a BOM
  // counts only with bytes after it: two for UTF-16, one for UTF-8. The current spec would accept
  // the bare BOM; Go does not, and neither does this.
  masked('\xFF\xFF\x00\x00', '\xFE\xFF\x00\x00', 'text/plain; charset=utf-16be'),
  masked('\xFF\xFF\x00\x00', '\xFF\xFE\x00\x00', 'text/plain; charset=utf-16le'),
  masked('\xFF\xFF\xFF\x00', '\xEF\xBB\xBF\x00', 'text/plain; charset=utf-8'),

  // Images. Go once answered "image/vnd.microsoft.icon" for icons; the current spec, and Go,
  // say "image/x-icon" for both icons and cursors.
  exact('\x00\x00\x01\x00', 'image/x-icon'),
  exact('\x00\x00\x02\x00', 'image/x-icon'),
  exact('BM', 'image/bmp'),
  exact('GIF87a', 'image/gif'),
  exact('GIF89a', 'image/gif'),
  masked(
    '\xFF\xFF\xFF\xFF\x00\x00\x00\x00\xFF\xFF\xFF\xFF\xFF\xFF',
    'RIFF\x00\x00\x00\x00WEBPVP',
    'image/webp',
  ),
  exact('\x89PNG\x0D\x0A\x1A\x0A', 'image/png'),
  exact('\xFF\xD8\xFF', 'image/jpeg'),

  // Audio and video, in the order the spec's "audio or video type pattern" prescribes. The RIFF
  // rows ignore the four length bytes after "RIFF".
  masked(
    '\xFF\xFF\xFF\xFF\x00\x00\x00\x00\xFF\xFF\xFF\xFF',
    'FORM\x00\x00\x00\x00AIFF',
    'audio/aiff',
  ),
  masked('\xFF\xFF\xFF', 'ID3', 'audio/mpeg'),
  masked('\xFF\xFF\xFF\xFF\xFF', 'OggS\x00', 'application/ogg'),
  masked('\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF', 'MThd\x00\x00\x00\x06', 'audio/midi'),
  masked(
    '\xFF\xFF\xFF\xFF\x00\x00\x00\x00\xFF\xFF\xFF\xFF',
    'RIFF\x00\x00\x00\x00AVI ',
    'video/avi',
  ),
  masked(
    '\xFF\xFF\xFF\xFF\x00\x00\x00\x00\xFF\xFF\xFF\xFF',
    'RIFF\x00\x00\x00\x00WAVE',
    'audio/wave',
  ),
  { kind: 'mp4' },
  exact('\x1A\x45\xDF\xA3', 'video/webm'),

  // Fonts. Embedded OpenType is recognised only by "LP" at offset 34: the 34 bytes before it are
  // masked to nothing, so any 36+ byte input with "LP" there is called a font.
  masked(`${'\x00'.repeat(34)}\xFF\xFF`, `${'\x00'.repeat(34)}LP`, 'application/vnd.ms-fontobject'),
  exact('\x00\x01\x00\x00', 'font/ttf'),
  exact('OTTO', 'font/otf'),
  exact('ttcf', 'font/collection'),
  exact('wOFF', 'font/woff'),
  exact('wOF2', 'font/woff2'),

  // Archives. The spec's RAR signature is wrong (whatwg/mimesniff#63); Go, and so this, uses RAR
  // Labs' "Rar!" signatures for v1.5–4.0 and v5+.
  exact('\x1F\x8B\x08', 'application/x-gzip'),
  exact('PK\x03\x04', 'application/zip'),
  exact('Rar!\x1A\x07\x00', 'application/x-rar-compressed'),
  exact('Rar!\x1A\x07\x01\x00', 'application/x-rar-compressed'),

  exact('\x00asm', 'application/wasm'),

  // Must stay last: it accepts almost anything that is not binary.
  { kind: 'text' },
];

// The spec's whitespace bytes (0xWS): TAB, LF, FF, CR, SP. Vertical tab is deliberately absent.
function isWhitespace(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0c || b === 0x0d;
}

// Control bytes that make data binary (the spec's "binary data byte"): 0x00–0x08, 0x0B,
// 0x0E–0x1A and 0x1C–0x1F. As a bit set over 0x00–0x1F: everything except TAB, LF, FF, CR and
// ESC (0x1B), so one shift and mask replaces four range tests per byte.
const binaryControls = ~((1 << 0x09) | (1 << 0x0a) | (1 << 0x0c) | (1 << 0x0d) | (1 << 0x1b));

function isBinaryByte(b: number): boolean {
  return b < 0x20 && ((binaryControls >>> b) & 1) === 1;
}

// Reports whether `bytes` occur in `data` starting at `offset`. Reading past the end yields
// undefined, which never equals a byte, so short data simply fails to match.
function hasBytesAt(data: Uint8Array, offset: number, bytes: Uint8Array): boolean {
  if (data.length - offset < bytes.length) return false;
  let i = offset;
  for (const b of bytes) {
    if (data[i++] !== b) return false;
  }
  return true;
}

function matchesHtml(data: Uint8Array, start: number, tag: Uint8Array): boolean {
  // The tag plus the byte that must terminate it.
  if (data.length - start < tag.length + 1) return false;
  let i = start;
  for (const want of tag) {
    let got = data[i++];
    if (got === undefined) return false;
    // Only letters in the signature fold case; "<!--", "<H1" and friends compare their
    // punctuation and digits exactly. Clearing bit 5 maps a-z onto A-Z.
    if (want >= 0x41 && want <= 0x5a) got &= 0xdf;
    if (got !== want) return false;
  }
  const terminator = data[i];
  return terminator === 0x20 || terminator === 0x3e;
}

function matchesMasked(
  data: Uint8Array,
  start: number,
  mask: Uint8Array,
  pattern: Uint8Array,
): boolean {
  if (data.length - start < pattern.length) return false;
  let i = start;
  let j = 0;
  for (const m of mask) {
    const got = data[i++];
    if (got === undefined || (got & m) !== pattern[j++]) return false;
  }
  return true;
}

const ftyp = bytesOf('ftyp');
const mp4Brand = bytesOf('mp4');

// The spec's "signature for MP4" (§6.2.1): a leading ftyp box whose major brand, or one of its
// compatible brands, starts with "mp4".
function matchesMp4(data: Uint8Array): boolean {
  if (data.length < 12) return false;
  // The `?? 0` never fires after the length check; it only satisfies noUncheckedIndexedAccess.
  const boxSize =
    (((data[0] ?? 0) << 24) | ((data[1] ?? 0) << 16) | ((data[2] ?? 0) << 8) | (data[3] ?? 0)) >>>
    0;
  // The whole box must be inside the sniffed bytes, which also keeps the walk below in bounds.
  if (data.length < boxSize || boxSize % 4 !== 0) return false;
  if (!hasBytesAt(data, 4, ftyp)) return false;
  for (let offset = 8; offset < boxSize; offset += 4) {
    // Offset 12 holds the major brand's minor version number, not a brand.
    if (offset === 12) continue;
    if (hasBytesAt(data, offset, mp4Brand)) return true;
  }
  return false;
}

function matchesText(data: Uint8Array, start: number): boolean {
  for (let i = start; i < data.length; i++) {
    const b = data[i];
    if (b !== undefined && isBinaryByte(b)) return false;
  }
  return true;
}

// Returns the content type `signature` assigns to `data`, or undefined when it does not apply.
function match(signature: Signature, data: Uint8Array, firstNonWS: number): string | undefined {
  switch (signature.kind) {
    case 'html':
      return matchesHtml(data, firstNonWS, signature.tag) ? htmlType : undefined;
    case 'masked': {
      const start = signature.skipWhitespace ? firstNonWS : 0;
      return matchesMasked(data, start, signature.mask, signature.pattern)
        ? signature.contentType
        : undefined;
    }
    case 'exact':
      return hasBytesAt(data, 0, signature.prefix) ? signature.contentType : undefined;
    case 'mp4':
      return matchesMp4(data) ? mp4Type : undefined;
    case 'text':
      return matchesText(data, firstNonWS) ? textType : undefined;
  }
}

/**
 * Determines the Content-Type of `data` by sniffing its first {@link sniffLen} (512) bytes with
 * the WHATWG MIME Sniffing algorithm, returning exactly the string Go's `http.DetectContentType`
 * returns for the same bytes (for example `"text/html; charset=utf-8"`, `"image/png"`,
 * `"application/pdf"`).
 *
 * Always returns a valid MIME type; when nothing more specific fits the answer is
 * `"application/octet-stream"`. Edge cases, all as in Go:
 * - Empty input is `"text/plain; charset=utf-8"` (no binary byte was seen). Go's server sends no
 *   Content-Type at all for an empty body; that decision belongs to the caller.
 * - Bytes past the 512th are ignored, so a signature or binary byte that starts inside the window
 *   but ends outside it does not count.
 * - Leading whitespace is skipped for HTML and XML only; `" %PDF-"` is plain text, not PDF.
 * - A UTF-8 BOM hides HTML: `"\xEF\xBB\xBF<html>"` is `"text/plain; charset=utf-8"`, and a
 *   UTF-16 BOM counts only when at least two bytes follow it.
 * - Text is anything free of the spec's binary control bytes; invalid UTF-8 is still text.
 *
 * `end` limits the bytes considered to `data[0, end)` (default: all of `data`, at most 512).
 *
 * Never throws and never modifies or retains `data`.
 */
export function detectContentType(data: Uint8Array, end: number = data.length): string {
  const n = Math.min(end, data.length, sniffLen);
  // A view only when the bytes to consider are fewer than the array holds: most calls take the
  // array as it is (the server passes a scratch buffer and a length, and allocates nothing).
  const head = n === data.length ? data : data.subarray(0, n);

  let firstNonWS = 0;
  for (const b of head) {
    if (!isWhitespace(b)) break;
    firstNonWS++;
  }

  // Without leading whitespace every signature is tested at offset 0, so only the ones whose
  // first byte can be head[0] need a look (in the same order); the server sniffs every response
  // without a Content-Type, and for text that is two cheap checks instead of forty.
  const first = head[0];
  const list =
    firstNonWS === 0 && first !== undefined
      ? (candidates ??= buildCandidates())[first]
      : signatures;
  for (const signature of list ?? signatures) {
    const contentType = match(signature, head, firstNonWS);
    if (contentType !== undefined) return contentType;
  }
  return fallbackType;
}

/**
 * The same answer as {@link detectContentType} by testing every signature in order, without the
 * first-byte table; kept for tests to hold the fast path to. Not exported from the package.
 */
export function detectContentTypeFullScan(data: Uint8Array): string {
  const head = data.length > sniffLen ? data.subarray(0, sniffLen) : data;
  let firstNonWS = 0;
  while (firstNonWS < head.length && isWhitespace(head[firstNonWS] as number)) firstNonWS++;
  for (const signature of signatures) {
    const contentType = match(signature, head, firstNonWS);
    if (contentType !== undefined) return contentType;
  }
  return fallbackType;
}

// Whether `signature` can match data whose byte at the signature's start is `b`. The text
// signature is kept everywhere: it is last and decides what nothing else claimed.
function canStartWith(signature: Signature, b: number): boolean {
  switch (signature.kind) {
    case 'html':
      return b === signature.tag[0];
    case 'masked':
      return (b & (signature.mask[0] ?? 0)) === signature.pattern[0];
    case 'exact':
      return b === signature.prefix[0];
    case 'mp4':
    case 'text':
      return true;
  }
}

// candidates[b]: the signatures, in order, that can match data starting with byte b. Built on
// the first sniff, not at load: its 15,000 checks made the engine compile them in the
// background, which cost every process that imports the server megabytes of RSS, sniffing or not.
let candidates: readonly (readonly Signature[])[] | undefined;

function buildCandidates(): readonly (readonly Signature[])[] {
  return Array.from({ length: 256 }, (_, b) => signatures.filter((sig) => canStartWith(sig, b)));
}
