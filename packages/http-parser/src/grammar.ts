/**
 * The character classes of RFC 9110 §5.6 (tokens, field values), shared by the parser and by
 * every package that builds header fields, so that what the server accepts on the wire and what
 * the API lets a handler write are decided by one table.
 *
 * Strings here are byte strings: one UTF-16 code unit per octet, 0x00–0xFF (latin1), which is how
 * the parser decodes field values and how the server encodes them. A code unit above 0xFF has no
 * octet and is never valid.
 *
 * Mirrors `golang.org/x/net/http/httpguts` (`IsTokenRune`, `ValidHeaderFieldName`,
 * `ValidHeaderFieldValue`).
 */

// tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" /
//         "~" / DIGIT / ALPHA. A 256-entry table makes each check one load, with no branches on
// the character itself, in the loops that run over every header name of every request.
const tokenTable = new Uint8Array(256);
for (const ch of "!#$%&'*+-.^_`|~") tokenTable[ch.charCodeAt(0)] = 1;
for (let c = 0x30; c <= 0x39; c++) tokenTable[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) tokenTable[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) tokenTable[c] = 1;

/**
 * Reports whether the octet `b` is an RFC 9110 `tchar`. Values outside 0–255 are not.
 * Go: `httpguts.IsTokenRune` restricted to bytes.
 */
export function isTokenByte(b: number): boolean {
  return tokenTable[b] === 1;
}

/**
 * Reports whether `s` is a non-empty RFC 9110 token: the grammar of methods, header field names,
 * transfer codings and media-type parts. Go: `httpguts.ValidHeaderFieldName`.
 */
export function isToken(s: string): boolean {
  const n = s.length;
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    if (tokenTable[s.charCodeAt(i)] !== 1) return false;
  }
  return true;
}

/** Reports whether `s` may be a header field name (a token). Go: `httpguts.ValidHeaderFieldName`. */
export function isValidFieldName(s: string): boolean {
  return isToken(s);
}

/**
 * Returns the index of the first code unit of `s` that may not appear in a header field value, or
 * -1 when every one may. Allowed are HTAB, SP, VCHAR and obs-text (0x80–0xFF); forbidden are the
 * other controls (NUL, CR, LF, DEL, …) and any code unit above 0xFF. Knowing where lets an error
 * message name the culprit. Go: `httpguts.ValidHeaderFieldValue` (which has no notion of > 0xFF).
 */
export function invalidFieldValueIndex(s: string): number {
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 ? c === 0x7f || c > 0xff : c !== 0x09) return i;
  }
  return -1;
}

/** Reports whether `s` may be a header field value. Go: `httpguts.ValidHeaderFieldValue`. */
export function isValidFieldValue(s: string): boolean {
  return invalidFieldValueIndex(s) === -1;
}

// The tables below are the parser's: one load per byte in its loops. They are exported to the
// package (not from index.ts) so that the grammar and the parser cannot drift apart.

/** RFC 9110 tchar, 1 per allowed octet. @internal */
export const TOKEN: Uint8Array = tokenTable;

/**
 * field-content octets that may continue a value: HTAB, SP, VCHAR (1) and obs-text (2). CR, LF,
 * NUL, the other controls and DEL are 0, so a value loop stops on the line end and on every
 * forbidden byte with one test; OR-ing the entries tells whether the head is pure ASCII, which
 * picks the fast decoder. @internal
 */
export const FIELD_VALUE: Uint8Array = new Uint8Array(256);
FIELD_VALUE[0x09] = 1;
for (let c = 0x20; c < 0x7f; c++) FIELD_VALUE[c] = 1;
for (let c = 0x80; c <= 0xff; c++) FIELD_VALUE[c] = 2;

/**
 * request-target octets. RFC 3986 is narrower, but Go (`url.ParseRequestURI`) and llhttp both
 * accept every VCHAR and non-ASCII octet and leave the rest to URL parsing; only controls, SP and
 * DEL end or break the target. @internal
 */
export const TARGET: Uint8Array = new Uint8Array(256);
for (let c = 0x21; c < 0x7f; c++) TARGET[c] = 1;
for (let c = 0x80; c <= 0xff; c++) TARGET[c] = 2; // non-ASCII, as in FIELD_VALUE

/** Octets Go allows in a Host header (`httpguts.ValidHostHeader`, `validHostByte`). @internal */
export const HOST: Uint8Array = new Uint8Array(256);
for (const ch of "!$%&'()*+,-.:;=[]_~") HOST[ch.charCodeAt(0)] = 1;
for (let c = 0x30; c <= 0x39; c++) HOST[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) HOST[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) HOST[c] = 1;

/** Hex digit value + 1 (0 = not a hex digit), for chunk sizes. @internal */
export const HEX: Uint8Array = new Uint8Array(256);
for (let c = 0; c < 10; c++) HEX[0x30 + c] = c + 1;
for (let c = 0; c < 6; c++) {
  HEX[0x41 + c] = c + 11;
  HEX[0x61 + c] = c + 11;
}

/**
 * quoted-string content (RFC 9110 §5.6.4 qdtext): HTAB, SP, 0x21, 0x23–0x5B, 0x5D–0x7E,
 * obs-text. The quote and the backslash are handled by the caller. @internal
 */
export const QDTEXT: Uint8Array = new Uint8Array(256);
QDTEXT[0x09] = 1;
for (let c = 0x20; c < 0x7f; c++) QDTEXT[c] = 1;
for (let c = 0x80; c <= 0xff; c++) QDTEXT[c] = 1;
QDTEXT[0x22] = 0;
QDTEXT[0x5c] = 0;
