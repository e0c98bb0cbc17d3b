import { describe, expect, test } from 'bun:test';
import type { Request, ResponseWriter } from '@servehttp/core-listener';
import { newRequest, ResponseRecorder } from '@servehttp/core-listener/httptest';
import {
  allowQuerySemicolons,
  error,
  notFound,
  redirect,
  redirectHandler,
  stripPrefix,
} from './helpers.ts';

// Go: TestRedirect — request for http://example.com/qux/.
describe('redirect: Location', () => {
  test.each<[string, string]>([
    ['http://foobar.com/baz', 'http://foobar.com/baz'], // normal http
    ['https://foobar.com/baz', 'https://foobar.com/baz'], // normal https
    ['test://foobar.com/baz', 'test://foobar.com/baz'], // custom scheme
    ['//foobar.com/baz', '//foobar.com/baz'], // schemeless
    ['/foobar.com/baz', '/foobar.com/baz'], // relative to the root
    ['foobar.com/baz', '/qux/foobar.com/baz'], // relative to the current path
    ['../quux/foobar.com/baz', '/quux/foobar.com/baz'], // ... going upwards
    ['///foobar.com/baz', '/foobar.com/baz'], // incorrect number of slashes
    // path.Clean only touches the path part.
    ['/foo?next=http://bar', '/foo?next=http://bar'],
    [
      'http://localhost:8080/_ah/login?continue=http://localhost:8080/',
      'http://localhost:8080/_ah/login?continue=http://localhost:8080/',
    ],
    ['/фубар', '/%d1%84%d1%83%d0%b1%d0%b0%d1%80'],
    ['http://foo.com/фубар', 'http://foo.com/%d1%84%d1%83%d0%b1%d0%b0%d1%80'],
    ['', '/qux/'], // empty: the current directory
    ['a/./b/', '/qux/a/b/'], // trailing slash kept
    ['%zz', '%zz'], // unparsable: left alone
  ])('%j → %s', (to, want) => {
    const w = new ResponseRecorder();
    redirect(w, newRequest('GET', 'http://example.com/qux/'), to, 302);
    expect(w.code).toBe(302);
    expect(w.header().get('Location')).toBe(want);
  });
});

// Go: TestRedirectContentTypeAndBody.
describe('redirect: Content-Type and body', () => {
  test.each<[string, string | undefined, string, string]>([
    ['GET', undefined, 'text/html; charset=utf-8', '<a href="/foo">Found</a>.\n\n'],
    ['HEAD', undefined, 'text/html; charset=utf-8', ''],
    ['POST', undefined, '', ''],
    ['DELETE', undefined, '', ''],
    ['foo', undefined, '', ''],
    ['GET', 'application/test', 'application/test', ''],
    ['GET', '', '', ''],
  ])('%s with Content-Type %j', (method, ct, wantCT, wantBody) => {
    const w = new ResponseRecorder();
    if (ct !== undefined) w.header().set('Content-Type', ct);
    redirect(w, newRequest(method, 'http://example.com/'), '/foo', 302);
    const res = w.result();
    expect(res.statusCode).toBe(302);
    expect(res.header.get('Content-Type')).toBe(wantCT);
    expect(w.text()).toBe(wantBody);
  });

  test('the link is HTML-escaped', () => {
    const w = new ResponseRecorder();
    redirect(w, newRequest('GET', '/'), `/a?b="<c>"&d='e'`, 303);
    expect(w.text()).toBe(
      '<a href="/a?b=&#34;&lt;c&gt;&#34;&amp;d=&#39;e&#39;">See Other</a>.\n\n',
    );
  });
});

// Go: RedirectHandler(url, code) answers every request with Redirect(w, r, url, code); a
// relative url is resolved against each request's path.
describe('redirectHandler', () => {
  test.each<[string, string, string, number, string]>([
    ['GET', 'http://example.com/a/b', '/new?x=1', 301, '/new?x=1'],
    ['POST', 'http://example.com/a/b', '/new', 307, '/new'],
    ['GET', 'http://example.com/a/b', 'c', 302, '/a/c'],
    ['GET', 'http://example.com/a/', 'c', 308, '/a/c'],
  ])('%s %s to %j with %p: Location %j', (method, target, url, code, location) => {
    const w = new ResponseRecorder();
    void redirectHandler(url, code).serveHTTP(w, newRequest(method, target));
    expect(w.result().statusCode).toBe(code);
    expect(w.result().header.get('Location')).toBe(location);
  });
});

describe('error and notFound', () => {
  test('error resets the content headers', () => {
    const w = new ResponseRecorder();
    w.header().set('Content-Length', '100');
    w.header().set('Content-Encoding', 'gzip');
    w.header().set('Content-Type', 'application/json');
    error(w, 'nope', 418);
    const res = w.result();
    expect(res.statusCode).toBe(418);
    expect(res.header.get('Content-Length')).toBe('');
    expect(res.header.get('Content-Encoding')).toBe('');
    expect(res.header.get('Content-Type')).toBe('text/plain; charset=utf-8');
    expect(res.header.get('X-Content-Type-Options')).toBe('nosniff');
    expect(w.text()).toBe('nope\n');
  });

  test('notFound', () => {
    const w = new ResponseRecorder();
    notFound(w, newRequest('GET', '/'));
    expect([w.code, w.text()]).toEqual([404, '404 page not found\n']);
  });
});

// Go: TestStripPrefix.
describe('stripPrefix', () => {
  const h = stripPrefix('/foo/bar', (w: ResponseWriter, r: Request) => {
    w.header().set('X-Path', r.url.path);
    w.header().set('X-RawPath', r.url.rawPath);
  });
  test.each<[string, string | null, string]>([
    ['/foo/bar/qux', '/qux', ''],
    ['/foo/bar%2Fqux', '/qux', '%2Fqux'],
    ['/foo%2Fbar/qux', null, ''], // an escaped prefix does not match
    ['/bar', null, ''], // no prefix match
  ])('%s', (path, want, raw) => {
    const w = new ResponseRecorder();
    void h.serveHTTP(w, newRequest('GET', path));
    if (want === null) {
      expect(w.code).toBe(404);
      return;
    }
    expect(w.code).toBe(200);
    expect(w.result().header.get('X-Path')).toBe(want);
    expect(w.result().header.get('X-RawPath')).toBe(raw);
  });

  test('an empty prefix returns the handler itself, and the original request is unchanged', () => {
    const inner = { serveHTTP: () => {} };
    expect(stripPrefix('', inner)).toBe(inner);
    const r = newRequest('GET', '/foo/bar/x');
    void h.serveHTTP(new ResponseRecorder(), r);
    expect(r.url.path).toBe('/foo/bar/x');
  });
});

// Go: TestQuerySemicolon (the AllowQuerySemicolons half).
describe('allowQuerySemicolons', () => {
  test.each<[string, string, string]>([
    ['?a=1;x=bad&b=2', 'a=1&x=bad&b=2', '1|bad|2'],
    ['?a=1;b=2', 'a=1&b=2', '1||2'],
    ['?a=1&b=2', 'a=1&b=2', '1||2'],
  ])('%s', (query, raw, values) => {
    const h = allowQuerySemicolons((w: ResponseWriter, r: Request) => {
      const q = r.url.query();
      void w.write(`${r.url.rawQuery} ${q.get('a') ?? ''}|${q.get('x') ?? ''}|${q.get('b') ?? ''}`);
    });
    const w = new ResponseRecorder();
    void h.serveHTTP(w, newRequest('GET', `/${query}`));
    expect(w.text()).toBe(`${raw} ${values}`);
  });
});
