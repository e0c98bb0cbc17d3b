import { describe, expect, test } from 'bun:test';
import { ParseError } from './errors.ts';
import { drive, enc, type Message, parseOne, splitAt } from './parser.test-util.ts';
import { Framing, HTTPParser, ParseEvent, type ParserOptions } from './parser.ts';

// Rows: [what, input, expected]. `expected` is either the error (status + reason substring) or
// the fields of the first message that matter. Each row is also run byte by byte, and the
// outcome must not change (errors keep status and reason).
type Expect =
  | { error: [status: number, reason: string] }
  | { msg: Partial<Message>; count?: number };
type Row = [what: string, input: string, expected: Expect, options?: ParserOptions];

const H = 'Host: x\r\n';

function check([, input, expected, options]: Row): void {
  const whole = parseOne(input, options);
  const bytes = drive(
    splitAt(
      enc(input),
      Array.from({ length: input.length }, (_, i) => i),
    ),
    options,
  );
  if ('error' in expected) {
    expect(whole.error).not.toBeNull();
    expect(whole.error?.status).toBe(expected.error[0]);
    expect(whole.error?.reason).toContain(expected.error[1]);
    expect(bytes.error?.status).toBe(expected.error[0]);
    expect(bytes.error?.reason).toBe(whole.error?.reason as string);
    expect(bytes.error?.offset).toBe(whole.error?.offset as number);
    return;
  }
  expect(whole.error).toBeNull();
  expect(whole.messages.length).toBe(expected.count ?? 1);
  expect(whole.messages[0]).toMatchObject(expected.msg);
  expect(bytes).toEqual(whole);
}

const err = (status: number, reason: string): Expect => ({ error: [status, reason] });
const ok = (msg: Partial<Message>, count?: number): Expect =>
  count === undefined ? { msg } : { msg, count };

describe('RFC 9112 §3 request line', () => {
  const rows: Row[] = [
    [
      'simple',
      `GET /a HTTP/1.1\r\n${H}\r\n`,
      ok({ method: 'GET', target: '/a', version: 'HTTP/1.1' }),
    ],
    [
      'any token method (Go validMethod)',
      `M-SEARCH /x HTTP/1.1\r\n${H}\r\n`,
      ok({ method: 'M-SEARCH' }),
    ],
    ['method is case-sensitive, kept as sent', `get / HTTP/1.1\r\n${H}\r\n`, ok({ method: 'get' })],
    ['method with a non-token byte', `GE(T / HTTP/1.1\r\n${H}\r\n`, err(400, 'invalid method')],
    ['empty method', ` / HTTP/1.1\r\n${H}\r\n`, err(400, 'invalid method')],
    [
      'tab after method (llhttp: Expected space)',
      `GET\t/ HTTP/1.1\r\n${H}\r\n`,
      err(400, 'invalid method'),
    ],
    ['two spaces after method', `GET  / HTTP/1.1\r\n${H}\r\n`, err(400, 'invalid request-target')],
    ['two spaces before version', `GET /  HTTP/1.1\r\n${H}\r\n`, err(400, 'invalid HTTP version')],
    [
      'HTTP/0.9 style line (Go: malformed HTTP request)',
      'GET /\r\n\r\n',
      err(400, 'missing HTTP version'),
    ],
    ['NUL in target', `GET /a\0b HTTP/1.1\r\n${H}\r\n`, err(400, 'invalid request-target')],
    ['DEL in target', `GET /a\x7fb HTTP/1.1\r\n${H}\r\n`, err(400, 'invalid request-target')],
    [
      'UTF-8 bytes in target (Go accepts; llhttp strict rejects)',
      `GET /caf\xc3\xa9 HTTP/1.1\r\n${H}\r\n`,
      ok({ target: '/caf\xc3\xa9' }),
    ],
    [
      'trailing space after version',
      `GET / HTTP/1.1 \r\n${H}\r\n`,
      err(400, 'invalid HTTP version'),
    ],
    [
      'leading CRLF is skipped (RFC 9112 §2.2)',
      `\r\n\r\nGET / HTTP/1.1\r\n${H}\r\n`,
      ok({ target: '/' }),
    ],
    ['leading space before method', ` GET / HTTP/1.1\r\n${H}\r\n`, err(400, 'invalid method')],
  ];
  test.each(rows)('%s', (...[what, input, expected, options]) =>
    check([what, input, expected, options]),
  );
});

describe('RFC 9112 §3.2 request-target forms', () => {
  const rows: Row[] = [
    ['origin-form', `GET /p?q=1 HTTP/1.1\r\n${H}\r\n`, ok({ target: '/p?q=1' })],
    [
      'absolute-form',
      'GET http://h.io/p HTTP/1.1\r\nHost: h.io\r\n\r\n',
      ok({ target: 'http://h.io/p' }),
    ],
    [
      'absolute-form, other scheme',
      'GET coap+tcp://h/p HTTP/1.1\r\nHost: h\r\n\r\n',
      ok({ target: 'coap+tcp://h/p' }),
    ],
    [
      'authority-form with CONNECT',
      'CONNECT h.io:443 HTTP/1.1\r\nHost: h.io:443\r\n\r\n',
      ok({ target: 'h.io:443', upgrade: true }),
    ],
    [
      'CONNECT with a path (Go net/rpc uses it)',
      'CONNECT /_goRPC_ HTTP/1.1\r\nHost: h\r\n\r\n',
      ok({ target: '/_goRPC_' }),
    ],
    [
      'authority-form without CONNECT',
      `GET h.io:443 HTTP/1.1\r\n${H}\r\n`,
      err(400, 'invalid request-target'),
    ],
    [
      'CONNECT without port',
      'CONNECT h.io HTTP/1.1\r\nHost: h.io\r\n\r\n',
      err(400, 'invalid CONNECT authority'),
    ],
    [
      'CONNECT with empty port',
      'CONNECT h.io: HTTP/1.1\r\nHost: h.io\r\n\r\n',
      err(400, 'invalid CONNECT authority'),
    ],
    [
      'CONNECT with absolute URI',
      'CONNECT http://h.io:1 HTTP/1.1\r\nHost: h.io\r\n\r\n',
      err(400, 'invalid CONNECT authority'),
    ],
    ['asterisk-form with OPTIONS', `OPTIONS * HTTP/1.1\r\n${H}\r\n`, ok({ target: '*' })],
    [
      'asterisk-form with GET (llhttp accepts)',
      `GET * HTTP/1.1\r\n${H}\r\n`,
      err(400, 'asterisk-form'),
    ],
    ['relative path', `GET a/b HTTP/1.1\r\n${H}\r\n`, err(400, 'invalid request-target')],
    [
      'scheme without //',
      `GET mailto:a@b HTTP/1.1\r\n${H}\r\n`,
      err(400, 'invalid request-target'),
    ],
  ];
  test.each(rows)('%s', (...[what, input, expected, options]) =>
    check([what, input, expected, options]),
  );
});

describe('RFC 9112 §2.3 version (505 beyond 1.x; Go accepts HTTP/1.2+, we do not)', () => {
  const rows: Row[] = [
    ['HTTP/1.0', 'GET / HTTP/1.0\r\n\r\n', ok({ version: 'HTTP/1.0', keepAlive: false })],
    ['HTTP/1.1', `GET / HTTP/1.1\r\n${H}\r\n`, ok({ version: 'HTTP/1.1', keepAlive: true })],
    ['HTTP/2.0', `GET / HTTP/2.0\r\n${H}\r\n`, err(505, 'unsupported HTTP version')],
    ['HTTP/1.2', `GET / HTTP/1.2\r\n${H}\r\n`, err(505, 'unsupported HTTP version')],
    ['HTTP/0.9', 'GET / HTTP/0.9\r\n\r\n', err(505, 'unsupported HTTP version')],
    ['lowercase http', `GET / http/1.1\r\n${H}\r\n`, err(400, 'invalid HTTP version')],
    ['two-digit minor', `GET / HTTP/1.10\r\n${H}\r\n`, err(400, 'invalid HTTP version')],
    ['missing minor', `GET / HTTP/1\r\n${H}\r\n`, err(400, 'invalid HTTP version')],
    ['RTSP (llhttp accepts)', `GET / RTSP/1.0\r\n${H}\r\n`, err(400, 'invalid HTTP version')],
  ];
  test.each(rows)('%s', (...[what, input, expected, options]) =>
    check([what, input, expected, options]),
  );
});

describe('RFC 9112 §2.2 line endings', () => {
  const rows: Row[] = [
    [
      'bare LF ends a field line: rejected by default',
      'GET / HTTP/1.1\r\nHost: x\n\r\n',
      err(400, 'bare LF'),
    ],
    ['bare LF in request line', 'GET / HTTP/1.1\nHost: x\r\n\r\n', err(400, 'bare LF')],
    [
      'bare LF accepted with allowBareLF (Go textproto accepts)',
      'GET / HTTP/1.1\nHost: x\n\n',
      ok({ target: '/' }),
      { allowBareLF: true },
    ],
    ['bare CR inside a value', 'GET / HTTP/1.1\r\nHost: x\r\nX: a\rb\r\n\r\n', err(400, 'bare CR')],
    [
      'bare CR even with allowBareLF',
      'GET / HTTP/1.1\r\nX: a\rb\r\n\r\n',
      err(400, 'bare CR'),
      { allowBareLF: true },
    ],
    ['CR CR LF', 'GET / HTTP/1.1\r\r\nHost: x\r\n\r\n', err(400, 'bare CR')],
    ['bare CR as the final empty line', 'GET / HTTP/1.1\r\nHost: x\r\n\rX', err(400, 'bare CR')],
  ];
  test.each(rows)('%s', (...[what, input, expected, options]) =>
    check([what, input, expected, options]),
  );
});

describe('RFC 9112 §5 field lines', () => {
  const rows: Row[] = [
    [
      'OWS trimmed both sides',
      `GET / HTTP/1.1\r\n${H}X:  \t v a \t\r\n\r\n`,
      ok({
        headers: [
          ['Host', 'x'],
          ['X', 'v a'],
        ],
      }),
    ],
    [
      'empty value',
      `GET / HTTP/1.1\r\n${H}X:\r\n\r\n`,
      ok({
        headers: [
          ['Host', 'x'],
          ['X', ''],
        ],
      }),
    ],
    [
      'obs-text kept as latin1',
      `GET / HTTP/1.1\r\n${H}X: \xe9\xff\r\n\r\n`,
      ok({
        headers: [
          ['Host', 'x'],
          ['X', '\xe9\xff'],
        ],
      }),
    ],
    [
      'names kept as sent, duplicates in order',
      `GET / HTTP/1.1\r\n${H}aCCept: 1\r\nACCEPT: 2\r\n\r\n`,
      ok({
        headers: [
          ['Host', 'x'],
          ['aCCept', '1'],
          ['ACCEPT', '2'],
        ],
      }),
    ],
    [
      'whitespace before colon (RFC 9112 §5.1 MUST reject)',
      `GET / HTTP/1.1\r\n${H}X : v\r\n\r\n`,
      err(400, 'whitespace before colon'),
    ],
    [
      'tab before colon',
      `GET / HTTP/1.1\r\n${H}X\t: v\r\n\r\n`,
      err(400, 'whitespace before colon'),
    ],
    [
      'obs-fold (Go unfolds; RFC 9112 §5.2 allows reject)',
      `GET / HTTP/1.1\r\n${H}X: a\r\n b\r\n\r\n`,
      err(400, 'obsolete line folding'),
    ],
    [
      'whitespace before first field (RFC 9112 §2.2)',
      'GET / HTTP/1.1\r\n Host: x\r\n\r\n',
      err(400, 'obsolete line folding'),
    ],
    ['empty name', `GET / HTTP/1.1\r\n${H}: v\r\n\r\n`, err(400, 'empty header field name')],
    ['no colon', `GET / HTTP/1.1\r\n${H}Novalue\r\n\r\n`, err(400, 'invalid header field name')],
    [
      'non-token name byte',
      `GET / HTTP/1.1\r\n${H}X@Y: v\r\n\r\n`,
      err(400, 'invalid header field name'),
    ],
    [
      'NUL in value',
      `GET / HTTP/1.1\r\n${H}X: a\0b\r\n\r\n`,
      err(400, 'invalid header field value'),
    ],
    [
      'DEL in value',
      `GET / HTTP/1.1\r\n${H}X: a\x7fb\r\n\r\n`,
      err(400, 'invalid header field value'),
    ],
    [
      'other CTL in value',
      `GET / HTTP/1.1\r\n${H}X: a\x01b\r\n\r\n`,
      err(400, 'invalid header field value'),
    ],
    ['NUL in name', `GET / HTTP/1.1\r\n${H}X\0Y: v\r\n\r\n`, err(400, 'invalid header field name')],
  ];
  test.each(rows)('%s', (...[what, input, expected, options]) =>
    check([what, input, expected, options]),
  );
});

describe('RFC 9112 §3.2 Host (Go server.go readRequest)', () => {
  const rows: Row[] = [
    ['HTTP/1.1 without Host', 'GET / HTTP/1.1\r\n\r\n', err(400, 'missing required Host header')],
    ['HTTP/1.0 without Host is fine', 'GET / HTTP/1.0\r\n\r\n', ok({ target: '/' })],
    [
      'two Host fields',
      'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n',
      err(400, 'too many Host headers'),
    ],
    [
      'two identical Host fields',
      'GET / HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n',
      err(400, 'too many Host headers'),
    ],
    [
      'empty Host is allowed (Go)',
      'GET / HTTP/1.1\r\nHost:\r\n\r\n',
      ok({ headers: [['Host', '']] }),
    ],
    [
      'Host with a space (Go validHostByte)',
      'GET / HTTP/1.1\r\nHost: a b\r\n\r\n',
      err(400, 'invalid Host header'),
    ],
    ['Host with a slash', 'GET / HTTP/1.1\r\nHost: a/b\r\n\r\n', err(400, 'invalid Host header')],
    [
      'Host IPv6 literal',
      'GET / HTTP/1.1\r\nHost: [::1]:80\r\n\r\n',
      ok({ headers: [['Host', '[::1]:80']] }),
    ],
  ];
  test.each(rows)('%s', (...[what, input, expected, options]) =>
    check([what, input, expected, options]),
  );
});

describe('RFC 9110 §8.6 Content-Length', () => {
  const rows: Row[] = [
    [
      'body of N bytes',
      `POST / HTTP/1.1\r\n${H}Content-Length: 3\r\n\r\nabc`,
      ok({ framing: Framing.Length, contentLength: 3, body: 'abc' }),
    ],
    [
      'zero',
      `POST / HTTP/1.1\r\n${H}Content-Length: 0\r\n\r\n`,
      ok({ framing: Framing.Length, contentLength: 0, body: '' }),
    ],
    [
      'leading zeros (Go ParseUint and llhttp accept)',
      `POST / HTTP/1.1\r\n${H}Content-Length: 007\r\n\r\nabcdefg`,
      ok({ contentLength: 7 }),
    ],
    [
      'OWS around the value',
      `POST / HTTP/1.1\r\n${H}Content-Length:  2 \r\n\r\nab`,
      ok({ contentLength: 2 }),
    ],
    [
      'case-insensitive name',
      `POST / HTTP/1.1\r\n${H}conTENT-Length: 1\r\n\r\nx`,
      ok({ contentLength: 1 }),
    ],
    [
      '2^53-1 accepted',
      `POST / HTTP/1.1\r\n${H}Content-Length: 9007199254740991\r\n\r\n`,
      ok({ contentLength: 9007199254740991 }),
    ],
    [
      '2^53 overflows',
      `POST / HTTP/1.1\r\n${H}Content-Length: 9007199254740992\r\n\r\n`,
      err(400, 'Content-Length too large'),
    ],
    [
      'huge (llhttp: Content-Length overflow)',
      `POST / HTTP/1.1\r\n${H}Content-Length: 1000000000000000000000\r\n\r\n`,
      err(400, 'Content-Length too large'),
    ],
    [
      'plus sign',
      `POST / HTTP/1.1\r\n${H}Content-Length: +3\r\n\r\nabc`,
      err(400, 'invalid Content-Length'),
    ],
    [
      'minus sign',
      `POST / HTTP/1.1\r\n${H}Content-Length: -1\r\n\r\n`,
      err(400, 'invalid Content-Length'),
    ],
    [
      'hex',
      `POST / HTTP/1.1\r\n${H}Content-Length: 0x10\r\n\r\n`,
      err(400, 'invalid Content-Length'),
    ],
    [
      'empty (Go: invalid empty Content-Length)',
      `POST / HTTP/1.1\r\n${H}Content-Length:\r\n\r\n`,
      err(400, 'invalid Content-Length'),
    ],
    [
      'inner space',
      `POST / HTTP/1.1\r\n${H}Content-Length: 1 2\r\n\r\n`,
      err(400, 'invalid Content-Length'),
    ],
    [
      'identical duplicate lines (Go #16490 dedups)',
      `POST / HTTP/1.1\r\n${H}Content-Length: 2\r\nContent-Length: 2\r\n\r\nab`,
      ok({ contentLength: 2, body: 'ab' }),
    ],
    [
      'differing duplicates',
      `POST / HTTP/1.1\r\n${H}Content-Length: 1\r\nContent-Length: 2\r\n\r\n`,
      err(400, 'conflicting Content-Length'),
    ],
    [
      'same number, different text (Go compares strings)',
      `POST / HTTP/1.1\r\n${H}Content-Length: 2\r\nContent-Length: 02\r\n\r\n`,
      err(400, 'conflicting Content-Length'),
    ],
    [
      'comma list, even identical (Go: bad Content-Length)',
      `POST / HTTP/1.1\r\n${H}Content-Length: 2, 2\r\n\r\nab`,
      err(400, 'invalid Content-Length'),
    ],
    [
      'over maxBodyBytes → 413 at the head',
      `POST / HTTP/1.1\r\n${H}Content-Length: 11\r\n\r\n`,
      err(413, 'body too large'),
      { maxBodyBytes: 10 },
    ],
    [
      'at maxBodyBytes',
      `POST / HTTP/1.1\r\n${H}Content-Length: 10\r\n\r\n0123456789`,
      ok({ body: '0123456789' }),
      { maxBodyBytes: 10 },
    ],
  ];
  test.each(rows)('%s', (...[what, input, expected, options]) =>
    check([what, input, expected, options]),
  );
});

describe('RFC 9112 §6.1 Transfer-Encoding', () => {
  const te = (v: string, body = '0\r\n\r\n') =>
    `POST / HTTP/1.1\r\n${H}Transfer-Encoding: ${v}\r\n\r\n${body}`;
  const rows: Row[] = [
    [
      'chunked',
      te('chunked', '3\r\nabc\r\n0\r\n\r\n'),
      ok({ framing: Framing.Chunked, body: 'abc', contentLength: -1 }),
    ],
    ['Chunked, any case', te('ChUnKeD'), ok({ framing: Framing.Chunked })],
    [
      'gzip, chunked (Go: 501; RFC and llhttp accept)',
      te('gzip, chunked'),
      ok({ framing: Framing.Chunked }),
    ],
    [
      'over two field lines',
      `POST / HTTP/1.1\r\n${H}Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
      ok({ framing: Framing.Chunked }),
    ],
    [
      'identity (Go: unsupported transfer encoding)',
      te('identity'),
      err(501, 'unsupported Transfer-Encoding'),
    ],
    ['gzip only', te('gzip'), err(501, 'unsupported Transfer-Encoding')],
    ['chunked twice', te('chunked, chunked'), err(400, 'chunked is not the final')],
    [
      'chunked twice over two lines (Go: too many transfer encodings)',
      `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
      err(400, 'chunked is not the final'),
    ],
    ['chunked, gzip', te('chunked, gzip'), err(400, 'chunked is not the final')],
    ['empty value', te(''), err(400, 'invalid Transfer-Encoding')],
    ['empty list element', te('gzip,,chunked'), err(400, 'invalid Transfer-Encoding')],
    ['trailing comma', te('chunked,'), err(400, 'invalid Transfer-Encoding')],
    ['parameters are not accepted', te('chunked;q=1'), err(400, 'invalid Transfer-Encoding')],
    [
      'in an HTTP/1.0 request (RFC 9112 §6.1 faulty framing; Go ignores TE)',
      'POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      err(400, 'HTTP/1.0'),
    ],
  ];
  test.each(rows)('%s', (...[what, input, expected, options]) =>
    check([what, input, expected, options]),
  );
});

describe('RFC 9112 §7.1 chunked coding', () => {
  const c = (body: string) => `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n${body}`;
  const rows: Row[] = [
    ['two chunks', c('2\r\nab\r\n3\r\ncde\r\n0\r\n\r\n'), ok({ body: 'abcde' })],
    [
      'hex both cases',
      c('a\r\n0123456789\r\nB\r\n0123456789A\r\n0\r\n\r\n'),
      ok({ body: '01234567890123456789A' }),
    ],
    [
      'zero-padded sizes (llhttp: triple zero end chunk)',
      c('0003\r\nabc\r\n000\r\n\r\n'),
      ok({ body: 'abc' }),
    ],
    [
      'extensions reported raw',
      c('3;a=1;b\r\nabc\r\n0;end="x"\r\n\r\n'),
      ok({ body: 'abc', extensions: ['3;a=1;b', '0;end="x"'] }),
    ],
    [
      'quoted-string with escape',
      c('1;a="x\\"y"\r\nz\r\n0\r\n\r\n'),
      ok({ extensions: ['1;a="x\\"y"'] }),
    ],
    [
      'BWS around ; and = (RFC 9112 §7.1.1; llhttp rejects)',
      c('1 ; a = b\r\nz\r\n0\r\n\r\n'),
      ok({ extensions: ['1 ; a = b'] }),
    ],
    [
      'trailers',
      c('1\r\nz\r\n0\r\nX-A: 1\r\nX-B:  two \r\n\r\n'),
      ok({
        trailers: [
          ['X-A', '1'],
          ['X-B', 'two'],
        ],
      }),
    ],
    ['missing size', c('\r\nab\r\n0\r\n\r\n'), err(400, 'invalid chunk size')],
    ['0x prefix', c('0x3\r\nabc\r\n0\r\n\r\n'), err(400, 'invalid chunk size')],
    ['sign', c('+3\r\nabc\r\n0\r\n\r\n'), err(400, 'invalid chunk size')],
    [
      'space after size, no extension (Go trims it; llhttp rejects)',
      c('3 \r\nabc\r\n0\r\n\r\n'),
      err(400, 'invalid chunk extension'),
    ],
    ['junk after size', c('3x\r\nabc\r\n0\r\n\r\n'), err(400, 'invalid chunk size')],
    [
      '17 hex digits (Go: http chunk length too large)',
      c('00000000000000003\r\nabc\r\n0\r\n\r\n'),
      err(400, 'chunk size too large'),
    ],
    ['size beyond 2^53-1', c('20000000000000\r\n'), err(400, 'chunk size too large')],
    [
      '; without a name (llhttp: Invalid character in chunk extensions)',
      c('3;\r\nabc\r\n0\r\n\r\n'),
      err(400, 'invalid chunk extension'),
    ],
    ['unterminated quote', c('3;a="x\r\nabc\r\n0\r\n\r\n'), err(400, 'invalid chunk extension')],
    ['= without value', c('3;a=\r\nabc\r\n0\r\n\r\n'), err(400, 'invalid chunk extension')],
    [
      'data longer than size',
      c('3\r\nabcd\r\n0\r\n\r\n'),
      err(400, 'missing CRLF after chunk data'),
    ],
    [
      'data shorter than size',
      c('3\r\nab\r\n0\r\n\r\n'),
      err(400, 'missing CRLF after chunk data'),
    ],
    ['CR then junk after data', c('3\r\nabc\rX0\r\n\r\n'), err(400, 'bare CR after chunk data')],
    ['bare LF after data', c('3\r\nabc\n0\r\n\r\n'), err(400, 'missing CRLF after chunk data')],
    ['bare LF after size', c('3\nabc\r\n0\r\n\r\n'), err(400, 'bare LF')],
    ['bare CR after size', c('3\rabc\r\n0\r\n\r\n'), err(400, 'bare CR')],
    ['invalid trailer field', c('0\r\nBad Name: x\r\n\r\n'), err(400, 'whitespace before colon')],
    ['obs-fold in trailers', c('0\r\nX: a\r\n b\r\n\r\n'), err(400, 'obsolete line folding')],
    [
      'chunk extensions over the limit → 413',
      c('1;aaaaaaaaaa=bbbbbbbbbb\r\nz\r\n0\r\n\r\n'),
      err(413, 'chunk extensions too long'),
      { maxChunkExtensionBytes: 16 },
    ],
    [
      'extension limit is per message, summed',
      c('1;aaaaaa\r\nz\r\n1;bbbbbb\r\nz\r\n0;cccccc\r\n\r\n'),
      err(413, 'chunk extensions too long'),
      { maxChunkExtensionBytes: 16 },
    ],
    [
      'chunk over maxBodyBytes → 413 before its data',
      c('5\r\nabcde\r\n6\r\n'),
      err(413, 'body too large'),
      { maxBodyBytes: 10 },
    ],
    [
      'trailers over the limit → 431',
      c(`0\r\nX: ${'v'.repeat(40)}\r\n\r\n`),
      err(431, 'trailer section too large'),
      { maxTrailerBytes: 32 },
    ],
    [
      'too many trailer fields → 431',
      c('0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n'),
      err(431, 'too many trailer fields'),
      { maxHeaderCount: 2 },
    ],
  ];
  test.each(rows)('%s', (...[what, input, expected, options]) =>
    check([what, input, expected, options]),
  );
});

describe('RFC 9112 §9.3 persistence, upgrade, Expect', () => {
  const rows: Row[] = [
    ['1.1 default keep-alive', `GET / HTTP/1.1\r\n${H}\r\n`, ok({ keepAlive: true })],
    ['1.1 close', `GET / HTTP/1.1\r\n${H}Connection: close\r\n\r\n`, ok({ keepAlive: false })],
    [
      '1.1 close inside a list, any case',
      `GET / HTTP/1.1\r\n${H}Connection: TE, CLOSE\r\n\r\n`,
      ok({ keepAlive: false }),
    ],
    ['1.0 default close', 'GET / HTTP/1.0\r\n\r\n', ok({ keepAlive: false })],
    ['1.0 keep-alive', 'GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n', ok({ keepAlive: true })],
    [
      '1.0 keep-alive, close wins',
      'GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n',
      ok({ keepAlive: false }),
    ],
    [
      'Upgrade with Connection: upgrade',
      `GET / HTTP/1.1\r\n${H}Connection: Upgrade\r\nUpgrade: websocket\r\n\r\n`,
      ok({ upgrade: true }),
    ],
    [
      'Upgrade without Connection: upgrade',
      `GET / HTTP/1.1\r\n${H}Upgrade: websocket\r\n\r\n`,
      ok({ upgrade: false }),
    ],
    [
      'Expect: 100-continue',
      `PUT / HTTP/1.1\r\n${H}Expect: 100-continue\r\nContent-Length: 1\r\n\r\nx`,
      ok({ expectContinue: true }),
    ],
    [
      'Expect: 100-continue on 1.0 ignored (Go ProtoAtLeast(1,1))',
      'PUT / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nx',
      ok({ expectContinue: false }),
    ],
    [
      'other Expect values are left to the server (Go: 417)',
      `PUT / HTTP/1.1\r\n${H}Expect: 200-ok\r\n\r\n`,
      ok({ expectContinue: false }),
    ],
  ];
  test.each(rows)('%s', (...[what, input, expected, options]) =>
    check([what, input, expected, options]),
  );
});

describe('limits', () => {
  const rows: Row[] = [
    [
      'request line over maxRequestLineBytes → 414',
      `GET /${'a'.repeat(40)} HTTP/1.1\r\n${H}\r\n`,
      err(414, 'request line too long'),
      { maxRequestLineBytes: 32 },
    ],
    [
      'request line exactly at the limit',
      `GET /${'a'.repeat(18)} HTTP/1.1\r\n${H}\r\n`,
      ok({ target: `/${'a'.repeat(18)}` }),
      { maxRequestLineBytes: 32 },
    ],
    [
      'unterminated request line over the limit → 414 without waiting',
      `GET /${'a'.repeat(40)}`,
      err(414, 'request line too long'),
      { maxRequestLineBytes: 32 },
    ],
    [
      'head over maxHeaderBytes → 431',
      `GET / HTTP/1.1\r\n${H}X: ${'v'.repeat(100)}\r\n\r\n`,
      err(431, 'request header fields too large'),
      { maxHeaderBytes: 64 },
    ],
    [
      'unterminated head over the limit → 431 without waiting',
      `GET / HTTP/1.1\r\n${H}X: ${'v'.repeat(100)}`,
      err(431, 'request header fields too large'),
      { maxHeaderBytes: 64 },
    ],
    [
      'head exactly at maxHeaderBytes',
      `GET / HTTP/1.1\r\n${H}\r\n`,
      ok({ target: '/' }),
      { maxHeaderBytes: 27 },
    ],
    [
      'head one byte over',
      `GET / HTTP/1.1\r\n${H}\r\n`,
      err(431, 'request header fields too large'),
      { maxHeaderBytes: 26 },
    ],
    [
      'too many fields → 431',
      `GET / HTTP/1.1\r\n${H}A: 1\r\nB: 2\r\n\r\n`,
      err(431, 'too many header fields'),
      { maxHeaderCount: 2 },
    ],
    [
      'leading empty lines count toward the head',
      `${'\r\n'.repeat(40)}GET / HTTP/1.1\r\n${H}\r\n`,
      err(431, 'request header fields too large'),
      { maxHeaderBytes: 64 },
    ],
  ];
  test.each(rows)('%s', (...[what, input, expected, options]) =>
    check([what, input, expected, options]),
  );

  test('default maxHeaderBytes is Go DefaultMaxHeaderBytes (1 MiB)', () => {
    const fits = `GET / HTTP/1.1\r\n${H}X: ${'v'.repeat((1 << 20) - 100)}\r\n\r\n`;
    expect(parseOne(fits).error).toBeNull();
    const over = `GET / HTTP/1.1\r\n${H}X: ${'v'.repeat(1 << 20)}\r\n\r\n`;
    expect(parseOne(over).error?.status).toBe(431);
  });
});

// A head that arrives whole takes a one-pass fast path (common method, origin-form target,
// HTTP/1.x, CRLF); anything else falls back to the line-by-line parser. Each row sits just past
// one of the fast path's checks; `check` runs it whole (fast path first) and one byte at a time
// (never the fast path), so the two must agree on the outcome and on every error's offset.
describe('fast path boundaries (whole head in one buffer)', () => {
  const rows: Row[] = [
    ...['GET', 'POST', 'PUT', 'HEAD', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE'].map(
      (m): Row => [
        `interned ${m}`,
        `${m} /x HTTP/1.1\r\n${H}\r\n`,
        ok({ method: m, target: '/x' }),
      ],
    ),
    ...['GETX', 'GE', 'POS', 'POSTS', 'PUTT', 'PAT', 'HEADER', 'DELETES', 'DELET', 'gET'].map(
      (m): Row => [
        `token method ${m} near a common one`,
        `${m} / HTTP/1.1\r\n${H}\r\n`,
        ok({ method: m }),
      ],
    ),
    ['HTTP/1.0 without Host', 'GET / HTTP/1.0\r\n\r\n', ok({ version: 'HTTP/1.0', headers: [] })],
    ['HTTP/1.1 without Host', 'GET / HTTP/1.1\r\n\r\n', err(400, 'missing required Host header')],
    ['HTTP/1.2', `GET / HTTP/1.2\r\n${H}\r\n`, err(505, 'unsupported HTTP version')],
    ['HTTP/2.0', `GET / HTTP/2.0\r\n${H}\r\n`, err(505, 'unsupported HTTP version')],
    ['lower-case version', `GET / http/1.1\r\n${H}\r\n`, err(400, 'invalid HTTP version')],
    ['version cut short', `GET / HTTP/1\r\n${H}\r\n`, err(400, 'invalid HTTP version')],
    ['version with a letter', `GET / HTTP/1.x\r\n${H}\r\n`, err(400, 'invalid HTTP version')],
    ['bare LF after the version', `GET / HTTP/1.1\n${H}\r\n`, err(400, 'bare LF')],
    ['bare CR after the version', `GET / HTTP/1.1\r${H}\r\n`, err(400, 'bare CR')],
    ['tab before the version', `GET /\tHTTP/1.1\r\n${H}\r\n`, err(400, 'invalid request-target')],
    [
      'absolute-form target',
      'GET http://h/ HTTP/1.1\r\nHost: h\r\n\r\n',
      ok({ target: 'http://h/' }),
    ],
    ['asterisk with GET', `GET * HTTP/1.1\r\n${H}\r\n`, err(400, 'asterisk-form')],
    ['asterisk with OPTIONS', `OPTIONS * HTTP/1.1\r\n${H}\r\n`, ok({ target: '*' })],
    [
      'no OWS after the colon',
      'GET / HTTP/1.1\r\nHost:x\r\n\r\n',
      ok({ headers: [['Host', 'x']] }),
    ],
    [
      'OWS trimmed both sides',
      'GET / HTTP/1.1\r\nHost: \t x \t\r\n\r\n',
      ok({ headers: [['Host', 'x']] }),
    ],
    [
      'empty value',
      `GET / HTTP/1.1\r\n${H}X:\r\n\r\n`,
      ok({
        headers: [
          ['Host', 'x'],
          ['X', ''],
        ],
      }),
    ],
    [
      'space before the colon',
      'GET / HTTP/1.1\r\nHost : x\r\n\r\n',
      err(400, 'whitespace before colon'),
    ],
    ['obs-fold', `GET / HTTP/1.1\r\n${H}X: a\r\n b\r\n\r\n`, err(400, 'obsolete line folding')],
    [
      'DEL in a value',
      `GET / HTTP/1.1\r\n${H}X: a\x7fb\r\n\r\n`,
      err(400, 'invalid header field value'),
    ],
    ['bare CR in a value', `GET / HTTP/1.1\r\n${H}X: a\rb\r\n\r\n`, err(400, 'bare CR')],
    ['bare LF ending a field', `GET / HTTP/1.1\r\n${H}X: a\n\r\n`, err(400, 'bare LF')],
    ['bare LF ending the head', `GET / HTTP/1.1\r\n${H}\n`, err(400, 'bare LF')],
    [
      'obs-text in a value',
      `GET / HTTP/1.1\r\n${H}X: caf\xe9\r\n\r\n`,
      ok({
        headers: [
          ['Host', 'x'],
          ['X', 'caf\xe9'],
        ],
      }),
    ],
    ['two Host fields', `GET / HTTP/1.1\r\n${H}${H}\r\n`, err(400, 'too many Host headers')],
    ['invalid Host byte', 'GET / HTTP/1.1\r\nHost: a b\r\n\r\n', err(400, 'invalid Host header')],
    [
      'a framing error found on the fast path',
      `GET / HTTP/1.1\r\n${H}Content-Length: 1\r\nContent-Length: 2\r\n\r\n`,
      err(400, 'conflicting Content-Length'),
    ],
    [
      'an earlier syntax error wins over a later framing error',
      `GET / HTTP/1.1\r\n${H}Bad Name: 1\r\nContent-Length: x\r\n\r\n`,
      err(400, 'whitespace before colon'),
    ],
    [
      'maxHeaderCount reached',
      `GET / HTTP/1.1\r\n${H}A: 1\r\n\r\n`,
      err(431, 'too many header fields'),
      { maxHeaderCount: 1 },
    ],
    [
      'maxHeaderBytes reached in the request line',
      `GET /${'a'.repeat(30)} HTTP/1.1\r\n${H}\r\n`,
      err(431, 'request header fields too large'),
      { maxHeaderBytes: 32 },
    ],
    [
      'maxRequestLineBytes one byte over',
      `GET /${'a'.repeat(19)} HTTP/1.1\r\n${H}\r\n`,
      err(414, 'request line too long'),
      { maxRequestLineBytes: 32 },
    ],
    [
      'pipelined: the second head takes the fast path too',
      `GET /1 HTTP/1.1\r\n${H}\r\nPOST /2 HTTP/1.1\r\n${H}Content-Length: 2\r\n\r\nhi`,
      ok({ method: 'GET', target: '/1' }, 2),
    ],
  ];
  test.each(rows)('%s', (...[what, input, expected, options]) =>
    check([what, input, expected, options]),
  );
});

describe('canonicalHeaderName (Go textproto.CanonicalMIMEHeaderKey) and host', () => {
  // Go net/textproto header_test.go canonicalHeaderKeyTests (the token rows; names that are
  // not tokens never get past this parser).
  const goRows: { name: string; want: string }[] = [
    { name: 'a-b-c', want: 'A-B-C' },
    { name: 'a-1-c', want: 'A-1-C' },
    { name: 'User-Agent', want: 'User-Agent' },
    { name: 'uSER-aGENT', want: 'User-Agent' },
    { name: 'user-agent', want: 'User-Agent' },
    { name: 'USER-AGENT', want: 'User-Agent' },
    { name: 'foo-bar_baz', want: 'Foo-Bar_baz' },
    { name: 'foo-bar$baz', want: 'Foo-Bar$baz' },
    { name: 'foo-bar~baz', want: 'Foo-Bar~baz' },
    { name: 'foo-bar*baz', want: 'Foo-Bar*baz' },
    // Names near an interned one (same length, first and last letter) must not be taken for it.
    { name: 'hxst', want: 'Hxst' },
    { name: 'HOSTS', want: 'Hosts' },
    { name: 'content-typE', want: 'Content-Type' },
    { name: 'x-forwarded-fo', want: 'X-Forwarded-Fo' },
    { name: 'WWW-Authenticate', want: 'Www-Authenticate' },
    { name: 'sec-ch-ua', want: 'Sec-Ch-Ua' },
    { name: '-', want: '-' },
    { name: '1a', want: '1a' },
  ];
  test.each(goRows)('$name → $want', ({ name, want }) => {
    const input = enc(`GET / HTTP/1.1\r\n${H}${name}: v\r\n\r\n`);
    for (const pieces of [
      [input],
      splitAt(
        input,
        Array.from({ length: input.length }, (_, i) => i),
      ),
    ]) {
      const p = new HTTPParser();
      let ev: number = ParseEvent.NeedMore;
      for (const piece of pieces) {
        ev = p.execute(piece);
        if (ev === ParseEvent.Head) break;
      }
      expect(ev).toBe(ParseEvent.Head);
      expect(p.canonicalHeaderName(0)).toBe('Host');
      expect(p.canonicalHeaderName(1)).toBe(want);
      expect(p.headerName(1)).toBe(name);
    }
  });

  test("equals Go's algorithm on every interned name in any case, and on random tokens", () => {
    const goCanonical = (s: string): string => {
      let out = '';
      let upper = true;
      for (const ch of s) {
        out += upper ? ch.toUpperCase() : ch.toLowerCase();
        upper = ch === '-';
      }
      return out;
    };
    const tchar = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const names = [
      'accept-encoding',
      'SET-COOKIE',
      'x-imforwards',
      'sec-websocket-key',
      'Upgrade-Insecure-Requests',
      'access-control-request-headers',
      'te',
      'cc',
      'a',
    ];
    for (let i = 0; i < 300; i++) {
      let n = '';
      const len = 1 + rand(20);
      for (let k = 0; k < len; k++) n += tchar[rand(tchar.length)];
      names.push(n);
    }
    const p = new HTTPParser();
    const head = `GET / HTTP/1.1\r\n${H}${names.map((n) => `${n}: v\r\n`).join('')}\r\n`;
    expect(p.execute(enc(head))).toBe(ParseEvent.Head);
    for (let i = 0; i < names.length; i++) {
      expect(p.canonicalHeaderName(i + 1)).toBe(goCanonical(names[i] as string));
    }
    expect(p.canonicalHeaderName(-1)).toBe('');
    expect(p.canonicalHeaderName(names.length + 1)).toBe('');
  });

  test('host is the Host field value, O(1); empty without one; reset per message', () => {
    const p = new HTTPParser();
    const two = enc(
      'GET / HTTP/1.1\r\nAccept: */*\r\nhOsT:  shop.example:8080 \r\n\r\nGET / HTTP/1.0\r\n\r\n',
    );
    expect(p.execute(two)).toBe(ParseEvent.Head);
    expect(p.host).toBe('shop.example:8080');
    expect(p.execute(two, p.offset)).toBe(ParseEvent.MessageEnd);
    expect(p.execute(two, p.offset)).toBe(ParseEvent.Head);
    expect(p.versionMinor).toBe(0);
    expect(p.host).toBe('');
  });
});

// Go conn.serve: expectsContinue() is the 100-continue token (honoured on 1.1 only); any other
// non-empty Expect is sendExpectationFailed (417); an empty one is no expectation.
describe('unsupportedExpectation', () => {
  test.each([
    { expect: '100-continue', minor: 1, cont: true, other: false },
    { expect: '100-Continue', minor: 1, cont: true, other: false },
    { expect: '100-continue', minor: 0, cont: false, other: false },
    { expect: '200-ok', minor: 1, cont: false, other: true },
    { expect: '200-ok', minor: 0, cont: false, other: true },
    { expect: '', minor: 1, cont: false, other: false },
  ])('Expect: "$expect" on HTTP/1.$minor', ({ expect: value, minor, cont, other }) => {
    const p = new HTTPParser({ kind: 'request' });
    const b = enc(`GET / HTTP/1.${minor}\r\n${H}Expect: ${value}\r\n\r\n`);
    expect(p.execute(b, 0, b.length)).toBe(ParseEvent.Head);
    expect([p.expectContinue, p.unsupportedExpectation]).toEqual([cont, other]);
    // The flag is per message: the next head without Expect clears it (1.1 keeps the connection).
    if (minor === 0) return;
    expect(p.execute(b, p.offset, b.length)).toBe(ParseEvent.MessageEnd);
    const next = enc(`GET / HTTP/1.1\r\n${H}\r\n`);
    expect(p.execute(next, 0, next.length)).toBe(ParseEvent.Head);
    expect(p.unsupportedExpectation).toBe(false);
  });
});

describe('target: recent targets are reused only when every byte matches', () => {
  test('many targets, repeated, colliding and near-identical, all read back exactly', () => {
    // The parser keeps a small hash-indexed cache of target strings; 600 distinct targets of
    // equal length must collide in it, and each must still come back as its own bytes.
    const targets: string[] = [];
    for (let i = 0; i < 600; i++) targets.push(`/item/${String(i).padStart(4, '0')}`);
    targets.push('/caf\u00e9', '/caf\u00e8', `/${'x'.repeat(80)}`, `/${'x'.repeat(79)}y`);
    const p = new HTTPParser({ kind: 'request' });
    for (let round = 0; round < 3; round++) {
      for (const t of targets) {
        const b = Uint8Array.from(`GET ${t} HTTP/1.1\r\nHost: x\r\n\r\n`, (c) => c.charCodeAt(0));
        expect(p.execute(b, 0, b.length)).toBe(ParseEvent.Head);
        expect(p.target).toBe(t);
        expect(p.execute(b, p.offset, b.length)).toBe(ParseEvent.MessageEnd);
      }
    }
  });
});

describe('headFields: a head that outlives the parser', () => {
  const rows: { name: string; head: string; want: string[]; host: number }[] = [
    {
      name: 'common names interned, others canonicalized, values trimmed',
      head: 'GET / HTTP/1.1\r\nhost: example.com:8080\r\nx-foo:  bar \r\nACCEPT: */*\r\n\r\n',
      want: ['Host=example.com:8080', 'X-Foo=bar', 'Accept=*/*'],
      host: 0,
    },
    {
      name: 'duplicates stay separate, in wire order; empty values kept',
      head: 'GET / HTTP/1.1\r\nA: 1\r\nHost: h\r\na: 2\r\nB:\r\n\r\n',
      want: ['A=1', 'Host=h', 'A=2', 'B='],
      host: 1,
    },
    {
      name: 'obs-text values are latin1, one code unit per octet',
      head: 'GET / HTTP/1.0\r\nX-Long-Value-Here: caf\xe9 and more than eight bytes\r\n\r\n',
      want: ['X-Long-Value-Here=caf\xe9 and more than eight bytes'],
      host: -1,
    },
  ];
  const latin1Bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
  const decode = (f: ReturnType<HTTPParser['headFields']>) =>
    Array.from({ length: f.count }, (_, i) => `${f.canonicalName(i)}=${f.value(i)}`);

  test.each(rows)('$name (whole and byte by byte)', ({ head, want, host }) => {
    const bytes = latin1Bytes(head);
    // Whole: parsed in place. Byte by byte: the head is carried and must be copied out.
    for (const step of [bytes.length, 1]) {
      const p = new HTTPParser({ kind: 'request' });
      let ev: ParseEvent = ParseEvent.NeedMore;
      // Each piece is a fresh buffer, consumed whole until the head completes.
      for (let at = 0; at < bytes.length && ev !== ParseEvent.Head; at += step) {
        const chunk = bytes.slice(at, Math.min(bytes.length, at + step));
        ev = p.execute(chunk, 0, chunk.length);
      }
      expect(ev).toBe(ParseEvent.Head);
      const f = p.headFields();
      expect(f.hostIndex).toBe(host);
      expect(decode(f)).toEqual(want);
      expect(Array.from({ length: f.count }, (_, i) => f.name(i))).toHaveLength(want.length);
    }
  });

  test('a taken head survives the next split head reusing the carry buffer', () => {
    const p = new HTTPParser({ kind: 'request' });
    const first = enc('GET /1 HTTP/1.1\r\nHost: first.example\r\nX-A: one-two-three\r\n\r\n');
    // Fed in two pieces so the head is carried.
    expect(p.execute(first, 0, 20)).toBe(ParseEvent.NeedMore);
    expect(p.execute(first, 20, first.length)).toBe(ParseEvent.Head);
    const kept = p.headFields();
    expect(p.execute(first, p.offset, first.length)).toBe(ParseEvent.MessageEnd);
    const second = enc(
      'GET /2 HTTP/1.1\r\nHost: second.example.org\r\nX-B: zzzzzzzzzzzzzzzz\r\n\r\n',
    );
    expect(p.execute(second, 0, 20)).toBe(ParseEvent.NeedMore);
    expect(p.execute(second, 20, second.length)).toBe(ParseEvent.Head);
    expect(decode(kept)).toEqual(['Host=first.example', 'X-A=one-two-three']);
    expect(decode(p.headFields())).toEqual(['Host=second.example.org', 'X-B=zzzzzzzzzzzzzzzz']);
  });
});

describe('smuggling (CL.TE, TE.CL, TE.TE, chunk-size and header-name tricks, splitting)', () => {
  const rows: Row[] = [
    [
      'CL.TE: both present (llhttp rejects; Go drops CL)',
      `POST / HTTP/1.1\r\n${H}Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG`,
      err(400, 'Content-Length with Transfer-Encoding'),
    ],
    [
      'TE.CL: order reversed',
      `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n8\r\nSMUGGLED\r\n0\r\n\r\n`,
      err(400, 'Content-Length with Transfer-Encoding'),
    ],
    [
      'TE.TE: xchunked',
      `POST / HTTP/1.1\r\n${H}Transfer-Encoding: xchunked\r\n\r\n`,
      err(501, 'unsupported Transfer-Encoding'),
    ],
    [
      'TE.TE: chunkedchunked (llhttp: invalid Transfer-Encoding)',
      `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunkedchunked\r\n\r\n`,
      err(501, 'unsupported Transfer-Encoding'),
    ],
    [
      'TE.TE: space before colon',
      `POST / HTTP/1.1\r\n${H}Transfer-Encoding : chunked\r\n\r\n`,
      err(400, 'whitespace before colon'),
    ],
    [
      'TE.TE: obs-fold value',
      `POST / HTTP/1.1\r\n${H}Transfer-Encoding:\r\n chunked\r\n\r\n`,
      err(400, 'invalid Transfer-Encoding'),
    ],
    [
      'TE.TE: vertical tab',
      `POST / HTTP/1.1\r\n${H}Transfer-Encoding:\x0bchunked\r\n\r\n`,
      err(400, 'invalid header field value'),
    ],
    [
      'TE.TE: quoted',
      `POST / HTTP/1.1\r\n${H}Transfer-Encoding: "chunked"\r\n\r\n`,
      err(400, 'invalid Transfer-Encoding'),
    ],
    [
      'TE.TE: chunked then identity',
      `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n`,
      err(400, 'chunked is not the final'),
    ],
    [
      'TE.TE: X-prefixed name is just a field',
      `POST / HTTP/1.1\r\n${H}X-Transfer-Encoding: chunked\r\nContent-Length: 1\r\n\r\nz`,
      ok({ framing: Framing.Length }),
    ],
    [
      'TE with a NUL in the name',
      `POST / HTTP/1.1\r\n${H}Transfer-Encoding\0: chunked\r\n\r\n`,
      err(400, 'invalid header field name'),
    ],
    [
      'CL with a space before colon',
      `POST / HTTP/1.1\r\n${H}Content-Length : 4\r\n\r\nabcd`,
      err(400, 'whitespace before colon'),
    ],
    [
      'CL with a trailing comma list',
      `POST / HTTP/1.1\r\n${H}Content-Length: 4,\r\n\r\nabcd`,
      err(400, 'invalid Content-Length'),
    ],
    [
      'chunk size with a semicolon-less extension (llhttp)',
      `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n5 ilovew3\r\nhello\r\n0\r\n\r\n`,
      err(400, 'invalid chunk extension'),
    ],
    [
      'chunk size with a 64-bit overflow trick',
      `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFF0\r\n`,
      err(400, 'chunk size too large'),
    ],
    [
      'chunk size with an underscore',
      `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n1_0\r\n`,
      err(400, 'invalid chunk size'),
    ],
    [
      'request splitting: CRLF inside a value',
      'GET / HTTP/1.1\r\nHost: x\r\nX: a\r\rGET /admin HTTP/1.1\r\n\r\n',
      err(400, 'bare CR'),
    ],
    [
      'request splitting: LF inside the target',
      'GET /a\nHost: evil HTTP/1.1\r\nHost: x\r\n\r\n',
      err(400, 'missing HTTP version'),
    ],
    [
      'header-name trick: name with a trailing tab',
      `POST / HTTP/1.1\r\n${H}Content-Length\t: 3\r\n\r\nabc`,
      err(400, 'whitespace before colon'),
    ],
    [
      'header-name trick: leading space (fold) on CL',
      `POST / HTTP/1.1\r\n${H} Content-Length: 3\r\n\r\nabc`,
      err(400, 'obsolete line folding'),
    ],
    [
      'TE in HTTP/1.0 with CL (downgrade trick)',
      'POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nabc',
      err(400, 'Content-Length with Transfer-Encoding'),
    ],
    [
      'pipelined leftovers become the next request',
      `POST / HTTP/1.1\r\n${H}Content-Length: 3\r\n\r\nabcGET /next HTTP/1.1\r\n${H}\r\n`,
      ok({ body: 'abc' }, 2),
    ],
    [
      'pipelined garbage after a body is an error for the next request',
      `POST / HTTP/1.1\r\n${H}Content-Length: 3\r\n\r\nabc{GET / HTTP/1.1\r\n${H}\r\n`,
      err(400, 'invalid method'),
    ],
  ];
  test.each(rows)('%s', (...[what, input, expected, options]) =>
    check([what, input, expected, options]),
  );

  test('bytes after Connection: close are not parsed (RFC 9112 §9.6; llhttp: Data after close)', () => {
    const o = parseOne(
      `GET / HTTP/1.1\r\n${H}Connection: close\r\n\r\nGET /smuggled HTTP/1.1\r\n${H}\r\n`,
    );
    expect(o.messages.map((m) => m.target)).toEqual(['/']);
    expect(o.rest).toStartWith('GET /smuggled');
  });

  test('CONNECT stops the parser: the rest is tunnel data', () => {
    const o = parseOne(
      'CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\n\r\n\x16\x03\x01GET / HTTP/1.1\r\n',
    );
    expect(o.messages.length).toBe(1);
    expect(o.rest).toBe('\x16\x03\x01GET / HTTP/1.1\r\n');
  });
});

describe('responses (RFC 9112 §4, §6.3)', () => {
  type RRow = [what: string, input: string, expected: Expect, responseTo?: string, eof?: boolean];
  const rows: RRow[] = [
    [
      '200 with CL',
      'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi',
      ok({ status: 200, reason: 'OK', body: 'hi', framing: Framing.Length }),
    ],
    [
      'reason with obs-text',
      'HTTP/1.1 200 \xc7a va\r\nContent-Length: 0\r\n\r\n',
      ok({ reason: '\xc7a va' }),
    ],
    ['no reason, no space', 'HTTP/1.1 204\r\n\r\n', ok({ status: 204, reason: '' })],
    [
      'chunked',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n',
      ok({ body: 'hi', framing: Framing.Chunked }),
    ],
    [
      'TE not ending in chunked → until close',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nzzz',
      ok({ body: 'zzz', framing: Framing.UntilClose, keepAlive: false }),
      undefined,
      true,
    ],
    [
      'chunked then gzip → until close (RFC 9112 §6.3 rule 4)',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\nzz',
      ok({ framing: Framing.UntilClose }),
      undefined,
      true,
    ],
    [
      'no framing → until close',
      'HTTP/1.1 200 OK\r\n\r\nall of it',
      ok({ body: 'all of it', framing: Framing.UntilClose, keepAlive: false }),
      undefined,
      true,
    ],
    [
      '204 ignores CL',
      'HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n',
      ok({ framing: Framing.None, contentLength: 5 }),
    ],
    [
      '304 has no body',
      'HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n',
      ok({ framing: Framing.None }),
    ],
    [
      'HEAD response has no body',
      'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n',
      ok({ framing: Framing.None, contentLength: 10, body: '' }),
      'HEAD',
    ],
    [
      '1xx then final',
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n',
      ok({ status: 100 }, 2),
    ],
    [
      '101 switches protocols',
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\x81\x05hello',
      ok({ status: 101, upgrade: true }),
    ],
    [
      '2xx to CONNECT is a tunnel',
      'HTTP/1.1 200 Connection established\r\n\r\ntunnel',
      ok({ upgrade: true, framing: Framing.None }),
      'CONNECT',
    ],
    ['status code too short', 'HTTP/1.1 20 OK\r\n\r\n', err(400, 'invalid status code')],
    ['status code 099', 'HTTP/1.1 099 X\r\n\r\n', err(400, 'invalid status code')],
    ['status code with a letter', 'HTTP/1.1 2x0 OK\r\n\r\n', err(400, 'invalid status code')],
    ['HTTP/2 status line', 'HTTP/2.0 200 OK\r\n\r\n', err(505, 'unsupported HTTP version')],
    [
      'CL and TE',
      'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n',
      err(400, 'Content-Length with Transfer-Encoding'),
    ],
    [
      'truncated CL body at EOF',
      'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab',
      err(400, 'unexpected end of stream'),
      undefined,
      true,
    ],
  ];
  // Rest parameters: Bun treats a callback declaring more parameters than a row has as `done`.
  test.each(rows)('%s', (...[, input, expected, responseTo, eof]) => {
    const o = drive([enc(input)], { kind: 'response' }, eof === true, responseTo);
    const bytes = drive(
      splitAt(
        enc(input),
        Array.from({ length: input.length }, (_, i) => i),
      ),
      { kind: 'response' },
      eof === true,
      responseTo,
    );
    if ('error' in expected) {
      expect(o.error?.status).toBe(expected.error[0]);
      expect(o.error?.reason).toContain(expected.error[1]);
      expect(bytes.error?.reason).toBe(o.error?.reason as string);
      return;
    }
    expect(o.error).toBeNull();
    expect(o.messages.length).toBe(expected.count ?? 1);
    expect(o.messages[0]).toMatchObject(expected.msg);
    expect(bytes).toEqual(o);
  });

  test('101 leaves the new protocol bytes at offset', () => {
    const o = parseOne('HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\nPRI *', {
      kind: 'response',
    });
    expect(o.rest).toBe('PRI *');
  });
});

describe('API contract', () => {
  const twoRequests = enc(
    `POST /a HTTP/1.1\r\n${H}Content-Length: 3\r\n\r\nabcGET /b HTTP/1.1\r\n${H}\r\n`,
  );

  test('events and offsets for a pipelined buffer (the worked example)', () => {
    const p = new HTTPParser();
    const seen: [number, number][] = [];
    let off = 0;
    for (let i = 0; i < 10 && off <= twoRequests.length; i++) {
      const ev = p.execute(twoRequests, off, twoRequests.length);
      off = p.offset;
      seen.push([ev, off]);
      if (ev === ParseEvent.NeedMore) break;
    }
    expect(seen).toEqual([
      [ParseEvent.Head, 48],
      [ParseEvent.Body, 51],
      [ParseEvent.MessageEnd, 51],
      [ParseEvent.Head, 79],
      [ParseEvent.MessageEnd, 79],
      [ParseEvent.NeedMore, 79],
    ]);
  });

  test('body is a zero-copy view of the caller buffer', () => {
    const p = new HTTPParser();
    expect(p.execute(twoRequests)).toBe(ParseEvent.Head);
    expect(p.execute(twoRequests, p.offset)).toBe(ParseEvent.Body);
    const view = p.body();
    expect(view.buffer).toBe(twoRequests.buffer);
    expect(view.byteOffset).toBe(48);
    expect(p.bodyBytes).toBe(3);
  });

  test('a whole head is parsed in place: fields read from the caller buffer', () => {
    const p = new HTTPParser();
    const buf = enc(`GET /x HTTP/1.1\r\n${H}X-Token: abc\r\n\r\n`);
    expect(p.execute(buf)).toBe(ParseEvent.Head);
    buf[35] = 0x7a; // overwrite the "a" of abc: an in-place head sees it
    expect(p.headerValue(1)).toBe('zbc');
  });

  test('the worked example of the design note', () => {
    const p = new HTTPParser();
    const buf = enc(`POST /a HTTP/1.1\r\n${H}Content-Length: 3\r\n\r\nabcGET /b HTTP/1.1\r\n`);
    expect(buf.length).toBe(68);
    expect([p.execute(buf, 0, 68), p.offset]).toEqual([ParseEvent.Head, 48]);
    expect([p.execute(buf, 48, 68), p.bodyStart, p.bodyEnd]).toEqual([ParseEvent.Body, 48, 51]);
    expect(p.execute(buf, 51, 68)).toBe(ParseEvent.MessageEnd);
    expect([p.execute(buf, 51, 68), p.offset]).toEqual([ParseEvent.NeedMore, 68]);
    expect([p.execute(enc('Host: y\r\n\r\n'), 0, 11), p.offset, p.target]).toEqual([
      ParseEvent.Head,
      11,
      '/b',
    ]);
  });

  test('a split head is retained: the caller may reuse its buffer after NeedMore', () => {
    const p = new HTTPParser();
    const buf = new Uint8Array(64);
    buf.set(enc('GET /split HTTP/1.1\r\nHo'));
    expect(p.execute(buf, 0, 23)).toBe(ParseEvent.NeedMore);
    buf.fill(0x21);
    buf.set(enc('st: y\r\n\r\n'));
    expect(p.execute(buf, 0, 9)).toBe(ParseEvent.Head);
    expect(p.target).toBe('/split');
    expect(p.header('HOST')).toBe('y');
    expect(p.offset).toBe(9);
  });

  test('header lookup is ASCII case-insensitive and does not confuse ^ with ~', () => {
    const p = new HTTPParser();
    p.execute(
      enc(`GET / HTTP/1.1\r\n${H}a^b: 1\r\nContent-Type: t/x\r\ncontent-type: second\r\n\r\n`),
    );
    expect(p.header('content-TYPE')).toBe('t/x');
    expect(p.headerIndex('Content-Type', 3)).toBe(3);
    expect(p.header('a~b')).toBeUndefined();
    expect(p.header('a^B')).toBe('1');
    expect(p.header('missing')).toBeUndefined();
    expect(p.rawHeaders()).toEqual([
      'Host',
      'x',
      'a^b',
      '1',
      'Content-Type',
      't/x',
      'content-type',
      'second',
    ]);
  });

  test('pause returns Paused without consuming; resume continues', () => {
    const p = new HTTPParser();
    expect(p.execute(twoRequests)).toBe(ParseEvent.Head);
    p.pause();
    expect(p.paused).toBe(true);
    expect(p.execute(twoRequests, p.offset)).toBe(ParseEvent.Paused);
    expect(p.offset).toBe(48);
    p.resume();
    expect(p.execute(twoRequests, p.offset)).toBe(ParseEvent.Body);
  });

  test('a ParseError sticks until reset, and carries the stream offset', () => {
    const p = new HTTPParser();
    const bad = enc('GET / HTTP/1.1\r\nHost: x\r\nBad Name: v\r\n\r\n');
    let first: unknown;
    try {
      p.execute(bad);
    } catch (e) {
      first = e;
    }
    expect(first).toBeInstanceOf(ParseError);
    expect((first as ParseError).offset).toBe(28);
    expect((first as ParseError).message).toBe('http-parser: whitespace before colon at offset 28');
    expect(() => p.execute(enc(`GET / HTTP/1.1\r\n${H}\r\n`))).toThrow(first as ParseError);
    p.reset();
    expect(p.execute(enc(`GET / HTTP/1.1\r\n${H}\r\n`))).toBe(ParseEvent.Head);
  });

  test('release: between messages the next request parses as usual; a kept partial head survives it', () => {
    const p = new HTTPParser();
    expect(p.execute(enc(`GET /a HTTP/1.1\r\n${H}\r\n`))).toBe(ParseEvent.Head);
    p.release(); // mid-message: nothing to let go of yet
    expect(p.execute(enc(''))).toBe(ParseEvent.MessageEnd);
    p.release();
    expect(p.execute(enc(`POST /b HTTP/1.1\r\n${H}Content-Length: 2\r\n\r\nok`))).toBe(
      ParseEvent.Head,
    );
    expect([p.method, p.target]).toEqual(['POST', '/b']);
    expect(p.execute(enc('ok'), 0, 0)).toBe(ParseEvent.NeedMore);
    // Split head: the first half is kept in the parser's carry buffer, and release leaves it.
    const q = new HTTPParser();
    expect(q.execute(enc('GET /split HT'))).toBe(ParseEvent.NeedMore);
    q.release();
    expect(q.execute(enc(`TP/1.1\r\n${H}\r\n`))).toBe(ParseEvent.Head);
    expect(q.target).toBe('/split');
  });

  test("release: the caller's buffers become collectable (a server's idle connections hold none)", () => {
    // Many parsers so that the conservative stack scan keeping one or two alive cannot decide
    // the result; without release every buffer stays reachable from its parser.
    const parsers: HTTPParser[] = [];
    const refs: WeakRef<Uint8Array>[] = [];
    const fill = (): void => {
      for (let i = 0; i < 50; i++) {
        const p = new HTTPParser();
        const buf = enc(`GET /${i} HTTP/1.1\r\n${H}\r\n`);
        refs.push(new WeakRef(buf));
        p.execute(buf);
        p.execute(buf, p.offset);
        expect(p.execute(buf, p.offset)).toBe(ParseEvent.NeedMore);
        p.release();
        parsers.push(p);
      }
    };
    fill();
    Bun.gc(true);
    const alive = refs.filter((r) => r.deref() !== undefined).length;
    expect(alive).toBeLessThan(10);
    expect(parsers).toHaveLength(50);
  });

  test('finish: clean between messages, an error mid-message', () => {
    const p = new HTTPParser();
    expect(p.finish()).toBe(ParseEvent.Stopped);
    const q = new HTTPParser();
    q.execute(enc('GET / HT'));
    expect(() => q.finish()).toThrow('unexpected end of stream');
  });

  test('one-byte chunks of a 64 KiB header cost linear time (no rescans)', () => {
    const input = enc(`GET / HTTP/1.1\r\n${H}X: ${'v'.repeat(64 << 10)}\r\n\r\n`);
    const p = new HTTPParser();
    const one = new Uint8Array(1);
    let ev: number = ParseEvent.NeedMore;
    for (let i = 0; i < input.length && ev === ParseEvent.NeedMore; i++) {
      one[0] = input[i] as number;
      ev = p.execute(one, 0, 1);
    }
    expect(ev).toBe(ParseEvent.Head);
    expect(p.headerValue(1).length).toBe(64 << 10);
  });

  test('retained bytes never exceed maxHeaderBytes', () => {
    const p = new HTTPParser({ maxHeaderBytes: 100 });
    const chunk = enc('GET / HTTP/1.1\r\nX: ');
    p.execute(chunk);
    const filler = new Uint8Array(1 << 16).fill(0x61);
    expect(() => p.execute(filler)).toThrow('request header fields too large');
  });
});
