import { describe, expect, test } from 'bun:test';
import { detectContentType, detectContentTypeFullScan, sniffLen } from './sniff.ts';

// Go writes test data as string literals, whose \xNN escapes are raw bytes. A JS string of code
// units 0x00–0xFF, one per byte, keeps the rows readable and byte-identical to Go's. Non-ASCII
// characters in Go's (UTF-8) source are spelled out as their UTF-8 bytes.
function bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) throw new RangeError(`not a byte at ${i}: ${c}`);
    out[i] = c;
  }
  return out;
}

type Row = readonly [description: string, data: Uint8Array, expected: string];

const html = 'text/html; charset=utf-8';
const text = 'text/plain; charset=utf-8';
const binary = 'application/octet-stream';

// Every row of Go's sniffTests table (net/http/sniff_test.go), in Go's order, with Go's
// descriptions (duplicates and double spaces included).
const goSniffTests: readonly Row[] = [
  // Some nonsense.
  ['Empty', bytes(''), text],
  ['Binary', new Uint8Array([1, 2, 3]), binary],

  ['HTML document #1', bytes('<HtMl><bOdY>blah blah blah</body></html>'), html],
  ['HTML document #2', bytes('<HTML></HTML>'), html],
  ['HTML document #3 (leading whitespace)', bytes('   <!DOCTYPE HTML>...'), html],
  ['HTML document #4 (leading CRLF)', bytes('\r\n<html>...'), html],

  // "☃" (U+2603) as its UTF-8 bytes, as Go's source file stores it.
  ['Plain text', bytes('This is not HTML. It has \xE2\x98\x83 though.'), text],

  ['XML', bytes('\n<?xml!'), 'text/xml; charset=utf-8'],

  // Image types.
  ['Windows icon', bytes('\x00\x00\x01\x00'), 'image/x-icon'],
  ['Windows cursor', bytes('\x00\x00\x02\x00'), 'image/x-icon'],
  ['BMP image', bytes('BM...'), 'image/bmp'],
  ['GIF 87a', bytes('GIF87a'), 'image/gif'],
  ['GIF 89a', bytes('GIF89a...'), 'image/gif'],
  ['WEBP image', bytes('RIFF\x00\x00\x00\x00WEBPVP'), 'image/webp'],
  ['PNG image', bytes('\x89PNG\x0D\x0A\x1A\x0A'), 'image/png'],
  ['JPEG image', bytes('\xFF\xD8\xFF'), 'image/jpeg'],

  // Audio types.
  ['MIDI audio', bytes('MThd\x00\x00\x00\x06\x00\x01'), 'audio/midi'],
  ['MP3 audio/MPEG audio', bytes('ID3\x03\x00\x00\x00\x00\x0f'), 'audio/mpeg'],
  ['WAV audio #1', bytes('RIFFb\xb8\x00\x00WAVEfmt \x12\x00\x00\x00\x06'), 'audio/wave'],
  ['WAV audio #2', bytes('RIFF,\x00\x00\x00WAVEfmt \x12\x00\x00\x00\x06'), 'audio/wave'],
  [
    'AIFF audio #1',
    bytes(
      'FORM\x00\x00\x00\x00AIFFCOMM\x00\x00\x00\x12' +
        '\x00\x01\x00\x00\x57\x55\x00\x10\x40\x0d\xf3\x34',
    ),
    'audio/aiff',
  ],

  [
    'OGG audio',
    bytes(
      'OggS\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00\x7e\x46\x00\x00' +
        '\x00\x00\x00\x00\x1f\xf6\xb4\xfc\x01\x1e\x01\x76\x6f\x72',
    ),
    'application/ogg',
  ],
  // The OGG signature is matched with an all-0xFF mask, so near misses must fall through.
  ['Must not match OGG', bytes('owow\x00'), binary],
  ['Must not match OGG', bytes('oooS\x00'), binary],
  ['Must not match OGG', bytes('oggS\x00'), binary],

  // Video types.
  [
    'MP4 video',
    bytes('\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom<\x06t\xbfmdat'),
    'video/mp4',
  ],
  // "À" (U+00C0) as its UTF-8 bytes C3 80, as Go's source file stores it.
  ['AVI video #1', bytes('RIFF,O\n\x00AVI LIST\xC3\x80'), 'video/avi'],
  ['AVI video #2', bytes('RIFF,\n\x00\x00AVI LIST\xC3\x80'), 'video/avi'],

  // Font types. (Go keeps a commented-out "MS.FontObject" row with no expectation; see the
  // Embedded OpenType row among the edge cases below.)
  ['TTF sample  I', bytes('\x00\x01\x00\x00\x00\x17\x01\x00\x00\x04\x01\x60\x4f'), 'font/ttf'],
  ['TTF sample II', bytes('\x00\x01\x00\x00\x00\x0e\x00\x80\x00\x03\x00\x60\x46'), 'font/ttf'],

  [
    'OTTO sample  I',
    bytes('\x4f\x54\x54\x4f\x00\x0e\x00\x80\x00\x03\x00\x60\x42\x41\x53\x45'),
    'font/otf',
  ],

  [
    'woff sample  I',
    bytes('\x77\x4f\x46\x46\x00\x01\x00\x00\x00\x00\x30\x54\x00\x0d\x00\x00'),
    'font/woff',
  ],
  ['woff2 sample', bytes('\x77\x4f\x46\x32\x00\x01\x00\x00\x00'), 'font/woff2'],
  ['wasm sample', bytes('\x00\x61\x73\x6d\x01\x00'), 'application/wasm'],

  // Archive types
  ['RAR v1.5-v4.0', bytes('Rar!\x1A\x07\x00'), 'application/x-rar-compressed'],
  ['RAR v5+', bytes('Rar!\x1A\x07\x01\x00'), 'application/x-rar-compressed'],
  // The spec's own RAR signature ("Rar " with a space) is wrong; Go uses RAR Labs' "Rar!".
  ['Incorrect RAR v1.5-v4.0', bytes('Rar \x1A\x07\x00'), binary],
  ['Incorrect RAR v5+', bytes('Rar \x1A\x07\x01\x00'), binary],
];

// Behaviour Go has but does not pin down in its table. Each expectation was derived from Go's
// sniff.go and is what Go returns for the same bytes.
const edgeCases: readonly Row[] = [
  // A zero-length view that does not start at offset 0 of its buffer.
  ['empty view into a larger buffer', bytes('<html>').subarray(3, 3), text],

  ['UTF-8 BOM then text', bytes('\xEF\xBB\xBFhello'), text],
  // The BOM is not whitespace, so the HTML checks (which only skip whitespace) never see the tag.
  ['UTF-8 BOM hides an HTML document', bytes('\xEF\xBB\xBF<html>'), text],
  // The BOM signature needs a fourth byte; the bare BOM still passes as text.
  ['bare UTF-8 BOM', bytes('\xEF\xBB\xBF'), text],
  ['UTF-16BE BOM', bytes('\xFE\xFF\x00h\x00i'), 'text/plain; charset=utf-16be'],
  ['UTF-16LE BOM', bytes('\xFF\xFEh\x00i\x00'), 'text/plain; charset=utf-16le'],
  // The UTF-16 signatures need two bytes after the BOM; FE and FF are not binary bytes, so a
  // bare BOM falls through to UTF-8 text.
  ['bare UTF-16BE BOM', bytes('\xFE\xFF'), text],
  ['UTF-16LE BOM with one byte after it', bytes('\xFF\xFEh'), text],

  ['PDF', bytes('%PDF-1.7\n'), 'application/pdf'],
  ['PostScript', bytes('%!PS-Adobe-3.0\n'), 'application/postscript'],
  // Only the HTML and XML checks skip leading whitespace.
  ['whitespace before a PDF signature', bytes(' %PDF-1.7\n'), text],

  // A tag needs a terminating byte after it, so input that ends on the tag name is not HTML.
  ['HTML tag at the end of input', bytes('<html'), text],
  // Only SP and ">" terminate a tag; TAB does not.
  ['HTML tag followed by a tab', bytes('<html\t>'), text],
  ['HTML tag followed by a space', bytes('<body class="x">'), html],
  ['HTML comment', bytes('<!-- x -->'), html],
  ['lowercase heading', bytes('<h1>Title</h1>'), html],
  // "<P" matches as a prefix but "R" does not terminate it.
  ['tag that merely starts like a signature', bytes('<PRE>x</PRE>'), text],
  // FF is whitespace to the spec (unlike VT).
  ['form feed before HTML', bytes('\x0C<html>'), html],
  // The XML signature is compared exactly; only the HTML signatures fold case.
  ['uppercase XML declaration', bytes('<?XML version="1.0"?>'), text],
  ['XML after mixed whitespace', bytes(' \t\r\n<?xml version="1.0"?>'), 'text/xml; charset=utf-8'],

  // VT is neither whitespace nor allowed in text.
  ['vertical tab', bytes('\x0B'), binary],
  // ESC (0x1B) is the one C0 control the text rule lets through, for ANSI colour codes.
  ['ANSI escape sequence', bytes('\x1B[31mred\x1B[0m'), text],
  // Invalid UTF-8 is still text: only control bytes make data binary.
  ['invalid UTF-8', bytes('\xC3\x28\xFF'), text],
  // Exact signatures win over the text rule, so prose that starts with "BM" is a bitmap.
  ['text starting with BM', bytes('BMW'), 'image/bmp'],
  // Embedded OpenType is "LP" at offset 34 with the first 34 bytes masked out entirely.
  ['Embedded OpenType', bytes(`${'A'.repeat(34)}LP`), 'application/vnd.ms-fontobject'],
  ['TrueType collection', bytes('ttcf\x00\x01\x00\x00'), 'font/collection'],
  ['gzip', bytes('\x1F\x8B\x08\x00'), 'application/x-gzip'],
  ['zip', bytes('PK\x03\x04\x14\x00'), 'application/zip'],
  ['WebM', bytes('\x1A\x45\xDF\xA3\x01\x00'), 'video/webm'],

  // "mp4" only among the compatible brands (offset 16) still counts.
  [
    'MP4 brand among compatible brands',
    bytes('\x00\x00\x00\x14ftypisom\x00\x00\x02\x00mp41'),
    'video/mp4',
  ],
  // Offset 12 is the minor version, never a brand, so "mp41" there does not count.
  ['mp4 in the minor version slot', bytes('\x00\x00\x00\x10ftypqt  mp41'), binary],
  // The declared box (32 bytes) runs past the data (16 bytes).
  ['MP4 box longer than the data', bytes('\x00\x00\x00\x20ftypmp42\x00\x00\x00\x00'), binary],
  // Box sizes must be multiples of 4.
  [
    'MP4 box size not a multiple of 4',
    bytes('\x00\x00\x00\x11ftypmp42\x00\x00\x00\x00mp42\x00'),
    binary,
  ],
];

describe('detectContentType', () => {
  test.each(goSniffTests)('%s', (_description, data, expected) => {
    expect(detectContentType(data)).toBe(expected);
  });

  describe('edge cases', () => {
    test.each(edgeCases)('%s', (_description, data, expected) => {
      expect(detectContentType(data)).toBe(expected);
    });
  });

  describe('only the first sniffLen bytes count', () => {
    test('sniffLen is 512, as in Go', () => {
      expect(sniffLen).toBe(512);
    });

    test('a binary byte just past the window is ignored', () => {
      expect(detectContentType(bytes(`${'a'.repeat(sniffLen)}\x00`))).toBe(text);
    });

    test('a binary byte at the last position inside the window counts', () => {
      const data = bytes(`${'a'.repeat(sniffLen - 1)}\x00`);
      expect(data.length).toBe(sniffLen);
      expect(detectContentType(data)).toBe(binary);
    });

    test('exactly sniffLen bytes of text', () => {
      expect(detectContentType(bytes('a'.repeat(sniffLen)))).toBe(text);
    });

    test('a tag whose terminating byte is the last byte of the window', () => {
      const data = bytes(`${' '.repeat(sniffLen - 6)}<html>`);
      expect(data.length).toBe(sniffLen);
      expect(detectContentType(data)).toBe(html);
    });

    test('a tag whose terminating byte falls just outside the window', () => {
      expect(detectContentType(bytes(`${' '.repeat(sniffLen - 5)}<html>`))).toBe(text);
    });

    test('a large body is judged by its head alone', () => {
      const data = new Uint8Array(1 << 20);
      data.set(bytes('%PDF-1.7\n'));
      // Zero bytes everywhere else: binary, but the PDF signature decides first anyway.
      expect(detectContentType(data)).toBe('application/pdf');
      data.fill(0x61, 0, sniffLen);
      // Now the head is all text and every NUL lies past the window.
      expect(detectContentType(data)).toBe(text);
    });

    test('a view is sniffed from its own start, not its buffer', () => {
      const data = bytes('\x00\x00\x00<html>');
      expect(detectContentType(data)).toBe(binary);
      expect(detectContentType(data.subarray(3))).toBe(html);
    });

    test('the input is not modified', () => {
      const data = bytes('\r\n<HtMl>');
      const copy = data.slice();
      detectContentType(data);
      expect(data).toEqual(copy);
    });
  });
});

describe('the first-byte table never changes the answer', () => {
  // Deterministic pseudo-random inputs (xorshift), biased toward signature starts, so the fast
  // path is compared with the full scan over every first byte and many tails.
  let seed = 0x9e3779b9;
  const next = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed >>> 0;
  };
  const prefixes = [
    '',
    '<',
    '<!DOCTYPE HTML>',
    '%PDF-',
    'GIF89a',
    '\x89PNG\r\n\x1a\n',
    'RIFF',
    'OggS\x00',
    'ID3',
    '\x00\x00\x00\x18ftypmp42',
    'Rar!\x1a\x07\x00',
    ' <html>',
    '\xef\xbb\xbf',
  ];
  test('5,000 inputs agree with the full scan', () => {
    for (let n = 0; n < 5000; n++) {
      const prefix = prefixes[next() % prefixes.length] ?? '';
      const len = next() % 64;
      const bytes = new Uint8Array(prefix.length + len);
      for (let i = 0; i < prefix.length; i++) bytes[i] = prefix.charCodeAt(i);
      for (let i = prefix.length; i < bytes.length; i++)
        bytes[i] = next() & (n % 2 === 0 ? 0x7f : 0xff);
      if (n % 3 === 0 && bytes.length > 0) bytes[0] = n % 256;
      expect(detectContentType(bytes)).toBe(detectContentTypeFullScan(bytes));
    }
  });
});

describe('detectContentType(data, end) considers only data[0, end)', () => {
  const rows: [data: string, end: number, want: string][] = [
    ['<html>\x00\x00', 6, 'text/html; charset=utf-8'],
    ['<html>\x00\x00', 8, 'text/html; charset=utf-8'],
    ['hello\x00', 5, 'text/plain; charset=utf-8'],
    ['hello\x00', 6, 'application/octet-stream'],
    ['%PDF-1.7', 99, 'application/pdf'], // end past the data is the data's length
    ['', 0, 'text/plain; charset=utf-8'],
  ];
  test.each(rows)('%p up to %p → %p', (data, end, want) => {
    const bytes = new Uint8Array([...data].map((c) => c.charCodeAt(0)));
    expect(detectContentType(bytes, end)).toBe(want);
  });
});
