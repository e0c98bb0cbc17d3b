/**
 * What the parser hands out as strings for a set of heads: the request line, every field through
 * both of its APIs (`headerName`/`headerValue` and `headFields()`), chunk extensions, trailers,
 * and `latin1` over spans of every length class. Plain data, so a run under Node (bundled by
 * `node-decode.test.ts`) can be compared with a run under Bun: the two runtimes decode through
 * different native calls (see `nativeLatin1` in parser.ts).
 */
import { drive, enc, type Message } from './parser.test-util.ts';
import { HTTPParser, latin1, ParseEvent } from './parser.ts';

/** Heads as byte strings (one character per octet). */
export const probeHeads: readonly string[] = [
  // Only fields of 8 bytes or less: built one by one, the head never decoded whole.
  'GET /c HTTP/1.1\r\nHost: x\r\nA: 1\r\n\r\n',
  // A long ASCII value: the whole head is decoded once and sliced.
  'GET /a HTTP/1.1\r\nHost: example.com:8080\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\nX-Short: abc\r\n\r\n',
  // obs-text (0x80–0xFF) beside long ASCII: latin1, one code unit per octet.
  'GET /b HTTP/1.1\r\nHost: x\r\nX-Latin: caf\xe9 cr\xe8me br\xfbl\xe9e\r\nX-Long-Ascii: 0123456789abcdef\r\n\r\n',
  // A long target with a query.
  'GET /very/long/target/path/with/segments?and=query&more=values HTTP/1.1\r\nHost: x\r\n\r\n',
  // Chunk extensions and trailers, ASCII and not.
  'POST /t HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\n' +
    '5;name=value-long-extension\r\nhello\r\n0\r\nX-Checksum: sha256-0123456789abcdef\r\n' +
    'X-Trail-Latin: \xe9t\xe9 \xe0 la plage\r\n\r\n',
];

/** What one head decoded to. */
export interface Decoded {
  message: Message | undefined;
  /** `headFields()`: `[name, canonical name, value]` per field. */
  fields: [string, string, string][];
}

/** Decodes every head in `heads`, and `latin1` over a mixed buffer. */
export function decodeProbe(heads: readonly string[]): { heads: Decoded[]; latin1: string[] } {
  const decoded = heads.map((h): Decoded => {
    const bytes = enc(h);
    const p = new HTTPParser();
    const fields: [string, string, string][] = [];
    if (p.execute(bytes, 0, bytes.length) === ParseEvent.Head) {
      const f = p.headFields();
      for (let i = 0; i < f.count; i++) fields.push([f.name(i), f.canonicalName(i), f.value(i)]);
    }
    return { message: drive([bytes]).messages[0], fields };
  });
  // Every length from 1 to 20 (the short builder, then the native or decoder path), and spans
  // past the 4,096-octet slices of the non-ASCII fallback.
  const mixed = new Uint8Array(9000);
  for (let i = 0; i < mixed.length; i++)
    mixed[i] = i % 7 === 3 ? 0x80 + (i % 128) : 0x20 + (i % 95);
  const ascii = mixed.map((c) => c & 0x7f || 0x41);
  const spans: string[] = [];
  for (let n = 1; n <= 20; n++) spans.push(latin1(mixed, 5, 5 + n), latin1(ascii, 5, 5 + n));
  spans.push(latin1(mixed, 0, 9000), latin1(ascii, 100, 8300));
  return { heads: decoded, latin1: spans };
}
