import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Handler } from '@servehttp/core-listener';
import { newRequest, ResponseRecorder } from '@servehttp/core-listener/httptest';
import { fileServer, serveFile, serveFileFS } from './file-server.ts';
import { dir, hideDotFiles } from './fs.ts';
import { stripPrefix } from './helpers.ts';
import { parseHTTPTime, parseRange, serveContent } from './serve-content.ts';

let root = '';
const fileBody = '0123456789\n'; // Go's testdata/file
const fileLen = fileBody.length;
const modTime = new Date(Date.UTC(2014, 5, 25, 17, 12, 18));

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'servemux-fs-'));
  writeFileSync(join(root, 'file'), fileBody);
  writeFileSync(join(root, 'style.css'), 'body {}\n');
  writeFileSync(join(root, '.env'), 'SECRET=1\n');
  mkdirSync(join(root, 'docs'));
  writeFileSync(join(root, 'docs', 'index.html'), '<h1>docs</h1>\n');
  mkdirSync(join(root, 'list'));
  writeFileSync(join(root, 'list', 'b.txt'), 'b');
  writeFileSync(join(root, 'list', 'a:b?#<x>.txt'), 'odd');
  writeFileSync(join(root, 'list', '.hidden'), 'h');
  mkdirSync(join(root, 'list', 'sub'));
  utimesSync(join(root, 'file'), modTime, modTime);
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

async function get(
  h: Handler,
  target: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<ResponseRecorder> {
  const r = newRequest(method, target);
  for (const [k, v] of Object.entries(headers)) r.header.set(k, v);
  const w = new ResponseRecorder();
  await h.serveHTTP(w, r);
  return w;
}

// Go: ServeFileRangeTests over testdata/file (11 bytes).
describe('fileServer ranges', () => {
  test.each<[string, number, [number, number][]]>([
    ['', 200, []],
    ['bytes=0-4', 206, [[0, 5]]],
    ['bytes=2-', 206, [[2, fileLen]]],
    ['bytes=-5', 206, [[fileLen - 5, fileLen]]],
    ['bytes=3-7', 206, [[3, 8]]],
    [
      'bytes=0-0,-2',
      206,
      [
        [0, 1],
        [fileLen - 2, fileLen],
      ],
    ],
    [
      'bytes=0-1,5-8',
      206,
      [
        [0, 2],
        [5, 9],
      ],
    ],
    [
      'bytes=0-1,5-',
      206,
      [
        [0, 2],
        [5, fileLen],
      ],
    ],
    ['bytes=5-1000', 206, [[5, fileLen]]],
    ['bytes=0-,1-,2-,3-,4-', 200, []], // ignore wasteful range request
    ['bytes=0-9', 206, [[0, fileLen - 1]]],
    ['bytes=0-10', 206, [[0, fileLen]]],
    ['bytes=0-11', 206, [[0, fileLen]]],
    ['bytes=10-11', 206, [[fileLen - 1, fileLen]]],
    ['bytes=10-', 206, [[fileLen - 1, fileLen]]],
    ['bytes=11-', 416, []],
    ['bytes=11-12', 416, []],
    ['bytes=12-12', 416, []],
    ['bytes=11-100', 416, []],
    ['bytes=12-100', 416, []],
    ['bytes=100-', 416, []],
    ['bytes=100-1000', 416, []],
  ])('Range %j → %d', async (range, code, ranges) => {
    const w = await get(fileServer(dir(root)), '/file', range === '' ? {} : { Range: range });
    const res = w.result();
    expect(res.statusCode).toBe(code);
    expect(res.header.get('Accept-Ranges')).toBe(code === 416 ? '' : 'bytes');
    if (code === 416) {
      expect(res.header.get('Content-Range')).toBe(`bytes */${fileLen}`);
      return;
    }
    const body = w.text();
    expect(res.header.get('Content-Length')).toBe(String(res.body.length));
    if (ranges.length === 0) {
      expect(body).toBe(fileBody);
      expect(res.header.get('Content-Type')).toBe('text/plain; charset=utf-8');
    } else if (ranges.length === 1) {
      const [a, b] = ranges[0] as [number, number];
      expect(body).toBe(fileBody.slice(a, b));
      expect(res.header.get('Content-Range')).toBe(`bytes ${a}-${b - 1}/${fileLen}`);
    } else {
      const ct = res.header.get('Content-Type');
      const boundary = ct.match(/^multipart\/byteranges; boundary=([0-9a-f]{60})$/)?.[1];
      expect(boundary).toBeDefined();
      const parts = body.split(`--${boundary}`);
      expect(parts.at(-1)).toBe('--\r\n');
      ranges.forEach(([a, b], i) => {
        expect(parts[i + 1]).toBe(
          `\r\nContent-Range: bytes ${a}-${b - 1}/${fileLen}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${fileBody.slice(a, b)}\r\n`,
        );
      });
    }
  });
});

describe('fileServer paths', () => {
  test.each<[string, number, string, string]>([
    ['/docs', 301, 'docs/', ''],
    ['/docs?x=1', 301, 'docs/?x=1', ''],
    ['/docs/', 200, '', '<h1>docs</h1>\n'],
    ['/docs/index.html', 301, './', ''],
    ['/file/', 301, '../file', ''],
    ['/nope', 404, '', '404 page not found\n'],
    ['/../file', 200, '', fileBody], // cleaned: cannot climb out of the root
    ['/docs/../file', 200, '', fileBody],
    ['/.env', 200, '', 'SECRET=1\n'], // Go serves dotfiles; see hideDotFiles
  ])('GET %s → %d', async (path, code, loc, body) => {
    const w = await get(fileServer(dir(root)), path);
    expect(w.code).toBe(code);
    if (loc !== '') expect(w.header().get('Location')).toBe(loc);
    if (body !== '') expect(w.text()).toBe(body);
  });

  test('a directory without index.html is listed, sorted, escaped', async () => {
    const w = await get(fileServer(dir(root)), '/list/');
    expect(w.code).toBe(200);
    expect(w.header().get('Content-Type')).toBe('text/html; charset=utf-8');
    expect(w.text()).toBe(
      '<!doctype html>\n<meta name="viewport" content="width=device-width">\n<pre>\n' +
        '<a href=".hidden">.hidden</a>\n' +
        '<a href="./a:b%3F%23%3Cx%3E.txt">a:b?#&lt;x&gt;.txt</a>\n' +
        '<a href="b.txt">b.txt</a>\n' +
        '<a href="sub/">sub/</a>\n' +
        '</pre>\n',
    );
  });

  test('hideDotFiles hides dotfiles from requests and listings', async () => {
    const h = fileServer(hideDotFiles(dir(root)));
    expect((await get(h, '/.env')).code).toBe(404);
    expect((await get(h, '/list/.hidden')).code).toBe(404);
    expect((await get(h, '/list/')).text()).not.toContain('.hidden');
  });

  test('under stripPrefix', async () => {
    const h = stripPrefix('/static', fileServer(dir(root)));
    expect((await get(h, '/static/style.css')).text()).toBe('body {}\n');
    expect((await get(h, '/static/style.css')).header().get('Content-Type')).toBe(
      'text/css; charset=utf-8',
    );
  });

  test('If-Modified-Since on a file and Last-Modified', async () => {
    const h = fileServer(dir(root));
    const w = await get(h, '/file', { 'If-Modified-Since': modTime.toUTCString() });
    expect(w.code).toBe(304);
    const w2 = await get(h, '/file');
    expect(w2.header().get('Last-Modified')).toBe('Wed, 25 Jun 2014 17:12:18 GMT');
  });

  test('HEAD gets the headers only', async () => {
    const w = await get(fileServer(dir(root)), '/file', {}, 'HEAD');
    expect([w.code, w.text(), w.result().header.get('Content-Length')]).toEqual([200, '', '11']);
  });
});

describe('serveFile', () => {
  test.each<[string, number, string]>([
    ['/x', 200, fileBody],
    ['/a/../x', 400, 'invalid URL path\n'], // Go refuses a ".." in the URL path
    ['/a/..\\x', 400, 'invalid URL path\n'],
  ])('URL %s → %d', async (url, code, body) => {
    const w = new ResponseRecorder();
    await serveFile(w, newRequest('GET', url), join(root, 'file'));
    expect([w.code, w.text()]).toEqual([code, body]);
  });

  test('serveFileFS', async () => {
    const w = new ResponseRecorder();
    await serveFileFS(w, newRequest('GET', '/any'), dir(root), 'style.css');
    expect([w.code, w.text()]).toEqual([200, 'body {}\n']);
  });
});

// Go: TestServeContent's table, over 'body {}\n' (testdata/style.css, 8 bytes).
describe('serveContent conditionals', () => {
  const css = 'body {}\n';
  const htmlMod = new Date(Date.UTC(2000, 0, 1, 0, 0, 0));
  const june = new Date(Date.UTC(2014, 5, 25, 17, 12, 18));
  test.each<
    [
      string,
      { etag?: string; mod?: Date; ct?: string; req: Record<string, string> },
      number,
      string,
    ]
  >([
    ['no_last_modified', { ct: 'text/css; charset=utf-8', req: {} }, 200, ''],
    [
      'not_modified_modtime',
      { etag: '"foo"', mod: htmlMod, req: { 'If-Modified-Since': htmlMod.toUTCString() } },
      304,
      '',
    ],
    ['not_modified_etag', { etag: '"foo"', req: { 'If-None-Match': '"foo"' } }, 304, ''],
    [
      'not_modified_weak_list',
      { etag: 'W/"foo"', req: { 'If-None-Match': '"baz", W/"foo"' } },
      304,
      '',
    ],
    ['if_none_match_mismatch', { etag: '"foo"', req: { 'If-None-Match': '"Foo"' } }, 200, ''],
    ['if_none_match_malformed', { etag: '"foo"', req: { 'If-None-Match': '"foo' } }, 200, ''],
    ['range_good', { etag: '"A"', req: { Range: 'bytes=0-4' } }, 206, 'bytes 0-4/8'],
    [
      'range_match',
      { etag: '"A"', req: { Range: 'bytes=0-4', 'If-Range': '"A"' } },
      206,
      'bytes 0-4/8',
    ],
    [
      'range_match_weak_etag',
      { etag: 'W/"A"', req: { Range: 'bytes=0-4', 'If-Range': 'W/"A"' } },
      200,
      '',
    ],
    ['range_no_overlap', { etag: '"A"', req: { Range: 'bytes=10-20' } }, 416, 'bytes */8'],
    ['range_no_match', { etag: '"A"', req: { Range: 'bytes=0-4', 'If-Range': '"B"' } }, 200, ''],
    [
      'range_with_modtime',
      { mod: june, req: { Range: 'bytes=0-4', 'If-Range': 'Wed, 25 Jun 2014 17:12:18 GMT' } },
      206,
      'bytes 0-4/8',
    ],
    [
      'range_with_modtime_mismatch',
      { mod: june, req: { Range: 'bytes=0-4', 'If-Range': 'Wed, 25 Jun 2014 17:12:19 GMT' } },
      200,
      '',
    ],
    [
      'range_with_modtime_millis',
      {
        mod: new Date(june.getTime() + 123),
        req: { Range: 'bytes=0-4', 'If-Range': 'Wed, 25 Jun 2014 17:12:18 GMT' },
      },
      206,
      'bytes 0-4/8',
    ],
    ['ifmatch_matches', { etag: '"A"', req: { 'If-Match': '"Z", "A"' } }, 200, ''],
    ['ifmatch_star', { etag: '"A"', req: { 'If-Match': '*' } }, 200, ''],
    ['ifmatch_failed', { etag: '"A"', req: { 'If-Match': '"B"' } }, 412, ''],
    ['ifmatch_fails_on_weak_etag', { etag: 'W/"A"', req: { 'If-Match': 'W/"A"' } }, 412, ''],
    [
      'if_unmodified_since_true',
      { mod: htmlMod, req: { 'If-Unmodified-Since': htmlMod.toUTCString() } },
      200,
      '',
    ],
    [
      'if_unmodified_since_false',
      {
        mod: htmlMod,
        req: { 'If-Unmodified-Since': new Date(htmlMod.getTime() - 2000).toUTCString() },
      },
      412,
      '',
    ],
  ])('%s → %d', async (_name, c, code, contentRange) => {
    const w = new ResponseRecorder();
    if (c.etag !== undefined) w.header().set('ETag', c.etag);
    if (c.ct !== undefined) w.header().set('Content-Type', c.ct);
    const r = newRequest('GET', '/');
    for (const [k, v] of Object.entries(c.req)) r.header.set(k, v);
    await serveContent(w, r, 'style.css', c.mod ?? new Date(0), css);
    const res = w.result();
    expect(res.statusCode).toBe(code);
    expect(res.header.get('Content-Range')).toBe(contentRange);
    if (code === 200) expect(res.header.get('Content-Type')).toBe('text/css; charset=utf-8');
    if (code === 304) expect(res.header.get('Content-Type')).toBe('');
    if (code === 416) expect(res.header.get('Content-Type')).toBe('text/plain; charset=utf-8');
    if (c.mod !== undefined && code !== 304) {
      expect(res.header.get('Last-Modified')).toBe(code === 416 ? '' : c.mod.toUTCString());
    }
  });

  test('unix-zero modtime: no Last-Modified; type sniffed from the content', async () => {
    const w = new ResponseRecorder();
    await serveContent(w, newRequest('GET', '/'), 'noext', new Date(0), '<html>foo');
    expect(w.result().header.get('Last-Modified')).toBe('');
    expect(w.result().header.get('Content-Type')).toBe('text/html; charset=utf-8');
  });

  test('a Range on empty content is ignored (200, not 416)', async () => {
    const w = new ResponseRecorder();
    const r = newRequest('GET', '/');
    r.header.set('Range', 'bytes=0-');
    await serveContent(w, r, 'e.txt', new Date(0), '');
    expect(w.code).toBe(200);
  });
});

// Go: TestParseRange-style rows for the parser itself.
describe('parseRange', () => {
  test.each<[string, number, string | [number, number][]]>([
    ['', 10, []],
    ['bytes=', 10, []],
    ['foo', 10, 'invalid range'],
    ['bytes=-', 10, 'invalid range'],
    ['bytes=--5', 10, 'invalid range'],
    ['bytes=5-4', 10, 'invalid range'],
    ['bytes=a-', 10, 'invalid range'],
    [
      'bytes=0-2, 5-',
      10,
      [
        [0, 3],
        [5, 5],
      ],
    ],
    ['bytes= 1 - 2 ', 10, [[1, 2]]],
    ['bytes=-0', 10, [[10, 0]]],
    ['bytes=10-', 10, 'invalid range: failed to overlap'],
    ['bytes=10-,0-1', 10, [[0, 2]]],
  ])('%j size %d', (s, size, want) => {
    const got = parseRange(s, size);
    expect(typeof got === 'string' ? got : got.map((r) => [r.start, r.length])).toEqual(want);
  });
});

describe('parseHTTPTime', () => {
  const t = Date.UTC(1994, 10, 6, 8, 49, 37);
  test.each<[string, number | undefined]>([
    ['Sun, 06 Nov 1994 08:49:37 GMT', t],
    ['Sunday, 06-Nov-94 08:49:37 GMT', t],
    ['Sun Nov  6 08:49:37 1994', t],
    ['Sun, 06 Nov 1994 08:49:37 UTC', undefined],
    ['Sun, 31 Feb 1994 08:49:37 GMT', undefined],
    ['yesterday', undefined],
  ])('%j', (s, want) => {
    expect(parseHTTPTime(s)).toBe(want);
  });
});
