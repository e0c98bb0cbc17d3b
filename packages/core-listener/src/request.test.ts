import { describe, expect, test } from 'bun:test';
import { caught } from './caught.test-util.ts';
import { Context, createKey } from './context.ts';
import { ErrBodyReadAfterClose } from './errors.ts';
import { Header, InvalidHeaderError } from './header.ts';
import { DefaultRemoteAddr, newRequest } from './httptest.ts';
import { type BodyInit, Request, type RequestInit } from './request.ts';
import { RequestURL, URLError } from './url.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function nonNull<T>(v: T | null | undefined): T {
  if (v === null || v === undefined) throw new Error('unexpected null or undefined');
  return v;
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  return undefined;
}

async function readStream(stream: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return chunks;
    chunks.push(value);
  }
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

// Compact JSON with multi-byte characters, so every reader (json() included) can be checked
// against the same text, and a chunk boundary can fall inside a character.
const payload = '{"a":[1,"é"],"b":"☃"}';
const payloadBytes = encoder.encode(payload);
// Three chunks; the first boundary splits the two bytes of "é".
const payloadChunks = [
  payloadBytes.slice(0, 10),
  payloadBytes.slice(10, 16),
  payloadBytes.slice(16),
];

type BodyKind = readonly [name: string, make: () => BodyInit, contentLength: number];

const bodyKinds: readonly BodyKind[] = [
  ['string', () => payload, payloadBytes.length],
  ['Uint8Array', () => payloadBytes.slice(), payloadBytes.length],
  [
    'Uint8Array view into a larger buffer',
    () => {
      const big = new Uint8Array(payloadBytes.length + 8);
      big.set(payloadBytes, 4);
      return big.subarray(4, 4 + payloadBytes.length);
    },
    payloadBytes.length,
  ],
  ['ArrayBuffer', () => payloadBytes.slice().buffer, payloadBytes.length],
  [
    'ReadableStream',
    () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (const c of payloadChunks) controller.enqueue(c.slice());
          controller.close();
        },
      }),
    -1,
  ],
  [
    'async generator',
    () =>
      (async function* () {
        for (const c of payloadChunks) yield c.slice();
      })(),
    -1,
  ],
];

type Reader = readonly [name: string, read: (r: Request) => Promise<string>];

const readers: readonly Reader[] = [
  ['bytes()', async (r) => decoder.decode(await r.bytes())],
  ['text()', (r) => r.text()],
  ['json()', async (r) => JSON.stringify(await r.json())],
  ['arrayBuffer()', async (r) => decoder.decode(new Uint8Array(await r.arrayBuffer()))],
  ['body', async (r) => decoder.decode(concat(await readStream(nonNull(r.body))))],
  [
    'for await',
    async (r) => {
      const chunks: Uint8Array[] = [];
      for await (const chunk of r) chunks.push(chunk);
      return decoder.decode(concat(chunks));
    },
  ],
];

describe('Request', () => {
  describe('constructor', () => {
    test('defaults', () => {
      const r = new Request({ target: '/' });
      expect(r.method).toBe('GET');
      expect(r.requestURI).toBe('/');
      expect(r.proto).toBe('HTTP/1.1');
      expect(r.protoMajor).toBe(1);
      expect(r.protoMinor).toBe(1);
      expect(r.header.size).toBe(0);
      expect(r.remoteAddr).toBe('');
      // Go: ContentLength is 0 for a request without a body.
      expect(r.contentLength).toBe(0);
      expect(r.trailer.size).toBe(0);
      expect(r.close).toBe(false);
      expect(r.tls).toBeUndefined();
      expect(r.pattern).toBe('');
      expect(r.context()).toBe(Context.background());
      expect(r.bodyUsed).toBe(false);
    });

    test('stores what it is given', () => {
      const header = new Header({ 'X-A': '1' });
      const trailer = new Header();
      const ctx = Context.background().withValue(createKey<string>('k'), 'v');
      const url = new RequestURL({ path: '/x' });
      const tls = { version: 'TLSv1.3', serverName: 'h', negotiatedProtocol: 'http/1.1' };
      const r = new Request({
        method: 'POST',
        target: '/x',
        url,
        proto: 'HTTP/1.0',
        header,
        host: 'h:8080',
        remoteAddr: '10.0.0.1:5555',
        contentLength: 42,
        trailer,
        close: true,
        tls,
        context: ctx,
      });
      expect(r.method).toBe('POST');
      expect(r.url).toBe(url);
      expect(r.proto).toBe('HTTP/1.0');
      // A Header is used as is, not copied.
      expect(r.header).toBe(header);
      expect(r.host).toBe('h:8080');
      expect(r.remoteAddr).toBe('10.0.0.1:5555');
      expect(r.contentLength).toBe(42);
      expect(r.trailer).toBe(trailer);
      expect(r.close).toBe(true);
      expect(r.tls).toBe(tls);
      expect(r.context()).toBe(ctx);
    });

    test('a header record is copied and canonicalized', () => {
      const r = new Request({
        target: '/',
        header: { 'content-type': 'text/plain', 'x-a': ['1', '2'] },
      });
      expect(r.header.get('Content-Type')).toBe('text/plain');
      expect(r.header.values('X-A')).toEqual(['1', '2']);
    });

    test('a header record is validated', () => {
      expect(
        caught(() => new Request({ target: '/', header: { 'X-A': 'a\r\nb' } })),
      ).toBeInstanceOf(InvalidHeaderError);
    });

    // Methods are case-sensitive tokens (RFC 9110 §9.1); Go: validMethod.
    const validMethods: readonly string[] = [
      'GET',
      'get',
      'M-SEARCH',
      'PROPFIND',
      "!#$%&'*+-.^_`|~09AZaz",
    ];
    test.each(validMethods)('method %p is kept as is', (method) => {
      expect(new Request({ method, target: '/' }).method).toBe(method);
    });

    // Go: TestRequestInvalidMethod ("bad method", and NewRequest rejects these too).
    const invalidMethods: readonly string[] = [
      'bad method',
      'GE T',
      '',
      'GET\r\n',
      'GÉT',
      '(GET)',
      'GET ',
    ];
    test.each(invalidMethods)('method %p is a TypeError', (method) => {
      const err = caught(() => new Request({ method, target: '/' }));
      expect(err).toBeInstanceOf(TypeError);
      expect(err instanceof TypeError && err.message).toContain(
        `http: invalid method ${JSON.stringify(method)}: a method must be a token`,
      );
    });

    const invalidBodies: readonly (readonly [name: string, body: unknown, got: string])[] = [
      ['a number', 123, 'got [object Number]'],
      ['a boolean', true, 'got [object Boolean]'],
      ['a plain object', {}, 'got [object Object]'],
      // Iterable, but not async-iterable.
      ['an array', [new Uint8Array(1)], 'got [object Array]'],
      ['a Blob', new Blob(['x']), 'got [object Blob]'],
    ];
    test.each(invalidBodies)('a body that is %s is a TypeError', (_name, body, got) => {
      const err = caught(() => new Request({ target: '/', body: body as BodyInit }));
      expect(err).toBeInstanceOf(TypeError);
      expect(err instanceof TypeError && err.message).toContain(
        'http: request body must be a string, Uint8Array, ArrayBuffer, ReadableStream or AsyncIterable',
      );
      expect(err instanceof TypeError && err.message).toContain(got);
    });

    const lengths: readonly (readonly [name: string, init: RequestInit, want: number])[] = [
      // Go: 0 for no body; -1 means "unknown" and is for streams.
      ['no body', { target: '/' }, 0],
      ['null body', { target: '/', body: null }, 0],
      ['empty string', { target: '/', body: '' }, 0],
      // UTF-8 bytes, not UTF-16 code units.
      ['string', { target: '/', body: 'héllo' }, 6],
      ['Uint8Array', { target: '/', body: new Uint8Array(5) }, 5],
      ['ArrayBuffer', { target: '/', body: new ArrayBuffer(7) }, 7],
      ['ReadableStream', { target: '/', body: new ReadableStream<Uint8Array>() }, -1],
      [
        'declared length wins',
        { target: '/', body: new ReadableStream<Uint8Array>(), contentLength: 10 },
        10,
      ],
      ['declared length without a body', { target: '/', contentLength: 0 }, 0],
    ];
    test.each(lengths)('contentLength: %s', (_name, init, want) => {
      expect(new Request(init).contentLength).toBe(want);
    });
  });

  describe('url', () => {
    test('is parsed on first access and cached', () => {
      const r = new Request({ target: '/a%2Fb?x=1' });
      const u = r.url;
      expect(u.path).toBe('/a/b');
      expect(u.rawPath).toBe('/a%2Fb');
      expect(u.rawQuery).toBe('x=1');
      expect(r.url).toBe(u);
    });

    test('a malformed target throws on access, not on construction', () => {
      const r = new Request({ target: 'foo.html' });
      expect(r.requestURI).toBe('foo.html');
      expect(caught(() => r.url)).toBeInstanceOf(URLError);
    });

    test('a CONNECT target is parsed in authority-form', () => {
      const r = new Request({ method: 'CONNECT', target: 'foo.com:443' });
      expect(r.url.host).toBe('foo.com:443');
      expect(r.url.path).toBe('');
    });

    test('can be replaced', () => {
      const r = new Request({ target: '/a' });
      const u = new RequestURL({ path: '/b' });
      r.url = u;
      expect(r.url).toBe(u);
      // requestURI stays what was on the request line.
      expect(r.requestURI).toBe('/a');
    });
  });

  describe('host', () => {
    // Go's readRequest: the host of an absolute-form target wins over the Host header
    // (RFC 7230 §5.4), else the Host header.
    const rows: readonly (readonly [name: string, init: RequestInit, want: string])[] = [
      [
        'origin-form: the Host header',
        { target: '/', header: { Host: 'h.example:8080' } },
        'h.example:8080',
      ],
      ['origin-form without Host', { target: '/' }, ''],
      [
        'absolute-form: the target, not the Host header',
        { target: 'http://www.google.com/index.html', header: { Host: 'doesntmatter' } },
        'www.google.com',
      ],
      [
        'absolute-form with an empty authority: the Host header',
        { target: 'http:///index.html', header: { Host: 'h' } },
        'h',
      ],
      ['CONNECT authority-form', { method: 'CONNECT', target: 'foo.com:443' }, 'foo.com:443'],
      [
        'asterisk-form: the Host header',
        { method: 'OPTIONS', target: '*', header: { Host: 'h' } },
        'h',
      ],
      [
        'an explicit host wins',
        { target: 'http://a.example/', header: { Host: 'b.example' }, host: 'c.example' },
        'c.example',
      ],
    ];
    test.each(rows)('%s', (_name, init, want) => {
      expect(new Request(init).host).toBe(want);
    });

    test('can be set', () => {
      const r = new Request({ target: '/', header: { Host: 'a' } });
      r.host = 'b';
      expect(r.host).toBe('b');
    });
  });

  describe('protoAtLeast', () => {
    const rows: readonly (readonly [proto: string, major: number, minor: number, want: boolean])[] =
      [
        ['HTTP/1.1', 1, 0, true],
        ['HTTP/1.1', 1, 1, true],
        ['HTTP/1.1', 1, 2, false],
        ['HTTP/1.1', 2, 0, false],
        ['HTTP/1.1', 0, 9, true],
        ['HTTP/1.0', 1, 0, true],
        ['HTTP/1.0', 1, 1, false],
        ['HTTP/2.0', 1, 1, true],
        ['HTTP/2.0', 2, 0, true],
        ['HTTP/2.0', 2, 1, false],
      ];
    test.each(rows)('%s at least %d.%d: %p', (proto, major, minor, want) => {
      expect(new Request({ target: '/', proto }).protoAtLeast(major, minor)).toBe(want);
    });

    const versions: readonly (readonly [proto: string, major: number, minor: number])[] = [
      ['HTTP/1.0', 1, 0],
      ['HTTP/1.1', 1, 1],
      ['HTTP/2.0', 2, 0],
    ];
    test.each(versions)('%s is %d.%d', (proto, major, minor) => {
      const r = new Request({ target: '/', proto });
      expect(r.protoMajor).toBe(major);
      expect(r.protoMinor).toBe(minor);
    });
  });

  describe('userAgent and referer', () => {
    test.each([
      ['absent: empty, as in Go', {}, '', ''],
      [
        'present',
        { 'User-Agent': 'Go-http-client/1.1', Referer: 'https://a.example/' },
        'Go-http-client/1.1',
        'https://a.example/',
      ],
      ['header names are case-insensitive', { 'user-agent': 'ua', referer: 'r' }, 'ua', 'r'],
    ] as const)('%s', (_name, header, userAgent, referer) => {
      const r = new Request({ target: '/', header });
      expect(r.userAgent()).toBe(userAgent);
      expect(r.referer()).toBe(referer);
    });
  });

  describe('basicAuth', () => {
    const b64 = (s: string): string => btoa(String.fromCharCode(...encoder.encode(s)));
    // Go: parseBasicAuthTests (request_test.go); `undefined` where Go's ok is false.
    const rows: readonly (readonly [
      header: string | undefined,
      want: { username: string; password: string } | undefined,
    ])[] = [
      [`Basic ${b64('Aladdin:open sesame')}`, { username: 'Aladdin', password: 'open sesame' }],
      // Case doesn't matter (issue 22736).
      [`BASIC ${b64('Aladdin:open sesame')}`, { username: 'Aladdin', password: 'open sesame' }],
      [`basic ${b64('Aladdin:open sesame')}`, { username: 'Aladdin', password: 'open sesame' }],
      [`Basic ${b64('Aladdin:open:sesame')}`, { username: 'Aladdin', password: 'open:sesame' }],
      [`Basic ${b64(':')}`, { username: '', password: '' }],
      [`Basic${b64('Aladdin:open sesame')}`, undefined],
      [b64('Aladdin:open sesame'), undefined],
      ['Basic ', undefined],
      ['Basic Aladdin:open sesame', undefined],
      ['Digest username="Aladdin"', undefined],
      // No header at all (Go: TestGetBasicAuth, "unauthenticated request").
      [undefined, undefined],
      // No colon in the credentials.
      [`Basic ${b64('Aladdin')}`, undefined],
      // The credentials are UTF-8 text (Go returns the same bytes as a string).
      [`Basic ${b64('Ünïcode:pässwörd')}`, { username: 'Ünïcode', password: 'pässwörd' }],
      ['Basic\tQWxhZGRpbjpvcGVuIHNlc2FtZQ==', undefined],
    ];
    test.each(rows)('%p', (auth, want) => {
      const header: Record<string, string> = auth === undefined ? {} : { Authorization: auth };
      expect(new Request({ target: '/', header }).basicAuth()).toEqual(want);
    });

    // Go decodes with base64.StdEncoding, which requires padding and rejects spaces
    // (`illegal base64 data`), so BasicAuth reports ok=false.
    const lenient: readonly string[] = ['Basic YTpiYw', 'Basic YTpi Yw==', 'Basic  YTpiYw=='];
    test.each(lenient)('%p is malformed', (auth) => {
      expect(
        new Request({ target: '/', header: { Authorization: auth } }).basicAuth(),
      ).toBeUndefined();
    });
  });

  describe('pathValue and setPathValue', () => {
    test('a name never set reads as empty', () => {
      const r = new Request({ target: '/' });
      expect(r.pathValue('id')).toBe('');
    });

    // Go: TestSetPathValue — set values, including one the pattern did not have, read back.
    test.each([
      ['b', 'X'],
      ['d', 'Y'],
      ['a', 'Z'],
      ['', 'empty name'],
      ['id', ''],
    ] as const)('set %p = %p reads back', (name, value) => {
      const r = new Request({ target: '/a/b/c/d/e' });
      r.setPathValue('other', 'o');
      r.setPathValue(name, value);
      expect(r.pathValue(name)).toBe(value);
      expect(r.pathValue('other')).toBe('o');
    });

    test('setting a name again replaces its value', () => {
      const r = new Request({ target: '/' });
      r.setPathValue('id', '1');
      r.setPathValue('x', '2');
      r.setPathValue('id', '3');
      expect(r.pathValue('id')).toBe('3');
      expect(r.pathValue('x')).toBe('2');
    });

    test('names are case-sensitive', () => {
      const r = new Request({ target: '/' });
      r.setPathValue('id', '1');
      expect(r.pathValue('ID')).toBe('');
    });

    test('two requests never share path values', () => {
      const a = new Request({ target: '/' });
      const b = new Request({ target: '/' });
      a.setPathValue('id', '1');
      expect(b.pathValue('id')).toBe('');
    });

    // Go: ServeMux.ServeHTTP assigns r.pat and r.matches; PathValue reads the match first, then
    // otherValues; SetPathValue writes into the match for its wildcards (TestSetPathValue).
    test('setPathMatch replaces the previous match; values set under other names stay', () => {
      const r = new Request({ target: '/' });
      r.setPathValue('tenant', 'acme');
      const values = ['1', 'core'];
      r.setPathMatch(['ver', 'pkg'], values);
      values[0] = 'reused by the router';
      expect([r.pathValue('ver'), r.pathValue('pkg'), r.pathValue('tenant')]).toEqual([
        '1',
        'core',
        'acme',
      ]);
      r.setPathValue('pkg', 'changed');
      expect(r.pathValue('pkg')).toBe('changed');
      // The next mux's match: the outer wildcards are gone, as in Go.
      r.setPathMatch(['id'], ['7']);
      expect([r.pathValue('ver'), r.pathValue('pkg'), r.pathValue('id')]).toEqual(['', '', '7']);
      expect(r.pathValue('tenant')).toBe('acme');
      // No match (Go: pat and matches nil): only the values of their own remain.
      r.setPathMatch([], []);
      expect([r.pathValue('id'), r.pathValue('tenant')]).toEqual(['', 'acme']);
    });

    test('a matched wildcard shadows a value set under its name before the match', () => {
      const r = new Request({ target: '/' });
      r.setPathValue('id', 'before');
      r.setPathMatch(['id'], ['matched']);
      expect(r.pathValue('id')).toBe('matched');
      r.setPathMatch([], []);
      expect(r.pathValue('id')).toBe('before');
    });

    test('a shallow copy gets its own match', () => {
      const r = new Request({ target: '/' });
      r.setPathMatch(['id'], ['1']);
      const c = r.withContext(r.context());
      c.setPathValue('id', '2');
      expect([r.pathValue('id'), c.pathValue('id')]).toEqual(['1', '2']);
    });
  });

  describe('withContext', () => {
    test('is a copy with the new context; the original keeps its own', () => {
      const key = createKey<string>('user');
      const r = new Request({ method: 'POST', target: '/a?b', header: { Host: 'h' }, body: 'x' });
      const ctx = r.context().withValue(key, 'u1');
      const r2 = r.withContext(ctx);
      expect(r2).not.toBe(r);
      expect(r2).toBeInstanceOf(Request);
      expect(r2.context()).toBe(ctx);
      expect(r2.context().value(key)).toBe('u1');
      expect(r.context()).toBe(Context.background());
      expect(r.context().value(key)).toBeUndefined();
    });

    test('is shallow: header, trailer and URL are shared (documented)', () => {
      const r = new Request({ target: '/a', header: { 'X-A': '1' } });
      const u = r.url;
      const r2 = r.withContext(Context.background());
      expect(r2.header).toBe(r.header);
      expect(r2.trailer).toBe(r.trailer);
      expect(r2.url).toBe(u);
      r2.header.set('X-A', '2');
      expect(r.header.get('X-A')).toBe('2');
    });

    test('is shallow even before the header was decoded: copies share what is built later', () => {
      // A server request decodes its header on first read; a copy taken before that must still
      // share one map with the original (Go's copies share r.Header), and a copy whose header
      // is replaced must not change the original's.
      const r = new Request({ target: '/a', rawHeader: ['x-a', '1', 'Host', 'h'] });
      const r2 = r.withContext(Context.background());
      const r3 = r.withBody('new body');
      r2.header.add('X-B', '2');
      expect(r.header).toBe(r2.header);
      expect(r3.header).toBe(r.header);
      expect(r.header.values('X-B')).toEqual(['2']);
      expect(r.trailer).toBe(r3.trailer);
      r3.header = new Header({ 'X-C': '3' });
      expect(r.header.has('X-C')).toBe(false);
      expect(r2.header.get('X-A')).toBe('1');
      const deep = r.clone(Context.background());
      deep.header.set('X-A', 'changed');
      deep.trailer.set('X-T', 't');
      expect(r.header.get('X-A')).toBe('1');
      expect(r.trailer.size).toBe(0);
    });

    test('copies the other fields', () => {
      const tls = { serverName: 'h' };
      const r = new Request({
        method: 'PUT',
        target: 'https://h/p',
        proto: 'HTTP/1.0',
        remoteAddr: '1.2.3.4:5',
        contentLength: 3,
        close: true,
        tls,
        body: 'abc',
      });
      r.pattern = 'PUT /p';
      r.setPathValue('id', '7');
      const r2 = r.withContext(Context.background());
      expect(r2.method).toBe('PUT');
      expect(r2.requestURI).toBe('https://h/p');
      expect(r2.proto).toBe('HTTP/1.0');
      expect(r2.remoteAddr).toBe('1.2.3.4:5');
      expect(r2.contentLength).toBe(3);
      expect(r2.close).toBe(true);
      expect(r2.tls).toBe(tls);
      expect(r2.host).toBe('h');
      expect(r2.pattern).toBe('PUT /p');
      expect(r2.pathValue('id')).toBe('7');
    });

    test('the copy reads the body', async () => {
      const r = new Request({ target: '/', body: 'abc' });
      expect(await r.withContext(Context.background()).text()).toBe('abc');
    });

    // Go panics with "nil context".
    test.each([
      ['null', null],
      ['a plain object', {}],
      ['an AbortSignal', new AbortController().signal],
    ] as const)('%s is a TypeError', (_name, ctx) => {
      const r = new Request({ target: '/' });
      const err = caught(() => r.withContext(ctx as unknown as Context));
      expect(err).toBeInstanceOf(TypeError);
      expect(err instanceof TypeError && err.message).toContain('ctx must be a Context');
    });
  });

  describe('clone', () => {
    test('deep-copies header and trailer', () => {
      const r = new Request({
        target: '/',
        header: { 'X-A': '1' },
        trailer: new Header({ 'X-T': 't' }),
      });
      const c = r.clone();
      expect(c.header).not.toBe(r.header);
      expect(c.header.get('X-A')).toBe('1');
      c.header.set('X-A', '2');
      c.header.add('X-B', '3');
      c.trailer.set('X-T', 'changed');
      expect(r.header.get('X-A')).toBe('1');
      expect(r.header.has('X-B')).toBe(false);
      expect(r.trailer.get('X-T')).toBe('t');
    });

    test('keeps the context unless given one', () => {
      const ctx = Context.background().withValue(createKey<number>('n'), 1);
      const r = new Request({ target: '/', context: ctx });
      expect(r.clone().context()).toBe(ctx);
      const other = Context.background();
      expect(r.clone(other).context()).toBe(other);
      expect(r.context()).toBe(ctx);
    });

    // Go: TestRequestClonePathValue (issue 64911).
    test('path values of the clone and the original are independent', () => {
      const r = new Request({ target: 'https://example.org/' });
      r.setPathValue('p1', 'orig');
      const c = r.clone(Context.background());
      c.setPathValue('p2', 'copy');
      c.setPathValue('p1', 'changed in clone');
      r.setPathValue('p3', 'original only');
      expect(r.pathValue('p1')).toBe('orig');
      expect(r.pathValue('p2')).toBe('');
      expect(c.pathValue('p1')).toBe('changed in clone');
      expect(c.pathValue('p2')).toBe('copy');
      expect(c.pathValue('p3')).toBe('');
    });

    test('a clone without path values gets its own table', () => {
      const r = new Request({ target: '/' });
      const c = r.clone();
      c.setPathValue('id', '1');
      expect(r.pathValue('id')).toBe('');
    });

    test('copies pattern, host and TLS; the body is shared', async () => {
      const r = new Request({ target: '/p', header: { Host: 'h' }, tls: {}, body: 'abc' });
      r.pattern = '/p';
      const c = r.clone();
      expect(c.pattern).toBe('/p');
      expect(c.host).toBe('h');
      expect(c.tls).toBe(r.tls);
      expect(await c.text()).toBe('abc');
    });
  });

  // Copies share the body and its "used" state: Go's copies share one Body reader, so reading
  // through one leaves it drained for the other (here: ErrBodyReadAfterClose).
  describe('a body read through a copy counts for the original', () => {
    const copies: readonly (readonly [name: string, copy: (r: Request) => Request])[] = [
      ['withContext', (r) => r.withContext(Context.background())],
      ['clone', (r) => r.clone()],
    ];
    test.each(copies)('%s', async (_name, copy) => {
      const r = new Request({ target: '/', body: 'abc' });
      const r2 = copy(r);
      expect(await r2.text()).toBe('abc');
      expect(await rejection(r.text())).toBe(ErrBodyReadAfterClose);
    });
  });

  describe('body', () => {
    const matrix = bodyKinds.flatMap(([kind, make, contentLength]) =>
      readers.map(([reader, read]) => [kind, reader, make, contentLength, read] as const),
    );

    test.each(matrix)('%s read with %s', async (_kind, _reader, make, contentLength, read) => {
      const r = new Request({ method: 'POST', target: '/', body: make() });
      expect(r.contentLength).toBe(contentLength);
      expect(r.bodyUsed).toBe(false);
      expect(await read(r)).toBe(payload);
      expect(r.bodyUsed).toBe(true);
    });

    // Any second read throws, whichever readers are used; only `body` itself returns the stream it
    // already made.
    const pairs = bodyKinds.flatMap(([kind, make]) =>
      readers.flatMap(([first, readFirst]) =>
        readers
          .filter(([second]) => !(first === 'body' && second === 'body'))
          .map(
            ([second, readSecond]) => [kind, first, second, make, readFirst, readSecond] as const,
          ),
      ),
    );
    test.each(pairs)(
      '%s: %s then %s throws ErrBodyReadAfterClose',
      async (_kind, _first, _second, make, readFirst, readSecond) => {
        const r = new Request({ method: 'POST', target: '/', body: make() });
        expect(await readFirst(r)).toBe(payload);
        expect(await rejection(readSecond(r))).toBe(ErrBodyReadAfterClose);
      },
    );

    test('the body stream is made once', () => {
      const r = new Request({ target: '/', body: 'x' });
      const s = r.body;
      expect(s).toBeInstanceOf(ReadableStream);
      expect(r.body).toBe(s);
    });

    test('taking the stream consumes the body even before it is read', async () => {
      const r = new Request({ target: '/', body: 'x' });
      expect(r.body).not.toBeNull();
      expect(r.bodyUsed).toBe(true);
      expect(await rejection(r.bytes())).toBe(ErrBodyReadAfterClose);
    });

    test('the second read throws synchronously from the body getter', async () => {
      const r = new Request({ target: '/', body: 'x' });
      await r.text();
      expect(caught(() => r.body)).toBe(ErrBodyReadAfterClose);
    });

    test('ErrBodyReadAfterClose has Go’s message', () => {
      expect(ErrBodyReadAfterClose.message).toBe('http: invalid Read on closed Body');
    });

    test('cancelling the body stream closes the source iterator', async () => {
      let finalized = false;
      const source = (async function* () {
        try {
          yield encoder.encode('a');
          yield encoder.encode('b');
        } finally {
          finalized = true;
        }
      })();
      const r = new Request({ target: '/', body: source });
      const reader = nonNull(r.body).getReader();
      const first = await reader.read();
      expect(first.done).toBe(false);
      await reader.cancel();
      expect(finalized).toBe(true);
    });

    test('reading a ReadableStream body releases its lock', async () => {
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(encoder.encode('ab'));
          controller.close();
        },
      });
      const r = new Request({ target: '/', body: stream });
      expect(await r.text()).toBe('ab');
      expect(stream.locked).toBe(false);
    });

    test('arrayBuffer() of a view holds only the view’s bytes', async () => {
      const view = new Uint8Array([0, 1, 2, 3, 4]).subarray(1, 3);
      const r = new Request({ target: '/', body: view });
      const ab = await r.arrayBuffer();
      expect(ab.byteLength).toBe(2);
      expect([...new Uint8Array(ab)]).toEqual([1, 2]);
    });

    test('an empty in-memory body is still a body: it reads once', async () => {
      const r = new Request({ target: '/', body: '' });
      expect(r.contentLength).toBe(0);
      expect(await r.text()).toBe('');
      expect(r.bodyUsed).toBe(true);
      expect(await rejection(r.text())).toBe(ErrBodyReadAfterClose);
    });

    test('an empty body stream closes without a chunk', async () => {
      const r = new Request({ target: '/', body: new Uint8Array(0) });
      expect(await readStream(nonNull(r.body))).toEqual([]);
    });

    describe('a request without a body reads as empty, repeatedly', () => {
      const empty: readonly (readonly [
        name: string,
        read: (r: Request) => Promise<unknown>,
        want: unknown,
      ])[] = [
        ['bytes()', async (r) => [...(await r.bytes())], []],
        ['text()', (r) => r.text(), ''],
        ['arrayBuffer()', async (r) => (await r.arrayBuffer()).byteLength, 0],
        ['body', async (r) => r.body, null],
        [
          'for await',
          async (r) => {
            const chunks: Uint8Array[] = [];
            for await (const chunk of r) chunks.push(chunk);
            return chunks;
          },
          [],
        ],
      ];
      test.each(empty)('%s', async (_name, read, want) => {
        for (const init of [{ target: '/' }, { target: '/', body: null }]) {
          const r = new Request(init);
          for (let i = 0; i < 3; i++) expect(await read(r)).toEqual(want);
          expect(r.bodyUsed).toBe(false);
        }
      });

      test('json() throws every time: an empty body is not JSON', async () => {
        const r = new Request({ target: '/' });
        for (let i = 0; i < 2; i++) {
          const err = await rejection(r.json());
          expect(err).toBeInstanceOf(SyntaxError);
          expect(err instanceof SyntaxError && err.message).toStartWith(
            'http: request body is not valid JSON',
          );
        }
      });
    });

    describe('json()', () => {
      const valid: readonly (readonly [body: string, want: unknown])[] = [
        ['1', 1],
        ['null', null],
        ['"s"', 's'],
        ['[1,2]', [1, 2]],
        [' {"a":true} ', { a: true }],
        ['{"é":"☃"}', { é: '☃' }],
      ];
      test.each(valid)('%p', async (body, want) => {
        expect(await new Request({ target: '/', body }).json()).toEqual(want);
      });

      const invalid: readonly string[] = ['', '{bad', '{"a":1}x', 'undefined', "{'a':1}", '[1,]'];
      test.each(invalid)('%p is a SyntaxError', async (body) => {
        const err = await rejection(new Request({ target: '/', body }).json());
        expect(err).toBeInstanceOf(SyntaxError);
        if (!(err instanceof SyntaxError)) return;
        expect(err.message).toStartWith('http: request body is not valid JSON: ');
        expect(err.cause).toBeInstanceOf(SyntaxError);
      });

      test('the body is consumed even when it is not JSON', async () => {
        const r = new Request({ target: '/', body: '{bad' });
        await rejection(r.json());
        expect(r.bodyUsed).toBe(true);
        expect(await rejection(r.text())).toBe(ErrBodyReadAfterClose);
      });
    });

    describe('text()', () => {
      const rows: readonly (readonly [name: string, bytes: readonly number[], want: string])[] = [
        ['ASCII', [0x61, 0x62], 'ab'],
        ['UTF-8', [0xc3, 0xa9], 'é'],
        // Invalid sequences become U+FFFD (documented).
        ['a lone continuation byte', [0x61, 0x80], 'a\uFFFD'],
        ['0xFF', [0xff], '\uFFFD'],
        ['a truncated sequence', [0xe2, 0x98], '\uFFFD'],
        // WHATWG UTF-8 decode drops a leading BOM, as Response.text() does (Go's ReadAll keeps it).
        ['a leading BOM', [0xef, 0xbb, 0xbf, 0x78], 'x'],
      ];
      test.each(rows)('%s', async (_name, bytes, want) => {
        expect(await new Request({ target: '/', body: new Uint8Array(bytes) }).text()).toBe(want);
      });
    });
  });
});

describe('newRequest', () => {
  interface Want {
    method: string;
    host: string;
    scheme: string;
    urlHost: string;
    path: string;
    rawPath: string;
    requestURI: string;
    contentLength: number;
    serverName: string | undefined;
    body: string;
  }
  const base = {
    method: 'GET',
    host: 'example.com',
    scheme: '',
    urlHost: '',
    path: '/',
    rawPath: '',
    requestURI: '/',
    contentLength: 0,
    serverName: undefined,
    body: '',
  } satisfies Want;

  // Go: TestNewRequestWithContext (httptest_test.go).
  const rows: readonly (readonly [
    name: string,
    method: string,
    target: string,
    body: BodyInit | null | undefined,
    want: Want,
  ])[] = [
    // Go: ContentLength is 0 for a nil body.
    ['Empty method means GET', '', '/', undefined, base],
    [
      'GET with full URL',
      'GET',
      'http://foo.com/path/%2f/bar/',
      null,
      {
        ...base,
        host: 'foo.com',
        scheme: 'http',
        urlHost: 'foo.com',
        path: '/path///bar/',
        rawPath: '/path/%2f/bar/',
        requestURI: 'http://foo.com/path/%2f/bar/',
      },
    ],
    [
      'GET with full https URL',
      'GET',
      'https://foo.com/path/',
      null,
      {
        ...base,
        host: 'foo.com',
        scheme: 'https',
        urlHost: 'foo.com',
        path: '/path/',
        requestURI: 'https://foo.com/path/',
        serverName: 'foo.com',
      },
    ],
    // Go's ServerName is req.Host, port included.
    [
      'https URL with a port',
      'GET',
      'https://foo.com:8443/',
      null,
      {
        ...base,
        host: 'foo.com:8443',
        scheme: 'https',
        urlHost: 'foo.com:8443',
        requestURI: 'https://foo.com:8443/',
        serverName: 'foo.com:8443',
      },
    ],
    [
      'Post with known length',
      'POST',
      '/',
      'foo',
      { ...base, method: 'POST', contentLength: 3, body: 'foo' },
    ],
    [
      'Post with known length (bytes)',
      'POST',
      '/',
      encoder.encode('foo'),
      { ...base, method: 'POST', contentLength: 3, body: 'foo' },
    ],
    [
      'Post with unknown length',
      'POST',
      '/',
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(encoder.encode('foo'));
          controller.close();
        },
      }),
      { ...base, method: 'POST', contentLength: -1, body: 'foo' },
    ],
    // Go passes http.NoBody; an empty string is ours.
    ['Post with an empty body', 'POST', '/', '', { ...base, method: 'POST', contentLength: 0 }],
    ['OPTIONS *', 'OPTIONS', '*', null, { ...base, method: 'OPTIONS', path: '*', requestURI: '*' }],
    [
      'CONNECT authority-form',
      'CONNECT',
      'foo.com:443',
      null,
      {
        ...base,
        method: 'CONNECT',
        host: 'foo.com:443',
        urlHost: 'foo.com:443',
        path: '',
        requestURI: 'foo.com:443',
      },
    ],
  ];
  test.each(rows)('%s', async (_name, method, target, body, want) => {
    const r = newRequest(method, target, body);
    expect({
      method: r.method,
      host: r.host,
      scheme: r.url.scheme,
      urlHost: r.url.host,
      path: r.url.path,
      rawPath: r.url.rawPath,
      requestURI: r.requestURI,
      contentLength: r.contentLength,
      serverName: r.tls?.serverName,
      body: await r.text(),
    }).toEqual(want);
    expect(r.tls === undefined).toBe(want.scheme !== 'https');
    expect(r.proto).toBe('HTTP/1.1');
    expect(r.protoMajor).toBe(1);
    expect(r.protoMinor).toBe(1);
    expect(r.remoteAddr).toBe('192.0.2.1:1234');
    expect(r.context()).toBe(Context.background());
  });

  test('DefaultRemoteAddr is TEST-NET-1, as in Go', () => {
    expect(DefaultRemoteAddr).toBe('192.0.2.1:1234');
  });

  // Go panics ("invalid NewRequest arguments"); ours throws.
  const invalid: readonly (readonly [
    method: string,
    target: string,
    error: unknown,
    message: string,
  ])[] = [
    ['bad method', '/', TypeError, 'http: invalid method "bad method"'],
    ['GET', 'foo.html', URLError, 'invalid URI for request'],
    ['GET', '', URLError, 'empty url'],
    ['GET', '/%zz', URLError, 'invalid URL escape "%zz"'],
  ];
  test.each(invalid)('%p %p throws', (method, target, error, message) => {
    const err = caught(() => newRequest(method, target));
    expect(err).toBeInstanceOf(error as new () => Error);
    expect(err instanceof Error && err.message).toContain(message);
  });

  // Divergence from Go: httptest.NewRequest leaves Header empty (Host lives in req.Host only, as
  // the server deletes it from the header); ours also writes the Host field.
  test('the header is empty, as in Go', () => {
    expect(newRequest('GET', '/').header.size).toBe(0);
  });
});

describe('rawHeader: the header as a server receives it, built on first read', () => {
  test('names are canonicalized and values kept, in order, only when header is read', () => {
    const r = new Request({
      target: '/',
      rawHeader: [
        'host',
        'example.com',
        'x-multi',
        'a',
        'X-MULTI',
        'b',
        'content-type',
        'text/plain',
      ],
    });
    expect(r.host).toBe('example.com');
    expect([...r.header]).toEqual([
      ['Host', ['example.com']],
      ['X-Multi', ['a', 'b']],
      ['Content-Type', ['text/plain']],
    ]);
    // The same Header object from then on: changes stick.
    r.header.set('X-Added', '1');
    expect(r.header.get('X-Added')).toBe('1');
  });

  test('an explicit header wins over rawHeader, and setting header replaces it', () => {
    const explicit = new Request({ target: '/', header: { A: '1' }, rawHeader: ['b', '2'] });
    expect(explicit.header.has('B')).toBe(false);
    const r = new Request({ target: '/', rawHeader: ['a', '1'] });
    r.header = new Header({ Z: '26' });
    expect(r.header.get('A')).toBe('');
    expect(r.header.get('Z')).toBe('26');
  });

  test('copies see the same fields', () => {
    const r = new Request({ target: '/', rawHeader: ['x-id', '7'] });
    expect(r.withContext(Context.background()).header.get('X-Id')).toBe('7');
    expect(r.clone().header.get('X-Id')).toBe('7');
  });
});

describe('withBody: a copy with another body (Go: r.Body = …)', () => {
  test('the copy reads the new body; path values, pattern and header carry over', async () => {
    const r = new Request({ method: 'POST', target: '/a', body: 'original', header: { X: '1' } });
    r.setPathValue('id', '7');
    r.pattern = 'POST /a';
    async function* upper(src: Request): AsyncGenerator<Uint8Array> {
      for await (const chunk of src)
        yield new TextEncoder().encode(new TextDecoder().decode(chunk).toUpperCase());
    }
    const w = r.withBody(upper(r));
    expect(w.contentLength).toBe(-1);
    expect(await w.text()).toBe('ORIGINAL');
    expect(w.pathValue('id')).toBe('7');
    expect(w.pattern).toBe('POST /a');
    expect(w.header.get('X')).toBe('1');
    // The original's body was read through the wrapper.
    await expect(r.text()).rejects.toBe(ErrBodyReadAfterClose);
  });

  const lengths: [body: string | null, given: number | undefined, want: number][] = [
    ['abc', undefined, 3],
    [null, undefined, 0],
    ['abc', 10, 10],
  ];
  test.each(lengths)('body %p, contentLength %p → %p', (body, given, want) => {
    expect(new Request({ target: '/' }).withBody(body, given).contentLength).toBe(want);
  });

  test('an unsupported body is a TypeError', () => {
    expect(() => new Request({ target: '/' }).withBody(42 as unknown as string)).toThrow(TypeError);
  });
});
