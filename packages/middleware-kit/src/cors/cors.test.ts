import { describe, expect, test } from 'bun:test';
import { Header, handlerFunc, type Request } from '@servehttp/core-listener';
import { newRequest, ResponseRecorder } from '@servehttp/core-listener/httptest';
import { Cors, type CorsOptions, cors } from './index.ts';
import { SortedSet } from './sorted-set.ts';

// rs/cors cors_test.go allRespHeaders: which response headers are list-based (compared after
// splitting on commas) and which are singletons (compared exactly).
const allRespHeaders: Record<string, boolean> = {
  Vary: true,
  'Access-Control-Allow-Origin': false,
  'Access-Control-Allow-Credentials': false,
  'Access-Control-Allow-Methods': true,
  'Access-Control-Allow-Headers': true,
  'Access-Control-Max-Age': false,
  'Access-Control-Expose-Headers': true,
  'Access-Control-Allow-Private-Network': false,
};

function normalize(vs: readonly string[]): string[] {
  return vs.flatMap((v) => v.split(',').map((e) => e.replace(/^[ \t]+|[ \t]+$/g, '')));
}

type H = Record<string, string[]>;
// Rows of rs/cors TestSpec: name, options, method, request headers, expected CORS response
// headers, OriginAllowed.
const spec: [string, CorsOptions, string, H, H, boolean][] = [
  ['NoConfig', {}, 'GET', {}, { Vary: ['Origin'] }, true],
  [
    'MatchAllOrigin',
    { allowedOrigins: ['*'] },
    'GET',
    { Origin: ['http://foobar.com'] },
    { Vary: ['Origin'], 'Access-Control-Allow-Origin': ['*'] },
    true,
  ],
  [
    'MatchAllOriginWithCredentials',
    { allowedOrigins: ['*'], allowCredentials: true },
    'GET',
    { Origin: ['http://foobar.com'] },
    {
      Vary: ['Origin'],
      'Access-Control-Allow-Origin': ['*'],
      'Access-Control-Allow-Credentials': ['true'],
    },
    true,
  ],
  [
    'AllowedOrigin',
    { allowedOrigins: ['http://foobar.com'] },
    'GET',
    { Origin: ['http://foobar.com'] },
    { Vary: ['Origin'], 'Access-Control-Allow-Origin': ['http://foobar.com'] },
    true,
  ],
  [
    'WildcardOrigin',
    { allowedOrigins: ['http://*.bar.com'] },
    'GET',
    { Origin: ['http://foo.bar.com'] },
    { Vary: ['Origin'], 'Access-Control-Allow-Origin': ['http://foo.bar.com'] },
    true,
  ],
  [
    'DisallowedOrigin',
    { allowedOrigins: ['http://foobar.com'] },
    'GET',
    { Origin: ['http://barbaz.com'] },
    { Vary: ['Origin'] },
    false,
  ],
  [
    'DisallowedWildcardOrigin',
    { allowedOrigins: ['http://*.bar.com'] },
    'GET',
    { Origin: ['http://foo.baz.com'] },
    { Vary: ['Origin'] },
    false,
  ],
  [
    'AllowedOriginFuncMatch',
    { allowOriginFunc: (o) => /^http:\/\/foo/.test(o) },
    'GET',
    { Origin: ['http://foobar.com'] },
    { Vary: ['Origin'], 'Access-Control-Allow-Origin': ['http://foobar.com'] },
    true,
  ],
  [
    'AllowOriginVaryRequestFuncMatch',
    {
      allowOriginVaryRequestFunc: (r: Request, o: string) => [
        /^http:\/\/foo/.test(o) && r.header.get('Authorization') === 'secret',
        ['Authorization'],
      ],
    },
    'GET',
    { Origin: ['http://foobar.com'], Authorization: ['secret'] },
    { Vary: ['Origin, Authorization'], 'Access-Control-Allow-Origin': ['http://foobar.com'] },
    true,
  ],
  [
    'AllowOriginVaryRequestFuncNotMatch',
    {
      allowOriginVaryRequestFunc: (r: Request, o: string) => [
        /^http:\/\/foo/.test(o) && r.header.get('Authorization') === 'secret',
        [],
      ],
    },
    'GET',
    { Origin: ['http://foobar.com'], Authorization: ['not-secret'] },
    { Vary: ['Origin'] },
    false,
  ],
  [
    'MaxAge',
    { allowedOrigins: ['http://example.com'], allowedMethods: ['GET'], maxAge: 10 },
    'OPTIONS',
    { Origin: ['http://example.com'], 'Access-Control-Request-Method': ['GET'] },
    {
      Vary: ['Origin, Access-Control-Request-Method, Access-Control-Request-Headers'],
      'Access-Control-Allow-Origin': ['http://example.com'],
      'Access-Control-Allow-Methods': ['GET'],
      'Access-Control-Max-Age': ['10'],
    },
    true,
  ],
  [
    'MaxAgeNegative',
    { allowedOrigins: ['http://example.com'], allowedMethods: ['GET'], maxAge: -1 },
    'OPTIONS',
    { Origin: ['http://example.com'], 'Access-Control-Request-Method': ['GET'] },
    {
      Vary: ['Origin, Access-Control-Request-Method, Access-Control-Request-Headers'],
      'Access-Control-Allow-Origin': ['http://example.com'],
      'Access-Control-Allow-Methods': ['GET'],
      'Access-Control-Max-Age': ['0'],
    },
    true,
  ],
  [
    'AllowedMethod',
    { allowedOrigins: ['http://foobar.com'], allowedMethods: ['PUT', 'DELETE'] },
    'OPTIONS',
    { Origin: ['http://foobar.com'], 'Access-Control-Request-Method': ['PUT'] },
    {
      Vary: ['Origin, Access-Control-Request-Method, Access-Control-Request-Headers'],
      'Access-Control-Allow-Origin': ['http://foobar.com'],
      'Access-Control-Allow-Methods': ['PUT'],
    },
    true,
  ],
  [
    'DisallowedMethod',
    { allowedOrigins: ['http://foobar.com'], allowedMethods: ['PUT', 'DELETE'] },
    'OPTIONS',
    { Origin: ['http://foobar.com'], 'Access-Control-Request-Method': ['PATCH'] },
    { Vary: ['Origin, Access-Control-Request-Method, Access-Control-Request-Headers'] },
    true,
  ],
  [
    'AllowedHeaders',
    {
      allowedOrigins: ['http://foobar.com'],
      allowedHeaders: ['X-Header-1', 'x-header-2', 'X-HEADER-3'],
    },
    'OPTIONS',
    {
      Origin: ['http://foobar.com'],
      'Access-Control-Request-Method': ['GET'],
      'Access-Control-Request-Headers': ['x-header-1,x-header-2'],
    },
    {
      Vary: ['Origin, Access-Control-Request-Method, Access-Control-Request-Headers'],
      'Access-Control-Allow-Origin': ['http://foobar.com'],
      'Access-Control-Allow-Methods': ['GET'],
      'Access-Control-Allow-Headers': ['x-header-1,x-header-2'],
    },
    true,
  ],
  [
    'DefaultAllowedHeaders',
    { allowedOrigins: ['http://foobar.com'], allowedHeaders: [] },
    'OPTIONS',
    {
      Origin: ['http://foobar.com'],
      'Access-Control-Request-Method': ['GET'],
      'Access-Control-Request-Headers': ['x-requested-with'],
    },
    {
      Vary: ['Origin, Access-Control-Request-Method, Access-Control-Request-Headers'],
      'Access-Control-Allow-Origin': ['http://foobar.com'],
      'Access-Control-Allow-Methods': ['GET'],
      'Access-Control-Allow-Headers': ['x-requested-with'],
    },
    true,
  ],
  [
    'AllowedWildcardHeader',
    { allowedOrigins: ['http://foobar.com'], allowedHeaders: ['*'] },
    'OPTIONS',
    {
      Origin: ['http://foobar.com'],
      'Access-Control-Request-Method': ['GET'],
      'Access-Control-Request-Headers': ['x-header-1,x-header-2'],
    },
    {
      Vary: ['Origin, Access-Control-Request-Method, Access-Control-Request-Headers'],
      'Access-Control-Allow-Origin': ['http://foobar.com'],
      'Access-Control-Allow-Methods': ['GET'],
      'Access-Control-Allow-Headers': ['x-header-1,x-header-2'],
    },
    true,
  ],
  [
    'DisallowedHeader',
    { allowedOrigins: ['http://foobar.com'], allowedHeaders: ['X-Header-1', 'x-header-2'] },
    'OPTIONS',
    {
      Origin: ['http://foobar.com'],
      'Access-Control-Request-Method': ['GET'],
      'Access-Control-Request-Headers': ['x-header-1,x-header-3'],
    },
    { Vary: ['Origin, Access-Control-Request-Method, Access-Control-Request-Headers'] },
    true,
  ],
  [
    'ExposedHeader',
    { allowedOrigins: ['http://foobar.com'], exposedHeaders: ['X-Header-1', 'x-header-2'] },
    'GET',
    { Origin: ['http://foobar.com'] },
    {
      Vary: ['Origin'],
      'Access-Control-Allow-Origin': ['http://foobar.com'],
      'Access-Control-Expose-Headers': ['X-Header-1, X-Header-2'],
    },
    true,
  ],
  [
    'AllowedCredentials',
    { allowedOrigins: ['http://foobar.com'], allowCredentials: true },
    'OPTIONS',
    { Origin: ['http://foobar.com'], 'Access-Control-Request-Method': ['GET'] },
    {
      Vary: ['Origin, Access-Control-Request-Method, Access-Control-Request-Headers'],
      'Access-Control-Allow-Origin': ['http://foobar.com'],
      'Access-Control-Allow-Methods': ['GET'],
      'Access-Control-Allow-Credentials': ['true'],
    },
    true,
  ],
  [
    'AllowedPrivateNetwork',
    { allowedOrigins: ['http://foobar.com'], allowPrivateNetwork: true },
    'OPTIONS',
    {
      Origin: ['http://foobar.com'],
      'Access-Control-Request-Method': ['GET'],
      'Access-Control-Request-Private-Network': ['true'],
    },
    {
      Vary: [
        'Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network',
      ],
      'Access-Control-Allow-Origin': ['http://foobar.com'],
      'Access-Control-Allow-Methods': ['GET'],
      'Access-Control-Allow-Private-Network': ['true'],
    },
    true,
  ],
  [
    'DisallowedPrivateNetwork',
    { allowedOrigins: ['http://foobar.com'] },
    'OPTIONS',
    {
      Origin: ['http://foobar.com'],
      'Access-Control-Request-Method': ['GET'],
      'Access-Control-Request-PrivateNetwork': ['true'],
    },
    {
      Vary: ['Origin, Access-Control-Request-Method, Access-Control-Request-Headers'],
      'Access-Control-Allow-Origin': ['http://foobar.com'],
      'Access-Control-Allow-Methods': ['GET'],
    },
    true,
  ],
  [
    'OptionPassthrough',
    { optionsPassthrough: true },
    'OPTIONS',
    { Origin: ['http://foobar.com'], 'Access-Control-Request-Method': ['GET'] },
    {
      Vary: ['Origin, Access-Control-Request-Method, Access-Control-Request-Headers'],
      'Access-Control-Allow-Origin': ['*'],
      'Access-Control-Allow-Methods': ['GET'],
    },
    true,
  ],
  [
    'NonPreflightOptions',
    { allowedOrigins: ['http://foobar.com'] },
    'OPTIONS',
    { Origin: ['http://foobar.com'] },
    { Vary: ['Origin'], 'Access-Control-Allow-Origin': ['http://foobar.com'] },
    true,
  ],
  [
    'AllowedOriginsPlusAllowOriginFunc',
    { allowedOrigins: ['*'], allowOriginFunc: () => true },
    'GET',
    { Origin: ['http://foobar.com'] },
    { Vary: ['Origin'], 'Access-Control-Allow-Origin': ['http://foobar.com'] },
    true,
  ],
  [
    'MultipleACRHHeaders',
    { allowedOrigins: ['http://foobar.com'], allowedHeaders: ['Content-Type', 'Authorization'] },
    'OPTIONS',
    {
      Origin: ['http://foobar.com'],
      'Access-Control-Request-Method': ['GET'],
      'Access-Control-Request-Headers': ['authorization', 'content-type'],
    },
    {
      Vary: ['Origin, Access-Control-Request-Method, Access-Control-Request-Headers'],
      'Access-Control-Allow-Origin': ['http://foobar.com'],
      'Access-Control-Allow-Methods': ['GET'],
      'Access-Control-Allow-Headers': ['authorization', 'content-type'],
    },
    true,
  ],
  [
    'MultipleACRHHeadersWithOWSAndEmptyElements',
    { allowedOrigins: ['http://foobar.com'], allowedHeaders: ['Content-Type', 'Authorization'] },
    'OPTIONS',
    {
      Origin: ['http://foobar.com'],
      'Access-Control-Request-Method': ['GET'],
      'Access-Control-Request-Headers': ['authorization\t', ' ', ' content-type'],
    },
    {
      Vary: ['Origin, Access-Control-Request-Method, Access-Control-Request-Headers'],
      'Access-Control-Allow-Origin': ['http://foobar.com'],
      'Access-Control-Allow-Methods': ['GET'],
      'Access-Control-Allow-Headers': ['authorization\t', ' ', ' content-type'],
    },
    true,
  ],
  // Not in rs/cors's table, but what its code does: wildcard matching ignores case, and a
  // wildcard needs prefix and suffix not to overlap.
  [
    'WildcardOriginCaseInsensitive',
    { allowedOrigins: ['https://*.Example.com'] },
    'GET',
    { Origin: ['https://API.example.COM'] },
    { Vary: ['Origin'], 'Access-Control-Allow-Origin': ['https://API.example.COM'] },
    true,
  ],
  [
    'WildcardNoOverlap',
    { allowedOrigins: ['https://a*a'] },
    'GET',
    { Origin: ['https://a'] },
    { Vary: ['Origin'] },
    false,
  ],
];

function request(method: string, headers: H): Request {
  const r = newRequest(method, 'http://example.com/foo');
  for (const [k, vs] of Object.entries(headers)) for (const v of vs) r.header.add(k, v);
  return r;
}

describe('rs/cors TestSpec', () => {
  test.each(spec)('%s', async (_name, options, method, reqHeaders, resHeaders, originAllowed) => {
    const r = request(method, reqHeaders);
    expect(new Cors(options).originAllowed(r)).toBe(originAllowed);
    const rec = new ResponseRecorder();
    let called = false;
    await cors(options)(
      handlerFunc((w) => {
        called = true;
        void w.write('bar');
      }),
    ).serveHTTP(rec, r);
    const got = rec.header();
    for (const [name, listBased] of Object.entries(allRespHeaders)) {
      const have = got.values(name);
      const want = resHeaders[name] ?? [];
      if (listBased) expect([name, normalize(have)]).toEqual([name, normalize(want)]);
      else expect([name, [...have]]).toEqual([name, want]);
    }
    const preflight =
      method === 'OPTIONS' && reqHeaders['Access-Control-Request-Method'] !== undefined;
    // A preflight stops the chain (rs/cors#1) unless passthrough is on.
    expect(called).toBe(!preflight || options.optionsPassthrough === true);
  });
});

describe('preflight status', () => {
  // rs/cors TestOptionsSuccessStatusCodeDefault/Override; 204 even with no OPTIONS route.
  const rows: [string, CorsOptions, number][] = [
    ['default 204', {}, 204],
    ['override 200', { optionsSuccessStatus: 200 }, 200],
  ];
  test.each(rows)('%s', async (_name, options, code) => {
    const r = newRequest('OPTIONS', 'http://example.com/foo');
    r.header.add('Access-Control-Request-Method', 'GET');
    const rec = new ResponseRecorder();
    await cors(options)(handlerFunc((w) => w.writeHeader(404))).serveHTTP(rec, r);
    expect(rec.code).toBe(code);
  });

  test('existing Vary values are kept and appended to', async () => {
    const rec = new ResponseRecorder();
    rec.header().set('Vary', 'Accept-Encoding');
    await cors()(handlerFunc(() => {})).serveHTTP(rec, request('GET', {}));
    expect(rec.header().values('Vary')).toEqual(['Accept-Encoding', 'Origin']);
  });

  test('actual request with a disallowed method gets only Vary', async () => {
    // rs/cors TestHandleActualRequestInvalidMethodAbortion.
    const rec = new ResponseRecorder();
    await cors({ allowedMethods: ['POST'], allowCredentials: true })(
      handlerFunc(() => {}),
    ).serveHTTP(rec, request('GET', { Origin: ['http://example.com'] }));
    expect([...rec.header().keys()]).toEqual(['Vary']);
  });

  test('a logger receives the decisions; none by default', async () => {
    const lines: string[] = [];
    await cors({ allowedOrigins: ['http://foo.com'], logger: (l) => lines.push(l) })(
      handlerFunc(() => {}),
    ).serveHTTP(new ResponseRecorder(), request('GET', { Origin: ['http://bar.com'] }));
    expect(lines).toEqual(["Actual request no headers added: origin 'http://bar.com' not allowed"]);
  });
});

// Bad input: an Origin that is no origin at all never throws. rs/cors compares the value with
// its list and, finding no match, adds nothing but Vary; a preflight still ends the chain with
// the success status (its handler never runs), so the browser is refused by the missing
// Access-Control-Allow-Origin, not by an error.
describe('malformed Origin values get no CORS headers, and never an exception', () => {
  const origins = [
    'null',
    'not a url',
    'http://',
    '*',
    'http://foobar.com/',
    'http://foobar.com:x',
    `http://${'a'.repeat(4000)}.com`,
  ];
  const options: CorsOptions = { allowedOrigins: ['http://foobar.com'] };
  test.each(origins)(
    'actual request, Origin %p: the handler answers, only Vary is added',
    async (origin) => {
      const rec = new ResponseRecorder();
      await cors(options)(handlerFunc((w) => void w.write('bar'))).serveHTTP(
        rec,
        request('GET', { Origin: [origin] }),
      );
      expect([rec.code, rec.text(), [...rec.header().keys()]]).toEqual([200, 'bar', ['Vary']]);
    },
  );
  test.each(origins)('preflight, Origin %p: 204, no Allow-Origin', async (origin) => {
    const rec = new ResponseRecorder();
    let called = false;
    await cors(options)(
      handlerFunc(() => {
        called = true;
      }),
    ).serveHTTP(
      rec,
      request('OPTIONS', { Origin: [origin], 'Access-Control-Request-Method': ['GET'] }),
    );
    expect([rec.code, called, rec.header().get('Access-Control-Allow-Origin')]).toEqual([
      204,
      false,
      '',
    ]);
  });
});

describe('bad options throw at construction', () => {
  const rows: [string, CorsOptions, string][] = [
    ['two wildcards', { allowedOrigins: ['https://*.*.example.com'] }, 'more than one "*"'],
    [
      'origin not a string',
      { allowedOrigins: [1 as never] },
      'allowedOrigins must be an array of strings',
    ],
    ['bad method', { allowedMethods: ['GET POST'] }, 'allowedMethods: "GET POST" is not a method'],
    ['bad header', { allowedHeaders: ['x y'] }, 'allowedHeaders: "x y" is not a header name'],
    ['fractional maxAge', { maxAge: 1.5 }, 'maxAge must be an integer'],
    [
      '1xx success status',
      { optionsSuccessStatus: 101 },
      'optionsSuccessStatus must be an integer in [200, 299]',
    ],
    [
      'func not a function',
      { allowOriginFunc: 'yes' as never },
      'allowOriginFunc must be a function',
    ],
  ];
  test.each(rows)('%s', (_name, options, msg) => {
    expect(() => cors(options)).toThrow(msg);
    expect(() => cors(options)).toThrow('middleware-kit: cors:');
  });
});

describe('SortedSet (rs/cors internal/sortedset_test.go)', () => {
  const many = (n: number) => Array.from({ length: n }, () => '');
  // Rows: elements, size, toString, accepted values, rejected values.
  const rows: [string, string[], number, string, string[][], string[][]][] = [
    [
      'empty set',
      [],
      0,
      '',
      [[''], [','], ['\t, , '], many(16)],
      [['x-bar'], ['x-bar,x-foo'], [','.repeat(17)], many(17)],
    ],
    [
      'singleton set',
      ['x-foo'],
      1,
      'x-foo',
      [
        ['x-foo'],
        [''],
        [','],
        ['\t, , '],
        ['\tx-foo ,'],
        [' x-foo\t,'],
        [`${','.repeat(16)}x-foo`],
        [...many(16), 'x-foo'],
        many(16),
      ],
      [
        ['x-bar'],
        ['x-bar,x-foo'],
        ['x-foo  '],
        [' x-foo  '],
        ['  x-foo  '],
        ['x-foo\t\t'],
        ['\tx-foo\t\t'],
        ['\t\tx-foo\t\t'],
        [`${','.repeat(17)}x-foo`],
        [...many(17), 'x-foo'],
        many(17),
      ],
    ],
    [
      'no dupes',
      ['x-foo', 'x-bar', 'x-baz'],
      3,
      'x-bar,x-baz,x-foo',
      [
        ['x-bar'],
        ['x-baz'],
        ['x-foo'],
        ['x-bar,x-baz'],
        ['x-bar,x-foo'],
        ['x-baz,x-foo'],
        ['x-bar,x-baz,x-foo'],
        [''],
        [','],
        ['\t, , '],
        ['\tx-bar ,'],
        [' x-baz\t,'],
        ['x-foo,'],
        ['\tx-bar ,\tx-baz ,'],
        [' x-bar\t, x-foo\t,'],
        ['x-baz,x-foo,'],
        [' x-bar , x-baz , x-foo ,'],
        [`x-bar${','.repeat(17)}x-foo`],
        ['x-bar', 'x-foo'],
        ['x-bar', 'x-baz,x-foo'],
        [...many(16), 'x-bar', 'x-foo'],
        many(16),
      ],
      [
        ['x-qux'],
        ['x-bar,x-baz,x-baz'],
        ['x-qux,x-baz'],
        ['x-qux,x-foo'],
        ['x-quxbaz,x-foo'],
        ['x-bar  '],
        [' x-baz  '],
        ['  x-foo  '],
        ['x-bar\t\t,x-baz'],
        ['x-bar,\tx-foo\t\t'],
        ['\t\tx-baz,x-foo\t\t'],
        [' x-bar\t,\tx-baz\t ,x-foo'],
        [`x-bar${','.repeat(18)}x-foo`],
        ['x-foo', 'x-bar'],
        [...many(17), 'x-bar', 'x-foo'],
        many(17),
      ],
    ],
    [
      'some dupes',
      ['x-foo', 'x-bar', 'x-foo'],
      2,
      'x-bar,x-foo',
      [
        ['x-bar'],
        ['x-foo'],
        ['x-bar,x-foo'],
        [''],
        [','],
        ['\t, , '],
        ['\tx-bar ,'],
        [' x-foo\t,'],
        ['x-foo,'],
        ['\tx-bar ,\tx-foo ,'],
        [' x-bar\t, x-foo\t,'],
        ['x-bar,x-foo,'],
        [' x-bar , x-foo ,'],
        [`x-bar${','.repeat(17)}x-foo`],
        ['x-bar', 'x-foo'],
        [...many(16), 'x-bar', 'x-foo'],
        many(16),
      ],
      [
        ['x-qux'],
        ['x-qux,x-bar'],
        ['x-qux,x-foo'],
        ['x-qux,x-baz,x-foo'],
        ['x-qux  '],
        ['x-qux,\t\tx-bar'],
        ['x-qux,x-foo\t\t'],
        ['\tx-qux , x-baz\t\t,x-foo'],
        [`x-bar${','.repeat(18)}x-foo`],
        ['x-foo', 'x-bar'],
        ['x-qux', '\t\tx-bar'],
        ['x-qux', 'x-foo\t\t'],
        ['\tx-qux ', ' x-baz\t\t,x-foo'],
        [...many(17), 'x-bar', 'x-foo'],
        many(17),
      ],
    ],
  ];
  test.each(rows)('%s', (_name, elems, size, str, accepted, rejected) => {
    const set = new SortedSet(elems);
    expect(set.size).toBe(size);
    expect(set.toString()).toBe(str);
    for (const a of accepted) expect([a, set.accepts(a)]).toEqual([a, true]);
    for (const r of rejected) expect([r, set.accepts(r)]).toEqual([r, false]);
  });

  test('a long value without commas is rejected after a bounded scan', () => {
    const set = new SortedSet(['x-foo']);
    expect(set.accepts([`x-foo${'a'.repeat(1 << 20)}`])).toBe(false);
  });
});

// Keeps the import used: Header is what a recorder's header() returns.
void Header;
