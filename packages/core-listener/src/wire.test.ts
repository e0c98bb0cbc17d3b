import { describe, expect, test } from 'bun:test';
import { ErrBodyNotAllowed, ErrContentLength, ErrHijacked } from './errors.ts';
import { utf8Length } from './utf8.ts';
import {
  bufferBeforeChunkingSize,
  httpDate,
  type ResponseRequest,
  type ResponseSink,
  ServerResponse,
} from './wire.ts';

// A sink that records the bytes exactly as the socket would get them (strings are latin1).
class CaptureSink implements ResponseSink {
  out = '';
  flushes = 0;
  logs: string[] = [];
  push(data: Uint8Array): void {
    for (const b of data) this.out += String.fromCharCode(b);
  }
  pushLatin1(text: string): void {
    this.out += text;
  }
  pushText(text: string): void {
    this.push(new TextEncoder().encode(text));
  }
  flush(): void {
    this.flushes++;
  }
  log(message: string): void {
    this.logs.push(message);
  }
  /** The output with the Date value replaced, so rows can be exact. */
  get wire(): string {
    return this.out.replace(
      /Date: [A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT/g,
      'Date: D',
    );
  }
}

const get11: ResponseRequest = {
  method: 'GET',
  protoMinor: 1,
  wantsClose: false,
  wants10KeepAlive: false,
};
const head11: ResponseRequest = { ...get11, method: 'HEAD' };
const get10: ResponseRequest = { ...get11, protoMinor: 0 };
const get10KeepAlive: ResponseRequest = { ...get10, wants10KeepAlive: true };
const get11Close: ResponseRequest = { ...get11, wantsClose: true };

type Handler = (w: ServerResponse) => void;
const big = 'x'.repeat(3000);

// Rows: what Go's net/http server puts on the wire for the same handler (Go 1.22, Date masked).
const rows: [name: string, req: ResponseRequest, h: Handler, wire: string, close: boolean][] = [
  [
    "small body gets Content-Length and a sniffed Content-Type, in Go's field order",
    get11,
    (w) => void w.write('hello'),
    'HTTP/1.1 200 OK\r\nDate: D\r\nContent-Length: 5\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhello',
    false,
  ],
  [
    'no write: 200 with Content-Length 0 and no Content-Type',
    get11,
    () => {},
    'HTTP/1.1 200 OK\r\nDate: D\r\nContent-Length: 0\r\n\r\n',
    false,
  ],
  [
    'HEAD with a body written: framed as the GET would be, no body bytes',
    head11,
    (w) => void w.write('<html>'),
    'HTTP/1.1 200 OK\r\nDate: D\r\nContent-Length: 6\r\nContent-Type: text/html; charset=utf-8\r\n\r\n',
    false,
  ],
  [
    // Go: 0 bytes on HEAD may mean the handler skipped the body, so no Content-Length.
    'HEAD with nothing written: no Content-Length',
    head11,
    () => {},
    'HTTP/1.1 200 OK\r\nDate: D\r\n\r\n',
    false,
  ],
  [
    'body beyond the 2048-byte buffer on HTTP/1.1: chunked',
    get11,
    (w) => void w.write(big),
    `HTTP/1.1 200 OK\r\nDate: D\r\nContent-Type: text/plain; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\nbb8\r\n${big}\r\n0\r\n\r\n`,
    false,
  ],
  [
    // HTTP/1.0 cannot chunk: the body ends with the connection, and no Connection header is sent.
    'body beyond the buffer on HTTP/1.0: close-delimited',
    get10,
    (w) => void w.write(big),
    `HTTP/1.0 200 OK\r\nDate: D\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${big}`,
    true,
  ],
  [
    'HTTP/1.0 without keep-alive: Content-Length, then close',
    get10,
    (w) => void w.write('hi'),
    'HTTP/1.0 200 OK\r\nDate: D\r\nContent-Length: 2\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhi',
    true,
  ],
  [
    'HTTP/1.0 keep-alive with a known length stays open',
    get10KeepAlive,
    (w) => void w.write('hi'),
    'HTTP/1.0 200 OK\r\nDate: D\r\nContent-Length: 2\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: keep-alive\r\n\r\nhi',
    false,
  ],
  [
    'HTTP/1.1 request with Connection: close gets Connection: close',
    get11Close,
    (w) => void w.write('hi'),
    'HTTP/1.1 200 OK\r\nDate: D\r\nContent-Length: 2\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\nhi',
    true,
  ],
  [
    '204 drops framing fields the handler set',
    get11,
    (w) => {
      w.header().set('Content-Length', '5');
      w.header().set('X-Keep', '1');
      w.writeHeader(204);
    },
    'HTTP/1.1 204 No Content\r\nX-Keep: 1\r\nDate: D\r\n\r\n',
    false,
  ],
  [
    // RFC 9110 §15.4.5 via Go's suppressedHeaders304.
    '304 drops Content-Type and framing, keeps validators',
    get11,
    (w) => {
      w.header().set('Content-Type', 'text/html');
      w.header().set('Etag', '"v1"');
      w.writeHeader(304);
    },
    'HTTP/1.1 304 Not Modified\r\nEtag: "v1"\r\nDate: D\r\n\r\n',
    false,
  ],
  [
    'a declared Content-Length not reached closes the connection',
    get11,
    (w) => {
      w.header().set('Content-Length', '10');
      void w.write('abc');
    },
    'HTTP/1.1 200 OK\r\nContent-Length: 10\r\nDate: D\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nabc',
    true,
  ],
  [
    "the handler's fields are sorted by name, as Go writes them",
    get11,
    (w) => {
      w.header().set('Zeta', 'z');
      w.header().set('Alpha', 'a');
      w.header().add('Zeta', 'z2');
    },
    'HTTP/1.1 200 OK\r\nAlpha: a\r\nZeta: z\r\nZeta: z2\r\nDate: D\r\nContent-Length: 0\r\n\r\n',
    false,
  ],
  [
    'a Date the handler set wins',
    get11,
    (w) => w.header().set('Date', 'Thu, 01 Jan 1970 00:00:00 GMT'),
    'HTTP/1.1 200 OK\r\nDate: Thu, 01 Jan 1970 00:00:00 GMT\r\nContent-Length: 0\r\n\r\n',
    false,
  ],
  [
    'flush before any body commits a chunked head without Content-Type',
    get11,
    (w) => {
      void w.flush();
      void w.write('data');
    },
    'HTTP/1.1 200 OK\r\nDate: D\r\nTransfer-Encoding: chunked\r\n\r\n4\r\ndata\r\n0\r\n\r\n',
    false,
  ],
  [
    // Go: identity TE with no length → no chunking, close-delimited (the SSE draft's advice).
    'Transfer-Encoding: identity means close-delimited',
    get11,
    (w) => {
      w.header().set('Transfer-Encoding', 'identity');
      void w.flush();
      void w.write('event');
    },
    'HTTP/1.1 200 OK\r\nDate: D\r\nConnection: close\r\n\r\nevent',
    true,
  ],
  [
    'Content-Type is sniffed from everything buffered, not the first write',
    get11,
    (w) => {
      void w.write('<ht');
      void w.write('ml>');
    },
    'HTTP/1.1 200 OK\r\nDate: D\r\nContent-Length: 6\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html>',
    false,
  ],
  [
    'declared trailers are sent after a chunked body',
    get11,
    (w) => {
      w.header().set('Trailer', 'X-Sum');
      void w.write('abc');
      w.header().set('X-Sum', '42');
    },
    'HTTP/1.1 200 OK\r\nTrailer: X-Sum\r\nDate: D\r\nContent-Type: text/plain; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-Sum: 42\r\n\r\n',
    false,
  ],
  [
    'Trailer:-prefixed fields are trailers too, and forbidden ones are dropped',
    get11,
    (w) => {
      w.header().set('Trailer:X-Late', 'yes');
      void w.flush();
      void w.write('x');
      w.header().set('Trailer:Content-Length', '1');
    },
    'HTTP/1.1 200 OK\r\nDate: D\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\nX-Late: yes\r\n\r\n',
    false,
  ],
  [
    'an unknown status gets Go\'s "status code N" reason',
    get11,
    (w) => w.writeHeader(299),
    'HTTP/1.1 299 status code 299\r\nDate: D\r\nContent-Length: 0\r\n\r\n',
    false,
  ],
  [
    // RFC 8297: informational responses go out at once and keep the header for the final one.
    '103 Early Hints before the final response',
    get11,
    (w) => {
      w.header().set('Link', '</a.css>; rel=preload');
      w.writeHeader(103);
      void w.write('ok');
    },
    'HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\nLink: </a.css>; rel=preload\r\nDate: D\r\nContent-Length: 2\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nok',
    false,
  ],
  [
    // Go logs the clash, drops Content-Length, and does not sniff when a Transfer-Encoding is set.
    'a handler that sets both Transfer-Encoding: chunked and Content-Length gets chunked only',
    get11,
    (w) => {
      w.header().set('Transfer-Encoding', 'chunked');
      w.header().set('Content-Length', '3');
      void w.write('abc');
    },
    'HTTP/1.1 200 OK\r\nDate: D\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
    false,
  ],
  // Go's WriteHeader clones the header (`w.cw.header = w.handlerHeader.Clone()`): what the
  // handler changes afterwards never reaches the head (TestHeaderToWire, "header change after
  // WriteHeader is ignored"); this server lends the header instead of cloning it, so each kind
  // of change must still be invisible.
  [
    'set after writeHeader is not in the head',
    get11,
    (w) => {
      w.header().set('X-A', 'before');
      w.writeHeader(200);
      w.header().set('X-A', 'after');
      w.header().set('X-B', 'new');
      void w.write('ok');
    },
    'HTTP/1.1 200 OK\r\nX-A: before\r\nDate: D\r\nContent-Length: 2\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nok',
    false,
  ],
  [
    'add and delete after an implicit writeHeader are not in the head',
    get11,
    (w) => {
      w.header().set('Content-Type', 'text/x-a');
      w.header().add('X-A', '1');
      void w.write('ok');
      w.header().add('X-A', '2');
      w.header().delete('Content-Type');
    },
    'HTTP/1.1 200 OK\r\nContent-Type: text/x-a\r\nX-A: 1\r\nDate: D\r\nContent-Length: 2\r\n\r\nok',
    false,
  ],
  [
    // Go logs it and drops the field from its clone only; the handler's map keeps it.
    'an invalid Content-Length is dropped from the head, not from the handler header',
    get11,
    (w) => {
      w.header().set('Content-Length', '1x');
      w.writeHeader(200);
      w.header().set('X-Seen', w.header().get('Content-Length'));
      void w.write('ok');
    },
    'HTTP/1.1 200 OK\r\nDate: D\r\nContent-Length: 2\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nok',
    false,
  ],
];

describe('ServerResponse on the wire (Go response/chunkWriter)', () => {
  test.each(rows)('%s', async (_name, req, h, wire, close) => {
    const sink = new CaptureSink();
    const w = new ServerResponse(req, sink);
    h(w);
    w.finish();
    expect(wire.includes('Date: D') ? sink.wire : sink.out).toBe(wire);
    expect(w.closeAfterReply).toBe(close);
  });
});

describe('ServerResponse details', () => {
  test('keep-alives disabled: Connection: close', async () => {
    const sink = new CaptureSink();
    const w = new ServerResponse(get11, sink, false);
    w.finish();
    expect(sink.wire).toBe(
      'HTTP/1.1 200 OK\r\nDate: D\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
    );
    expect(w.closeAfterReply).toBe(true);
  });

  test('writing past the declared Content-Length throws ErrContentLength and sends nothing more', async () => {
    const sink = new CaptureSink();
    const w = new ServerResponse(get11, sink);
    w.header().set('Content-Length', '3');
    expect(() => w.write('abcd')).toThrow(ErrContentLength);
    void w.write('abc');
    w.finish();
    expect(sink.wire.endsWith('\r\n\r\nabc')).toBe(true);
    expect(w.closeAfterReply).toBe(false);
  });

  test('a body under 204/304/1xx throws ErrBodyNotAllowed', () => {
    for (const code of [204, 304]) {
      const w = new ServerResponse(get11, new CaptureSink());
      w.writeHeader(code);
      expect(() => w.write('x')).toThrow(ErrBodyNotAllowed);
    }
  });

  test('a superfluous writeHeader is logged and ignored; an invalid Content-Length is dropped', async () => {
    const sink = new CaptureSink();
    const w = new ServerResponse(get11, sink);
    w.header().set('Content-Length', 'abc');
    w.writeHeader(201);
    w.writeHeader(500);
    w.finish();
    expect(sink.logs).toEqual([
      'http: invalid Content-Length of "abc"',
      'http: superfluous response.WriteHeader call (status 500)',
    ]);
    expect(sink.wire).toBe('HTTP/1.1 201 Created\r\nDate: D\r\nContent-Length: 0\r\n\r\n');
  });

  test('after hijack, write throws ErrHijacked and writeHeader is only logged', () => {
    const sink = new CaptureSink();
    const w = new ServerResponse(get11, sink);
    w.markHijacked();
    expect(() => w.write('x')).toThrow(ErrHijacked);
    w.writeHeader(200);
    expect(sink.logs).toEqual(['http: response.WriteHeader on hijacked connection']);
    expect(sink.out).toBe('');
  });

  test('small writes after commit are batched into one chunk per 2048 bytes', async () => {
    const sink = new CaptureSink();
    const w = new ServerResponse(get11, sink);
    void w.flush();
    const before = sink.flushes;
    for (let i = 0; i < 100; i++) void w.write('0123456789');
    // 1000 bytes fit the buffer: nothing handed to the socket yet.
    expect(sink.flushes).toBe(before);
    for (let i = 0; i < 150; i++) void w.write('0123456789');
    w.finish();
    const chunks = sink.out.slice(sink.out.indexOf('\r\n\r\n') + 4);
    // 2500 bytes in two chunks: the first when a write no longer fit the buffer (the 2040 bytes
    // buffered plus that write), the rest at the end.
    const first = Math.floor(bufferBeforeChunkingSize / 10) * 10 + 10;
    expect(chunks.startsWith(`${first.toString(16)}\r\n`)).toBe(true);
    expect(chunks).toContain(`\r\n${(2500 - first).toString(16)}\r\n`);
    expect(chunks.endsWith('0\r\n\r\n')).toBe(true);
  });

  test('bytes are copied: a caller reusing its buffer cannot change what is sent', async () => {
    const sink = new CaptureSink();
    const w = new ServerResponse(get11, sink);
    const buf = new TextEncoder().encode('abc');
    void w.write(buf);
    buf[0] = 0x7a;
    w.finish();
    expect(sink.out.endsWith('\r\n\r\nabc')).toBe(true);
  });

  test('httpDate is RFC 9110 IMF-fixdate and cached per second', () => {
    expect(httpDate(Date.UTC(2026, 10, 30, 5, 41, 28, 100))).toBe('Mon, 30 Nov 2026 05:41:28 GMT');
    expect(httpDate(Date.UTC(2026, 10, 30, 5, 41, 28, 900))).toBe('Mon, 30 Nov 2026 05:41:28 GMT');
    expect(httpDate(Date.UTC(1994, 10, 6, 8, 49, 37))).toBe('Sun, 06 Nov 1994 08:49:37 GMT');
  });
});

// Go's chunkWriter parses a handler's Content-Length with strconv.ParseInt and drops what fails;
// past 2^53 this server cannot count bytes exactly and drops it too.
describe('a Content-Length the handler set', () => {
  const rows: [value: string, kept: boolean, body: string][] = [
    ['5', true, 'hello'],
    ['0005', true, 'hello'],
    ['', false, 'hello'],
    ['-5', false, 'hello'],
    ['5.0', false, 'hello'],
    [' 5', false, 'hello'],
    ['1e1', false, 'hello'],
    ['900719925474099', true, ''],
    ['9007199254740991', true, ''],
    ['9007199254740992', false, ''],
    ['99999999999999999999999', false, ''],
  ];
  test.each(rows)('%p kept: %p', (value, kept, body) => {
    const sink = new CaptureSink();
    const w = new ServerResponse(get11, sink);
    w.header().set('Content-Length', value);
    w.header().set('Content-Type', 'text/plain');
    w.writeHeader(200);
    if (body !== '') void w.write(body);
    if (kept) {
      expect(sink.logs).toEqual([]);
      if (body !== '') expect(() => w.write('!')).toThrow(ErrContentLength);
    } else if (value !== '') {
      expect(sink.logs).toEqual([`http: invalid Content-Length of ${JSON.stringify(value)}`]);
    }
    w.finish();
    const lengths = [...sink.out.matchAll(/\r\nContent-Length: ([^\r]*)\r\n/g)].map((m) => m[1]);
    // An empty one is not parsed, but it still stops the computed length (Go's header.has):
    // the body goes chunked and the empty field is dropped.
    const want = kept ? [value] : value === '' ? [] : [String(body.length)];
    expect(lengths).toEqual(want);
    expect(sink.out.includes('Transfer-Encoding: chunked')).toBe(value === '');
  });
});

// The head of a response built from the same fields as the one before it is reused; any change
// of a name, a value, a value count or the excluded set must build it again.
describe('heads of consecutive responses', () => {
  // fields: `name=value` pairs added in order, comma-separated.
  const cases: [req: ResponseRequest, fields: string, head: string][] = [
    [get11, 'X-B=1,X-A=a', 'X-A: a\r\nX-B: 1\r\n'],
    [get11, 'X-B=1,X-A=a', 'X-A: a\r\nX-B: 1\r\n'],
    [get11, 'X-B=2,X-A=a', 'X-A: a\r\nX-B: 2\r\n'],
    [get11, 'X-C=2,X-A=a', 'X-A: a\r\nX-C: 2\r\n'],
    [get11, 'X-C=2,X-A=a,X-A=b', 'X-A: a\r\nX-A: b\r\nX-C: 2\r\n'],
    [get11, 'X-C=2,X-A=a', 'X-A: a\r\nX-C: 2\r\n'],
    [get11, 'Content-Length=0,X-A=a', 'Content-Length: 0\r\nX-A: a\r\n'],
    [head11, 'Content-Length=0,X-A=a', 'Content-Length: 0\r\nX-A: a\r\n'],
    [get11, 'Transfer-Encoding=chunked,X-A=a', 'X-A: a\r\n'],
    [get11, 'Transfer-Encoding=chunked,X-A=a', 'X-A: a\r\n'],
    [get11, 'Content-Length=0,X-A=a', 'Content-Length: 0\r\nX-A: a\r\n'],
    [get11, 'X-A=1', 'X-A: 1\r\n'],
    [get11, 'X-A=1', 'X-A: 1\r\n'],
    [get11, 'X-A=2', 'X-A: 2\r\n'],
    [get11, 'X-A=2,X-A=3', 'X-A: 2\r\nX-A: 3\r\n'],
    [get11, 'X-A=2', 'X-A: 2\r\n'],
    [get11, 'Transfer-Encoding=chunked', ''],
  ];
  test('each response gets its own fields', () => {
    for (const [req, fields, head] of cases) {
      const sink = new CaptureSink();
      const w = new ServerResponse(req, sink);
      for (const kv of fields.split(',')) {
        const [k, v] = kv.split('=') as [string, string];
        w.header().add(k, v);
      }
      w.finish();
      expect(sink.wire).toStartWith(`HTTP/1.1 200 OK\r\n${head}Date: D\r\n`);
    }
  });
});

describe('text bodies are counted in UTF-8 bytes', () => {
  const rows: [text: string, bytes: number][] = [
    ['', 0],
    ['hello', 5],
    ['h\u00e9llo', 6], // é is 2 bytes
    ['\u20ac', 3], // € is 3 bytes
    ['\u{1F600}', 4], // a surrogate pair is one 4-byte code point
    ['\ud800', 3], // a lone surrogate is sent as U+FFFD, 3 bytes (what TextEncoder does)
    ['a\udc00b', 5],
    // Past 256 code units the runtime's native count takes over; it must agree.
    [`${'x'.repeat(300)}\u00e9\u20ac\u{1F600}\ud800`, 300 + 2 + 3 + 4 + 3],
  ];
  test.each(rows)('%p → %p', async (text, bytes) => {
    expect(utf8Length(text)).toBe(bytes);
    expect(new TextEncoder().encode(text).length).toBe(bytes);
    const sink = new CaptureSink();
    const w = new ServerResponse(get11, sink);
    void w.write(text);
    w.finish();
    expect(sink.out).toContain(`Content-Length: ${bytes}\r\n`);
  });
});
