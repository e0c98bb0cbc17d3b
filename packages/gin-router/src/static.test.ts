import { afterAll, describe, expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from './engine.ts';
import { perform } from './gin.test-util.ts';
import { dir, parseRange } from './static.ts';

// A file tree of our own, removed after the file: gin's tests use os.CreateTemp the same way.
const root = mkdtempSync(join(tmpdir(), 'gin-static-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const modtime = new Date('2024-01-02T03:04:05Z');
const aTxt = '0123456789abcdefghij';
const lastModified = 'Tue, 02 Jan 2024 03:04:05 GMT';
const files: Record<string, string> = {
  plain: 'Gin Web Framework', // no extension: the type is sniffed, as for gin's temp file
  'a.txt': aTxt,
  'empty.bin': '',
  'sub/index.html': '<p>index</p>',
  'sub/page.html': '<p>page</p>',
  'we:ird.txt': 'colon',
};
mkdirSync(join(root, 'sub'));
mkdirSync(join(root, 'emptydir'));
for (const [name, content] of Object.entries(files)) {
  writeFileSync(join(root, name), content);
  utimesSync(join(root, name), modtime, modtime);
}
for (const d of ['emptydir', 'sub', '']) utimesSync(join(root, d), modtime, modtime);

const emptyListing =
  '<!doctype html>\n<meta name="viewport" content="width=device-width">\n<pre>\n</pre>\n';

function router(): Engine {
  const r = new Engine();
  r.static('/using_static', root);
  r.staticFile('/result', join(root, 'plain'));
  r.staticFileFS('/result_fs', 'plain', dir(root));
  r.staticFS('/listing', dir(root, true));
  r.match(['GET', 'HEAD'], '/f/a', (c) => c.file(join(root, 'a.txt')));
  r.get('/f/missing', (c) => c.file(join(root, 'nope.txt')));
  r.get('/f/dir', (c) => c.file(join(root, 'sub', '.')));
  r.get('/f/list/', (c) => c.file(join(root, 'emptydir')));
  r.get('/f/cached', (c) => {
    c.header('Cache-Control', 'max-age=60');
    c.header('Etag', '"v1"');
    return c.file(join(root, 'a.txt'));
  });
  r.get('/f/gone', (c) => {
    c.header('Cache-Control', 'max-age=60');
    c.header('Etag', '"v1"');
    return c.file(join(root, 'nope.txt'));
  });
  r.get('/f/gzip', (c) => {
    c.header('Content-Encoding', 'gzip');
    return c.file(join(root, 'a.txt'));
  });
  r.get('/g/*any', (c) => c.file(join(root, 'a.txt')));
  r.get('/fs', (c) => c.fileFromFS('./plain', dir(root)));
  r.get('/att/:n', (c) => {
    const names: Record<string, string> = {
      plain: 'new_filename.go',
      evil: 'tampering_field.sh"; \\"; dummy=.go',
      utf8: 'new🧡_filename.go',
    };
    return c.fileAttachment(join(root, 'a.txt'), names[c.param('n')] ?? '');
  });
  return r;
}

interface Row {
  name: string;
  method?: string;
  path: string;
  headers?: Record<string, string>;
  code: number;
  body?: string;
  contains?: string[];
  header?: Record<string, string>;
}

// gin routes_test.go TestRouteStatic*, context_test.go TestContextFile/TestContextRenderFile*/
// TestContextRender*Attachment, and the Go fs_test.go behaviour those rely on.
const rows: Row[] = [
  // TestRouteStaticFile / TestRouteStaticFileFS: Static, StaticFile and StaticFileFS agree.
  ...['/using_static/plain', '/result', '/result_fs'].map(
    (path): Row => ({
      name: `GET ${path}`,
      path,
      code: 200,
      body: 'Gin Web Framework',
      header: {
        'Content-Type': 'text/plain; charset=utf-8',
        'Content-Length': '17',
        'Last-Modified': lastModified,
        'Accept-Ranges': 'bytes',
      },
    }),
  ),
  ...['/using_static/plain', '/result', '/result_fs'].map(
    (path): Row => ({
      name: `HEAD ${path}`,
      method: 'HEAD',
      path,
      code: 200,
      body: '',
      header: { 'Content-Length': '17', 'Content-Type': 'text/plain; charset=utf-8' },
    }),
  ),
  // TestRouteStaticNoListing: gin's Dir(root, false) pre-sets 404 and lists nothing.
  {
    name: 'no listing',
    path: '/using_static/emptydir/',
    code: 404,
    body: emptyListing,
    header: { 'Content-Type': 'text/html; charset=utf-8' },
  },
  // TestRouteStaticListingDir: Dir(root, true) lists, sorted, directories with a slash.
  {
    name: 'listing',
    path: '/listing/',
    code: 200,
    contains: [
      '<a href="a.txt">a.txt</a>',
      '<a href="emptydir/">emptydir/</a>',
      '<a href="sub/">sub/</a>',
      // url.URL{Path: "we:ird.txt"}.String() protects the colon with "./".
      '<a href="./we:ird.txt">we:ird.txt</a>',
    ],
    header: { 'Content-Type': 'text/html; charset=utf-8', 'Last-Modified': lastModified },
  },
  // Go's file server canonicalizes with relative 301s (localRedirect), keeping the query.
  { name: 'dir without slash', path: '/using_static/sub', code: 301, header: { Location: 'sub/' } },
  {
    name: 'dir without slash, query kept',
    path: '/using_static/sub?x=1',
    code: 301,
    header: { Location: 'sub/?x=1' },
  },
  {
    name: 'index.html is served for the directory',
    path: '/using_static/sub/',
    code: 200,
    body: '<p>index</p>',
    header: { 'Content-Type': 'text/html; charset=utf-8' },
  },
  {
    name: '…/index.html redirects to ./',
    path: '/using_static/sub/index.html',
    code: 301,
    header: { Location: './' },
  },
  {
    name: 'file with slash',
    path: '/using_static/a.txt/',
    code: 301,
    header: { Location: '../a.txt' },
  },
  // TestRouterStaticFSFileNotFound: a missing name runs noRoute (none here): 404, empty body.
  { name: 'missing file', path: '/using_static/nonexistent', code: 404, body: '' },
  // Ranges (Go TestServeFile, TestServeContent rows).
  {
    name: 'range 0-4',
    path: '/using_static/a.txt',
    headers: { Range: 'bytes=0-4' },
    code: 206,
    body: '01234',
    header: {
      'Content-Range': 'bytes 0-4/20',
      'Content-Length': '5',
      'Content-Type': 'text/plain; charset=utf-8',
    },
  },
  {
    name: 'suffix range',
    path: '/using_static/a.txt',
    headers: { Range: 'bytes=-3' },
    code: 206,
    body: 'hij',
    header: { 'Content-Range': 'bytes 17-19/20' },
  },
  {
    name: 'open range',
    path: '/using_static/a.txt',
    headers: { Range: 'bytes=15-' },
    code: 206,
    body: 'fghij',
    header: { 'Content-Range': 'bytes 15-19/20' },
  },
  {
    name: 'range past the end: 416',
    path: '/using_static/a.txt',
    headers: { Range: 'bytes=20-' },
    code: 416,
    body: 'invalid range: failed to overlap\n',
    header: {
      'Content-Range': 'bytes */20',
      'Content-Type': 'text/plain; charset=utf-8',
      'X-Content-Type-Options': 'nosniff',
      'Last-Modified': '', // Go 1.23 serveError drops it
    },
  },
  {
    name: 'malformed range: 416',
    path: '/using_static/a.txt',
    headers: { Range: 'bytes=abc' },
    code: 416,
    body: 'invalid range\n',
  },
  {
    name: 'ranges summing past the size are ignored',
    path: '/using_static/a.txt',
    headers: { Range: 'bytes=0-10,5-15,0-19' },
    code: 200,
    body: aTxt,
    header: { 'Content-Range': '' },
  },
  {
    name: 'an empty file ignores a range',
    path: '/using_static/empty.bin',
    headers: { Range: 'bytes=5-' },
    code: 200,
    body: '',
    header: { 'Content-Length': '0' },
  },
  // Conditional requests (RFC 7232 order, Go checkPreconditions).
  {
    name: 'If-Modified-Since equal: 304',
    path: '/using_static/a.txt',
    headers: { 'If-Modified-Since': lastModified },
    code: 304,
    body: '',
    header: { 'Content-Type': '', 'Content-Length': '', 'Last-Modified': lastModified },
  },
  {
    name: 'If-Modified-Since earlier: 200',
    path: '/using_static/a.txt',
    headers: { 'If-Modified-Since': 'Mon, 01 Jan 2024 00:00:00 GMT' },
    code: 200,
    body: aTxt,
  },
  {
    name: 'If-Modified-Since unparsable: ignored',
    path: '/using_static/a.txt',
    headers: { 'If-Modified-Since': 'yesterday' },
    code: 200,
  },
  {
    name: 'If-Unmodified-Since earlier: 412',
    path: '/using_static/a.txt',
    headers: { 'If-Unmodified-Since': 'Mon, 01 Jan 2024 00:00:00 GMT' },
    code: 412,
    body: '',
  },
  {
    name: 'If-Range with the date keeps the range',
    path: '/using_static/a.txt',
    headers: { Range: 'bytes=0-1', 'If-Range': lastModified },
    code: 206,
    body: '01',
  },
  {
    name: 'If-Range with another date voids it',
    path: '/using_static/a.txt',
    headers: { Range: 'bytes=0-1', 'If-Range': 'Mon, 01 Jan 2024 00:00:00 GMT' },
    code: 200,
    body: aTxt,
  },
  {
    name: 'If-None-Match * on GET: 304',
    path: '/using_static/a.txt',
    headers: { 'If-None-Match': '*' },
    code: 304,
  },
  // With the caller's ETag (Go: "If the caller has set w's ETag header…").
  {
    name: 'If-None-Match matching the ETag: 304 without Last-Modified',
    path: '/f/cached',
    headers: { 'If-None-Match': 'W/"v1"' },
    code: 304,
    header: { Etag: '"v1"', 'Last-Modified': '', 'Cache-Control': 'max-age=60' },
  },
  {
    name: 'If-Match mismatch: 412',
    path: '/f/cached',
    headers: { 'If-Match': '"v2"' },
    code: 412,
  },
  {
    name: 'If-Match match: 200',
    path: '/f/cached',
    headers: { 'If-Match': '"v0", "v1"' },
    code: 200,
    body: aTxt,
  },
  {
    name: 'If-Range with a weak tag voids the range',
    path: '/f/cached',
    headers: { Range: 'bytes=0-1', 'If-Range': 'W/"v1"' },
    code: 200,
  },
  {
    name: 'If-Range with the strong tag keeps it',
    path: '/f/cached',
    headers: { Range: 'bytes=0-1', 'If-Range': '"v1"' },
    code: 206,
    body: '01',
  },
  // c.File: http.ServeFile.
  {
    name: 'c.file',
    path: '/f/a',
    code: 200,
    body: aTxt,
    header: { 'Content-Type': 'text/plain; charset=utf-8', 'Last-Modified': lastModified },
  },
  {
    name: 'c.file missing: Go toHTTPError 404',
    path: '/f/missing',
    code: 404,
    body: '404 page not found\n',
    header: { 'X-Content-Type-Options': 'nosniff' },
  },
  {
    name: 'c.file error drops the success headers (Go 1.23 serveError)',
    path: '/f/gone',
    code: 404,
    header: { 'Cache-Control': '', Etag: '' },
  },
  // gin TestContextFile "serve directory" accepts 200 or 403 because its recorder never sees
  // the 301 (c.File runs outside the engine); what Go's ServeFile really sends is the redirect.
  {
    name: 'c.file of a directory, no slash',
    path: '/f/dir',
    code: 301,
    header: { Location: 'dir/' },
  },
  {
    name: 'c.file of a directory is listed (http.Dir lists)',
    path: '/f/list/',
    code: 200,
    body: emptyListing,
  },
  {
    name: 'c.file rejects a ".." request path',
    path: '/g/../a',
    code: 400,
    body: 'invalid URL path\n',
  },
  {
    name: 'Content-Encoding set: no Content-Length (Go keeps on-the-fly gzip working)',
    path: '/f/gzip',
    code: 200,
    header: { 'Content-Length': '' },
  },
  {
    name: 'c.file range (TestContextFile "Range request")',
    path: '/f/a',
    headers: { Range: 'bytes=0-10' },
    code: 206,
    body: '0123456789a',
    header: { 'Accept-Ranges': 'bytes', 'Content-Range': 'bytes 0-10/20' },
  },
  {
    name: 'c.file HEAD',
    method: 'HEAD',
    path: '/f/a',
    code: 200,
    body: '',
    header: { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': '20' },
  },
  // TestContextRenderFileFromFS
  { name: 'c.fileFromFS', path: '/fs', code: 200, body: 'Gin Web Framework' },
  // TestContextRenderAttachment / …AndEscapeAttachment / …UTF8Attachment
  {
    name: 'attachment',
    path: '/att/plain',
    code: 200,
    body: aTxt,
    header: { 'Content-Disposition': 'attachment; filename="new_filename.go"' },
  },
  {
    name: 'attachment, escaped',
    path: '/att/evil',
    code: 200,
    header: {
      'Content-Disposition': 'attachment; filename="tampering_field.sh\\"; \\\\\\"; dummy=.go"',
    },
  },
  {
    name: 'attachment, UTF-8 (RFC 6266 filename*)',
    path: '/att/utf8',
    code: 200,
    header: {
      'Content-Disposition': "attachment; filename*=UTF-8''new%F0%9F%A7%A1_filename.go",
    },
  },
];

describe('file serving (gin TestRouteStatic*, TestContextFile*, Go fs_test.go)', () => {
  const r = router();
  test.each(rows)('$name', async (row) => {
    const w = await perform(r, row.method ?? 'GET', row.path, row.headers ?? {});
    const res = w.result();
    expect(res.statusCode).toBe(row.code);
    const body = new TextDecoder().decode(res.body);
    if (row.body !== undefined) expect(body).toBe(row.body);
    for (const s of row.contains ?? []) expect(body).toContain(s);
    for (const [k, v] of Object.entries(row.header ?? {}))
      expect([k, res.header.get(k)]).toEqual([k, v]);
  });

  test('several ranges: 206 multipart/byteranges with an exact Content-Length', async () => {
    const res = (
      await perform(router(), 'GET', '/using_static/a.txt', { Range: 'bytes=0-1,-2' })
    ).result();
    expect(res.statusCode).toBe(206);
    const ct = res.header.get('Content-Type');
    const m = /^multipart\/byteranges; boundary=([0-9a-f]{60})$/.exec(ct);
    expect(m).not.toBeNull();
    const b = (m as RegExpExecArray)[1];
    const want =
      `--${b}\r\nContent-Range: bytes 0-1/20\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n01` +
      `\r\n--${b}\r\nContent-Range: bytes 18-19/20\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nij` +
      `\r\n--${b}--\r\n`;
    expect(new TextDecoder().decode(res.body)).toBe(want);
    expect(res.header.get('Content-Length')).toBe(String(want.length));
  });

  // TestRouterMiddlewareAndStatic: the file server Sets Last-Modified over the middleware's Add,
  // and leaves the other headers alone.
  test('group middleware headers and static', async () => {
    const r = new Engine();
    const g = r.group('/', (c) => {
      c.writer.header().add('Last-Modified', 'Mon, 02 Jan 2006 15:04:05 MST');
      c.writer.header().add('Expires', 'Mon, 02 Jan 2006 15:04:05 MST');
      c.writer.header().add('X-GIN', 'Gin Framework');
    });
    g.static('/', root);
    const w = await perform(r, 'GET', '/a.txt');
    expect(w.code).toBe(200);
    expect(w.text()).toBe(aTxt);
    expect(w.header().get('Last-Modified')).toBe(lastModified);
    expect(w.header().get('Expires')).toBe('Mon, 02 Jan 2006 15:04:05 MST');
    expect(w.header().get('x-GIN')).toBe('Gin Framework');
  });

  // TestRouterStaticFSNotFound and TestMiddlewareCalledOnceByRouterStaticFSNotFound (gin#1805).
  test.each(['GET', 'HEAD'])(
    '%s of a missing file runs noRoute once, not the middleware twice',
    async (m) => {
      const r = new Engine();
      let middleware = 0;
      r.use(() => {
        middleware++;
      });
      r.staticFS('/', dir('/thisreallydoesntexist/'));
      r.noRoute((c) => c.string(404, 'non existent'));
      const w = await perform(r, m, '/nonexistent');
      expect(w.code).toBe(404);
      expect(w.text()).toBe('non existent');
      expect(middleware).toBe(1);
    },
  );

  // routergroup_test.go TestRouterGroupBadMethod-style panics for static paths.
  const bad: [string, (r: Engine) => unknown, string][] = [
    [
      'staticFile with :',
      (r) => r.staticFile('/path/:param', 'favicon.ico'),
      'URL parameters can not be used when serving a static file',
    ],
    [
      'staticFile with *',
      (r) => r.staticFile('/path/*param', 'favicon.ico'),
      'URL parameters can not be used when serving a static file',
    ],
    [
      'staticFileFS with :',
      (r) => r.staticFileFS('/path/:param', 'favicon.ico', dir('.')),
      'URL parameters can not be used when serving a static file',
    ],
    [
      'static with :',
      (r) => r.static('/path/:param', '/'),
      'URL parameters can not be used when serving a static folder',
    ],
    [
      'staticFS with *',
      (r) => r.staticFS('/path/*param', dir('/')),
      'URL parameters can not be used when serving a static folder',
    ],
  ];
  test.each(bad)('%s throws', (_n, f, msg) => expect(() => f(new Engine())).toThrow(msg));

  test('a custom FileSystem that ignores the bounds still serves ranges', async () => {
    const data = new TextEncoder().encode('abcdef');
    const r = new Engine();
    r.staticFS('/mem', {
      stat: async (name) =>
        name === '/x.bin'
          ? { isDirectory: false, size: data.length, mtime: new Date(0) }
          : undefined,
      read: async () => data,
    });
    const w = (await perform(r, 'GET', '/mem/x.bin', { Range: 'bytes=2-3' })).result();
    expect(w.statusCode).toBe(206);
    expect(new TextDecoder().decode(w.body)).toBe('cd');
    // An epoch time means "unknown": no Last-Modified (Go isZeroTime).
    expect(w.header.get('Last-Modified')).toBe('');
    // No extension: sniffed from the first bytes of the whole file.
    expect(w.header.get('Content-Type')).toBe('text/plain; charset=utf-8');
  });
});

// Go range_test.go ParseRangeTests: [header, size, ranges as [start, length] or 'error'].
const rangeRows: [string, number, [number, number][] | 'error'][] = [
  ['', 0, []],
  ['', 1000, []],
  ['foo', 0, 'error'],
  ['bytes=', 0, []],
  ['bytes=7', 10, 'error'],
  ['bytes= 7 ', 10, 'error'],
  ['bytes=1-', 0, 'error'], // failed to overlap
  ['bytes=5-4', 10, 'error'],
  ['bytes=0-2,5-4', 10, 'error'],
  ['bytes=2-5,4-3', 10, 'error'],
  ['bytes=--5,4--3', 10, 'error'],
  ['bytes=A-', 10, 'error'],
  ['bytes=A- ', 10, 'error'],
  ['bytes=A-Z', 10, 'error'],
  ['bytes= -Z', 10, 'error'],
  ['bytes=5-Z', 10, 'error'],
  ['bytes=Ran-dom, garbage', 10, 'error'],
  ['bytes=0x01-0x02', 10, 'error'],
  ['bytes=         ', 10, []],
  ['bytes= , , ,   ', 10, []],
  ['bytes=0-9', 10, [[0, 10]]],
  ['bytes=0-', 10, [[0, 10]]],
  ['bytes=5-', 10, [[5, 5]]],
  ['bytes=0-20', 10, [[0, 10]]],
  // Older Go answered nothing here; since the no-overlap rework a later range still counts.
  ['bytes=15-,0-5', 10, [[0, 6]]],
  [
    'bytes=1-2,5-',
    10,
    [
      [1, 2],
      [5, 5],
    ],
  ],
  [
    'bytes=-2 , 7-',
    11,
    [
      [9, 2],
      [7, 4],
    ],
  ],
  [
    'bytes=0-0 ,2-2, 7-',
    11,
    [
      [0, 1],
      [2, 1],
      [7, 4],
    ],
  ],
  ['bytes=-5', 10, [[5, 5]]],
  ['bytes=-15', 10, [[0, 10]]],
  ['bytes=0-499', 10000, [[0, 500]]],
  ['bytes=500-999', 10000, [[500, 500]]],
  ['bytes=-500', 10000, [[9500, 500]]],
  ['bytes=9500-', 10000, [[9500, 500]]],
  [
    'bytes=0-0,-1',
    10000,
    [
      [0, 1],
      [9999, 1],
    ],
  ],
  [
    'bytes=500-600,601-999',
    10000,
    [
      [500, 101],
      [601, 399],
    ],
  ],
  [
    'bytes=500-700,601-999',
    10000,
    [
      [500, 201],
      [601, 399],
    ],
  ],
  // Match Apache laxity:
  [
    'bytes=   1 -2   ,  4- 5, 7 - 8 , ,,',
    11,
    [
      [1, 2],
      [4, 2],
      [7, 2],
    ],
  ],
];

describe('parseRange (Go TestParseRange)', () => {
  test.each(rangeRows)('%j of %d', (s, size, want) => {
    const got = parseRange(s, size);
    if (want === 'error') expect(typeof got).toBe('string');
    else expect(got).toEqual(want.map(([start, length]) => ({ start, length })));
  });
});
