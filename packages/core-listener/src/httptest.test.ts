import { describe, expect, test } from 'bun:test';
import { ErrBodyNotAllowed } from './errors.ts';
import type { HandlerFunc } from './handler.ts';
import { newRequest, type RecordedResponse, ResponseRecorder } from './httptest.ts';

type Check = (rec: ResponseRecorder, res: RecordedResponse) => void;

const hasStatus =
  (code: number): Check =>
  (rec) =>
    expect(rec.code).toBe(code);
const hasResultStatus =
  (status: string): Check =>
  (_, res) =>
    expect(res.status).toBe(status);
const hasContents =
  (want: string): Check =>
  (rec) =>
    expect(rec.text()).toBe(want);
const hasFlush =
  (want: boolean): Check =>
  (rec) =>
    expect(rec.flushed).toBe(want);
const hasHeader =
  (key: string, want: string): Check =>
  (_, res) =>
    expect(res.header.get(key)).toBe(want);
const hasNotHeaders =
  (...keys: string[]): Check =>
  (_, res) => {
    for (const k of keys) expect(res.header.has(k)).toBe(false);
  };
const hasTrailer =
  (key: string, want: string): Check =>
  (_, res) =>
    expect(res.trailer.get(key)).toBe(want);
const hasNotTrailers =
  (...keys: string[]): Check =>
  (_, res) => {
    for (const k of keys) expect(res.trailer.has(k)).toBe(false);
  };
const hasContentLength =
  (n: number): Check =>
  (_, res) =>
    expect(res.contentLength).toBe(n);
const hasOldHeader =
  (key: string, want: string): Check =>
  (rec) =>
    expect(rec.header().get(key)).toBe(want);

// Rows from Go's httptest TestRecorder, with the names Go gives them. Where the real Go server
// (whose behaviour the recorder follows) differs from Go's recorder, the row says so.
const rows: [name: string, h: HandlerFunc, checks: Check[]][] = [
  ['200 default', () => {}, [hasStatus(200), hasContents('')]],
  [
    'first code only',
    (w) => {
      w.writeHeader(201);
      w.writeHeader(202);
      w.write('hi');
    },
    [hasStatus(201), hasContents('hi')],
  ],
  [
    'write sends 200',
    (w) => {
      w.write('hi first');
      w.writeHeader(201);
      w.writeHeader(202);
    },
    [hasStatus(200), hasContents('hi first'), hasFlush(false)],
  ],
  [
    'write string',
    (w) => {
      w.write('hi first');
    },
    [
      hasStatus(200),
      hasContents('hi first'),
      hasFlush(false),
      hasHeader('Content-Type', 'text/plain; charset=utf-8'),
    ],
  ],
  [
    'flush',
    (w) => {
      const rec = w as ResponseRecorder;
      rec.flush(); // also sends a 200
      w.writeHeader(201);
    },
    [hasStatus(200), hasFlush(true), hasContentLength(-1)],
  ],
  [
    'Content-Type detection',
    (w) => {
      w.write('<html>');
    },
    [hasHeader('Content-Type', 'text/html; charset=utf-8')],
  ],
  [
    'no Content-Type detection with Transfer-Encoding',
    (w) => {
      w.header().set('Transfer-Encoding', 'some encoding');
      w.write('<html>');
    },
    [hasHeader('Content-Type', '')],
  ],
  [
    'no Content-Type detection if set explicitly',
    (w) => {
      w.header().set('Content-Type', 'some/type');
      w.write('<html>');
    },
    [hasHeader('Content-Type', 'some/type')],
  ],
  [
    'Header is not changed after write',
    (w) => {
      const hdr = w.header();
      hdr.set('Key', 'correct');
      w.writeHeader(200);
      hdr.set('Key', 'incorrect');
    },
    [hasHeader('Key', 'correct')],
  ],
  [
    'Trailer headers are correctly recorded',
    (w) => {
      w.header().set('Non-Trailer', 'correct');
      w.header().set('Trailer', 'Trailer-A');
      w.header().add('Trailer', 'Trailer-B');
      w.header().add('Trailer', 'Trailer-C');
      w.write('<html>');
      w.header().set('Non-Trailer', 'incorrect');
      w.header().set('Trailer-A', 'valuea');
      w.header().set('Trailer-C', 'valuec');
      w.header().set('Trailer-NotDeclared', 'should be omitted');
      w.header().set('Trailer:Trailer-D', 'with prefix');
    },
    [
      hasStatus(200),
      hasHeader('Content-Type', 'text/html; charset=utf-8'),
      hasHeader('Non-Trailer', 'correct'),
      hasNotHeaders('Trailer-A', 'Trailer-B', 'Trailer-C', 'Trailer-NotDeclared'),
      hasTrailer('Trailer-A', 'valuea'),
      hasTrailer('Trailer-C', 'valuec'),
      hasNotTrailers('Non-Trailer', 'Trailer-B', 'Trailer-NotDeclared'),
      hasTrailer('Trailer-D', 'with prefix'),
    ],
  ],
  [
    // Go 1.23+: one Trailer value may declare several names, comma-separated.
    'Trailer declared as a comma list',
    (w) => {
      w.header().set('Trailer', 'Trailer-A, Trailer-B');
      w.write('x');
      w.header().set('Trailer-A', 'a');
      w.header().set('Trailer-B', 'b');
    },
    [hasTrailer('Trailer-A', 'a'), hasTrailer('Trailer-B', 'b')],
  ],
  [
    // RFC 9110 §6.5.1 forbids framing fields as trailers; Go ignores them (ValidTrailerHeader).
    'forbidden trailers are dropped',
    (w) => {
      w.header().set('Trailer', 'Content-Length, X-Ok');
      w.write('x');
      w.header().set('Content-Length', '99');
      w.header().set('X-Ok', 'yes');
      w.header().set('Trailer:Host', 'evil');
    },
    [hasTrailer('X-Ok', 'yes'), hasNotTrailers('Content-Length', 'Host')],
  ],
  [
    'Header set without any write', // Go issue 15560
    (w) => {
      w.header().set('X-Foo', '1');
    },
    [hasOldHeader('X-Foo', '1'), hasHeader('X-Foo', '1'), hasResultStatus('200 OK')],
  ],
  [
    'HeaderMap vs FinalHeaders', // more for Go issue 15560
    (w) => {
      const h = w.header();
      h.set('X-Foo', '1');
      w.write('hi');
      h.set('X-Foo', '2');
      h.set('X-Bar', '2');
    },
    [
      hasOldHeader('X-Foo', '2'),
      hasOldHeader('X-Bar', '2'),
      hasHeader('X-Foo', '1'),
      hasNotHeaders('X-Bar'),
    ],
  ],
  [
    'setting Content-Length header',
    (w) => {
      const body = 'Some body';
      w.header().set('Content-Length', String(body.length));
      w.write(body);
    },
    [hasStatus(200), hasContents('Some body'), hasContentLength(9)],
  ],
  // --- Where servehttp follows Go's server rather than Go's recorder ---
  [
    // The server sniffs what is buffered when the header is committed, not the first write:
    // "<ht" + "ml>" is HTML on the wire (Go's recorder would say text/plain).
    'sniffing sees every buffered write',
    (w) => {
      w.write('<ht');
      w.write('ml>');
    },
    [hasHeader('Content-Type', 'text/html; charset=utf-8')],
  ],
  [
    // The server sets no Content-Type for an empty body (Go's recorder sniffs "" as text/plain).
    'no Content-Type for an empty body',
    (w) => {
      w.write('');
    },
    [hasNotHeaders('Content-Type'), hasStatus(200)],
  ],
  [
    'no Content-Type when flushed before any body',
    (w) => {
      (w as ResponseRecorder).flush();
      w.write('<html>');
    },
    [hasNotHeaders('Content-Type'), hasContents('<html>'), hasFlush(true)],
  ],
  [
    // Past the 2048-byte buffer the server commits (and sniffs) with what it has.
    'outgrowing the buffer commits the header',
    (w) => {
      w.write('a'.repeat(2049));
      w.header().set('Content-Type', 'too/late');
    },
    [hasHeader('Content-Type', 'text/plain; charset=utf-8')],
  ],
  [
    // 1xx responses go out as they are written and do not end the header (Go 1.19+ server).
    'informational responses are recorded, the final status is separate',
    (w) => {
      w.header().set('Link', '</style.css>; rel=preload');
      w.writeHeader(103);
      w.writeHeader(103);
      w.header().set('X-Final', 'yes');
      w.writeHeader(200);
      w.write('ok');
    },
    [hasStatus(200), hasHeader('Link', '</style.css>; rel=preload'), hasHeader('X-Final', 'yes')],
  ],
];

describe('ResponseRecorder (Go TestRecorder)', () => {
  test.each(rows)('%s', async (_name, h, checks) => {
    const rec = new ResponseRecorder();
    await h(rec, newRequest('GET', 'http://foo.com/'));
    const res = rec.result();
    for (const check of checks) check(rec, res);
  });
});

describe('ResponseRecorder details', () => {
  test('informational snapshots carry the header of their moment, minus framing fields', () => {
    const rec = new ResponseRecorder();
    rec.header().set('Link', '<a>');
    rec.header().set('Content-Length', '5');
    rec.writeHeader(103);
    rec.header().set('Link', '<b>');
    rec.writeHeader(100);
    rec.writeHeader(204);
    expect(
      rec.informational.map((i) => [i.code, i.header.get('Link'), i.header.has('Content-Length')]),
    ).toEqual([
      [103, '<a>', false],
      [100, '<b>', false],
    ]);
    expect(rec.code).toBe(204);
  });

  test('a second final writeHeader is ignored and noted, as the server logs it', () => {
    const rec = new ResponseRecorder();
    rec.writeHeader(201);
    rec.writeHeader(500);
    expect(rec.code).toBe(201);
    expect(rec.warnings).toEqual(['http: superfluous response.writeHeader call (status 500)']);
  });

  const badCodes: [code: number][] = [[0], [99], [1000], [-200], [200.5], [Number.NaN]];
  test.each(badCodes)('writeHeader(%p) throws like Go checkWriteHeaderCode', (code) => {
    const rec = new ResponseRecorder();
    expect(() => rec.writeHeader(code)).toThrow(RangeError);
    expect(() => rec.writeHeader(code)).toThrow('http: invalid WriteHeader code');
  });

  const noBody: [code: number][] = [[204], [304]];
  test.each(noBody)('writing a body under %p throws ErrBodyNotAllowed', (code) => {
    const rec = new ResponseRecorder();
    rec.writeHeader(code);
    expect(() => rec.write('x')).toThrow(ErrBodyNotAllowed);
    expect(rec.body.length).toBe(0);
  });

  test('101 is final, not informational', () => {
    const rec = new ResponseRecorder();
    rec.writeHeader(101);
    expect(rec.informational).toEqual([]);
    expect(rec.code).toBe(101);
  });

  test('bytes are copied on write: reusing a buffer does not rewrite the body', () => {
    const rec = new ResponseRecorder();
    const buf = new TextEncoder().encode('abc');
    rec.write(buf);
    buf[0] = 0x7a;
    rec.write(buf);
    expect(rec.text()).toBe('abczbc');
  });

  test('flush counts, result is cached, status text for unknown codes', () => {
    const rec = new ResponseRecorder();
    rec.writeHeader(299);
    rec.flush();
    rec.flush();
    expect(rec.flushCount).toBe(2);
    const res = rec.result();
    expect(res).toBe(rec.result());
    expect(res.status).toBe('299');
  });
});
