import { describe, expect, test } from 'bun:test';
import { type Request, StatusOK } from '@servehttp/core-listener';
import { newRequest, ResponseRecorder } from '@servehttp/core-listener/httptest';
import { ConflictError, PatternError, RegistrationError } from './errors.ts';
import { stripPrefix } from './helpers.ts';
import { DefaultServeMux, handleFunc } from './index.ts';
import { req, serve, stringHandler } from './mux.test-util.ts';
import { ServeMux } from './mux.ts';

function record(mux: ServeMux, r: Request): ResponseRecorder {
  const w = new ResponseRecorder();
  void mux.serveHTTP(w, r);
  return w;
}

// Go: serveMuxRegister + serveMuxTests (TestServeMuxHandler).
describe('ServeMux.handler: hosts, subtrees, redirects', () => {
  const mux = new ServeMux();
  mux.handle('/dir/', serve(200));
  mux.handle('/search', serve(201));
  mux.handle('codesearch.google.com/search', serve(202));
  mux.handle('codesearch.google.com/', serve(203));
  test.each<[string, string, string, number, string]>([
    ['GET', 'google.com', '/', 404, ''],
    ['GET', 'google.com', '/dir', 301, '/dir/'],
    ['GET', 'google.com', '/dir/', 200, '/dir/'],
    ['GET', 'google.com', '/dir/file', 200, '/dir/'],
    ['GET', 'google.com', '/search', 201, '/search'],
    ['GET', 'google.com', '/search/', 404, ''],
    ['GET', 'google.com', '/search/foo', 404, ''],
    ['GET', 'codesearch.google.com', '/search', 202, 'codesearch.google.com/search'],
    ['GET', 'codesearch.google.com', '/search/', 203, 'codesearch.google.com/'],
    ['GET', 'codesearch.google.com', '/search/foo', 203, 'codesearch.google.com/'],
    ['GET', 'codesearch.google.com', '/', 203, 'codesearch.google.com/'],
    ['GET', 'codesearch.google.com:443', '/', 203, 'codesearch.google.com/'],
    ['GET', 'images.google.com', '/search', 201, '/search'],
    ['GET', 'images.google.com', '/search/', 404, ''],
    ['GET', 'images.google.com', '/search/foo', 404, ''],
    ['GET', 'google.com', '/../search', 301, '/search'],
    ['GET', 'google.com', '/dir/..', 301, ''],
    ['GET', 'google.com', '/dir/./file', 301, '/dir/'],
    // The /foo → /foo/ redirect applies to CONNECT requests, the path cleaning does not.
    ['CONNECT', 'google.com', '/dir', 301, '/dir/'],
    ['CONNECT', 'google.com', '/../search', 404, ''],
    ['CONNECT', 'google.com', '/dir/..', 200, '/dir/'],
    ['CONNECT', 'google.com', '/dir/./file', 200, '/dir/'],
  ])('%s %s%s → %d %j', (method, host, path, code, pattern) => {
    const r = req(method, path, host);
    const m = mux.handler(r);
    const w = new ResponseRecorder();
    void m.handler.serveHTTP(w, r);
    expect([w.code, m.pattern]).toEqual([code, pattern]);
    // handler() leaves the request alone.
    expect(r.pattern).toBe('');
  });
});

describe('redirects', () => {
  // Go issue 73688: the pattern reported for a trailing-slash redirect is the registered one.
  test('trailing-slash redirect reports the registered pattern', () => {
    const mux = new ServeMux();
    mux.handle('/{x}/', serve(200));
    expect(mux.handler(req('POST', '/foo')).pattern).toBe('/{x}/');
  });

  // Go: TestMuxRedirectLeadingSlashes (issue 900).
  test.each(['//foo.txt', '///foo.txt', '/../../foo.txt'])('%s → 301 /foo.txt', (path) => {
    const w = record(new ServeMux(), req('GET', path, 'test'));
    expect([w.code, w.header().get('Location')]).toEqual([301, '/foo.txt']);
  });

  // Go: TestServeWithSlashRedirectKeepsQueryString (issue 17841), over the recorder; a 301 is
  // followed once, as the client would.
  describe('the query survives the redirect', () => {
    const mux = new ServeMux();
    const echo = (
      w: ResponseRecorder | import('@servehttp/core-listener').ResponseWriter,
      r: Request,
    ) => void w.write(r.url.rawQuery);
    mux.handleFunc('/testOne', echo);
    mux.handleFunc('/testTwo/', echo);
    mux.handleFunc('/testThree', echo);
    mux.handleFunc('/testThree/', (w, r) => void w.write(`${r.url.rawQuery}:bar`));
    test.each<[string, string, string, number]>([
      ['/testOne?this=that', 'GET', 'this=that', 200],
      ['/testTwo?foo=bar', 'GET', 'foo=bar', 200],
      ['/testTwo?a=1&b=2&a=3', 'GET', 'a=1&b=2&a=3', 200],
      ['/testTwo?', 'GET', '', 200],
      ['/testThree?foo', 'GET', 'foo', 200],
      ['/testThree/?foo', 'GET', 'foo:bar', 200],
      ['/testThree?foo', 'CONNECT', 'foo', 200],
      ['/testThree/?foo', 'CONNECT', 'foo:bar', 200],
      // Cleaned, or not for CONNECT.
      ['/testOne/foo/..?foo', 'GET', 'foo', 200],
      ['/testOne/foo/..?foo', 'CONNECT', '404 page not found\n', 404],
    ])('%s %s → %j', (path, method, body, code) => {
      let w = record(mux, req(method, path));
      if (w.code === 301) w = record(mux, req(method, w.header().get('Location')));
      expect([w.code, w.text()]).toEqual([code, body]);
    });
  });

  // Go: TestServeWithSlashRedirectForHostPatterns.
  describe('host patterns', () => {
    const mux = new ServeMux();
    for (const p of [
      'example.com/pkg/foo/',
      'example.com/pkg/bar',
      'example.com/pkg/bar/',
      'example.com:3000/pkg/connect/',
      'example.com:9000/',
      '/pkg/baz/',
    ]) {
      mux.handle(p, stringHandler(p));
    }
    test.each<[string, string, number, string, string]>([
      ['GET', 'http://example.com/', 404, '', ''],
      ['GET', 'http://example.com/pkg/foo', 301, '/pkg/foo/', ''],
      ['GET', 'http://example.com/pkg/bar', 200, '', 'example.com/pkg/bar'],
      ['GET', 'http://example.com/pkg/bar/', 200, '', 'example.com/pkg/bar/'],
      ['GET', 'http://example.com/pkg/baz', 301, '/pkg/baz/', ''],
      ['GET', 'http://example.com:3000/pkg/foo', 301, '/pkg/foo/', ''],
      ['CONNECT', 'http://example.com/', 404, '', ''],
      ['CONNECT', 'http://example.com:3000/', 404, '', ''],
      ['CONNECT', 'http://example.com:9000/', 200, '', 'example.com:9000/'],
      ['CONNECT', 'http://example.com/pkg/foo', 301, '/pkg/foo/', ''],
      ['CONNECT', 'http://example.com:3000/pkg/foo', 404, '', ''],
      ['CONNECT', 'http://example.com:3000/pkg/baz', 301, '/pkg/baz/', ''],
      ['CONNECT', 'http://example.com:3000/pkg/connect', 301, '/pkg/connect/', ''],
    ])('%s %s → %d', (method, url, code, loc, result) => {
      const w = record(mux, req(method, url));
      expect(w.code).toBe(code);
      if (code === 301) expect(w.header().get('Location')).toBe(loc);
      else expect(w.result().header.get('Result')).toBe(result);
    });
  });

  // Go issues 65624 and 67657: no redirect, and no 405, for a path that already ends in '/'.
  test.each<[string, number]>([
    ['/{x}/', 404],
    ['GET /{x}/', 404],
  ])('%s registered, GET / → %d', (pattern, code) => {
    const mux = new ServeMux();
    mux.handle(pattern, serve(200));
    expect(record(mux, newRequest('GET', '/')).code).toBe(code);
  });

  test.each<[string, string, string]>([
    ['GET', '/a//b?x=1', '/a/b?x=1'],
    ['GET', '/a/./b/', '/a/b/'],
    // Go builds the Location from the escaped path, so its escapes are escaped again.
    ['GET', '/a/../b%20c', '/b%2520c'],
    ['HEAD', '/x/..', '/'],
  ])('clean-path redirect: %s %s → %s', (method, path, loc) => {
    const w = record(new ServeMux(), req(method, path));
    expect([w.code, w.header().get('Location')]).toEqual([301, loc]);
  });

  test('the redirect body is Go’s small HTML link', () => {
    const mux = new ServeMux();
    mux.handle('/tree/', serve(200));
    const w = record(mux, newRequest('GET', '/tree?q=1'));
    expect(w.header().get('Location')).toBe('/tree/?q=1');
    expect(w.text()).toBe('<a href="/tree/?q=1">Moved Permanently</a>.\n\n');
  });
});

describe('methods, 405 and Allow', () => {
  const mux = new ServeMux();
  mux.handle('GET /items/{id}', stringHandler('get'));
  mux.handle('DELETE /items/{id}', stringHandler('delete'));
  mux.handle('POST /items/', stringHandler('post'));
  mux.handle('PUT /only/', stringHandler('put'));
  mux.handle('/any', stringHandler('any'));
  mux.handle('HEAD /h', stringHandler('head'));
  test.each<[string, string, number, string]>([
    ['GET', '/items/7', 200, 'get'],
    ['HEAD', '/items/7', 200, ''], // GET matches HEAD
    ['DELETE', '/items/7', 200, 'delete'],
    ['POST', '/items/7', 200, 'post'],
    ['get', '/items/7', 405, 'DELETE, GET, HEAD, POST'], // methods are case-sensitive
    ['PATCH', '/items/7', 405, 'DELETE, GET, HEAD, POST'],
    ['PATCH', '/items/', 405, 'POST'],
    // The Allow scan also tries the path with a slash, as the redirect would.
    ['GET', '/only', 405, 'PUT'],
    ['PUT', '/only', 301, ''],
    ['PATCH', '/any', 200, 'any'],
    ['GET', '/h', 405, 'HEAD'],
    ['GET', '/none', 404, ''],
  ])('%s %s → %d %j', (method, path, code, want) => {
    const w = record(mux, req(method, path));
    expect(w.code).toBe(code);
    if (code === 405) {
      expect(w.header().get('Allow')).toBe(want);
      expect(w.text()).toBe('Method Not Allowed\n');
      expect(w.header().get('Content-Type')).toBe('text/plain; charset=utf-8');
    } else if (code === 200) {
      expect(w.text()).toBe(method === 'HEAD' ? 'get' : want);
    }
  });
});

describe('path values and r.pattern', () => {
  const mux = new ServeMux();
  const seen: { r?: Request } = {};
  const keep = (_w: unknown, r: Request): void => {
    seen.r = r;
  };
  mux.handleFunc('/b/{bucket}/o/{objectname...}', keep);
  mux.handleFunc('GET /u/{id}/{$}', keep);
  mux.handleFunc('/s/', keep);
  mux.handleFunc('/esc/{x}', keep);
  test.each<[string, string, Record<string, string>]>([
    ['/b/bk/o/a/b/c', '/b/{bucket}/o/{objectname...}', { bucket: 'bk', objectname: 'a/b/c' }],
    ['/b/bk/o/', '/b/{bucket}/o/{objectname...}', { bucket: 'bk', objectname: '' }],
    ['/u/42/', 'GET /u/{id}/{$}', { id: '42' }],
    ['/s/x/y', '/s/', {}],
    ['/esc/a%2Fb', '/esc/{x}', { x: 'a/b' }],
    ['/esc/%E2%9C%93', '/esc/{x}', { x: '✓' }],
  ])('%s → %s %j', (path, pattern, values) => {
    seen.r = undefined;
    const w = record(mux, newRequest('GET', path));
    expect(w.code).toBe(StatusOK);
    const got = seen.r as Request | undefined;
    expect(got?.pattern).toBe(pattern);
    for (const [k, v] of Object.entries(values)) expect(got?.pathValue(k)).toBe(v);
    expect(got?.pathValue('nope')).toBe('');
  });

  // Go: ServeMux.ServeHTTP sets r.Pattern, r.pat and r.matches from its own match, so a mux
  // behind another sees only its own wildcards; values set with SetPathValue under names the
  // pattern lacks (otherValues) are kept.
  describe('a ServeMux behind another', () => {
    const inner = new ServeMux();
    const seenInner: { r?: Request } = {};
    inner.handleFunc('GET /u/{id}', (_w, r) => {
      seenInner.r = r;
    });
    inner.handleFunc('GET /v/{ver}/u/{id}', (_w, r) => {
      seenInner.r = r;
    });
    const outer = new ServeMux();
    outer.handle('GET /v/{ver}/', stripPrefix('/v/1', inner));
    outer.handle('GET /full/{ver}/', stripPrefix('/full/2', inner));
    const withTenant = {
      serveHTTP: (w: ResponseRecorder, r: Request) => {
        r.setPathValue('tenant', 'acme');
        return outer.serveHTTP(w, r);
      },
    };
    test.each<[string, string, Record<string, string>]>([
      // Behind stripPrefix: `ver` belonged to the outer match and is gone.
      ['/v/1/u/7', 'GET /u/{id}', { id: '7', ver: '', tenant: 'acme' }],
      // The inner pattern has a `ver` of its own: the inner match's value, not the outer's 2.
      ['/full/2/v/9/u/7', 'GET /v/{ver}/u/{id}', { id: '7', ver: '9', tenant: 'acme' }],
    ])('%s → %s %j', (path, pattern, values) => {
      seenInner.r = undefined;
      const w = new ResponseRecorder();
      void withTenant.serveHTTP(w, newRequest('GET', path));
      expect(w.code).toBe(StatusOK);
      const got = seenInner.r as Request | undefined;
      expect(got?.pattern).toBe(pattern);
      for (const [k, v] of Object.entries(values)) expect(got?.pathValue(k)).toBe(v);
    });
  });
});

describe('registration errors', () => {
  test.each<[string, unknown, string]>([
    ['', serve(200), 'invalid pattern'],
    ['/', null, 'nil handler'],
    ['/', undefined, 'nil handler'],
    ['/', 'not a handler', 'nil handler'],
    ['/{x', serve(200), 'parsing "/{x": at offset 1: bad wildcard segment'],
    ['GET /a/../b', serve(200), 'non-CONNECT pattern with unclean path can never match'],
  ])('%j', (pattern, h, want) => {
    const mux = new ServeMux();
    expect(() => mux.handle(pattern, h as never)).toThrow(RegistrationError);
    expect(() => mux.handle(pattern, h as never)).toThrow(want);
  });

  test('a malformed pattern throws PatternError with its offset', () => {
    expect(() => new ServeMux().handle('/a/{}', serve(200))).toThrow(PatternError);
  });

  // Go: TestRegisterConflict, plus the location and sample paths of describeConflict.
  test('a conflict names both patterns, where each was registered, and a shared path', () => {
    const mux = new ServeMux();
    mux.handle('/a/{x}', serve(200)); // first registration: this line
    const firstLine = new Error().stack?.split('\n')[1]?.match(/:(\d+):\d+/)?.[1];
    let err: unknown;
    try {
      mux.handle('/{y}/b', serve(200));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConflictError);
    const c = err as ConflictError;
    expect(c.message).toStartWith('servemux: pattern "/{y}/b" (registered at ');
    expect(c.message).toContain('conflicts with pattern "/a/{x}" (registered at ');
    expect(c.message).toContain('both match some paths, like "/a/b"');
    // Both locations point into this test file, at the lines of the two handle calls.
    expect(c.location).toMatch(/mux\.test\.ts:\d+$/);
    expect(c.existingLocation).toBe(
      `${c.existingLocation.replace(/:\d+$/, '')}:${Number(firstLine) - 1}`,
    );
    expect(c.location).not.toBe(c.existingLocation);
  });

  test.each<[string, string, string]>([
    ['/a/{x}/', '/a/{y}/{z...}', 'matches the same requests as'],
    ['/a', '/a', 'matches the same requests as'], // duplicate registration
    ['GET /', '/index.html', 'matches more methods than'],
    ['/a', 'POST /', 'matches fewer methods than'],
  ])('%s then %s → %s', (first, second, want) => {
    const mux = new ServeMux();
    mux.handle(first, serve(200));
    expect(() => mux.handle(second, serve(200))).toThrow(ConflictError);
    expect(() => mux.handle(second, serve(200))).toThrow(want);
  });

  test.each<[string, string]>([
    ['/images/', '/images/thumbnails/'],
    ['example.com/x', '/x'],
    ['GET /', 'GET /foo'],
    ['GET /a', 'HEAD /a'],
    ['/{x}', '/a'],
  ])('%s and %s do not conflict', (a, b) => {
    const mux = new ServeMux();
    mux.handle(a, serve(200));
    expect(() => mux.handle(b, serve(201))).not.toThrow();
  });
});

describe('sanitizing', () => {
  test('OPTIONS * gets 400 with Connection: close', () => {
    const mux = new ServeMux();
    mux.handle('/', serve(200));
    const w = record(mux, newRequest('OPTIONS', '*'));
    expect(w.code).toBe(400);
    expect(w.result().header.get('Connection')).toBe('close');
  });

  test.each<[string, string]>([
    ['example.com:8080', 'host'],
    ['[::1]:80', 'v6'],
    ['EXAMPLE.com', 'any'], // host literals are case-sensitive, as in Go
  ])('host %s → %s', (host, want) => {
    const mux = new ServeMux();
    mux.handle('example.com/', stringHandler('host'));
    mux.handle('::1/', stringHandler('v6'));
    mux.handle('/', stringHandler('any'));
    expect(record(mux, req('GET', '/', host)).text()).toBe(want);
  });
});

test('package-level handleFunc registers on DefaultServeMux', () => {
  handleFunc('/__servemux_default_test', (w) => void w.write('default'));
  expect(record(DefaultServeMux, newRequest('GET', '/__servemux_default_test')).text()).toBe(
    'default',
  );
});

// Go 1.21 mode (GODEBUG=httpmuxgo121=1).
describe('httpmuxgo121', () => {
  const mux = new ServeMux({ httpmuxgo121: true });
  mux.handle('/dir/', serve(200));
  mux.handle('/search', serve(201));
  mux.handle('codesearch.google.com/search', serve(202));
  mux.handle('codesearch.google.com/', serve(203));
  mux.handle('/images/', serve(204));
  mux.handle('/images/thumbnails/', serve(205));
  mux.handle('/{x}', serve(206));
  mux.handle('GET /m', serve(207));
  test.each<[string, string, string, number, string]>([
    ['GET', 'google.com', '/', 404, ''],
    ['GET', 'google.com', '/dir', 301, '/dir/'],
    ['GET', 'google.com', '/dir/file', 200, '/dir/'],
    ['GET', 'google.com', '/search', 201, '/search'],
    ['GET', 'google.com', '/search/foo', 404, ''],
    ['GET', 'codesearch.google.com', '/search', 202, 'codesearch.google.com/search'],
    ['GET', 'codesearch.google.com:443', '/x', 203, 'codesearch.google.com/'],
    ['GET', 'google.com', '/../search', 301, '/search'],
    ['CONNECT', 'google.com', '/dir/..', 200, '/dir/'],
    // Longest prefix wins.
    ['GET', 'google.com', '/images/thumbnails/a.png', 205, '/images/thumbnails/'],
    ['GET', 'google.com', '/images/a.png', 204, '/images/'],
    // No wildcards, no methods: both are literal paths.
    ['GET', 'google.com', '/{x}', 206, '/{x}'],
    ['GET', 'google.com', '/anything', 404, ''],
    ['GET', 'google.com', '/m', 404, ''],
  ])('%s %s%s → %d %j', (method, host, path, code, pattern) => {
    const r = req(method, path, host);
    const m = mux.handler(r);
    const w = new ResponseRecorder();
    void m.handler.serveHTTP(w, r);
    expect([w.code, m.pattern]).toEqual([code, pattern]);
  });

  test.each<[string, string]>([
    ['', 'invalid pattern'],
    ['/dir/', 'multiple registrations for /dir/'],
  ])('%j → %s', (pattern, want) => {
    expect(() => mux.handle(pattern, serve(200))).toThrow(want);
  });

  test('patterns invalid in 1.22 are accepted as literals', () => {
    const m = new ServeMux({ httpmuxgo121: true });
    expect(() => m.handle('/a{x}', serve(200))).not.toThrow();
    expect(record(m, newRequest('GET', '/a%7Bx%7D')).code).toBe(200);
  });
});
