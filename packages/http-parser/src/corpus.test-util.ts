/**
 * The valid corpus: messages every strict parser must accept, shared by the differential test
 * against llhttp and the split/mutation property tests. Inputs are byte strings (latin1). Shapes
 * follow llhttp's test/request/*.md and test/response/*.md and Go's readrequest_test.go, rewritten
 * here; each one carries what makes it interesting.
 */
export interface CorpusEntry {
  name: string;
  kind: 'request' | 'response';
  input: string;
  /** Responses: the request method they answer (HEAD changes framing). */
  responseTo?: string;
  /** Responses delimited by close need an EOF to end. */
  eof?: boolean;
  /** Set where llhttp (strict mode) rejects what we accept on purpose: the reason, for the row. */
  llhttpRejects?: string;
}

const ua =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36';

export const BROWSER_GET: string =
  'GET /products/42?ref=home&utm_source=newsletter HTTP/1.1\r\n' +
  'Host: shop.example.com\r\n' +
  'Connection: keep-alive\r\n' +
  'Cache-Control: max-age=0\r\n' +
  'sec-ch-ua: "Chromium";v="124", "Not-A.Brand";v="99"\r\n' +
  'sec-ch-ua-mobile: ?0\r\n' +
  'Upgrade-Insecure-Requests: 1\r\n' +
  `User-Agent: ${ua}\r\n` +
  'Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8\r\n' +
  'Sec-Fetch-Site: same-origin\r\n' +
  'Accept-Encoding: gzip, deflate, br, zstd\r\n' +
  'Accept-Language: en-US,en;q=0.9,fr;q=0.8\r\n' +
  'Cookie: session=3f2a9c1e7b; theme=dark\r\n' +
  '\r\n';

export const MINIMAL_GET: string = 'GET / HTTP/1.1\r\nHost: a.io\r\n\r\n';

/** A request with `n` headers (`X-Header-<i>: value-<i>` after Host). */
export function manyHeaders(n: number): string {
  let s = 'GET /many HTTP/1.1\r\nHost: example.com\r\n';
  for (let i = 1; i < n; i++) s += `X-Header-${i}: value-number-${i}\r\n`;
  return `${s}\r\n`;
}

export const CHUNKED_POST: string =
  'POST /upload HTTP/1.1\r\nHost: example.com\r\nContent-Type: application/json\r\n' +
  'Transfer-Encoding: chunked\r\n\r\n' +
  '1a\r\n{"items":[1,2,3],"more":tr\r\n' +
  '10\r\nue,"name":"abcde\r\n' +
  '3\r\n"}\n\r\n' +
  '0\r\n\r\n';

export const CORPUS: CorpusEntry[] = [
  { name: 'minimal GET', kind: 'request', input: MINIMAL_GET },
  { name: 'browser GET', kind: 'request', input: BROWSER_GET },
  { name: '40 headers', kind: 'request', input: manyHeaders(40) },
  { name: 'chunked POST', kind: 'request', input: CHUNKED_POST },
  {
    name: 'POST with Content-Length',
    kind: 'request',
    input:
      'POST /form HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 11\r\n\r\na=1&b=hello',
  },
  { name: 'HTTP/1.0 without Host', kind: 'request', input: 'GET /old HTTP/1.0\r\n\r\n' },
  {
    name: 'HTTP/1.0 keep-alive',
    kind: 'request',
    input: 'GET /ka HTTP/1.0\r\nConnection: keep-alive\r\n\r\n',
  },
  {
    name: 'HTTP/1.1 close',
    kind: 'request',
    input: 'GET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
  },
  {
    name: 'Connection list',
    kind: 'request',
    input: 'GET / HTTP/1.1\r\nHost: x\r\nConnection: foo, Close\r\n\r\n',
  },
  {
    name: 'websocket upgrade',
    kind: 'request',
    input:
      'GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  },
  { name: 'OPTIONS *', kind: 'request', input: 'OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n' },
  {
    name: 'absolute-form',
    kind: 'request',
    input: 'GET http://example.com:8080/a?b=c HTTP/1.1\r\nHost: example.com:8080\r\n\r\n',
  },
  {
    name: 'CONNECT authority-form',
    kind: 'request',
    input: 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n',
  },
  { name: 'custom method', kind: 'request', input: 'PURGE /cache HTTP/1.1\r\nHost: x\r\n\r\n' },
  {
    name: 'lowercase method token',
    kind: 'request',
    input: 'DELETE /items/7 HTTP/1.1\r\nHost: x\r\n\r\n',
  },
  {
    name: 'query and fragment-ish bytes',
    kind: 'request',
    input: 'GET /a/b%20c?x=%7B1%7D&y=[]|~ HTTP/1.1\r\nHost: x\r\n\r\n',
  },
  {
    name: 'OWS around value',
    kind: 'request',
    input: 'GET / HTTP/1.1\r\nHost: x\r\nX-Pad: \t padded \t \r\n\r\n',
  },
  {
    name: 'empty value',
    kind: 'request',
    input: 'GET / HTTP/1.1\r\nHost: x\r\nX-Empty:\r\nX-Also: \r\n\r\n',
  },
  {
    name: 'obs-text value',
    kind: 'request',
    input: 'GET / HTTP/1.1\r\nHost: x\r\nX-Latin: caf\xe9 \xff\r\n\r\n',
  },
  {
    name: 'duplicate fields kept in order',
    kind: 'request',
    input: 'GET / HTTP/1.1\r\nHost: x\r\nAccept: a\r\nX: 1\r\naccept: b\r\n\r\n',
  },
  {
    name: 'identical Content-Length twice',
    kind: 'request',
    input: 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc',
    llhttpRejects:
      'llhttp rejects any duplicate; Go (golang.org/issue/16490) and RFC 9110 §8.6 accept identical ones',
  },
  {
    name: 'Content-Length with leading zeros',
    kind: 'request',
    input: 'PUT /z HTTP/1.1\r\nHost: x\r\nContent-Length: 003\r\n\r\nabc',
  },
  {
    name: 'Content-Length 0',
    kind: 'request',
    input: 'POST /e HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n',
  },
  {
    name: 'GET with body',
    kind: 'request',
    input: 'GET /b HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nbody',
  },
  {
    name: 'chunked with extensions',
    kind: 'request',
    input:
      'POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n' +
      '5;ilovew3=somuchlove\r\nhello\r\n6;a=b;c="q \\" d"\r\n world\r\n0;last\r\n\r\n',
  },
  {
    name: 'chunk extensions with BWS',
    kind: 'request',
    input:
      'POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3 ; a = b\r\nabc\r\n0\r\n\r\n',
    llhttpRejects:
      'RFC 9112 §7.1.1 allows BWS around ";" and "="; llhttp only with kLenientSpacesAfterChunkSize',
  },
  {
    name: 'chunked with trailers',
    kind: 'request',
    input:
      'POST /t HTTP/1.1\r\nHost: x\r\nTrailer: Expires, X-Sum\r\nTransfer-Encoding: chunked\r\n\r\n' +
      'A\r\n0123456789\r\n0\r\nExpires: never\r\nX-Sum: 45\r\n\r\n',
  },
  {
    name: 'chunked upper hex and zero padding',
    kind: 'request',
    input:
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n00B\r\nhello world\r\n000\r\n\r\n',
  },
  {
    name: 'gzip, chunked',
    kind: 'request',
    input:
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n',
  },
  {
    name: 'TE over two lines',
    kind: 'request',
    input:
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nz\r\n0\r\n\r\n',
  },
  {
    name: 'Expect 100-continue',
    kind: 'request',
    input: 'PUT /big HTTP/1.1\r\nHost: x\r\nExpect: 100-Continue\r\nContent-Length: 2\r\n\r\nok',
  },
  {
    name: 'leading CRLF before request',
    kind: 'request',
    input: '\r\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n',
  },
  { name: 'IPv6 Host', kind: 'request', input: 'GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n' },
  {
    name: 'long target',
    kind: 'request',
    input: `GET /${'a'.repeat(3000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
  },
  {
    name: 'long header value',
    kind: 'request',
    input: `GET / HTTP/1.1\r\nHost: x\r\nX-Long: ${'v'.repeat(5000)}\r\n\r\n`,
  },
  {
    name: 'pipelined three',
    kind: 'request',
    input:
      'GET /1 HTTP/1.1\r\nHost: x\r\n\r\n' +
      'POST /2 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi' +
      'GET /3 HTTP/1.1\r\nHost: x\r\n\r\n',
  },
  {
    name: '200 with Content-Length',
    kind: 'response',
    input: 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello',
  },
  {
    name: '404 reason with spaces',
    kind: 'response',
    input: 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n',
  },
  { name: 'empty reason', kind: 'response', input: 'HTTP/1.1 200 \r\nContent-Length: 1\r\n\r\nx' },
  { name: 'no reason', kind: 'response', input: 'HTTP/1.1 200\r\nContent-Length: 1\r\n\r\nx' },
  {
    name: 'chunked response',
    kind: 'response',
    input:
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n',
  },
  { name: '204', kind: 'response', input: 'HTTP/1.1 204 No Content\r\nX: y\r\n\r\n' },
  { name: '304', kind: 'response', input: 'HTTP/1.1 304 Not Modified\r\nETag: "a"\r\n\r\n' },
  {
    name: 'HEAD response with Content-Length',
    kind: 'response',
    responseTo: 'HEAD',
    input: 'HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n',
  },
  {
    name: '100 then 200',
    kind: 'response',
    input: 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
  },
  {
    name: '103 early hints then 200',
    kind: 'response',
    input:
      'HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n',
  },
  {
    name: 'close-delimited',
    kind: 'response',
    eof: true,
    input: 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end',
  },
  {
    name: 'HTTP/1.0 response',
    kind: 'response',
    eof: true,
    input: 'HTTP/1.0 200 OK\r\nServer: old\r\n\r\nbody',
  },
  {
    name: 'response with trailers',
    kind: 'response',
    input:
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-Checksum: 1\r\n\r\n',
  },
];
