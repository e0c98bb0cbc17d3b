import { describe, expect, test } from 'bun:test';
import { RequestURL } from '@servehttp/core-listener';
import type { Context } from './context.ts';
import { Engine } from './engine.ts';
import { perform } from './gin.test-util.ts';
import { defaultEngine } from './index.ts';
import { DebugMode, setDefaultWriter, setMode, TestMode } from './mode.ts';

const noop = (_c: Context): void => {};

describe('routes: methods and params (gin routes_test.go)', () => {
  const methods = ['GET', 'POST', 'PUT', 'PATCH', 'HEAD', 'OPTIONS', 'DELETE', 'CONNECT', 'TRACE'];
  test.each(methods)('%s /test answers, GET /test2 does not', async (m) => {
    const r = new Engine();
    let passed = false;
    r.handle(m, '/test', () => {
      passed = true;
    });
    expect((await perform(r, m, '/test')).code).toBe(200);
    expect(passed).toBe(true);
    expect((await perform(r, m, '/test2')).code).toBe(404);
  });

  // [route, request, expected params]
  const rows: [string, string, Record<string, string>][] = [
    [
      '/test/:name/:last_name/*wild',
      '/test/john/smith/is/super/great',
      { name: 'john', last_name: 'smith', wild: '/is/super/great' },
    ],
    ['/user/:id', '/user/42', { id: '42' }],
    ['/cmd/:tool/', '/cmd/vet/', { tool: 'vet' }],
    ['/src/*filepath', '/src/', { filepath: '/' }],
  ];
  test.each(rows)('%s ← %s', async (route, path, want) => {
    const r = new Engine();
    let got: Record<string, string> = {};
    r.get(route, (c) => {
      got = Object.fromEntries(c.params.map((p) => [p.key, p.value]));
      expect(c.fullPath()).toBe(route);
    });
    expect((await perform(r, 'GET', path)).code).toBe(200);
    expect(got).toEqual(want);
  });

  // gin TestRouteParamsByNameWithExtraSlash / TestRouteParamsNotEmpty style rows with options.
  test('removeExtraSlash cleans before routing', async () => {
    const r = new Engine({ removeExtraSlash: true });
    let name = '';
    r.get('/test/:name', (c) => {
      name = c.param('name');
    });
    expect((await perform(r, 'GET', '//test//john')).code).toBe(200);
    expect(name).toBe('john');
  });

  test('useRawPath routes on the escaped path and unescapes values', async () => {
    const r = new Engine({ useRawPath: true });
    let got = '';
    r.get('/test/:name', (c) => {
      got = c.param('name');
    });
    expect((await perform(r, 'GET', '/test/a%2Fb')).code).toBe(200);
    expect(got).toBe('a/b');
    const plain = new Engine();
    plain.get('/test/:name', noop);
    // Without it the decoded path /test/a/b has no route.
    expect((await perform(plain, 'GET', '/test/a%2Fb')).code).toBe(404);
  });

  test('an escaped colon is a literal colon once served', async () => {
    const r = new Engine();
    r.get('/v1/resource\\:action', (c) => c.string(200, c.fullPath()));
    const w = await perform(r, 'GET', '/v1/resource:action');
    expect([w.code, w.text()]).toEqual([200, '/v1/resource:action']);
  });
});

describe('routes: redirects (gin TestRouteRedirectTrailingSlash, TestRouterNotFound)', () => {
  const r = new Engine();
  r.get('/path', noop);
  r.get('/path2/', noop);
  r.post('/path3', noop);
  r.put('/path4/', noop);
  // [method, path, X-Forwarded-Prefix, code, Location]
  const rows: [string, string, string, number, string][] = [
    ['GET', '/path/', '', 301, '/path'],
    ['GET', '/path2', '', 301, '/path2/'],
    ['POST', '/path3/', '', 307, '/path3'],
    ['PUT', '/path4', '', 307, '/path4/'],
    ['GET', '/path', '', 200, ''],
    ['GET', '/path2/', '', 200, ''],
    ['POST', '/path3', '', 200, ''],
    ['PUT', '/path4/', '', 200, ''],
    ['GET', '/path2', '/api', 301, '/api/path2/'],
    ['GET', '/path2/', '/api/', 200, ''],
    ['GET', '/path/', '../../api#?', 301, '/api/path'],
    ['GET', '/path/', '../../api', 301, '/api/path'],
    ['GET', '/path2', '../../api', 301, '/api/path2/'],
    ['GET', '/path2', '/../../api', 301, '/api/path2/'],
    ['GET', '/path2', '../../../api', 301, '/api/path2/'],
    ['GET', '/path2', '../../gin-gonic.com', 301, '/gin-goniccom/path2/'],
    ['GET', '/path2', '/../../gin-gonic.com', 301, '/gin-goniccom/path2/'],
    ['GET', '/path/', 'api/../../', 301, '//path'],
    ['GET', '/path/', 'api/../../../', 301, '/path'],
    // A relative prefix makes a relative Location that Go's http.Redirect resolves twice.
    ['GET', '/path/', 'https://gin-gonic.com/#', 301, 'https/gin-goniccom/https/gin-goniccom/path'],
    ['GET', '/path/', '#api', 301, 'api/api/path'],
    ['GET', '/path/', '/nor-mal/#?a=1', 301, '/nor-mal/a1/path'],
    ['GET', '/path/', '/nor-mal/%2e%2e/', 301, '/nor-mal/2e2e/path'],
  ];
  test.each(rows)('%s %s (prefix %s) → %d %s', async (m, path, prefix, code, location) => {
    const w = await perform(r, m, path, prefix === '' ? {} : { 'X-Forwarded-Prefix': prefix });
    expect(w.code).toBe(code);
    expect(w.header().get('Location')).toBe(location);
  });

  test("a GET redirect has Go's small HTML body; a query is kept", async () => {
    const w = await perform(r, 'GET', '/path/?a=1');
    expect(w.header().get('Location')).toBe('/path?a=1');
    expect(w.text()).toBe('<a href="/path?a=1">Moved Permanently</a>.\n\n');
    expect(w.result().header.get('Content-Type')).toBe('text/html; charset=utf-8');
  });

  test('redirectTrailingSlash off → 404', async () => {
    const e = new Engine({ redirectTrailingSlash: false });
    e.get('/path', noop);
    expect((await perform(e, 'GET', '/path/')).code).toBe(404);
  });

  const fixed = new Engine({ redirectFixedPath: true });
  fixed.get('/path', noop);
  fixed.get('/dir/', noop);
  fixed.get('/', noop);
  const fixedRows: [string, number, string][] = [
    ['/path/', 301, '/path'], // TSR -/
    ['/dir', 301, '/dir/'], // TSR +/
    ['/PATH', 301, '/path'], // fixed case
    ['/DIR/', 301, '/dir/'], // fixed case
    ['/PATH/', 301, '/path'], // fixed case -/
    ['/DIR', 301, '/dir/'], // fixed case +/
    ['/../path', 301, '/path'], // without CleanPath
    ['/nope', 404, ''],
  ];
  test.each(fixedRows)('redirectFixedPath: %s → %d %s', async (path, code, location) => {
    const w = await perform(fixed, 'GET', path);
    expect(w.code).toBe(code);
    expect(w.header().get('Location')).toBe(location);
  });
});

describe('routes: 404 and 405 (gin TestRouteNotAllowed…, TestRouterNotFound)', () => {
  test('404 default body', async () => {
    const w = await perform(new Engine(), 'GET', '/nope');
    expect([w.code, w.text(), w.result().header.get('Content-Type')]).toEqual([
      404,
      '404 page not found',
      'text/plain',
    ]);
  });

  test('405 with Allow when handleMethodNotAllowed', async () => {
    const r = new Engine({ handleMethodNotAllowed: true });
    r.post('/path', noop);
    r.put('/path', noop);
    const w = await perform(r, 'GET', '/path');
    expect([w.code, w.text()]).toEqual([405, '405 method not allowed']);
    expect(w.result().header.get('Allow')).toBe('POST, PUT');
    r.noMethod((c) => c.string(418, 'responseText'));
    const w2 = await perform(r, 'GET', '/path');
    expect([w2.code, w2.text()]).toEqual([418, 'responseText']);
  });

  test('405 off → 404', async () => {
    const r = new Engine();
    r.post('/path', noop);
    expect((await perform(r, 'GET', '/path')).code).toBe(404);
  });

  test('noRoute: custom handler; global middleware added later still runs (gin TestMiddlewareNoRoute)', async () => {
    const r = new Engine();
    let log = '';
    r.noRoute((c) => {
      log += 'E';
      void c.json(404, { code: 'NOT_FOUND' });
    });
    r.use(async (c) => {
      log += 'A';
      await c.next();
      log += 'B';
    });
    const w = await perform(r, 'GET', '/nope');
    expect([w.code, w.text(), log]).toEqual([404, '{"code":"NOT_FOUND"}', 'AEB']);
  });

  test('noRoute that changes the status suppresses the default body', async () => {
    const r = new Engine();
    r.noRoute((c) => c.status(502));
    const w = await perform(r, 'GET', '/nope');
    expect([w.code, w.text()]).toEqual([502, '']);
  });
});

describe('groups and registration', () => {
  test('group base paths and middleware (gin TestRouterGroup*)', async () => {
    const r = new Engine();
    const order: string[] = [];
    const v1 = r.group('/v1', (c) => {
      order.push('v1');
      return c.next();
    });
    v1.get('/login', (c) => {
      order.push('login');
      void c.string(200, 'ok');
    });
    const w = await perform(r, 'GET', '/v1/login');
    expect([w.code, w.text(), order]).toEqual([200, 'ok', ['v1', 'login']]);
    expect(v1.basePath()).toBe('/v1');
    expect(r.group('/a').group('b/').basePath()).toBe('/a/b/');
  });

  const bad: [string, () => void, string][] = [
    [
      'lower-case method',
      () => new Engine().handle('get', '/', noop),
      'http method get is not valid',
    ],
    ['path without /', () => new Engine().addRoute('GET', 'x', [noop]), "path must begin with '/'"],
    ['no handler', () => new Engine().get('/x'), 'there must be at least one handler'],
    [
      'conflict',
      () => new Engine().get('/a/:x', noop).get('/a/:y', noop),
      "':y' in new path '/a/:y' conflicts with existing wildcard ':x'",
    ],
    [
      'duplicate',
      () => new Engine().get('/a', noop).get('/a', noop),
      "handlers are already registered for path '/a'",
    ],
    [
      'static with param',
      () => new Engine().staticFile('/:x', 'f'),
      'URL parameters can not be used when serving a static file',
    ],
    [
      'too many handlers',
      () => new Engine().get('/', ...Array.from({ length: 63 }, () => noop)),
      'too many handlers',
    ],
    [
      'not a function',
      () => new Engine().get('/', 'x' as unknown as typeof noop),
      'use wrap() for a servehttp Handler',
    ],
  ];
  test.each(bad)('%s throws', (_name, f, msg) => expect(f).toThrow(msg));

  test('a conflict names where both routes were registered (this file)', () => {
    const r = new Engine();
    r.get('/a/:x', noop);
    let msg = '';
    try {
      r.get('/a/:y', noop);
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/new route registered at .*engine\.test\.ts:\d+:\d+/);
    expect(msg).toMatch(/existing route registered at .*engine\.test\.ts:\d+:\d+/);
  });

  test('routes() lists every route with its last handler (gin TestListOfRoutes)', () => {
    const r = new Engine();
    function handlerTest1(_c: Context): void {}
    function handlerTest2(_c: Context): void {}
    r.get('/favicon.ico', handlerTest1);
    r.get('/', handlerTest1);
    const g = r.group('/users');
    g.get('/', handlerTest2);
    g.get('/:id', handlerTest1);
    g.post('/:id', handlerTest2);
    const got = r.routes().map((x) => `${x.method} ${x.path} ${x.handler}`);
    expect(got.sort()).toEqual(
      [
        'GET /favicon.ico handlerTest1',
        'GET / handlerTest1',
        'GET /users/ handlerTest2',
        'GET /users/:id handlerTest1',
        'POST /users/:id handlerTest2',
      ].sort(),
    );
  });
});

describe('debug output (gin debug_test.go)', () => {
  test('route lines, warnings, mode switch', () => {
    const lines: string[] = [];
    const prev = setDefaultWriter({ write: (s) => lines.push(s) });
    setMode(DebugMode);
    try {
      const r = defaultEngine();
      function ping(_c: Context): void {}
      r.get('/ping', ping);
      r.prepareRun();
    } finally {
      setMode(TestMode);
      setDefaultWriter(prev);
    }
    expect(lines).toContain(
      '[GIN-debug] [WARNING] Creating an Engine instance with the Logger and Recovery middleware already attached.\n\n',
    );
    expect(lines.some((l) => l.startsWith('[GIN-debug] [WARNING] Running in "debug" mode.'))).toBe(
      true,
    );
    expect(lines).toContain('[GIN-debug] GET    /ping                     --> ping (3 handlers)\n');
    expect(lines.some((l) => l.includes('You trusted all proxies, this is NOT safe.'))).toBe(true);
  });

  test('quiet in test mode', () => {
    const lines: string[] = [];
    const prev = setDefaultWriter({ write: (s) => lines.push(s) });
    new Engine().get('/x', noop);
    setDefaultWriter(prev);
    expect(lines).toEqual([]);
  });

  test("unknown mode throws gin's message", () => {
    expect(() => setMode('foo')).toThrow(
      'gin mode unknown: foo (available mode: debug release test)',
    );
  });
});

describe('trusted proxies and client IP (gin TestContextClientIP)', () => {
  // [remoteAddr, X-Forwarded-For, X-Real-IP, trusted proxies (null: none), expected]
  const rows: [string, string, string, string[] | null, string][] = [
    [
      '40.40.40.40:42123',
      '  20.20.20.20, 30.30.30.30',
      '10.10.10.10',
      ['0.0.0.0/0', '::/0'],
      '20.20.20.20',
    ], // gin's insecure default
    ['40.40.40.40:42123', '  20.20.20.20, 30.30.30.30', '10.10.10.10', [], '40.40.40.40'],
    [
      '40.40.40.40:42123',
      '  20.20.20.20, 30.30.30.30',
      '10.10.10.10',
      ['30.30.30.30'],
      '40.40.40.40',
    ], // last proxy trusted, remote not
    [
      '40.40.40.40:42123',
      '  20.20.20.20, 30.30.30.30',
      '10.10.10.10',
      ['40.40.25.25/16', '30.30.30.30'],
      '20.20.20.20',
    ],
    ['40.40.40.40:42123', ' blah ', '', ['40.40.40.40'], '40.40.40.40'], // non-IP element
    ['40.40.40.40:42123', '  20.20.20.20, 30.30.30.30', '10.10.10.10', null, '40.40.40.40'],
    [
      '40.40.40.40:42123',
      '  20.20.20.20, 30.30.30.30',
      '10.10.10.10',
      ['40.40.40.40'],
      '30.30.30.30',
    ],
    [
      '40.40.40.40:42123',
      '  20.20.20.20, 30.30.30.30',
      '10.10.10.10',
      ['40.40.40.40', '30.30.30.30'],
      '20.20.20.20',
    ],
    [
      '40.40.40.40:42123',
      '  20.20.20.20, 30.30.30.30',
      '10.10.10.10',
      ['40.40.40.0/24'],
      '30.30.30.30',
    ],
    ['40.40.40.40:42123', '', '10.10.10.10', ['0.0.0.0/0'], '10.10.10.10'],
    ['[::1]:42123', '20.20.20.20', '', ['::1'], '20.20.20.20'],
    ['[0:0::1]:42123', '', '', null, '::1'],
    ['50.50.50.50', '', '', null, ''], // no port: not host:port
  ];
  test.each(rows)('%s xff=%s real=%s trusted=%j → %s', async (addr, xff, real, trusted, want) => {
    const r = new Engine();
    r.setTrustedProxies(trusted);
    let ip = '';
    r.get('/', (c) => {
      ip = c.clientIP();
    });
    const { newRequest, ResponseRecorder } = await import('@servehttp/core-listener/httptest');
    const req = newRequest('GET', '/');
    req.remoteAddr = addr;
    if (xff !== '') req.header.set('X-Forwarded-For', xff);
    if (real !== '') req.header.set('X-Real-IP', real);
    await r.serveHTTP(new ResponseRecorder(), req);
    expect(ip).toBe(want);
  });

  test('trustedPlatform wins; forwardedByClientIP off ignores headers', async () => {
    const r = new Engine({ trustedPlatform: 'CF-Connecting-IP', forwardedByClientIP: false });
    const seen: string[] = [];
    r.get('/', (c) => {
      seen.push(c.clientIP());
    });
    await perform(r, 'GET', '/', { 'CF-Connecting-IP': '60.60.60.60' });
    await perform(r, 'GET', '/', { 'X-Forwarded-For': '70.70.70.70' });
    expect(seen).toEqual(['60.60.60.60', '192.0.2.1']);
  });

  const badProxies: [string, string][] = [
    ['foo', 'invalid IP address: foo'],
    ['1.2.3.4/33', 'invalid CIDR address: 1.2.3.4/33'],
    ['1.2.3.4/x', 'invalid CIDR address: 1.2.3.4/x'],
  ];
  test.each(badProxies)('setTrustedProxies(%s) throws', (p, msg) => {
    expect(() => new Engine().setTrustedProxies([p])).toThrow(msg);
  });
});

// gin_test.go TestEngineHandleContext*: an internal redirect re-enters the router.
describe('handleContext (gin TestEngineHandleContext*)', () => {
  function goTo(c: Context, path: string): void {
    const u = c.request.url;
    c.request.url = new RequestURL({ path, rawQuery: u.rawQuery });
  }

  test('re-routing to a path that needs a trailing slash redirects (TestEngineHandleContext)', async () => {
    const r = new Engine();
    r.get('/', (c) => {
      goTo(c, '/v2');
      return r.handleContext(c);
    });
    r.group('/v2').get('/', () => {});
    const w = await perform(r, 'GET', '/');
    expect(w.code).toBe(301);
    expect(w.header().get('Location')).toBe('/v2/');
  });

  // TestEngineHandleContextManyReEntries: 1,000 nested re-entries (gin runs 10,000 goroutine-
  // stack frames; a JavaScript stack is smaller), every chain runs whole, exactly once.
  test.each([
    ['sync', false],
    ['async', true],
  ])('many re-entries, %s handlers', async (_n, async) => {
    const depth = 1000;
    let handlers = 0;
    let middleware = 0;
    const r = new Engine();
    r.use(() => {
      middleware++;
    });
    r.get(
      '/:count',
      (c) => {
        const n = Number(c.param('count'));
        const go = (): void | Promise<void> => {
          void c.writer.write('.');
          if (n > 0) {
            goTo(c, `/${n - 1}`);
            return r.handleContext(c);
          }
        };
        return async ? Promise.resolve().then(go) : go();
      },
      () => {
        handlers++;
      },
    );
    const w = await perform(r, 'GET', `/${depth - 1}`);
    expect(w.code).toBe(200);
    expect(w.body.length).toBe(depth);
    expect([handlers, middleware]).toEqual([depth, depth]);
  });

  test('the calling chain is not re-entered (TestEngineHandleContextPreventsMiddlewareReEntry)', async () => {
    const n = { v1: 0, v1mw: 0, v2: 0 };
    const r = new Engine();
    const v1 = r.group('/v1');
    v1.use(() => {
      n.v1mw++;
    });
    v1.get('/test', (c) => {
      n.v1++;
      c.status(200);
    });
    r.group('/v2').get(
      '/test',
      (c) => {
        goTo(c, '/v1/test');
        void r.handleContext(c); // not awaited, not returned: the chain must still run once
      },
      () => {
        n.v2++;
      },
    );
    expect((await perform(r, 'GET', '/v1/test')).code).toBe(200);
    expect((await perform(r, 'GET', '/v2/test')).code).toBe(200);
    expect(n).toEqual({ v1: 2, v1mw: 2, v2: 1 });
  });

  test('an unawaited async re-entry still finishes before the rest of the chain', async () => {
    const order: string[] = [];
    const r = new Engine();
    r.get('/target', async (c) => {
      await Promise.resolve();
      order.push('target');
      await c.string(200, 'ok');
    });
    r.get(
      '/start',
      (c) => {
        goTo(c, '/target');
        void r.handleContext(c);
      },
      () => {
        order.push('after');
      },
    );
    const w = await perform(r, 'GET', '/start');
    expect(w.text()).toBe('ok');
    expect(order).toEqual(['target', 'after']);
  });

  // TestEngineHandleContextNoRouteWithGroupMiddleware (gin#1848) and …WithEngineMiddleware.
  test.each([
    ['group middleware only', false, { engine: 0, group: 1, handler: 1 }],
    [
      'engine middleware too: it runs for the 404 chain and the new one',
      true,
      { engine: 2, group: 1, handler: 1 },
    ],
  ])('noRoute → handleContext, %s', async (_n, engineMw, want) => {
    const n = { engine: 0, group: 0, handler: 0 };
    const r = new Engine();
    if (engineMw) {
      r.use((c) => {
        n.engine++;
        return c.next();
      });
    }
    const g = r.group('', (c) => {
      n.group++;
      return c.next();
    });
    g.get('/target', (c) => {
      n.handler++;
      return c.string(200, 'ok');
    });
    r.noRoute((c) => {
      goTo(c, '/target');
      return r.handleContext(c);
    });
    const w = await perform(r, 'GET', '/nonexistent');
    expect([w.code, w.text()]).toEqual([200, 'ok']);
    expect(n).toEqual(want);
  });

  test('re-entry clears what the old route decided (gin c.reset)', async () => {
    const r = new Engine();
    let seen: unknown[] = [];
    r.get('/b/:other', (c) => {
      seen = [c.param('id'), c.param('other'), c.get('k'), c.errors.length, c.fullPath()];
    });
    r.get('/a/:id', (c) => {
      c.set('k', 1);
      c.error(new Error('old'));
      goTo(c, '/b/2');
      void r.handleContext(c); // synchronous chain: done when it returns
      seen.push(c.fullPath());
    });
    await perform(r, 'GET', '/a/1');
    expect(seen).toEqual(['', '2', undefined, 0, '/b/:other', '/b/:other']);
  });

  // TestEngineHandleContextUseEscapedPathPercentEncoded / …UseRawPathPercentEncoded /
  // …UseEscapedPathOverride: [options, request, param].
  const escRows: [string, { useEscapedPath?: boolean; useRawPath?: boolean }, string, string][] = [
    [
      'useEscapedPath: %25 stays escaped',
      { useEscapedPath: true },
      '/v1/foo%252Fbar',
      'foo%252Fbar',
    ],
    ['useRawPath: the raw path', { useRawPath: true }, '/v1/foo%252Fbar', 'foo%2Fbar'],
    [
      'useEscapedPath wins over useRawPath',
      { useEscapedPath: true, useRawPath: true },
      '/v1/foo%25bar',
      'foo%25bar',
    ],
  ];
  test.each(escRows)('%s', async (_n, opts, path, want) => {
    const r = new Engine({ ...opts, unescapePathValues: false });
    let got = '';
    r.get('/v1/:path', (c) => {
      got = c.param('path');
      c.status(200);
    });
    expect((await perform(r, 'GET', path)).code).toBe(200);
    expect(got).toBe(want);
  });
});
