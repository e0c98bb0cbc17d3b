import { describe, expect, test } from 'bun:test';
import type { HandlerFunc } from './context.ts';
import { Engine } from './engine.ts';
import { perform } from './gin.test-util.ts';
import { asciiJSON, jsEscapeString, marshalJSON, sprintf } from './render.ts';

function serve(h: HandlerFunc, target = '/t', method = 'GET') {
  const r = new Engine();
  r.any('/t', h);
  return perform(r, method, target);
}

interface Row {
  name: string;
  h: HandlerFunc;
  target?: string;
  code: number;
  body: string;
  header: Record<string, string>;
  /** The render error recorded on the context, when the row expects one. */
  error?: string;
}

// gin render/render_test.go, row by row, through the Context methods that call each renderer.
// XML, YAML, TOML, ProtoBuf, BSON, MsgPack, PDF and HTML templates are not offered (README).
const circular: Record<string, unknown> = {};
circular.self = circular;
const rows: Row[] = [
  // TestRenderJSON
  {
    name: 'JSON escapes HTML',
    h: (c) => c.json(200, { foo: 'bar', html: '<b>' }),
    code: 200,
    body: '{"foo":"bar","html":"\\u003cb\\u003e"}',
    header: { 'Content-Type': 'application/json; charset=utf-8' },
  },
  // TestRenderJSONError: Go's "unsupported type: chan int" is JavaScript's BigInt or a cycle.
  {
    name: 'JSON of an unsupported value is a render error',
    h: (c) => c.json(200, { n: 1n }),
    code: 200,
    body: '',
    header: { 'Content-Type': 'application/json; charset=utf-8' },
    error: 'BigInt',
  },
  // TestRenderIndentedJSON (Go sorts map keys; an object literal keeps its order, like a struct).
  {
    name: 'IndentedJSON',
    h: (c) => c.indentedJSON(200, { bar: 'foo', foo: 'bar' }),
    code: 200,
    body: '{\n    "bar": "foo",\n    "foo": "bar"\n}',
    header: { 'Content-Type': 'application/json; charset=utf-8' },
  },
  {
    name: 'IndentedJSON error (TestRenderIndentedJSONPanics)',
    h: (c) => c.indentedJSON(200, circular),
    code: 200,
    body: '',
    header: {},
    error: 'JSON', // Bun: 'JSON.stringify cannot serialize cyclic structures.'
  },
  // TestRenderSecureJSON
  {
    name: 'SecureJSON object: no prefix',
    h: (c) => c.secureJSON(200, { foo: 'bar' }),
    code: 200,
    body: '{"foo":"bar"}',
    header: { 'Content-Type': 'application/json; charset=utf-8' },
  },
  {
    name: 'SecureJSON array: prefixed',
    h: (c) => c.secureJSON(200, [{ foo: 'bar' }, { bar: 'foo' }]),
    code: 200,
    body: 'while(1);[{"foo":"bar"},{"bar":"foo"}]',
    header: { 'Content-Type': 'application/json; charset=utf-8' },
  },
  {
    name: 'SecureJSON error (TestRenderSecureJSONFail)',
    h: (c) => c.secureJSON(200, [1n]),
    code: 200,
    body: '',
    header: {},
    error: 'BigInt',
  },
  // TestRenderJsonpJSON
  {
    name: 'JSONP object',
    h: (c) => c.jsonp(200, { foo: 'bar' }),
    target: '/t?callback=x',
    code: 200,
    body: 'x({"foo":"bar"});',
    header: { 'Content-Type': 'application/javascript; charset=utf-8' },
  },
  {
    name: 'JSONP array',
    h: (c) => c.jsonp(200, [{ foo: 'bar' }, { bar: 'foo' }]),
    target: '/t?callback=x',
    code: 200,
    body: 'x([{"foo":"bar"},{"bar":"foo"}]);',
    header: { 'Content-Type': 'application/javascript; charset=utf-8' },
  },
  // TestRenderJsonpJSONError2: no callback → plain JSON. (gin's Context.JSONP renders JSON then.)
  {
    name: 'JSONP without callback is JSON',
    h: (c) => c.jsonp(200, { foo: 'bar' }),
    code: 200,
    body: '{"foo":"bar"}',
    header: { 'Content-Type': 'application/json; charset=utf-8' },
  },
  {
    name: 'JSONP callback escaped (template.JSEscapeString)',
    h: (c) => c.jsonp(200, 1),
    target: "/t?callback=a'b%22c%3Cd%26",
    code: 200,
    body: 'a\\\'b\\"c\\u003Cd\\u0026(1);',
    header: {},
  },
  {
    name: 'JSONP error (TestRenderJsonpJSONFail)',
    h: (c) => c.jsonp(200, 2n),
    target: '/t?callback=x',
    code: 200,
    body: '',
    header: {},
    error: 'BigInt',
  },
  // TestRenderAsciiJSON
  {
    name: 'AsciiJSON',
    h: (c) => c.asciiJSON(200, { lang: 'GO语言', tag: '<br>' }),
    code: 200,
    body: '{"lang":"GO\\u8bed\\u8a00","tag":"\\u003cbr\\u003e"}',
    header: { 'Content-Type': 'application/json' },
  },
  {
    name: 'AsciiJSON number',
    h: (c) => c.asciiJSON(200, 1.2345678),
    code: 200,
    body: '1.2345678',
    header: {},
  },
  {
    name: 'AsciiJSON error (TestRenderAsciiJSONFail)',
    h: (c) => c.asciiJSON(200, { n: 3n }),
    code: 200,
    body: '',
    header: {},
    error: 'BigInt',
  },
  // TestRenderPureJSON: Go's Encoder adds the newline.
  {
    name: 'PureJSON',
    h: (c) => c.pureJSON(200, { foo: 'bar', html: '<b>' }),
    code: 200,
    body: '{"foo":"bar","html":"<b>"}\n',
    header: { 'Content-Type': 'application/json; charset=utf-8' },
  },
  // TestRenderRedirect: 301 and 201 are fine (200 throws, see the test below).
  {
    name: 'Redirect 301',
    h: (c) => c.redirect(301, '/new/location'),
    target: '/test-redirect',
    code: 301,
    body: '<a href="/new/location">Moved Permanently</a>.\n\n',
    header: { Location: '/new/location' },
  },
  {
    name: 'Redirect 201',
    h: (c) => c.redirect(201, '/new/location'),
    code: 201,
    body: '<a href="/new/location">Created</a>.\n\n',
    header: { Location: '/new/location' },
  },
  {
    name: 'Redirect relative to the request path',
    h: (c) => c.redirect(302, 'other?x=1'),
    target: '/a/b/t',
    code: 302,
    body: '<a href="/a/b/other?x=1">Found</a>.\n\n',
    header: { Location: '/a/b/other?x=1' },
  },
  // TestRenderData
  {
    name: 'Data',
    h: (c) => c.data(200, 'image/png', new TextEncoder().encode('#!PNG some raw data')),
    code: 200,
    body: '#!PNG some raw data',
    header: { 'Content-Type': 'image/png', 'Content-Length': '19' },
  },
  // TestRenderString / TestRenderStringLenZero
  {
    name: 'String with values',
    h: (c) => c.string(200, 'hola %s %d', 'manu', 2),
    code: 200,
    body: 'hola manu 2',
    header: { 'Content-Type': 'text/plain; charset=utf-8' },
  },
  {
    name: 'String without values is not formatted',
    h: (c) => c.string(200, 'hola %s %d'),
    code: 200,
    body: 'hola %s %d',
    header: { 'Content-Type': 'text/plain; charset=utf-8' },
  },
  // context_test.go TestContextRenderNoContentJSON & co.: a body-less status keeps the type only.
  {
    name: 'JSON 204 writes no body',
    h: (c) => c.json(204, { foo: 'bar' }),
    code: 204,
    body: '',
    header: { 'Content-Type': 'application/json; charset=utf-8' },
  },
  {
    name: 'Data 204 writes no body (TestContextRenderNoContentData)',
    h: (c) => c.data(204, 'text/csv', new TextEncoder().encode('foo,bar')),
    code: 204,
    body: '',
    header: { 'Content-Type': 'text/csv' },
  },
  {
    name: 'String 304 writes no body',
    h: (c) => c.string(304, 'test %s', 'x'),
    code: 304,
    body: '',
    header: { 'Content-Type': 'text/plain; charset=utf-8' },
  },
  // context_test.go TestContextRenderSSE (sse.Encode: field and data escaping).
  {
    name: 'SSE events',
    h: async (c) => {
      await c.sseEvent('float', 1.5);
      await c.sseEvent('chat', { bar: 'foo', foo: 'bar' });
      await c.sseEvent('ev\nil', 'a\rb');
    },
    code: 200,
    body: 'event:float\ndata:1.5\n\nevent:chat\ndata:{"bar":"foo","foo":"bar"}\n\nevent:ev\\nil\ndata:a\\rb\n\n',
    header: { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' },
  },
];

describe('renderers (gin render/render_test.go)', () => {
  test.each(rows)('$name', async (row) => {
    let errors = '';
    const r = new Engine();
    r.any(
      '/*p',
      async (c) => {
        await c.next();
        errors = c.errors.map((e) => e.message).join('; ');
      },
      row.h,
    );
    const w = await perform(r, 'GET', row.target ?? '/t');
    const res = w.result();
    expect(res.statusCode).toBe(row.code);
    expect(new TextDecoder().decode(res.body)).toBe(row.body);
    for (const [k, v] of Object.entries(row.header)) expect([k, res.header.get(k)]).toEqual([k, v]);
    if (row.error === undefined) expect(errors).toBe('');
    else expect(errors).toContain(row.error);
  });

  test('Redirect with 200 throws "Cannot redirect with status code 200" (gin panics)', () => {
    expect(serve((c) => c.redirect(200, '/new/location'))).rejects.toThrow(
      'Cannot redirect with status code 200',
    );
  });
});

describe('encoders', () => {
  // Go encoding/json with SetEscapeHTML(true) (json.Marshal) vs false (PureJSON).
  const marshal: [unknown, boolean, string][] = [
    [{ a: '<>&' }, true, '{"a":"\\u003c\\u003e\\u0026"}'],
    [{ a: '<>&' }, false, '{"a":"<>&"}'],
    ['\u2028\u2029', true, '"\\u2028\\u2029"'],
    [undefined, true, 'null'],
    [[undefined], true, '[null]'],
  ];
  test.each(marshal)('marshalJSON(%j, escapeHTML %p)', (v, esc, want) => {
    expect(marshalJSON(v, esc)).toBe(want);
  });

  test.each([
    ['"GO语言"', '"GO\\u8bed\\u8a00"'],
    // gin prints the rune as \u%04x: five hex digits above U+FFFF, not a surrogate pair.
    ['"🧡"', '"\\u1f9e1"'],
  ])('asciiJSON(%s)', (i, o) => expect(asciiJSON(i)).toBe(o));

  test.each([
    ['cb', 'cb'],
    ['a\\b', 'a\\\\b'],
    ['x=1&y', 'x\\u003D1\\u0026y'],
  ])('jsEscapeString(%s)', (i, o) => expect(jsEscapeString(i)).toBe(o));

  // fmt.Sprintf verbs gin users reach for in c.String.
  const formats: [string, unknown[], string][] = [
    ['%s-%d', ['a', 2], 'a-2'],
    ['%v', [true], 'true'],
    ['%q', ['hi'], '"hi"'],
    ['100%%', [1], '100%%!(EXTRA number=1)'],
    ['%d', [], '%!d(MISSING)'],
  ];
  test.each(formats)('sprintf(%s)', (f, args, want) => expect(sprintf(f, ...args)).toBe(want));
});
