import { afterAll, describe, expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKey, type Handler, Context as HTTPContext } from '@servehttp/core-listener';
import { newRequest, ResponseRecorder } from '@servehttp/core-listener/httptest';
import { z } from 'zod';
import type { FileHeader } from './binding.ts';
import { type Context, ContextKeyGin, ContextRequestKey, type HandlerFunc } from './context.ts';
import { Engine } from './engine.ts';
import { ErrorMsgs, ErrorTypeBind, ErrorTypePrivate } from './errors.ts';
import { perform } from './gin.test-util.ts';
import { wrap, wrapMiddleware } from './interop.ts';
import { loggerWithWriter } from './logger.ts';
import { setDefaultErrorWriter } from './mode.ts';
import { customRecovery, recoveryWithWriter } from './recovery.ts';
import { SameSiteLaxMode } from './render.ts';

function one(h: HandlerFunc, route = '/t'): Engine {
  const r = new Engine();
  r.any(route, h);
  return r;
}

describe('rendering (gin context_test.go TestContextRender*)', () => {
  // [name, handler, status, body, Content-Type]
  const rows: [string, HandlerFunc, number, string, string][] = [
    [
      'json',
      (c) => c.json(201, { foo: 'bar', html: '<b>' }),
      201,
      '{"foo":"bar","html":"\\u003cb\\u003e"}',
      'application/json; charset=utf-8',
    ],
    [
      'json 204 has no body',
      (c) => c.json(204, { foo: 'bar' }),
      204,
      '',
      'application/json; charset=utf-8',
    ],
    [
      'indentedJSON',
      (c) => c.indentedJSON(201, { foo: 'bar', bar: 'foo', nested: { foo: 'bar' } }),
      201,
      '{\n    "foo": "bar",\n    "bar": "foo",\n    "nested": {\n        "foo": "bar"\n    }\n}',
      'application/json; charset=utf-8',
    ],
    [
      'secureJSON array',
      (c) => c.secureJSON(201, ['foo', 'bar']),
      201,
      'while(1);["foo","bar"]',
      'application/json; charset=utf-8',
    ],
    [
      'secureJSON object',
      (c) => c.secureJSON(201, { foo: 'bar' }),
      201,
      '{"foo":"bar"}',
      'application/json; charset=utf-8',
    ],
    [
      'asciiJSON',
      (c) => c.asciiJSON(201, { lang: 'GO语言', tag: '<br>' }),
      201,
      '{"lang":"GO\\u8bed\\u8a00","tag":"\\u003cbr\\u003e"}',
      'application/json',
    ],
    [
      'pureJSON',
      (c) => c.pureJSON(201, { foo: 'bar', html: '<b>' }),
      201,
      '{"foo":"bar","html":"<b>"}\n',
      'application/json; charset=utf-8',
    ],
    [
      'string with format',
      (c) => c.string(201, 'test %s %d', 'string', 2),
      201,
      'test string 2',
      'text/plain; charset=utf-8',
    ],
    [
      'string without values',
      (c) => c.string(200, '100%'),
      200,
      '100%',
      'text/plain; charset=utf-8',
    ],
    ['data', (c) => c.data(201, 'text/csv', 'foo,bar'), 201, 'foo,bar', 'text/csv'],
    ['status only', (c) => c.status(202), 202, '', ''],
    [
      'sseEvent string',
      (c) => c.sseEvent('message', 'hi\nthere'),
      200,
      'event:message\ndata:hi\ndata:there\n\n',
      'text/event-stream',
    ],
    [
      'sseEvent object',
      (c) => c.sseEvent('', { a: 1 }),
      200,
      'data:{"a":1}\n\n',
      'text/event-stream',
    ],
  ];
  test.each(rows)('%s', async (_n, h, status, body, ct) => {
    const w = await perform(one(h), 'GET', '/t');
    expect([w.code, w.text(), w.result().header.get('Content-Type')]).toEqual([status, body, ct]);
  });

  test('jsonp with and without callback (gin TestContextRenderJSONP*)', async () => {
    const r = one((c) => c.jsonp(201, { foo: 'bar' }));
    const w = await perform(r, 'GET', '/t?callback=x');
    expect([w.text(), w.result().header.get('Content-Type')]).toEqual([
      'x({"foo":"bar"});',
      'application/javascript; charset=utf-8',
    ]);
    expect((await perform(r, 'GET', '/t')).text()).toBe('{"foo":"bar"}');
    expect((await perform(r, 'GET', '/t?callback=<x>')).text()).toBe(
      '\\u003Cx\\u003E({"foo":"bar"});',
    );
  });

  test('a render error is recorded and aborts', async () => {
    let errs = '';
    const r = new Engine();
    r.get(
      '/t',
      async (c) => {
        await c.next();
        errs = c.errors.toString();
      },
      (c) => c.json(200, { n: 1n }),
    );
    await perform(r, 'GET', '/t');
    expect(errs).toContain('Error #01:');
  });

  // gin: c.Errors is a usable (empty) list on every request, cleared between re-dispatches and
  // replaceable; it is made on first use here, which must not show.
  test('c.errors: an empty ErrorMsgs on every request, assignable, fresh per request', async () => {
    const seen: [boolean, number, string][] = [];
    const r = new Engine();
    r.get('/t', (c) => {
      seen.push([c.errors instanceof ErrorMsgs, c.errors.length, c.errors.toString()]);
      c.error(new Error('first'));
      const replaced = new ErrorMsgs();
      c.errors = replaced;
      seen.push([c.errors === replaced, c.errors.length, '']);
    });
    await perform(r, 'GET', '/t');
    await perform(r, 'GET', '/t');
    expect(seen).toEqual([
      [true, 0, ''],
      [true, 0, ''],
      [true, 0, ''],
      [true, 0, ''],
    ]);
  });

  test('redirect codes (gin TestContextRenderRedirect*)', async () => {
    const w = await perform(
      one((c) => c.redirect(301, 'http://google.com')),
      'GET',
      '/t',
    );
    expect([w.code, w.header().get('Location')]).toEqual([301, 'http://google.com']);
    const w2 = await perform(
      one((c) => c.redirect(201, '/resource')),
      'POST',
      '/t',
    );
    expect([w2.code, w2.header().get('Location')]).toEqual([201, '/resource']);
    const bad = one((c) => c.redirect(200, '/x'));
    expect(() => bad.serveHTTP(new ResponseRecorder(), newRequest('GET', '/t'))).toThrow(
      'Cannot redirect with status code 200',
    );
  });

  test('cookies (gin TestContextSetCookie, TestContextGetCookie)', async () => {
    const w = await perform(
      one((c) => {
        c.setSameSite(SameSiteLaxMode);
        c.setCookie('user', 'gin', 1, '/', 'localhost', true, true);
        c.setCookie('user', 'a b', -1, '', '', false, false);
        void c.string(200, c.cookie('user') ?? 'none');
      }),
      'GET',
      '/t',
      { Cookie: 'user=g%20in' },
    );
    expect(w.result().header.values('Set-Cookie')).toEqual([
      'user=gin; Path=/; Domain=localhost; Max-Age=1; HttpOnly; Secure; SameSite=Lax',
      'user=a+b; Path=/; Max-Age=0; SameSite=Lax',
    ]);
    expect(w.text()).toBe('g in');
  });

  test('negotiate (gin TestContextNegotiation*; the full table is in formats.test.ts)', async () => {
    const r = one((c) =>
      c.negotiate(200, { offered: ['application/json', 'text/plain'], data: { a: 1 } }),
    );
    // gin's Negotiate has no text/plain case: choosing it is 406.
    expect((await perform(r, 'GET', '/t', { Accept: 'text/plain' })).code).toBe(406);
    expect((await perform(r, 'GET', '/t', { Accept: 'application/*' })).text()).toBe('{"a":1}');
    expect((await perform(r, 'GET', '/t', { Accept: 'image/png' })).code).toBe(406);
  });
});

describe('flow control (gin TestContextAbort*, middleware_test.go)', () => {
  test('sync chain order and abort', async () => {
    const log: string[] = [];
    const r = new Engine();
    r.use((c) => {
      log.push('A');
      void c.next();
      log.push('B');
    });
    r.get(
      '/t',
      (c) => {
        log.push('C');
        c.abortWithStatus(401);
        log.push('D');
      },
      () => {
        log.push('never');
      },
    );
    const w = await perform(r, 'GET', '/t');
    expect([w.code, log.join('')]).toEqual([401, 'ACDB']);
  });

  test('async handlers: await c.next() runs code on the way out', async () => {
    const log: string[] = [];
    const r = new Engine();
    r.use(async (c) => {
      log.push('A');
      await c.next();
      log.push(`B${c.writer.status}`);
    });
    r.get('/t', async (c) => {
      await Promise.resolve();
      log.push('C');
      void c.string(203, 'x');
    });
    const w = await perform(r, 'GET', '/t');
    expect([w.code, log.join(',')]).toEqual([203, 'A,C,B203']);
  });

  test('abortWithStatusJSON and isAborted', async () => {
    let aborted = false;
    const r = new Engine();
    r.use(async (c) => {
      await c.next();
      aborted = c.isAborted();
    });
    r.get('/t', (c) => c.abortWithStatusJSON(415, { foo: 'fooValue' }));
    const w = await perform(r, 'GET', '/t');
    expect([w.code, w.text(), aborted]).toEqual([415, '{"foo":"fooValue"}', true]);
  });

  test('keys, typed keys, mustGet, copy', async () => {
    const userKey = createKey<{ id: number }>('user');
    let copied: Context | undefined;
    const r = one((c) => {
      c.set('foo', 'bar');
      c.set(userKey, { id: 7 });
      expect(c.get('foo')).toBe('bar');
      expect(c.get(userKey)?.id).toBe(7);
      expect(() => c.mustGet('nope')).toThrow('gin: key nope does not exist');
      copied = c.copy();
      void c.string(200, c.handlerName());
    });
    expect((await perform(r, 'GET', '/t')).text()).toBe('anonymous');
    expect(copied?.get('foo')).toBe('bar');
    expect(copied?.isAborted()).toBe(true);
    expect(() => copied?.string(200, 'late')).toThrow('made by c.copy()');
  });

  test('query helpers (gin TestContextQuery*)', async () => {
    let out: unknown;
    const r = one((c) => {
      out = [
        c.query('foo'),
        c.defaultQuery('page', '1'),
        c.getQuery('missing'),
        c.queryArray('both'),
        c.queryMap('ids'),
      ];
    });
    await perform(r, 'GET', '/t?foo=bar&both=1&both=2&ids[a]=hi&ids[b]=3');
    expect(out).toEqual(['bar', '1', undefined, ['1', '2'], { a: 'hi', b: '3' }]);
  });
});

describe('form helpers and abortWithError (gin context_test.go)', () => {
  // TestContextPostFormMultipart / TestContextPostFormArray / TestContextPostFormMap, urlencoded:
  // the query is never read by the postForm helpers.
  test('postForm, getPostForm, defaultPostForm, postFormArray, postFormMap', async () => {
    let out: unknown;
    const r = one(async (c) => {
      out = [
        await c.postForm('foo'),
        await c.getPostForm('both'),
        await c.getPostForm('missing'),
        await c.defaultPostForm('page', '1'),
        await c.defaultPostForm('both', 'nothing'),
        await c.postFormArray('array'),
        await c.postFormMap('names'),
        await c.postForm('id'),
      ];
    });
    await perform(
      r,
      'POST',
      '/t?id=main',
      { 'Content-Type': 'application/x-www-form-urlencoded' },
      'foo=bar&both=&array=first&array=second&names[a]=thinkerou&names[b]=tianou',
    );
    expect(out).toEqual([
      'bar',
      '',
      undefined,
      '1',
      '',
      ['first', 'second'],
      { a: 'thinkerou', b: 'tianou' },
      '',
    ]);
  });

  // TestContextMultipartForm: the parsed form's values and files.
  test('multipartForm gives the values and the files', async () => {
    const body = [
      '--XyZ\r\nContent-Disposition: form-data; name="foo"\r\n\r\nbar',
      '--XyZ\r\nContent-Disposition: form-data; name="foo"\r\n\r\nbaz',
      '--XyZ\r\nContent-Disposition: form-data; name="file"; filename="test"\r\nContent-Type: text/plain\r\n\r\ntest',
      '--XyZ--\r\n',
    ].join('\r\n');
    let out: unknown;
    const r = one(async (c) => {
      const form = await c.multipartForm();
      const files = form.file.get('file') ?? [];
      out = [form.value.get('foo'), files.map((f) => f.filename), files.length];
    });
    await perform(r, 'POST', '/t', { 'Content-Type': 'multipart/form-data; boundary=XyZ' }, body);
    expect(out).toEqual([['bar', 'baz'], ['test'], 1]);
  });

  // TestContextAbortWithError: the status is sent, the chain aborted, the error recorded as
  // private with its meta.
  test('abortWithError', async () => {
    let aborted = false;
    let recorded: unknown;
    const r = new Engine();
    r.use(async (c) => {
      await c.next();
      aborted = c.isAborted();
      const e = c.errors.last();
      recorded = [e?.message, e?.meta, c.errors.byType(ErrorTypePrivate).length];
    });
    r.get('/t', (c) => {
      c.abortWithError(401, new Error('bad input')).setMeta('some input');
    });
    const w = await perform(r, 'GET', '/t');
    expect([w.code, aborted, recorded]).toEqual([401, true, ['bad input', 'some input', 1]]);
  });
});

describe('binding with a Standard Schema (zod)', () => {
  const User = z.object({ name: z.string().min(1), age: z.coerce.number().int() });

  test('shouldBindJSON: value, validation error, malformed, empty', async () => {
    const got: unknown[] = [];
    const r = one(async (c) => {
      try {
        got.push(await c.shouldBindJSON(User));
      } catch (e) {
        got.push((e as Error).message);
      }
    });
    await perform(r, 'POST', '/t', { 'Content-Type': 'application/json' }, '{"name":"a","age":3}');
    await perform(r, 'POST', '/t', {}, '{"name":"","age":3}');
    await perform(r, 'POST', '/t', {}, '{bad');
    await perform(r, 'POST', '/t', {}, '');
    expect(got[0]).toEqual({ name: 'a', age: 3 });
    expect(String(got[1])).toContain('name:');
    expect(String(got[2]).length).toBeGreaterThan(0);
    expect(got[3]).toBe('EOF');
  });

  test('bindJSON answers 400 with a Bind error and aborts (gin MustBindWith)', async () => {
    let after = false;
    let types: number[] = [];
    const r = new Engine();
    r.use(async (c) => {
      await c.next();
      types = c.errors.map((e) => e.type);
    });
    r.post('/t', async (c) => {
      const v = await c.bindJSON(User);
      if (v === undefined) return;
      after = true;
    });
    const w = await perform(r, 'POST', '/t', {}, '{"name":1}');
    expect([w.code, w.text(), after, types]).toEqual([400, '', false, [ErrorTypeBind]]);
  });

  test('query, uri, header, urlencoded form and multipart', async () => {
    const got: unknown[] = [];
    const r = new Engine();
    r.post('/u/:name/:age', async (c) => {
      got.push(await c.shouldBindUri(User));
      got.push(await c.shouldBindQuery(z.object({ tag: z.array(z.string()) })));
      got.push(await c.shouldBindHeader(z.object({ 'X-Age': z.coerce.number() })));
      got.push(await c.shouldBind(User));
    });
    await perform(
      r,
      'POST',
      '/u/ann/30?tag=a&tag=b',
      { 'X-Age': '9', 'Content-Type': 'application/x-www-form-urlencoded' },
      'name=bob&age=41',
    );
    expect(got).toEqual([
      { name: 'ann', age: 30 },
      { tag: ['a', 'b'] },
      { 'X-Age': 9 },
      { name: 'bob', age: 41 },
    ]);

    const ct = 'multipart/form-data; boundary=XyZ';
    const body = [
      '--XyZ\r\nContent-Disposition: form-data; name="name"\r\n\r\ncat',
      '--XyZ\r\nContent-Disposition: form-data; name="age"\r\n\r\n5',
      '--XyZ\r\nContent-Disposition: form-data; name="file"; filename="hello.txt"\r\nContent-Type: text/plain\r\n\r\nhello',
      '--XyZ--\r\n',
    ].join('\r\n');
    const seen: unknown[] = [];
    const m = one(async (c) => {
      seen.push(await c.shouldBind(User));
      const f = await c.formFile('file');
      seen.push([f.filename, new TextDecoder().decode(await f.bytes()), await c.postForm('name')]);
    });
    await perform(m, 'POST', '/t', { 'Content-Type': ct }, body);
    expect(seen).toEqual([{ name: 'cat', age: 5 }, ['hello.txt', 'hello', 'cat']]);
  });

  test('an oversized multipart body is 413 (maxMultipartMemory)', async () => {
    const r = new Engine({ maxMultipartMemory: 16 });
    r.post('/t', async (c) => {
      await c.bind(User);
    });
    const w = await perform(
      r,
      'POST',
      '/t',
      { 'Content-Type': 'multipart/form-data; boundary=x' },
      'x'.repeat(100),
    );
    expect(w.code).toBe(413);
  });
});

describe('recovery and logger (gin recovery_test.go, logger_test.go)', () => {
  test('a throwing handler is a 500 and is logged', async () => {
    const out: string[] = [];
    const r = new Engine();
    r.use(recoveryWithWriter({ write: (s) => out.push(s) }));
    r.get('/sync', () => {
      throw new Error('Oupps, Houston, we have a problem');
    });
    r.get('/async', async () => {
      await Promise.resolve();
      throw new Error('async problem');
    });
    expect((await perform(r, 'GET', '/sync')).code).toBe(500);
    expect((await perform(r, 'GET', '/async')).code).toBe(500);
    expect(out.join('')).toContain('panic recovered:');
    expect(out.join('')).toContain('Oupps, Houston, we have a problem');
  });

  test('customRecovery decides the response', async () => {
    const r = new Engine();
    r.use(customRecovery((c, err) => c.string(400, String((err as Error).message))));
    r.get('/t', () => {
      throw new Error('bad');
    });
    const logged: string[] = [];
    const prev = setDefaultErrorWriter({ write: (s) => logged.push(s) });
    const w = await perform(r, 'GET', '/t').finally(() => setDefaultErrorWriter(prev));
    expect(logged.join('')).toContain('bad');
    expect([w.code, w.text()]).toEqual([400, 'bad']);
  });

  test('logger line format', async () => {
    const out: string[] = [];
    const r = new Engine();
    r.use(loggerWithWriter({ write: (s) => out.push(s) }, '/skip'));
    r.get('/example', (c) => c.string(200, 'x'));
    r.get('/skip', (c) => c.string(200, 'x'));
    await perform(r, 'GET', '/example?a=100');
    await perform(r, 'GET', '/skip');
    expect(out.length).toBe(1);
    expect(out[0]).toMatch(
      /^\[GIN\] \d{4}\/\d\d\/\d\d - \d\d:\d\d:\d\d \| 200 \| +\S+ \| {7}192\.0\.2\.1 \| GET {6}"\/example\?a=100"\n$/,
    );
  });
});

describe('interop', () => {
  test('wrap mounts a servehttp Handler', async () => {
    const h: Handler = { serveHTTP: (w) => void w.write('from handler') };
    const r = one(wrap(h));
    expect((await perform(r, 'GET', '/t')).text()).toBe('from handler');
  });

  test('wrapMiddleware keeps next semantics, request changes, writer wrappers and short-circuits', async () => {
    const log: string[] = [];
    const tagger = (next: Handler): Handler => ({
      async serveHTTP(w, r) {
        log.push('mw-in');
        w.header().set('X-MW', '1');
        await next.serveHTTP(w, r);
        log.push('mw-out');
      },
    });
    const wrapping = (next: Handler): Handler => ({
      serveHTTP(w, r) {
        const inner = {
          header: () => w.header(),
          writeHeader: (code: number) => {
            log.push(`status ${code}`);
            w.writeHeader(code);
          },
          write: (b: string | Uint8Array) => w.write(b),
          unwrap: () => w,
        };
        return next.serveHTTP(inner, r);
      },
    });
    const deny = (_next: Handler): Handler => ({
      serveHTTP(w) {
        w.writeHeader(403);
      },
    });
    const r = new Engine();
    r.use(wrapMiddleware(tagger), wrapMiddleware(wrapping));
    r.get('/t', (c) => {
      log.push('handler');
      void c.string(201, 'ok');
    });
    r.get('/deny', wrapMiddleware(deny), () => {
      log.push('never');
    });
    const w = await perform(r, 'GET', '/t');
    expect([w.code, w.text(), w.result().header.get('X-MW')]).toEqual([201, 'ok', '1']);
    expect(log).toEqual(['mw-in', 'handler', 'status 201', 'mw-out']);
    const d = await perform(r, 'GET', '/deny');
    expect(d.code).toBe(403);
    expect(log).not.toContain('never');
  });
});

// context_test.go TestContextWithFallback*: with the flag, c.context()/c.value() reach the
// request's context; without it, the background context and only gin's own keys.
describe('contextWithFallback (gin TestContextWithFallback*, TestContextSetGetValues)', () => {
  const reqKey = createKey<string>('request key');
  async function run(
    fallback: boolean,
    f: (c: Context) => unknown,
    prep?: (ctx: HTTPContext) => HTTPContext,
  ) {
    let out: unknown;
    const r = new Engine({ contextWithFallback: fallback });
    r.get('/', (c) => {
      out = f(c);
    });
    let req = newRequest('GET', '/');
    if (prep !== undefined) req = req.withContext(prep(req.context()));
    await r.serveHTTP(new ResponseRecorder(), req);
    return out;
  }
  const deadline = Date.now() + 60_000;
  const rows: {
    name: string;
    fallback: boolean;
    f: (c: Context) => unknown;
    prep?: (ctx: HTTPContext) => HTTPContext;
    want: unknown;
  }[] = [
    {
      name: 'deadline from the request context',
      fallback: true,
      f: (c) => c.context().deadline(),
      prep: (ctx) => ctx.withDeadline(deadline)[0],
      want: deadline,
    },
    {
      name: 'no deadline without the flag',
      fallback: false,
      f: (c) => c.context().deadline(),
      prep: (ctx) => ctx.withDeadline(deadline)[0],
      want: undefined,
    },
    {
      name: 'no deadline when the request has none',
      fallback: true,
      f: (c) => c.context().deadline(),
      want: undefined,
    },
    {
      name: 'done/err from a cancelled request context',
      fallback: true,
      f: (c) => [c.context().signal.aborted, c.context().err() !== undefined],
      prep: (ctx) => {
        const [child, cancel] = ctx.withCancel();
        cancel();
        return child;
      },
      want: [true, true],
    },
    {
      name: 'not done without the flag',
      fallback: false,
      f: (c) => [c.context().signal.aborted, c.context().err()],
      prep: (ctx) => {
        const [child, cancel] = ctx.withCancel();
        cancel();
        return child;
      },
      want: [false, undefined],
    },
    {
      name: 'value from the request context',
      fallback: true,
      f: (c) => c.value(reqKey),
      prep: (ctx) => ctx.withValue(reqKey, 'value'),
      want: 'value',
    },
    {
      name: 'no request-context value without the flag',
      fallback: false,
      f: (c) => c.value(reqKey),
      prep: (ctx) => ctx.withValue(reqKey, 'value'),
      want: undefined,
    },
    {
      name: 'a missing value is undefined',
      fallback: true,
      f: (c) => c.value(reqKey),
      want: undefined,
    },
    {
      name: 'string keys come from c.set first',
      fallback: false,
      f: (c) => {
        c.set('foo', 'bar');
        return c.value('foo');
      },
      want: 'bar',
    },
    {
      name: 'ContextKeyGin is the gin Context',
      fallback: false,
      f: (c) => c.value(ContextKeyGin) === c,
      want: true,
    },
    {
      name: 'ContextRequestKey is the request',
      fallback: false,
      f: (c) => c.value(ContextRequestKey) === c.request,
      want: true,
    },
  ];
  test.each(rows)('$name', async (row) => {
    expect(await run(row.fallback, row.f, row.prep)).toEqual(row.want);
  });
});

// context_test.go TestContextFormFile, TestContextMultipartForm, TestSaveUploaded*: a temp
// directory of our own, removed at the end.
describe('saveUploadedFile (gin TestSaveUploaded*, gin#4622)', () => {
  const root = mkdtempSync(join(tmpdir(), 'gin-upload-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const body = (name: string, content: string) =>
    `--B\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: text/plain\r\n\r\n${content}\r\n--B--\r\n`;

  async function upload(
    name: string,
    content: string,
    f: (c: Context, fh: FileHeader) => Promise<unknown>,
  ) {
    let out: unknown;
    const r = new Engine();
    r.post('/', async (c) => {
      try {
        out = await f(c, await c.formFile('file'));
      } catch (err) {
        out = { error: (err as { code?: string }).code ?? (err as Error).message };
      }
    });
    await perform(
      r,
      'POST',
      '/',
      { 'Content-Type': 'multipart/form-data; boundary=B' },
      body(name, content),
    );
    return out;
  }

  test('saves the file (TestContextFormFile / TestContextMultipartForm)', async () => {
    const dst = join(root, 'plain', 'test');
    await upload('test', 'test', (c, fh) => {
      expect(fh.filename).toBe('test');
      return c.saveUploadedFile(fh, dst);
    });
    expect(readFileSync(dst, 'utf8')).toBe('test');
  });

  test.each([0o755, 0o700, 0o777])(
    'a new directory gets exactly mode %o, umask aside (TestSaveUploadedFileWithPermission)',
    async (mode) => {
      const dst = join(root, `perm-${mode.toString(8)}`, 'subdir', 'permission_test');
      await upload('permission_test', 'permission_test', (c, fh) =>
        c.saveUploadedFile(fh, dst, mode),
      );
      expect(statSync(join(dst, '..')).mode & 0o777).toBe(mode);
      expect(readFileSync(dst, 'utf8')).toBe('permission_test');
    },
  );

  test('an existing directory keeps its mode (TestSaveUploadedFileToExistingDir, gin#4622)', async () => {
    const existing = join(root, 'existing');
    mkdirSync(existing, { mode: 0o700 });
    await upload('x', 'x', (c, fh) => c.saveUploadedFile(fh, join(existing, 'x'), 0o755));
    expect(statSync(existing).mode & 0o777).toBe(0o700);
  });

  test('a destination that is a directory fails (TestSaveUploadedCreateFailed)', async () => {
    expect(await upload('test', 'test', (c, fh) => c.saveUploadedFile(fh, '/'))).toEqual({
      error: 'EISDIR',
    });
  });

  test('a file that cannot be opened fails before anything is created (TestSaveUploadedOpenFailed)', async () => {
    const dst = join(root, 'never', 'file');
    const broken: FileHeader = {
      filename: 'file',
      contentType: '',
      size: 0,
      bytes: () => Promise.reject(new Error('open failed')),
    };
    expect(await upload('x', 'x', (c) => c.saveUploadedFile(broken, dst))).toEqual({
      error: 'open failed',
    });
    expect(() => statSync(join(root, 'never'))).toThrow();
  });

  // TestSaveUploadedFileWithPermissionFailed needs a directory the process cannot write to:
  // root ignores the missing permission, so the row only runs as another user.
  test.skipIf(process.getuid?.() === 0)(
    'a directory without write permission fails (not as root)',
    async () => {
      const dst = join(root, 'ro', 'permission_test');
      expect(await upload('p', 'p', (c, fh) => c.saveUploadedFile(fh, dst, 0o644))).toEqual({
        error: 'EACCES',
      });
    },
  );

  test('formFile without a file: "http: no such file" (TestContextFormFileFailed)', async () => {
    let msg = '';
    const r = new Engine();
    r.post('/', async (c) => {
      msg = await c.formFile('file').then(
        () => 'found',
        (e: Error) => e.message,
      );
    });
    await perform(
      r,
      'POST',
      '/',
      { 'Content-Type': 'multipart/form-data; boundary=B' },
      '--B--\r\n',
    );
    expect(msg).toBe('http: no such file');
  });
});

// context_test.go TestContextStream / TestContextStreamWithClientGone (the wire version is in
// wire.test.ts).
describe('stream (gin TestContextStream*)', () => {
  test.each([
    ['step until it returns false', false, 'testtest', false],
    ['stop when the client goes away', true, 'test', true],
  ])('%s', async (_n, cancelAfterFirst, body, clientGone) => {
    let gone: boolean | undefined;
    const [ctx, cancel] = HTTPContext.background().withCancel();
    const r = new Engine();
    r.get('/', async (c) => {
      let keep = true;
      gone = await c.stream((w) => {
        void w.write('test');
        if (cancelAfterFirst) {
          cancel();
          return true;
        }
        const k = keep;
        keep = false;
        return k;
      });
    });
    const w = new ResponseRecorder();
    await r.serveHTTP(w, newRequest('GET', '/').withContext(ctx));
    expect([w.text(), gone, w.flushed]).toEqual([body, clientGone, true]);
  });
});
