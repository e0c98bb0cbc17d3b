/**
 * The request-smuggling and desync corpus, as families of rows built from the published
 * research: RFC 9112 §2.2 (bare CR, line endings), §3 (request line, absolute-form, Host), §6.1
 * (Transfer-Encoding; "a server MAY reject a request that contains both Content-Length and
 * Transfer-Encoding … and ought to close the connection after responding"), §6.3 (message
 * length rules), §7.1 (chunked coding); James Kettle's "HTTP Desync Attacks" (2019) and
 * PortSwigger's request-smuggling labs (CL.TE, TE.CL, TE.TE obfuscation); the Node/llhttp CVEs
 * (CVE-2022-32213/32214/32215: bare CR, multi-line TE, lenient chunk extensions; CVE-2023-30589:
 * bare CR before LF; CVE-2024-27982: space before the colon of Content-Length) and Go's
 * (CVE-2022-1705: `Transfer-Encoding: chunked` repeated, CVE-2023-39326: chunk extension size,
 * CVE-2025-22871: bare LF in chunk lines); Go's readrequest_test.go, serve_test.go
 * (TestRequestBodyLimit, TestServerHandlesHost…, TestIdentityTransferEncoding…) and llhttp's
 * test/request/*.md (transfer-encoding.md, content-length.md, invalid.md, connection.md).
 *
 * Design: a row is one connection's bytes. Every request in the corpus is answered by the same
 * handler (read the body, echo `METHOD /path n`), so the responses name each request the server
 * carved out of the bytes. A row marked `attack` hides a request for `/smuggled` that a correct
 * server must never serve: it sits inside a body, after a `Connection: close`, behind a framing
 * trick. Rows that are not attacks check that the ordinary cases (pipelining, keep-alive) still
 * work.
 *
 * Example: `CL.TE chunked` sends `Content-Length: 41` and `Transfer-Encoding: chunked` with the
 * body `0\r\n\r\nGET /smuggled …`. A server that frames by Content-Length serves one POST with a
 * 41-byte body; one that frames by chunked serves the POST, then `/smuggled` — the desync an
 * attacker uses when a front end and a back end disagree. Ours answers 400 and closes.
 *
 * The expected outcome of every row, per server (ours, Go, Node), lives in
 * `corpus-data.test-util.ts`, written by `corpus.test.ts` when `HARDENING_WRITE_CORPUS=1`.
 */

/** One corpus row. */
export interface CorpusRow {
  /** Unique: `family: what`. */
  name: string;
  family: string;
  /** The bytes sent on one connection, latin1. */
  send: string;
  /** A request for /smuggled is hidden in the bytes and must never be served. */
  attack: boolean;
}

/** The request an attacker hides. */
export const SMUGGLED = 'GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n';
const NEXT = 'GET /next HTTP/1.1\r\nHost: x\r\n\r\n';

const hex = (n: number): string => n.toString(16);

// Transfer-Encoding spellings from the TE.TE obfuscation lists (PortSwigger, Kettle 2019,
// llhttp transfer-encoding.md, Go transfer.go's "chunked" must be exact and alone).
const TE_VARIANTS: [label: string, header: string][] = [
  ['plain', 'Transfer-Encoding: chunked'],
  ['no space', 'Transfer-Encoding:chunked'],
  ['Chunked', 'Transfer-Encoding: Chunked'],
  ['CHUNKED', 'Transfer-Encoding: CHUNKED'],
  ['lowercase name', 'transfer-encoding: chunked'],
  ['uppercase name', 'TRANSFER-ENCODING: chunked'],
  ['trailing space', 'Transfer-Encoding: chunked '],
  ['tab before value', 'Transfer-Encoding:\tchunked'],
  ['trailing tab', 'Transfer-Encoding: chunked\t'],
  ['xchunked', 'Transfer-Encoding: xchunked'],
  ['chunkedx', 'Transfer-Encoding: chunkedx'],
  ['chunk', 'Transfer-Encoding: chunk'],
  ['quoted', 'Transfer-Encoding: "chunked"'],
  ['identity', 'Transfer-Encoding: identity'],
  ['identity, chunked', 'Transfer-Encoding: identity, chunked'],
  ['chunked, identity', 'Transfer-Encoding: chunked, identity'],
  ['gzip, chunked', 'Transfer-Encoding: gzip, chunked'],
  ['chunked, gzip', 'Transfer-Encoding: chunked, gzip'],
  ['chunked, chunked', 'Transfer-Encoding: chunked, chunked'],
  ['trailing comma', 'Transfer-Encoding: chunked,'],
  ['leading comma', 'Transfer-Encoding: , chunked'],
  ['parameter', 'Transfer-Encoding: chunked;q=1'],
  ['empty value', 'Transfer-Encoding: '],
  ['x', 'Transfer-Encoding: x'],
  ['two headers chunked+identity', 'Transfer-Encoding: chunked\r\nTransfer-Encoding: identity'],
  ['two headers identity+chunked', 'Transfer-Encoding: identity\r\nTransfer-Encoding: chunked'],
  ['two headers chunked twice', 'Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked'],
  ['two headers gzip+chunked', 'Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked'],
  ['space before colon', 'Transfer-Encoding : chunked'],
  ['tab before colon', 'Transfer-Encoding\t: chunked'],
  ['underscore name', 'Transfer_Encoding: chunked'],
  ['obs-fold value', 'Transfer-Encoding:\r\n chunked'],
  ['obs-fold continuation', 'Transfer-Encoding: x\r\n chunked'],
  ['folded onto X', 'X: y\r\n Transfer-Encoding: chunked'],
  ['vertical tab', 'Transfer-Encoding: chunked\x0b'],
  ['form feed', 'Transfer-Encoding: \x0cchunked'],
  ['NUL in value', 'Transfer-Encoding: chunked\x00'],
  ['bare CR in value', 'Transfer-Encoding: chunked\rX: y'],
  ['non-ASCII k', 'Transfer-Encoding: chun\u212aed'],
  ['X- prefix', 'X-Transfer-Encoding: chunked'],
  ['Content-Encoding instead', 'Content-Encoding: chunked'],
];

// Labels whose field is not Transfer-Encoding at all.
const NOT_TE = new Set(['underscore name', 'X- prefix', 'Content-Encoding instead']);

function teRows(): CorpusRow[] {
  const rows: CorpusRow[] = [];
  for (const [label, te] of TE_VARIANTS) {
    // TE alone, a good chunked body, then a pipelined request: how is the TE read?
    const body = '5\r\nhello\r\n0\r\n\r\n';
    rows.push({
      name: `TE: ${label}`,
      family: 'TE',
      send: `POST /te HTTP/1.1\r\nHost: x\r\n${te}\r\n\r\n${body}${NEXT}`,
      attack: false,
    });
    // CL.TE: Content-Length covers everything; chunked framing ends early and leaves /smuggled.
    const clte = `0\r\n\r\n${SMUGGLED}`;
    rows.push({
      name: `CL.TE: ${label}`,
      family: 'CL.TE',
      send: `POST /clte HTTP/1.1\r\nHost: x\r\nContent-Length: ${clte.length}\r\n${te}\r\n\r\n${clte}`,
      attack: true,
    });
    // TE.CL: chunked framing carries /smuggled as chunk data; Content-Length: 4 ends the body
    // right before it.
    const size = `${hex(SMUGGLED.length)}\r\n`;
    const tecl = `${size}${SMUGGLED}\r\n0\r\n\r\n`;
    rows.push({
      name: `TE.CL: ${label}`,
      family: 'TE.CL',
      send: `POST /tecl HTTP/1.1\r\nHost: x\r\n${te}\r\nContent-Length: ${size.length}\r\n\r\n${tecl}`,
      // Without a Transfer-Encoding field at all, Content-Length frames the body and the
      // request after it is an ordinary pipelined one (RFC 9112 §6.3 rule 6).
      attack: !NOT_TE.has(label),
    });
  }
  return rows;
}

// Content-Length spellings (llhttp content-length.md; Go transfer.go parseContentLength and
// its duplicate rule: identical values collapse, different ones are an error, Go issue 47980
// on whitespace). The declared length is 5; the bytes after five are /smuggled.
const CL_VARIANTS: [label: string, header: string][] = [
  ['plain', 'Content-Length: 5'],
  ['leading zeros', 'Content-Length: 0005'],
  ['plus sign', 'Content-Length: +5'],
  ['minus sign', 'Content-Length: -5'],
  ['hex', 'Content-Length: 0x5'],
  ['decimal point', 'Content-Length: 5.0'],
  ['exponent', 'Content-Length: 5e0'],
  ['trailing space', 'Content-Length: 5 '],
  ['trailing tab', 'Content-Length: 5\t'],
  ['inner space', 'Content-Length: 5 5'],
  ['list same', 'Content-Length: 5, 5'],
  ['list different', 'Content-Length: 5, 41'],
  ['two headers same', 'Content-Length: 5\r\nContent-Length: 5'],
  ['two headers different', 'Content-Length: 5\r\nContent-Length: 41'],
  ['two headers different reversed', 'Content-Length: 41\r\nContent-Length: 5'],
  ['empty value', 'Content-Length: '],
  ['letters', 'Content-Length: five'],
  ['digit then letter', 'Content-Length: 5a'],
  ['space before colon', 'Content-Length : 5'],
  ['obs-fold', 'Content-Length:\r\n 5'],
  ['huge', 'Content-Length: 99999999999999999999999'],
  ['2^53', 'Content-Length: 9007199254740993'],
  ['underscore name', 'Content_Length: 5'],
  ['NUL after', 'Content-Length: 5\x00'],
  ['non-ASCII digit', 'Content-Length: \u0665'],
  ['folded onto X', 'X: y\r\n Content-Length: 5'],
];

const LEGIT_CL = new Set([
  'plain',
  'leading zeros',
  'trailing space',
  'trailing tab',
  'list same',
  'two headers same',
  'underscore name',
]);

function clRows(): CorpusRow[] {
  const body = `hello${SMUGGLED}`;
  return CL_VARIANTS.map(([label, cl]) => ({
    name: `CL: ${label}`,
    family: 'CL',
    send: `POST /cl HTTP/1.1\r\nHost: x\r\n${cl}\r\n\r\n${body}`,
    // With a length of 5 (identical duplicates collapse, RFC 9110 §8.6), /smuggled is a
    // legitimate pipelined request, and with no Content-Length at all (a misspelt name) the
    // bytes after the head are the next request by definition; any other reading hides it.
    attack: !LEGIT_CL.has(label),
  }));
}

// Chunk-size lines and chunk data (RFC 9112 §7.1; llhttp transfer-encoding.md; Go
// internal/chunked.go; CVE-2023-39326, CVE-2025-22871; Kettle's "chunk size tricks").
function chunkRows(): CorpusRow[] {
  const head = 'POST /chunk HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n';
  const cases: [label: string, body: string, attack: boolean][] = [
    ['one chunk', '5\r\nhello\r\n0\r\n\r\n', false],
    ['two chunks', '2\r\nhe\r\n3\r\nllo\r\n0\r\n\r\n', false],
    ['uppercase hex', 'A\r\n0123456789\r\n0\r\n\r\n', false],
    ['leading zeros', '005\r\nhello\r\n0\r\n\r\n', false],
    ['last chunk 00', '5\r\nhello\r\n00\r\n\r\n', false],
    ['0x prefix', '0x5\r\nhello\r\n0\r\n\r\n', true],
    ['plus sign', '+5\r\nhello\r\n0\r\n\r\n', true],
    ['minus sign', '-5\r\nhello\r\n0\r\n\r\n', true],
    ['space before size', ' 5\r\nhello\r\n0\r\n\r\n', true],
    ['space after size', '5 \r\nhello\r\n0\r\n\r\n', true],
    ['tab after size', '5\t\r\nhello\r\n0\r\n\r\n', true],
    ['extension', '5;name=value\r\nhello\r\n0\r\n\r\n', false],
    ['bare extension', '5;name\r\nhello\r\n0\r\n\r\n', false],
    ['quoted extension', '5;name="va lue"\r\nhello\r\n0\r\n\r\n', false],
    // RFC 9112 §7.1.1 allows BWS before ';' (Go 1.19 and llhttp reject it).
    ['space before ;', '5 ;name\r\nhello\r\n0\r\n\r\n', false],
    ['empty extension name', '5;\r\nhello\r\n0\r\n\r\n', true],
    ['extension with bare LF', '5;a\nb\r\nhello\r\n0\r\n\r\n', true],
    ['extension with bare CR', '5;a\rb\r\nhello\r\n0\r\n\r\n', true],
    ['extension hides request', `5;${SMUGGLED.replace(/\r\n/g, ' ')}\r\nhello\r\n0\r\n\r\n`, true],
    ['size line bare LF', '5\nhello\r\n0\r\n\r\n', true],
    ['data bare LF', '5\r\nhello\n0\r\n\r\n', true],
    ['last chunk bare LF', '5\r\nhello\r\n0\n\r\n', true],
    ['final CRLF bare LF', '5\r\nhello\r\n0\r\n\n', true],
    ['data bare CR', '5\r\nhello\r0\r\n\r\n', true],
    ['data not CRLF', '5\r\nhelloXX0\r\n\r\n', true],
    ['data longer than size', '3\r\nhello\r\n0\r\n\r\n', true],
    ['data shorter than size', '7\r\nhello\r\n0\r\n\r\n', true],
    ['size overflow 64-bit', 'fffffffffffffffff\r\nhello\r\n0\r\n\r\n', true],
    ['size 2^53+1', '20000000000001\r\nhello\r\n0\r\n\r\n', true],
    ['empty size', '\r\nhello\r\n0\r\n\r\n', true],
    ['size not hex', 'g\r\nhello\r\n0\r\n\r\n', true],
    ['trailer', '5\r\nhello\r\n0\r\nX-Trailer: t\r\n\r\n', false],
    ['trailer Content-Length', '5\r\nhello\r\n0\r\nContent-Length: 40\r\n\r\n', false],
    ['trailer Transfer-Encoding', '5\r\nhello\r\n0\r\nTransfer-Encoding: chunked\r\n\r\n', false],
    ['trailer bad name', '5\r\nhello\r\n0\r\nBad Name: t\r\n\r\n', true],
    ['trailer obs-fold', '5\r\nhello\r\n0\r\nX: a\r\n b\r\n\r\n', true],
    ['missing final CRLF', '5\r\nhello\r\n0\r\n', true],
    ['size with underscore', '0_5\r\nhello\r\n0\r\n\r\n', true],
    ['last-chunk extension', '5\r\nhello\r\n0;x=y\r\n\r\n', false],
    ['long extension 1 KiB', `5;${'a'.repeat(1024)}\r\nhello\r\n0\r\n\r\n`, false],
    ['long extension 20 KiB', `5;${'a'.repeat(20 * 1024)}\r\nhello\r\n0\r\n\r\n`, true],
    ['many tiny chunks with extensions', `${'1;a=b\r\nx\r\n'.repeat(300)}0\r\n\r\n`, false],
  ];
  return cases.map(([label, body, attack]) => ({
    name: `chunk: ${label}`,
    family: 'chunk',
    // An attack row hides /smuggled right after the body: served only by a server that took a
    // broken body as complete and then read on.
    send: `${head}${body}${attack ? SMUGGLED : NEXT}`,
    attack,
  }));
}

// Line endings and control bytes (RFC 9112 §2.2: bare CR must be rejected or replaced by SP;
// a recipient MAY accept bare LF as line terminator. CVE-2022-32215, CVE-2023-30589).
function lineRows(): CorpusRow[] {
  const cases: [label: string, send: string, attack: boolean][] = [
    ['request line bare LF', 'GET /lf HTTP/1.1\nHost: x\r\n\r\n', false],
    ['all bare LF', 'GET /lf HTTP/1.1\nHost: x\n\n', false],
    ['header bare LF', 'GET /lf HTTP/1.1\r\nHost: x\nX: y\r\n\r\n', false],
    ['head end bare LF', 'GET /lf HTTP/1.1\r\nHost: x\r\n\n', false],
    ['bare CR in request line', 'GET /cr\rX HTTP/1.1\r\nHost: x\r\n\r\n', false],
    ['bare CR after version', 'GET /cr HTTP/1.1\r\rHost: x\r\n\r\n', false],
    ['bare CR in header value', 'GET /cr HTTP/1.1\r\nHost: x\r\nX: a\rb\r\n\r\n', false],
    [
      'bare CR ends header',
      'GET /cr HTTP/1.1\r\nHost: x\r\nX: a\rContent-Length: 0\r\n\r\n',
      false,
    ],
    ['CR CR LF', 'GET /cr HTTP/1.1\r\nHost: x\r\r\n\r\n', false],
    ['NUL in value', 'GET /nul HTTP/1.1\r\nHost: x\r\nX: a\x00b\r\n\r\n', false],
    ['DEL in value', 'GET /del HTTP/1.1\r\nHost: x\r\nX: a\x7fb\r\n\r\n', false],
    ['VT in value', 'GET /vt HTTP/1.1\r\nHost: x\r\nX: a\x0bb\r\n\r\n', false],
    ['tab in value', 'GET /tab HTTP/1.1\r\nHost: x\r\nX: a\tb\r\n\r\n', false],
    ['obs-text in value', 'GET /obs HTTP/1.1\r\nHost: x\r\nX: caf\xe9\r\n\r\n', false],
    ['one leading CRLF', `\r\nGET /lead HTTP/1.1\r\nHost: x\r\n\r\n`, false],
    ['two leading CRLF', `\r\n\r\nGET /lead HTTP/1.1\r\nHost: x\r\n\r\n`, false],
    ['leading bare LF', `\nGET /lead HTTP/1.1\r\nHost: x\r\n\r\n`, false],
    ['leading space', ` GET /lead HTTP/1.1\r\nHost: x\r\n\r\n`, false],
    [
      'smuggled after bare-CR header',
      `POST /a HTTP/1.1\r\nHost: x\r\nX: y\rContent-Length: ${SMUGGLED.length}\r\n\r\n${SMUGGLED}`,
      true,
    ],
    [
      'bare LF hides Content-Length',
      `POST /a HTTP/1.1\r\nHost: x\r\nX: y\nContent-Length: ${SMUGGLED.length}\r\n\r\n${SMUGGLED}`,
      true,
    ],
  ];
  return cases.map(([label, send, attack]) => ({
    name: `line: ${label}`,
    family: 'line',
    send,
    attack,
  }));
}

// Header names: whitespace, empty, non-token bytes, obs-fold (RFC 9112 §5.1: no whitespace
// between name and colon, 400; §5.2 obs-fold is rejected or replaced; CVE-2024-27982).
function headerRows(): CorpusRow[] {
  const cases: [label: string, header: string][] = [
    ['space before colon', 'X-A : b'],
    ['tab before colon', 'X-A\t: b'],
    ['space in name', 'X A: b'],
    ['empty name', ': b'],
    ['leading space line', ' X-A: b'],
    ['leading tab line', '\tX-A: b'],
    ['obs-fold', 'X-A: b\r\n c'],
    ['obs-fold tab', 'X-A: b\r\n\tc'],
    ['no colon', 'X-A b'],
    ['NUL in name', 'X\x00A: b'],
    ['non-ASCII name', 'X-\xe9: b'],
    ['UTF-8 name', 'X-\xc3\xa9: b'],
    ['quote in name', 'X"A: b'],
    ['slash in name', 'X/A: b'],
    ['at in name', 'X@A: b'],
    ['token punctuation', "X!#$%&'*+-.^_`|~A: b"],
    ['empty value', 'X-A:'],
    ['whitespace value', 'X-A:   '],
    ['colon in value', 'X-A: b:c'],
    ['very long name', `X-${'a'.repeat(8000)}: b`],
  ];
  return cases.map(([label, header]) => ({
    name: `header: ${label}`,
    family: 'header',
    send: `GET /h HTTP/1.1\r\nHost: x\r\n${header}\r\n\r\n`,
    attack: false,
  }));
}

// Host and the request target (RFC 9112 §3.2: a 1.1 request without Host, or with more than
// one, or with an invalid one, gets 400; absolute-form wins over Host. Go server.go
// "missing required Host header", "too many Host headers", httpguts.ValidHostHeader).
function hostRows(): CorpusRow[] {
  const cases: [label: string, send: string][] = [
    ['missing on 1.1', 'GET /host HTTP/1.1\r\n\r\n'],
    ['missing on 1.0', 'GET /host HTTP/1.0\r\n\r\n'],
    ['empty', 'GET /host HTTP/1.1\r\nHost:\r\n\r\n'],
    ['duplicate same', 'GET /host HTTP/1.1\r\nHost: x\r\nHost: x\r\n\r\n'],
    ['duplicate different', 'GET /host HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n'],
    ['list', 'GET /host HTTP/1.1\r\nHost: x, y\r\n\r\n'],
    ['with port', 'GET /host HTTP/1.1\r\nHost: x:8080\r\n\r\n'],
    ['IPv6', 'GET /host HTTP/1.1\r\nHost: [::1]:80\r\n\r\n'],
    ['userinfo', 'GET /host HTTP/1.1\r\nHost: a@x\r\n\r\n'],
    ['space inside', 'GET /host HTTP/1.1\r\nHost: x y\r\n\r\n'],
    ['slash', 'GET /host HTTP/1.1\r\nHost: x/y\r\n\r\n'],
    ['backslash', 'GET /host HTTP/1.1\r\nHost: x\\y\r\n\r\n'],
    ['non-ASCII', 'GET /host HTTP/1.1\r\nHost: caf\xe9\r\n\r\n'],
    ['absolute-form', 'GET http://x/abs HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['absolute-form other Host', 'GET http://other/abs HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['absolute-form no Host', 'GET http://x/abs HTTP/1.1\r\n\r\n'],
    ['absolute-form https', 'GET https://x/abs HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['absolute-form no path', 'GET http://x HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['absolute-form ftp', 'GET ftp://x/abs HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['asterisk GET', 'GET * HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['authority-form GET', 'GET x:80 HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['double slash', 'GET //x/y HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['no leading slash', 'GET abs HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['fragment', 'GET /frag#x HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['dot segments', 'GET /a/../b HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['encoded slash', 'GET /a%2Fb HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['bad escape', 'GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n'],
  ];
  return cases.map(([label, send]) => ({
    name: `host: ${label}`,
    family: 'host',
    send,
    attack: false,
  }));
}

// The request line (RFC 9112 §3: method token, single SP, HTTP-version; Go parseRequestLine,
// llhttp invalid.md).
function requestLineRows(): CorpusRow[] {
  const cases: [label: string, line: string][] = [
    ['lowercase method', 'get /rl HTTP/1.1'],
    ['unknown method', 'FOO /rl HTTP/1.1'],
    ['method with dash', 'M-SEARCH /rl HTTP/1.1'],
    ['method with slash', 'GE/T /rl HTTP/1.1'],
    ['double space', 'GET  /rl HTTP/1.1'],
    ['tab separator', 'GET\t/rl HTTP/1.1'],
    ['trailing space', 'GET /rl HTTP/1.1 '],
    ['no version', 'GET /rl'],
    ['HTTP/0.9', 'GET /rl HTTP/0.9'],
    ['HTTP/1.2', 'GET /rl HTTP/1.2'],
    ['HTTP/1.10', 'GET /rl HTTP/1.10'],
    ['HTTP/2.0', 'GET /rl HTTP/2.0'],
    ['HTTP/3', 'GET /rl HTTP/3'],
    ['lowercase http', 'GET /rl http/1.1'],
    ['HTTP/01.1', 'GET /rl HTTP/01.1'],
    ['space in target', 'GET /r l HTTP/1.1'],
    ['tab in target', 'GET /r\tl HTTP/1.1'],
    ['NUL in target', 'GET /r\x00l HTTP/1.1'],
    ['DEL in target', 'GET /r\x7fl HTTP/1.1'],
    ['non-ASCII target', 'GET /caf\xe9 HTTP/1.1'],
    ['empty target', 'GET  HTTP/1.1'],
    ['PRI preface', 'PRI * HTTP/2.0'],
    ['CONNECT authority', 'CONNECT x:443 HTTP/1.1'],
    ['CONNECT path', 'CONNECT /rl HTTP/1.1'],
    ['OPTIONS *', 'OPTIONS * HTTP/1.1'],
    ['long target 8 KiB', `GET /${'a'.repeat(8 * 1024)} HTTP/1.1`],
  ];
  return cases.map(([label, line]) => ({
    name: `request line: ${label}`,
    family: 'request line',
    send: `${line}\r\nHost: x\r\n\r\n`,
    attack: false,
  }));
}

// Keep-alive, pipelining and what follows a final request (RFC 9112 §9.3, §9.6: after
// `Connection: close` nothing more is read; HTTP/1.0 closes unless keep-alive was asked for).
function connRows(): CorpusRow[] {
  const cases: [label: string, send: string, attack: boolean][] = [
    ['pipelined two', `GET /a HTTP/1.1\r\nHost: x\r\n\r\n${NEXT}`, false],
    ['pipelined three', `GET /a HTTP/1.1\r\nHost: x\r\n\r\n${NEXT}${NEXT}`, false],
    [
      'POST then pipelined',
      `POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc${NEXT}`,
      false,
    ],
    [
      'Connection: close then more',
      `GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n${SMUGGLED}`,
      true,
    ],
    [
      'Connection: CLOSE',
      `GET /a HTTP/1.1\r\nHost: x\r\nConnection: CLOSE\r\n\r\n${SMUGGLED}`,
      true,
    ],
    [
      'Connection list with close',
      `GET /a HTTP/1.1\r\nHost: x\r\nConnection: foo, close\r\n\r\n${SMUGGLED}`,
      true,
    ],
    [
      'Connection: close, keep-alive',
      `GET /a HTTP/1.1\r\nHost: x\r\nConnection: close, keep-alive\r\n\r\n${SMUGGLED}`,
      true,
    ],
    [
      'two Connection headers',
      `GET /a HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n${SMUGGLED}`,
      true,
    ],
    ['HTTP/1.0 then more', `GET /a HTTP/1.0\r\n\r\n${SMUGGLED}`, true],
    [
      'HTTP/1.0 keep-alive then more',
      `GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n${NEXT}`,
      false,
    ],
    ['HTTP/1.0 Keep-Alive case', `GET /a HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n${NEXT}`, false],
    [
      'HTTP/1.0 POST with Content-Length',
      `POST /a HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc${SMUGGLED}`,
      true,
    ],
    [
      'HTTP/1.0 chunked',
      `POST /a HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${SMUGGLED}`,
      true,
    ],
    ['HTTP/1.0 POST no length', `POST /a HTTP/1.0\r\n\r\n${SMUGGLED}`, true],
    [
      'GET with body',
      `GET /a HTTP/1.1\r\nHost: x\r\nContent-Length: ${SMUGGLED.length}\r\n\r\n${SMUGGLED}`,
      true,
    ],
    [
      'HEAD with body',
      `HEAD /a HTTP/1.1\r\nHost: x\r\nContent-Length: ${SMUGGLED.length}\r\n\r\n${SMUGGLED}`,
      true,
    ],
    [
      'DELETE with chunked body',
      `DELETE /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${hex(SMUGGLED.length)}\r\n${SMUGGLED}\r\n0\r\n\r\n`,
      true,
    ],
    [
      'Content-Length: 0 then request',
      `POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n${NEXT}`,
      false,
    ],
    ['POST without length then request', `POST /a HTTP/1.1\r\nHost: x\r\n\r\n${NEXT}`, false],
    [
      'Expect 100-continue with body',
      `POST /a HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc${NEXT}`,
      false,
    ],
    [
      'Expect unknown',
      `POST /a HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\nContent-Length: 3\r\n\r\nabc`,
      false,
    ],
    [
      'Upgrade h2c',
      `GET /a HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n${NEXT}`,
      false,
    ],
    [
      'Upgrade websocket no handler',
      `GET /a HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n${NEXT}`,
      false,
    ],
    ['bad request then more', `GET /a HTTP/1.1\r\nHost: x\r\nBad Name: y\r\n\r\n${SMUGGLED}`, true],
    [
      'good then bad then more',
      `GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/9.9\r\nHost: x\r\n\r\n${SMUGGLED}`,
      true,
    ],
    ['truncated second head', `GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHo`, false],
    ['truncated body', 'POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc', false],
    [
      'truncated chunked body',
      'POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab',
      false,
    ],
  ];
  return cases.map(([label, send, attack]) => ({
    name: `conn: ${label}`,
    family: 'conn',
    send,
    attack,
  }));
}

/** Every row, in a stable order; names are unique. */
export function buildCorpus(): CorpusRow[] {
  const rows = [
    ...teRows(),
    ...clRows(),
    ...chunkRows(),
    ...lineRows(),
    ...headerRows(),
    ...hostRows(),
    ...requestLineRows(),
    ...connRows(),
  ];
  const names = new Set<string>();
  for (const r of rows) {
    if (names.has(r.name)) throw new Error(`duplicate corpus row ${r.name}`);
    names.add(r.name);
  }
  return rows;
}
