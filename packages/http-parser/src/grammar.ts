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
