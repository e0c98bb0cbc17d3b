import { describe, expect, test } from 'bun:test';
import { escapePath, parseRequestURI, RequestURL, URLError } from './url.ts';

// Rows come from Go's net/url tests (url_test.go: parseRequestURLTests, TestParseErrors,
// TestRejectControlCharacters, urltests, requritests, unescapeTests, parseTests, pathEscapeTests)
// and from httptest's TestNewRequestWithContext. A request-target is a byte string: one code unit
// per octet, so `'\xC3\xA9'` below is the two UTF-8 bytes of "é" as they arrive on the wire.

interface Parts {
  scheme: string;
  host: string;
  path: string;
  rawPath: string;
  rawQuery: string;
  forceQuery: boolean;
}

function parts(p: Partial<Parts> & { path: string }): Parts {
  return { scheme: '', host: '', rawPath: '', rawQuery: '', forceQuery: false, ...p };
}

function fieldsOf(u: RequestURL): Parts {
  return {
    scheme: u.scheme,
    host: u.host,
    path: u.path,
    rawPath: u.rawPath,
    rawQuery: u.rawQuery,
    forceQuery: u.forceQuery,
  };
}

function parseError(target: string, authorityForm = false): unknown {
  try {
    parseRequestURI(target, authorityForm);
  } catch (err) {
    return err;
  }
  return undefined;
}

function expectURLError(target: string, message: string): void {
  const err = parseError(target);
  expect(err).toBeInstanceOf(URLError);
  expect(err instanceof URLError && err.message).toContain(message);
}

describe('parseRequestURI', () => {
  describe('accepts what Go accepts', () => {
    // Go: parseRequestURLTests (expectedValid: true) and TestParseErrors (wantErr: false).
    const valid: readonly string[] = [
      'http://foo.com',
      'http://foo.com/',
      'http://foo.com/path',
      '/',
      // pathThatLooksSchemeRelative: an origin-form path, never an authority.
      '//not.a.user@not.a.host/just/a/path',
      '//not.a.user@%66%6f%6f.com/just/a/path/also',
      '*',
      'http://192.168.0.1/',
      'http://192.168.0.1:8080/',
      'http://[fe80::1]/',
      'http://[fe80::1]:8080/',
      // RFC 6874 zone identifiers.
      'http://[fe80::1%25en0]/',
      'http://[fe80::1%25en0]:8080/',
      'http://[::1]',
      'http://[::1]:80',
      'http://[::1]/',
      'http://[::1%25en0]',
      // A colon with no port is OK.
      'http://[::1]:',
      'http://x:',
      // %xx in the path is fine.
      'http://[::1]/%48',
      'ahttp://foo.com',
      // Go does not reject non-ASCII control bytes.
      'http://foo.com/ctl\x80',
    ];
    test.each(valid)('%p', (target) => {
      expect(parseError(target)).toBeUndefined();
    });

    // A zone identifier may be percent-encoded throughout (RFC 6874), as Go accepts.
    const encodedZones: readonly string[] = [
      'http://[fe80::1%25%65%6e%301-._~]/',
      'http://[fe80::1%25%65%6e%301-._~]:8080/',
      'http://[::1%25%41]',
      'tcp://[2020::2020:20:2020:2020%25Windows%20Loves%20Spaces]:2020',
    ];
    test.each(encodedZones)('%p (percent-encoded zone)', (target) => {
      expect(parseError(target)).toBeUndefined();
    });
  });

  describe('rejects what Go rejects', () => {
    const invalid: readonly (readonly [target: string, message: string])[] = [
      ['', 'empty url'],
      ['foo.html', 'invalid URI for request'],
      ['../dir/', 'invalid URI for request'],
      [' http://foo.com', 'invalid URI for request'],
      ['ht tp://foo.com', 'invalid URI for request'],
      ['1http://foo.com', 'invalid URI for request'],
      // Not a valid scheme (`_`) and no leading slash, so neither absolute-form nor origin-form.
      ['cache_object://foo', 'invalid URI for request'],
      ['cache_object:foo', 'invalid URI for request'],
      ['cache_object:foo/bar', 'invalid URI for request'],
      // Go's Parse accepts this relative path; ParseRequestURI does not.
      ['cache_object/:foo/bar', 'invalid URI for request'],
      // Go words these as `invalid URL escape "%31"`, `invalid port …` or `missing ']'`; ours all
      // read `invalid host "<authority>"`.
      ['http://[fe80::%31]/', 'invalid host'],
      ['http://[fe80::%31]:8080/', 'invalid host'],
      ['http://[fe80::%31%25en0]/', 'invalid host'],
      ['http://[fe80::%31%25en0]:8080/', 'invalid host'],
      // RFC 4007 text form, not an RFC 6874 URI literal: the % must be written %25.
      ['http://[fe80::1%en0]/', 'invalid host'],
      ['http://[fe80::1%en0]:8080/', 'invalid host'],
      ['http://[::1]:namedport', 'invalid host'],
      ['http://x:namedport', 'invalid host'],
      ['http://[::1]a', 'invalid host'],
      ['http://[::1]%23', 'invalid host'],
      // % encoding is only for non-ASCII bytes in a host.
      ['http://[::1]:%38%30', 'invalid host'],
      ['http://[%10::1]', 'invalid host'],
      // golang.org/issue/11208
      [
        'http://[]%20%48%54%54%50%2f%31%2e%31%0a%4d%79%48%65%61%64%65%72%3a%20%31%32%33%0a%0a/',
        'invalid host',
      ],
      ['http://a b.com/', 'invalid host'],
      // Go rejects these for the port (golang.org/issue/33646); ours stops earlier, at the `@`.
      ['mysql://x@y(z:123)/foo', 'user information is not allowed'],
      ['mysql://x@y(1.2.3.4:123)/foo', 'user information is not allowed'],
      // TestRejectControlCharacters.
      ['http://foo.com/?foo\nbar', 'net/url: invalid control character in URL'],
      ['http\r://foo.com/', 'net/url: invalid control character in URL'],
      ['http://foo\x7f.com/', 'net/url: invalid control character in URL'],
      ['/\x00', 'net/url: invalid control character in URL'],
      ['/a\tb', 'net/url: invalid control character in URL'],
      // unescapeTests: Go quotes the first malformed escape, at most three bytes of it.
      ['/%', 'invalid URL escape "%"'],
      ['/%a', 'invalid URL escape "%a"'],
      ['/%1', 'invalid URL escape "%1"'],
      ['/123%45%6', 'invalid URL escape "%6"'],
      ['/%zzzzz', 'invalid URL escape "%zz"'],
      ['http://h/a%2', 'invalid URL escape "%2"'],
    ];
    test.each(invalid)('%p', (target, message) => {
      expectURLError(target, message);
    });

    // Go's parseHost allows %-escapes in a name only for non-ASCII bytes.
    const asciiEscapedHosts: readonly (readonly [target: string, message: string])[] = [
      ['http://192.168.0.%31/', 'invalid URL escape "%31"'],
      ['http://192.168.0.%31:8080/', 'invalid URL escape "%31"'],
      ['http://%41:8080/', 'invalid URL escape "%41"'],
    ];
    test.each(asciiEscapedHosts)('%p (ASCII byte escaped in host)', (target, message) => {
      expectURLError(target, message);
    });
  });

  describe('rejects on purpose what Go accepts', () => {
    const refused: readonly (readonly [target: string, message: string])[] = [
      // Documented: user information is not allowed in a request-target (Go parses it into
      // URL.User).
      ['http://user:password@google.com', 'user information is not allowed in a request-target'],
      ['ftp://webmaster@www.google.com/', 'user information is not allowed in a request-target'],
      ['http://j@ne:password@google.com/p@th?q=@go', 'user information is not allowed'],
      // Go fills URL.Opaque for a scheme without `//`; RequestURL has no opaque part, and
      // parseRequestURI only takes `*`, origin-form, `scheme://authority…` and (CONNECT)
      // authority-form.
      ['http:www.google.com/?q=go+language', 'invalid URI for request'],
      ['mailto:webmaster@golang.org', 'invalid URI for request'],
      ['mailto:/webmaster@golang.org', 'invalid URI for request'],
      [
        'magnet:?xt=urn:btih:c12fe1c06bba254a9dc9f519b335aa7c1367a88a&dn',
        'invalid URI for request',
      ],
      // Without authorityForm a bare host:port is not CONNECT's form (Go: scheme "foo.com").
      ['foo.com:443', 'invalid URI for request'],
      // checkHost takes RFC 3986 reg-name characters and one optional numeric port; Go also takes
      // raw UTF-8, quotes and angle brackets, and an unbracketed IPv6 address with a port.
      ['http://hello.\xE4\xB8\x96\xE7\x95\x8C.com/foo', 'invalid host'],
      ['myscheme://authority<"hi">/foo', 'invalid host'],
      ['http://2b01:e34:ef40:7730:8e70:5aff:fefe:edac:8080/foo', 'invalid host'],
      ['http://2b01:e34:ef40:7730:8e70:5aff:fefe:edac:/foo', 'invalid host'],
    ];
    test.each(refused)('%p', (target, message) => {
      expectURLError(target, message);
    });
  });

  describe('fields', () => {
    const rows: readonly (readonly [target: string, want: Parts])[] = [
      // urltests: no path.
      ['http://www.google.com', parts({ scheme: 'http', host: 'www.google.com', path: '' })],
      ['http://www.google.com/', parts({ scheme: 'http', host: 'www.google.com', path: '/' })],
      [
        'http://www.google.com/file%20one%26two',
        parts({
          scheme: 'http',
          host: 'www.google.com',
          path: '/file one&two',
          rawPath: '/file%20one%26two',
        }),
      ],
      [
        'http://www.google.com/?',
        parts({ scheme: 'http', host: 'www.google.com', path: '/', forceQuery: true }),
      ],
      // Issue 14573: a query ending in '?'.
      [
        'http://www.google.com/?foo=bar?',
        parts({ scheme: 'http', host: 'www.google.com', path: '/', rawQuery: 'foo=bar?' }),
      ],
      [
        'http://www.google.com/?q=go+language',
        parts({ scheme: 'http', host: 'www.google.com', path: '/', rawQuery: 'q=go+language' }),
      ],
      // Query escapes are not decoded.
      [
        'http://www.google.com/?q=go%20language',
        parts({ scheme: 'http', host: 'www.google.com', path: '/', rawQuery: 'q=go%20language' }),
      ],
      [
        'http://www.google.com/a%20b?q=c+d',
        parts({ scheme: 'http', host: 'www.google.com', path: '/a b', rawQuery: 'q=c+d' }),
      ],
      // The query is split off before the authority, as in Go.
      [
        'http://www.google.com?q=1',
        parts({ scheme: 'http', host: 'www.google.com', path: '', rawQuery: 'q=1' }),
      ],
      ['http://h?x/y', parts({ scheme: 'http', host: 'h', path: '', rawQuery: 'x/y' })],
      // An unescaped :// in the query does not create a scheme.
      ['/foo?query=http://bad', parts({ path: '/foo', rawQuery: 'query=http://bad' })],
      ['///threeslashes', parts({ path: '///threeslashes' })],
      [
        '//not.a.user@not.a.host/just/a/path',
        parts({ path: '//not.a.user@not.a.host/just/a/path' }),
      ],
      [
        '//not.a.user@%66%6f%6f.com/just/a/path/also',
        parts({
          path: '//not.a.user@foo.com/just/a/path/also',
          rawPath: '//not.a.user@%66%6f%6f.com/just/a/path/also',
        }),
      ],
      ['file:///home/adg/rabbits', parts({ scheme: 'file', path: '/home/adg/rabbits' })],
      ['file:///C:/FooBar/Baz.txt', parts({ scheme: 'file', path: '/C:/FooBar/Baz.txt' })],
      // The scheme is lower-cased, as Go does with its `MaIlTo:` row.
      ['HtTp://www.google.com/', parts({ scheme: 'http', host: 'www.google.com', path: '/' })],
      ['http://192.168.0.1/', parts({ scheme: 'http', host: '192.168.0.1', path: '/' })],
      ['http://192.168.0.1:8080/', parts({ scheme: 'http', host: '192.168.0.1:8080', path: '/' })],
      ['http://[fe80::1]/', parts({ scheme: 'http', host: '[fe80::1]', path: '/' })],
      ['http://[fe80::1]:8080/', parts({ scheme: 'http', host: '[fe80::1]:8080', path: '/' })],
      // Alternate escapings of the path survive.
      [
        'http://rest.rsc.io/foo%2fbar/baz%2Fquux?alt=media',
        parts({
          scheme: 'http',
          host: 'rest.rsc.io',
          path: '/foo/bar/baz/quux',
          rawPath: '/foo%2fbar/baz%2Fquux',
          rawQuery: 'alt=media',
        }),
      ],
      // Issue 12036.
      ['mysql://a,b,c/bar', parts({ scheme: 'mysql', host: 'a,b,c', path: '/bar' })],
      // Worst-case host.
      [
        "scheme://!$&'()*+,;=hello!:1/path",
        parts({ scheme: 'scheme', host: "!$&'()*+,;=hello!:1", path: '/path' }),
      ],
      // Issue 12200: a colon with an empty port.
      [
        'http://192.168.0.2:8080/foo',
        parts({ scheme: 'http', host: '192.168.0.2:8080', path: '/foo' }),
      ],
      ['http://192.168.0.2:/foo', parts({ scheme: 'http', host: '192.168.0.2:', path: '/foo' })],
      [
        'http://[2b01:e34:ef40:7730:8e70:5aff:fefe:edac]:8080/foo',
        parts({
          scheme: 'http',
          host: '[2b01:e34:ef40:7730:8e70:5aff:fefe:edac]:8080',
          path: '/foo',
        }),
      ],
      [
        'http://[2b01:e34:ef40:7730:8e70:5aff:fefe:edac]:/foo',
        parts({ scheme: 'http', host: '[2b01:e34:ef40:7730:8e70:5aff:fefe:edac]:', path: '/foo' }),
      ],
      // Issue 10433: a path beginning with //.
      ['http://example.com//foo', parts({ scheme: 'http', host: 'example.com', path: '//foo' })],
      // httptest TestNewRequestWithContext "GET with full URL".
      [
        'http://foo.com/path/%2f/bar/',
        parts({
          scheme: 'http',
          host: 'foo.com',
          path: '/path///bar/',
          rawPath: '/path/%2f/bar/',
        }),
      ],
      ['*', parts({ path: '*' })],
      // The module doc's example.
      ['/a%2Fb/c?x=1', parts({ path: '/a/b/c', rawPath: '/a%2Fb/c', rawQuery: 'x=1' })],
      ['/a?b?c', parts({ path: '/a', rawQuery: 'b?c' })],
      // Go sets ForceQuery only when the only '?' is the last byte; here the query is "?".
      ['/a??', parts({ path: '/a', rawQuery: '?' })],
      ['/foo?', parts({ path: '/foo', forceQuery: true })],
      // Query escapes are not checked (Go neither).
      ['/a?%zz', parts({ path: '/a', rawQuery: '%zz' })],
      // '+' is not a space in a path.
      ['/a+b', parts({ path: '/a+b' })],
      // Only unreserved characters and '/': the path is the target itself (the fast path), and
      // a character just outside that set still takes the full decode.
      ['/Az09-._~/x', parts({ path: '/Az09-._~/x' })],
      ['/Az09-._~/x?q', parts({ path: '/Az09-._~/x', rawQuery: 'q' })],
      ['/a[b]', parts({ path: '/a[b]', rawPath: '/a[b]' })],
      ['/%7Euser', parts({ path: '/~user', rawPath: '/%7Euser' })],
      // UTF-8: the default encoding (upper-case hex) leaves rawPath empty.
      ['/caf%C3%A9', parts({ path: '/café' })],
      ['/caf%c3%a9', parts({ path: '/café', rawPath: '/caf%c3%a9' })],
      // Ours, documented: decoded bytes are read as UTF-8, with U+FFFD for what is not (Go keeps
      // the byte: Path "/\xff", RawPath "").
      ['/%FF', parts({ path: '/\uFFFD', rawPath: '/%FF' })],
      // Raw (unescaped) UTF-8 bytes in the target decode the same way; a lone Latin-1 byte is
      // not UTF-8.
      ['/caf\xC3\xA9', parts({ path: '/café', rawPath: '/caf\xC3\xA9' })],
      ['/\xE9', parts({ path: '/\uFFFD', rawPath: '/\xE9' })],
      [
        'http://foo.com/ctl\x80',
        parts({ scheme: 'http', host: 'foo.com', path: '/ctl\uFFFD', rawPath: '/ctl\x80' }),
      ],
    ];
    test.each(rows)('%p', (target, want) => {
      expect(fieldsOf(parseRequestURI(target))).toEqual(want);
    });

    // Go's setPath: rawPath is the path as sent whenever that is not the default encoding of
    // `path`, so a raw `[`, `]` or `#` keeps its form (issue 5684).
    const rawPathRows: readonly (readonly [target: string, want: Parts])[] = [
      // Worst-case path, still round trips in Go.
      [
        "http://host/!$&'()*+,;=:@[hello]",
        parts({
          scheme: 'http',
          host: 'host',
          path: "/!$&'()*+,;=:@[hello]",
          rawPath: "/!$&'()*+,;=:@[hello]",
        }),
      ],
      // golang.org/issue/5684
      [
        'http://example.com/oid/[order_id]',
        parts({
          scheme: 'http',
          host: 'example.com',
          path: '/oid/[order_id]',
          rawPath: '/oid/[order_id]',
        }),
      ],
      ['/a#b', parts({ path: '/a#b', rawPath: '/a#b' })],
    ];
    test.each(rawPathRows)('%p keeps rawPath', (target, want) => {
      expect(fieldsOf(parseRequestURI(target))).toEqual(want);
    });

    // Go's URL.Host is decoded: `%25` in a zone becomes `%`, and escaped UTF-8 bytes become the
    // text they encode (Go issues 7991, 12719).
    const hostRows: readonly (readonly [target: string, host: string])[] = [
      ['http://[fe80::1%25en0]/', '[fe80::1%en0]'],
      ['http://[fe80::1%25en0]:8080/', '[fe80::1%en0]:8080'],
      ['http://hello.%E4%B8%96%E7%95%8C.com/foo', 'hello.世界.com'],
      ['http://hello.%e4%b8%96%e7%95%8c.com/foo', 'hello.世界.com'],
    ];
    test.each(hostRows)('%p decodes the host', (target, host) => {
      expect(parseRequestURI(target).host).toBe(host);
    });

    test('a fragment is not split off: request-targets have none', () => {
      const u = parseRequestURI('/a#b?c');
      expect(u.path).toBe('/a#b');
      expect(u.rawQuery).toBe('c');
      // Go: EscapedPath "/a%23b" too (its RawPath "/a#b" is not a valid encoding).
      expect(u.escapedPath()).toBe('/a%23b');
    });
  });

  test('a repeated target gets a URL of its own each time, equal to the first', () => {
    const a = parseRequestURI('/repeat/me');
    const b = parseRequestURI('/repeat/me');
    expect(b).not.toBe(a);
    expect(b).toEqual(a);
    a.query().set('x', '1');
    expect(b.query().has('x')).toBe(false);
    // Other targets in between do not change what a repeated one parses to.
    expect(() => parseRequestURI('/bad%zz')).toThrow(URLError);
    expect(parseRequestURI('/repeat/me').path).toBe('/repeat/me');
    expect(parseRequestURI('/repeat/me?q=1').rawQuery).toBe('q=1');
    expect(parseRequestURI('/repeat/me', true).path).toBe('/repeat/me');
  });

  describe('authority-form (CONNECT)', () => {
    const rows: readonly (readonly [target: string, want: Parts])[] = [
      ['foo.com:443', parts({ host: 'foo.com:443', path: '' })],
      ['[::1]:443', parts({ host: '[::1]:443', path: '' })],
      ['127.0.0.1:8080', parts({ host: '127.0.0.1:8080', path: '' })],
      // Go's server parses a CONNECT target that starts with '/' as a path.
      ['/path?q', parts({ path: '/path', rawQuery: 'q' })],
    ];
    test.each(rows)('%p', (target, want) => {
      expect(fieldsOf(parseRequestURI(target, true))).toEqual(want);
    });

    const invalid: readonly (readonly [target: string, message: string])[] = [
      ['a b:443', 'invalid host'],
      ['foo.com:https', 'invalid host'],
      // Go prefixes "http://" and would parse the user information; ours refuses it.
      ['user@foo.com:443', 'invalid host'],
      ['foo.com:443\n', 'net/url: invalid control character in URL'],
    ];
    test.each(invalid)('%p', (target, message) => {
      const err = parseError(target, true);
      expect(err).toBeInstanceOf(URLError);
      expect(err instanceof URLError && err.message).toContain(message);
    });
  });

  test('URLError reads like Go’s *url.Error', () => {
    const err = parseError('foo.html');
    expect(err).toBeInstanceOf(URLError);
    expect(err).toBeInstanceOf(Error);
    if (!(err instanceof URLError)) return;
    expect(err.name).toBe('URLError');
    expect(err.url).toBe('foo.html');
    expect(err.message).toBe('parse "foo.html": invalid URI for request');
  });
});

describe('RequestURL', () => {
  describe('escapedPath() and requestURI() of a parsed target', () => {
    const rows: readonly (readonly [
      target: string,
      authorityForm: boolean,
      escapedPath: string,
      requestURI: string,
    ])[] = [
      ['/', false, '/', '/'],
      // TestStarRequest (issue 11202): never escaped.
      ['*', false, '*', '*'],
      // An empty path is sent as "/".
      ['http://foo.com', false, '', '/'],
      ['http://foo.com?q=1', false, '', '/?q=1'],
      ['http://foo.com/path/%2f/bar/', false, '/path/%2f/bar/', '/path/%2f/bar/'],
      ['/a%2Fb/c?x=1', false, '/a%2Fb/c', '/a%2Fb/c?x=1'],
      ['/a%20b', false, '/a%20b', '/a%20b'],
      ['/caf%C3%A9', false, '/caf%C3%A9', '/caf%C3%A9'],
      ['/caf%c3%a9', false, '/caf%c3%a9', '/caf%c3%a9'],
      ['/%FF', false, '/%FF', '/%FF'],
      ['/a%21', false, '/a%21', '/a%21'],
      ['/foo?', false, '/foo', '/foo?'],
      ['/a??', false, '/a', '/a??'],
      ['/a?b?c', false, '/a', '/a?b?c'],
      // Go's RequestURI of a CONNECT URL is "/" as well.
      ['foo.com:443', true, '', '/'],
      // Go ignores a RawPath that is not a valid encoding (raw non-ASCII) and sends "/caf%C3%A9".
      ['/caf\xC3\xA9', false, '/caf%C3%A9', '/caf%C3%A9'],
    ];
    test.each(rows)('%p', (target, authorityForm, escapedPath, requestURI) => {
      const u = parseRequestURI(target, authorityForm);
      expect(u.escapedPath()).toBe(escapedPath);
      expect(u.requestURI()).toBe(requestURI);
    });

    // Go sends these back unchanged (issue 5684).
    const goRows: readonly (readonly [target: string, requestURI: string])[] = [
      ['/oid/[order_id]', '/oid/[order_id]'],
      ["/!$&'()*+,;=:@[hello]?q", "/!$&'()*+,;=:@[hello]?q"],
    ];
    test.each(goRows)('%p is sent back as it came', (target, requestURI) => {
      expect(parseRequestURI(target).requestURI()).toBe(requestURI);
    });
  });

  describe('requestURI() of a URL built from parts (Go: requritests)', () => {
    const rows: readonly (readonly [
      name: string,
      init: ConstructorParameters<typeof RequestURL>[0],
      want: string,
    ])[] = [
      ['empty path', { scheme: 'http', host: 'example.com', path: '' }, '/'],
      ['space in path', { scheme: 'http', host: 'example.com', path: '/a b' }, '/a%20b'],
      [
        'rawPath that encodes path',
        { scheme: 'http', host: 'example.com', path: '/////', rawPath: '/%2F/%2F/' },
        '/%2F/%2F/',
      ],
      [
        'with query',
        { scheme: 'http', host: 'example.com', path: '/a b', rawQuery: 'q=go+language' },
        '/a%20b?q=go+language',
      ],
      ['path beginning with //', { scheme: 'http', host: 'example.com', path: '//foo' }, '//foo'],
      [
        'forceQuery',
        { scheme: 'http', host: 'example.com', path: '/foo', forceQuery: true },
        '/foo?',
      ],
      ['asterisk', { path: '*' }, '*'],
      ['asterisk with query', { path: '*', rawQuery: 'a' }, '*?a'],
      // Go ignores a RawPath that does not decode to Path or is not a valid encoding.
      [
        'rawPath that does not match path',
        { scheme: 'http', host: 'example.com', path: '/////', rawPath: '/WRONG/' },
        '/////',
      ],
      [
        'rawPath that is not a valid encoding',
        {
          scheme: 'http',
          host: 'example.com',
          path: '/a b',
          rawPath: '/a b',
          rawQuery: 'q=go+language',
        },
        '/a%20b?q=go+language',
      ],
      [
        'rawPath with a question mark',
        {
          scheme: 'http',
          host: 'example.com',
          path: '/a?b',
          rawPath: '/a?b',
          rawQuery: 'q=go+language',
        },
        '/a%3Fb?q=go+language',
      ],
    ];
    test.each(rows)('%s', (_name, init, want) => {
      expect(new RequestURL(init).requestURI()).toBe(want);
    });
  });

  describe('escapedPath() of a URL built from parts', () => {
    const rows: readonly (readonly [init: ConstructorParameters<typeof RequestURL>[0], string])[] =
      [
        [{ path: '/a b' }, '/a%20b'],
        [{ path: '/a/b' }, '/a/b'],
        [{ path: '/a?b' }, '/a%3Fb'],
        [{ path: '/café' }, '/caf%C3%A9'],
        [{ path: '*' }, '*'],
        [{ path: '/////', rawPath: '/%2F/%2F/' }, '/%2F/%2F/'],
        [{ path: '' }, ''],
      ];
    test.each(rows)('%p', (init, want) => {
      expect(new RequestURL(init).escapedPath()).toBe(want);
    });
  });

  describe('toString() of a parsed target round-trips (Go: urltests)', () => {
    const rows: readonly string[] = [
      'http://www.google.com/',
      'http://www.google.com/file%20one%26two',
      'http://www.google.com/?',
      'http://www.google.com/?foo=bar?',
      'http://www.google.com/?q=go+language',
      'http://www.google.com/?q=go%20language',
      'http://www.google.com/a%20b?q=c+d',
      '/foo?query=http://bad',
      '///threeslashes',
      'file:///home/adg/rabbits',
      'file:///C:/FooBar/Baz.txt',
      'http://192.168.0.1/',
      'http://192.168.0.1:8080/',
      'http://[fe80::1]/',
      'http://[fe80::1]:8080/',
      'http://[fe80::1%25en0]/',
      'http://[fe80::1%25en0]:8080/',
      'http://rest.rsc.io/foo%2fbar/baz%2Fquux?alt=media',
      'mysql://a,b,c/bar',
      "scheme://!$&'()*+,;=hello!:1/path",
      'http://192.168.0.2:8080/foo',
      'http://192.168.0.2:/foo',
      'http://[2b01:e34:ef40:7730:8e70:5aff:fefe:edac]:8080/foo',
      'http://[2b01:e34:ef40:7730:8e70:5aff:fefe:edac]:/foo',
      'http://hello.%E4%B8%96%E7%95%8C.com/foo',
      'http://example.com//foo',
      '/a%2Fb/c?x=1',
      '*',
    ];
    test.each(rows)('%p', (target) => {
      expect(parseRequestURI(target).toString()).toBe(target);
      expect(String(parseRequestURI(target))).toBe(target);
    });

    test('the scheme comes out lower-cased', () => {
      expect(parseRequestURI('HtTp://www.google.com/').toString()).toBe('http://www.google.com/');
    });

    // Go's URL.String: no "/" is invented for an empty path, and a CONNECT URL keeps its host.
    const goRows: readonly (readonly [target: string, authorityForm: boolean, want: string])[] = [
      ['http://www.google.com', false, 'http://www.google.com'],
      ['http://www.google.com?q=1', false, 'http://www.google.com?q=1'],
      ["http://host/!$&'()*+,;=:@[hello]", false, "http://host/!$&'()*+,;=:@[hello]"],
      ['http://example.com/oid/[order_id]', false, 'http://example.com/oid/[order_id]'],
      // Go's server clears Scheme for CONNECT, and URL{Host: "foo.com:443"}.String() is this.
      ['foo.com:443', true, '//foo.com:443'],
    ];
    test.each(goRows)('%p', (target, authorityForm, want) => {
      expect(parseRequestURI(target, authorityForm).toString()).toBe(want);
    });

    // Go's stringURLTests: a relative path after a host gets a "/".
    test('a relative path after a host gets a slash', () => {
      const u = new RequestURL({ scheme: 'http', host: 'www.google.com', path: 'search' });
      expect(u.toString()).toBe('http://www.google.com/search');
    });
  });

  describe('query()', () => {
    const rows: readonly (readonly [rawQuery: string, entries: readonly [string, string][]])[] = [
      ['', []],
      ['a=1', [['a', '1']]],
      [
        'a=1&b=2',
        [
          ['a', '1'],
          ['b', '2'],
        ],
      ],
      [
        'a=1&a=2&a=banana',
        [
          ['a', '1'],
          ['a', '2'],
          ['a', 'banana'],
        ],
      ],
      ['ascii=%3Ckey%3A+0x90%3E', [['ascii', '<key: 0x90>']]],
      // Hex encoding for a semicolon.
      ['a=%3B', [['a', ';']]],
      ['a%3Bb=1', [['a;b', '1']]],
      // TestQueryValues: a key without '=' has an empty value.
      [
        'foo=bar&bar=1&bar=2&baz',
        [
          ['foo', 'bar'],
          ['bar', '1'],
          ['bar', '2'],
          ['baz', ''],
        ],
      ],
      // Ours, documented: ';' is an ordinary character. Go's ParseQuery drops every setting with
      // an unescaped ';' and reports an error ({}, {}, {a: [1]}).
      ['a=1;b=2', [['a', '1;b=2']]],
      ['a;b=1', [['a;b', '1']]],
      [
        'a=1&a=2;a=banana',
        [
          ['a', '1'],
          ['a', '2;a=banana'],
        ],
      ],
      // Ours (WHATWG parsing): a malformed escape stays as written. Go drops the pair and
      // reports `invalid URL escape "%gh"` (TestParseFailure).
      [
        '%gh&%ij',
        [
          ['%gh', ''],
          ['%ij', ''],
        ],
      ],
    ];
    test.each(rows)('%p', (rawQuery, entries) => {
      const u = new RequestURL({ path: '/', rawQuery });
      expect([...u.query()]).toEqual([...entries]);
    });

    test('get() is the first value and keys are case-sensitive (Go: TestQuery, TestQueryValues)', () => {
      const q = parseRequestURI('http://www.google.com/search?q=foo&q=bar').query();
      expect(q.get('q')).toBe('foo');
      expect(q.get('Q')).toBeNull();
      expect(q.getAll('q')).toEqual(['foo', 'bar']);
    });

    test('is built once and cached', () => {
      const u = parseRequestURI('/?a=1');
      expect(u.query()).toBe(u.query());
    });
  });
});

describe('escapePath', () => {
  // Go: escape(s, encodePath), the encoding EscapedPath uses (PathEscape in Go is the stricter
  // encodePathSegment, which also escapes '/', ';' and ','). Rows adapted from pathEscapeTests and
  // the escape benchmarks.
  const rows: readonly (readonly [input: string, want: string])[] = [
    ['', ''],
    ['abc', 'abc'],
    ['abc+def', 'abc+def'],
    ['a/b', 'a/b'],
    ['one two', 'one%20two'],
    ['10%', '10%25'],
    ['/a?b', '/a%3Fb'],
    ['a#b', 'a%23b'],
    [
      ' ?&=#+%<>"{}|\\^[]`☺\t:/@$,;',
      '%20%3F&=%23+%25%3C%3E%22%7B%7D%7C%5C%5E%5B%5D%60%E2%98%BA%09:/@$,;',
    ],
    ['-_.~', '-_.~'],
    ['Фотки собак', '%D0%A4%D0%BE%D1%82%D0%BA%D0%B8%20%D1%81%D0%BE%D0%B1%D0%B0%D0%BA'],
    // The decoded path is text: U+0080 is written as its UTF-8 bytes.
    ['\x80', '%C2%80'],
    ['\uFFFD', '%EF%BF%BD'],
  ];
  test.each(rows)('%p', (input, want) => {
    expect(escapePath(input)).toBe(want);
  });

  test.each(rows)('%p round-trips through parseRequestURI', (input) => {
    expect(parseRequestURI(`/${escapePath(input)}`).path).toBe(`/${input}`);
  });

  // Go escapes the sub-delims '!', '\'', '(', ')' and '*' in a path (only $&+,/:;=@ stay).
  const goRows: readonly (readonly [input: string, want: string])[] = [
    ['!', '%21'],
    ["'", '%27'],
    ['(', '%28'],
    [')', '%29'],
    ['*', '%2A'],
    ['shortrun(break)shortrun', 'shortrun%28break%29shortrun'],
  ];
  test.each(goRows)('%p', (input, want) => {
    expect(escapePath(input)).toBe(want);
  });
});
