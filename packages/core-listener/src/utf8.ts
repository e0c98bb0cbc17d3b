/** UTF-8 helpers shared by the response writer and the socket layer. */

const nativeByteLength: ((s: string, encoding: 'utf8') => number) | undefined = (
  globalThis as { Buffer?: { byteLength?: (s: string, encoding: 'utf8') => number } }
).Buffer?.byteLength;

/**
 * The number of bytes `s` takes in UTF-8 — what `ResponseWriter.write(s)` puts on the wire —
 * counted without encoding it; a lone surrogate counts as U+FFFD (3 bytes), as encoders write
 * it. For a `Content-Length` of a text body. Go: `len(s)` of a Go string holding that text.
 */
export function utf8Length(s: string): number {
  // Long strings: the runtime's native count (simdutf in Bun and Node) beats any JS loop.
  if (s.length > 256 && nativeByteLength !== undefined) return nativeByteLength(s, 'utf8');
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 2;
        i++;
      } else n += 2;
    } else n += 2;
  }
  return n;
}
