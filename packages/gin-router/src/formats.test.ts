import { describe, expect, test } from 'bun:test';
import { z } from 'zod';
import { BindingError } from './binding.ts';
import type { Context, HandlerFunc } from './context.ts';
import { Engine, type EngineOptions } from './engine.ts';
import { ErrorTypeBind } from './errors.ts';
import {
  decodeProto,
  encodeProto,
  goNumber,
  marshalTOML,
  marshalXML,
  marshalYAML,
  unmarshalTOML,
  unmarshalXML,
  unmarshalYAML,
} from './formats.ts';
import { perform } from './gin.test-util.ts';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function one(h: HandlerFunc, options?: EngineOptions): Engine {
  const r = new Engine(options);
  r.any('/t', h);
  return r;
}

// gin's testdata/protoexample Test{Label: "test", Reps: [1, 2]}: field 1 (string) and the
// unpacked proto2 repeated int64 field 3, as proto.Marshal writes them.
const protoTestBytes = Uint8Array.of(0x0a, 0x04, 0x74, 0x65, 0x73, 0x74, 0x18, 0x01, 0x18, 0x02);
interface TestMsg {
  label: string;
  reps: number[];
}
// A hand codec for that one message: enough to show the codec's bytes go out unchanged.
const testCodec = {
  encode(m: TestMsg): { finish(): Uint8Array } {
    const label = enc(m.label);
    const out = [0x0a, label.length, ...label];
    for (const r of m.reps) out.push(0x18, r);
    return { finish: () => Uint8Array.from(out) };
  },
  decode(b: Uint8Array): TestMsg {
    if (b[0] !== 0x0a) throw new Error('proto: cannot parse invalid wire-format data');
    const n = b[1] as number;
    const reps: number[] = [];
    for (let i = 2 + n; i + 1 < b.length; i += 2) reps.push(b[i + 1] as number);
    return { label: new TextDecoder().decode(b.subarray(2, 2 + n)), reps };
  },
};

describe('XML encoding (gin render_test.go TestRenderXML; the documented mapping)', () => {
  const rows: { name: string; value: unknown; root?: string; want: string }[] = [
    { name: 'gin.H is <map>', value: { foo: 'bar' }, want: '<map><foo>bar</foo></map>' },
    { name: 'empty object', value: {}, want: '<map></map>' },
    { name: 'root option', value: { id: 7 }, root: 'user', want: '<user><id>7</id></user>' },
    {
      name: "Go's EscapeText",
      value: { s: `"'&<>\t\n\r` },
      want: '<map><s>&#34;&#39;&amp;&lt;&gt;&#x9;&#xA;&#xD;</s></map>',
    },
    {
      name: 'outside the XML range → U+FFFD; astral kept',
      value: { s: 'a\u0001b\ud800c😀' },
      want: '<map><s>a\uFFFDb\uFFFDc😀</s></map>',
    },
    {
      name: 'array repeats the element (Go slice rule)',
      value: { tag: ['a', 'b'] },
      want: '<map><tag>a</tag><tag>b</tag></map>',
    },
    {
      name: 'root array repeats the root',
      value: [{ a: 1 }, { a: 2 }],
      want: '<map><a>1</a></map><map><a>2</a></map>',
    },
    {
      name: 'nil is omitted (Go: nil interface)',
      value: { a: null, b: undefined, c: 1 },
      want: '<map><c>1</c></map>',
    },
    {
      name: "numbers as Go's strconv 'g'",
      value: { i: 42, f: 1.5, big: 1e21, tiny: 1e-7, m: 1234567.5, t: true },
      want: '<map><i>42</i><f>1.5</f><big>1000000000000000000000</big><tiny>1e-07</tiny><m>1.2345675e+06</m><t>true</t></map>',
    },
    {
      name: 'attributes by prefix, #text as character data',
      value: { p: { '@lang': 'en', '#text': 'hi & bye' } },
      want: '<map><p lang="en">hi &amp; bye</p></map>',
    },
    {
      name: 'worked example of the module doc',
      value: { user: { '@id': '7', name: 'a<b', tag: ['x', 'y'] } },
      want: '<map><user id="7"><name>a&lt;b</name><tag>x</tag><tag>y</tag></user></map>',
    },
    {
      name: 'Date and bytes',
      value: { d: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)), b: enc('raw') },
      want: '<map><d>2024-01-02T03:04:05.000Z</d><b>raw</b></map>',
    },
  ];
  test.each(rows)('$name', (row) => {
    expect(marshalXML(row.value, { root: row.root })).toBe(row.want);
  });

  const errors: { name: string; value: unknown; want: string }[] = [
    { name: 'a key that is not an XML name', value: { 'a b': 1 }, want: 'invalid element name' },
    { name: 'markup in a key', value: { 'x><y': 1 }, want: 'invalid element name' },
    { name: 'attribute name', value: { e: { '@a"': 1 } }, want: 'invalid attribute name' },
    { name: 'a function (Go: unsupported type)', value: { f: () => 1 }, want: 'unsupported type' },
    { name: 'a symbol', value: { s: Symbol('x') }, want: 'unsupported type' },
  ];
  test.each(errors)('error: $name', (row) => {
    expect(() => marshalXML(row.value)).toThrow(row.want);
  });

  test('a cycle is an error, not a stack overflow', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(() => marshalXML(a)).toThrow('cycle');
  });

  test.each([
    { n: 0, want: '0' },
    { n: -3, want: '-3' },
    { n: 0.0001, want: '0.0001' },
    { n: 0.00001, want: '1e-05' },
    { n: 123456.5, want: '123456.5' },
    { n: Number.NaN, want: 'NaN' },
    { n: Number.NEGATIVE_INFINITY, want: '-Inf' },
  ])('goNumber($n) = $want', ({ n, want }) => expect(goNumber(n)).toBe(want));
});

describe('XML decoding (gin context_test.go TestContextBindWithXML; safety)', () => {
  const ginBody = `<?xml version="1.0" encoding="UTF-8"?>
		<root>
			<foo>FOO</foo>
		   	<bar>BAR</bar>
		</root>`;
  const rows: { name: string; body: string; want: unknown }[] = [
    { name: "gin's document", body: ginBody, want: { foo: 'FOO', bar: 'BAR' } },
    {
      name: 'attributes, repeats, text kept verbatim',
      body: '<u id="7"><tag> x </tag><tag>y</tag><empty/></u>',
      want: { '@id': '7', tag: [' x ', 'y'], empty: '' },
    },
    {
      name: 'predefined entities and character references',
      body: '<a><s>1 &amp; &lt;2&gt; &quot;&apos; &#65;&#x42;</s></a>',
      want: { s: '1 & <2> "\' AB' },
    },
    { name: 'a root with only text', body: '<a>hello</a>', want: 'hello' },
    {
      name: 'round trip of the encoder',
      body: marshalXML({ user: { '@id': '7', name: 'a<b', tag: ['x', 'y'] } }),
      want: { user: { '@id': '7', name: 'a<b', tag: ['x', 'y'] } },
    },
  ];
  test.each(rows)('$name', (row) => {
    expect(unmarshalXML(enc(row.body))).toEqual(row.want);
  });

  const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><lolz>&lol3;</lolz>`;
  const errors: { name: string; body: string; want: string }[] = [
    { name: 'empty body (Go: EOF)', body: '', want: 'EOF' },
    { name: 'only whitespace', body: ' \n', want: 'EOF' },
    { name: 'mismatched tags', body: '<a><b></a>', want: 'XML syntax error' },
    { name: 'not XML', body: 'hello', want: 'XML syntax error' },
    { name: 'billion laughs is never expanded', body: laughs, want: 'invalid character entity' },
    {
      name: 'a DTD entity is an error, as in Go',
      body: '<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>',
      want: 'invalid character entity &a;',
    },
    { name: 'an HTML entity is not XML', body: '<a>&nbsp;</a>', want: 'invalid character entity' },
    { name: 'a bare ampersand', body: '<a>a & b</a>', want: 'XML syntax error' },
    {
      name: 'nesting past 100 levels',
      body: `${'<a>'.repeat(150)}${'</a>'.repeat(150)}`,
      want: 'XML syntax error',
    },
    {
      name: '__proto__ element',
      body: '<a><__proto__>1</__proto__></a>',
      want: 'XML syntax error',
    },
  ];
  test.each(errors)('error: $name', (row) => {
    expect(() => unmarshalXML(enc(row.body))).toThrow(row.want);
    expect(() => unmarshalXML(enc(row.body))).toThrow(BindingError);
  });
});

function nested(depth: number): unknown {
  let v: unknown[] = [];
  for (let i = 1; i < depth; i++) v = [v];
  return v;
}

describe('YAML (gin TestRenderYAML, TestContextBindWithYAML; safety)', () => {
  const render: { name: string; value: unknown; want: string }[] = [
    { name: 'gin.H', value: { foo: 'bar' }, want: 'foo: bar\n' },
    { name: 'sequence flush with its key (goccy)', value: { d: [3, 4] }, want: 'd:\n- 3\n- 4\n' },
    { name: 'nested map', value: { b: { c: 2 } }, want: 'b:\n  c: 2\n' },
    { name: 'a number-like string is quoted', value: { s: '123' }, want: 's: "123"\n' },
    { name: 'undefined left out', value: { a: undefined, b: null }, want: 'b: null\n' },
  ];
  test.each(render)('render: $name', (row) => expect(marshalYAML(row.value)).toBe(row.want));

  const parse: { name: string; body: string; want: unknown }[] = [
    { name: "gin's body", body: 'foo: bar\nbar: foo', want: { foo: 'bar', bar: 'foo' } },
    { name: 'first document only (Decoder.Decode)', body: 'a: 1\n---\nb: 2\n', want: { a: 1 } },
    { name: 'a few aliases are fine', body: 'a: &x [1, 2]\nb: *x', want: { a: [1, 2], b: [1, 2] } },
    {
      name: '100 flow levels are fine',
      body: `${'['.repeat(100)}${']'.repeat(100)}`,
      want: nested(100),
    },
    { name: '!!binary is not resolved', body: 'a: !!binary aGk=', want: { a: 'aGk=' } },
  ];
  test.each(parse)('bind: $name', (row) => expect(unmarshalYAML(enc(row.body))).toEqual(row.want));

  const bomb = [
    'a: &a ["x","x","x","x","x","x","x","x","x"]',
    ...Array.from({ length: 8 }, (_, i) => {
      const prev = String.fromCharCode(97 + i);
      const cur = String.fromCharCode(98 + i);
      return `${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`;
    }),
  ].join('\n');
  const errors: { name: string; body: string; want: string }[] = [
    { name: 'empty body (goccy: EOF)', body: '', want: 'EOF' },
    { name: 'only a comment', body: '# nothing', want: 'EOF' },
    { name: 'malformed', body: 'a: [1', want: 'yaml:' },
    { name: 'duplicate keys', body: 'a: 1\na: 2', want: 'unique' },
    { name: 'alias bomb stops at maxAliasCount', body: bomb, want: 'alias' },
    {
      name: 'flow nesting past 100 levels is refused before parsing',
      body: `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
      want: 'exceeded max depth of 100',
    },
  ];
  test.each(errors)('bind error: $name', (row) => {
    expect(() => unmarshalYAML(enc(row.body))).toThrow(row.want);
  });
});

describe('TOML (gin TestRenderTOML, TestContextBindWithTOML; go-toml v2 output)', () => {
  const render: { name: string; value: unknown; want: string }[] = [
    { name: 'gin.H', value: { foo: 'bar' }, want: "foo = 'bar'\n" },
    {
      name: 'gin render_test row',
      value: { foo: 'bar', html: '<b>' },
      want: "foo = 'bar'\nhtml = '<b>'\n",
    },
    {
      name: "a ' or newline forces a basic string",
      value: { a: "it's", b: 'x\ny', c: 'tab\tok' },
      want: `a = "it's"\nb = "x\\ny"\nc = 'tab\tok'\n`,
    },
    {
      name: 'scalars and inline arrays',
      value: { n: 1, f: 1.5, b: true, arr: [1, 2], nan: Number.NaN },
      want: 'n = 1\nf = 1.5\nb = true\narr = [1, 2]\nnan = nan\n',
    },
    {
      name: 'tables after the key/values, a blank line before each',
      value: { t: { b: 'x' }, a: 1, u: { c: 2 } },
      want: "a = 1\n\n[t]\nb = 'x'\n\n[u]\nc = 2\n",
    },
    { name: 'nested tables', value: { t: { u: { c: 1 } } }, want: '[t]\n[t.u]\nc = 1\n' },
    {
      name: 'arrays of tables',
      value: { at: [{ a: 1 }, { a: 2 }] },
      want: '[[at]]\na = 1\n\n[[at]]\na = 2\n',
    },
    {
      name: 'key quoting (bare, \'literal\', "basic")',
      value: { 'a-b_1': 1, 'a b': 2, "it's": 3 },
      want: `a-b_1 = 1\n'a b' = 2\n"it's" = 3\n`,
    },
    { name: 'null members left out', value: { a: null, b: 1 }, want: 'b = 1\n' },
    {
      name: 'a date',
      value: { d: new Date(Date.UTC(1979, 4, 27, 7, 32)) },
      want: 'd = 1979-05-27T07:32:00Z\n',
    },
  ];
  test.each(render)('render: $name', (row) => expect(marshalTOML(row.value)).toBe(row.want));

  test.each([
    { name: 'top-level array', value: [1], want: 'top level must be a table' },
    { name: 'a function', value: { f: () => 1 }, want: 'unsupported type' },
  ])('render error: $name', (row) => expect(() => marshalTOML(row.value)).toThrow(row.want));

  test.each([
    { body: "foo = 'bar'\nbar = 'foo'", want: { foo: 'bar', bar: 'foo' } },
    { body: '', want: {} }, // go-toml decodes nothing from an empty body, without an error
    { body: '[t]\na = [1, 2]', want: { t: { a: [1, 2] } } },
  ])('bind %j', (row) => expect(unmarshalTOML(enc(row.body))).toEqual(row.want));

  test.each([
    { body: 'a = ', want: 'toml: ' },
    { body: 'a = 1\na = 2', want: 'toml: ' },
  ])('bind error %j', (row) => {
    expect(() => unmarshalTOML(enc(row.body))).toThrow(row.want);
  });
});

describe('Protocol Buffers codecs', () => {
  const self = { toBinary: () => protoTestBytes };
  test.each([
    {
      name: 'codec.encode().finish() (protobufjs)',
      got: () => encodeProto({ label: 'test', reps: [1, 2] }, testCodec),
    },
    { name: 'message.toBinary() (protobuf-es v1)', got: () => encodeProto(self) },
    { name: 'already-encoded bytes', got: () => encodeProto(protoTestBytes) },
    {
      name: 'codec.encode() returning bytes',
      got: () => encodeProto(1, { encode: () => protoTestBytes }),
    },
  ])('$name', (row) => expect(row.got()).toEqual(protoTestBytes));

  test('a plain object is not a message', () => {
    expect(() => encodeProto({ label: 'x' })).toThrow('protoBuf needs a message');
  });

  test.each([
    { name: 'decode (protobufjs)', decoder: testCodec },
    { name: 'fromBinary (protobuf-es v1)', decoder: { fromBinary: testCodec.decode } },
  ])('decodes with $name', (row) => {
    expect(decodeProto(protoTestBytes, row.decoder)).toEqual({ label: 'test', reps: [1, 2] });
  });

  test.each([
    { name: 'a schema is not a decoder', decoder: z.object({}), want: 'obj is not ProtoMessage' },
    { name: 'the decoder fails', decoder: testCodec, want: 'invalid wire-format' },
  ])('decode error: $name', (row) => {
    expect(() => decodeProto(Uint8Array.of(0xff), row.decoder as typeof testCodec)).toThrow(
      row.want,
    );
  });
});

describe('Context rendering (gin context_test.go TestContextRender{XML,YAML,TOML,ProtoBuf})', () => {
  const rows: {
    name: string;
    h: HandlerFunc;
    code: number;
    body: string | Uint8Array;
    ct: string;
  }[] = [
    {
      name: 'xml',
      h: (c) => c.xml(201, { foo: 'bar' }),
      code: 201,
      body: '<map><foo>bar</foo></map>',
      ct: 'application/xml; charset=utf-8',
    },
    {
      name: 'xml 204 sends the type and no body',
      h: (c) => c.xml(204, { foo: 'bar' }),
      code: 204,
      body: '',
      ct: 'application/xml; charset=utf-8',
    },
    {
      name: 'xml with a root name',
      h: (c) => c.xml(200, { id: 1 }, { root: 'user' }),
      code: 200,
      body: '<user><id>1</id></user>',
      ct: 'application/xml; charset=utf-8',
    },
    {
      name: 'yaml',
      h: (c) => c.yaml(201, { foo: 'bar' }),
      code: 201,
      body: 'foo: bar\n',
      ct: 'application/yaml; charset=utf-8',
    },
    {
      name: 'toml',
      h: (c) => c.toml(201, { foo: 'bar' }),
      code: 201,
      body: "foo = 'bar'\n",
      ct: 'application/toml; charset=utf-8',
    },
    {
      name: 'protoBuf with a codec',
      h: (c) => c.protoBuf(201, { label: 'test', reps: [1, 2] }, testCodec),
      code: 201,
      body: protoTestBytes,
      ct: 'application/x-protobuf',
    },
    {
      name: 'a Content-Type set by the handler wins (writeContentType)',
      h: (c) => {
        c.header('Content-Type', 'text/xml');
        return c.xml(200, { a: 1 });
      },
      code: 200,
      body: '<map><a>1</a></map>',
      ct: 'text/xml',
    },
    {
      name: 'html through the engine htmlRender',
      h: (c) => c.html(200, 't', { name: 'gin' }),
      code: 200,
      body: 'Hello gin',
      ct: 'text/html; charset=utf-8',
    },
  ];
  const htmlRender = (name: string, data: unknown): string =>
    name === 't' ? `Hello ${(data as { name: string }).name}` : '';
  test.each(rows)('$name', async (row) => {
    const w = await perform(one(row.h, { htmlRender }), 'GET', '/t');
    expect(w.code).toBe(row.code);
    if (typeof row.body === 'string') expect(w.text()).toBe(row.body);
    else expect(w.body).toEqual(row.body);
    expect(w.result().header.get('Content-Type')).toBe(row.ct);
  });

  // gin's Render: an encoder error goes to c.Errors and aborts; nothing is written.
  const failures: { name: string; h: (c: Context) => unknown; want: string }[] = [
    { name: 'xml', h: (c) => c.xml(200, { f: () => 1 }), want: 'unsupported type' },
    { name: 'toml', h: (c) => c.toml(200, ['not a table']), want: 'top level' },
    { name: 'protoBuf', h: (c) => c.protoBuf(200, { label: 'x' }), want: 'protoBuf needs' },
    {
      name: 'protoBuf codec',
      h: (c) =>
        c.protoBuf(
          200,
          {},
          {
            encode: () => {
              throw new Error('proto: required field Test.type not set');
            },
          },
        ),
      want: 'required field',
    },
  ];
  test.each(failures)('render error: $name', async (row) => {
    let errs = '';
    let aborted = false;
    const w = await perform(
      one((c) => {
        row.h(c);
        errs = c.errors.toString();
        aborted = c.isAborted();
      }),
      'GET',
      '/t',
    );
    expect([w.text(), aborted]).toEqual(['', true]);
    expect(errs).toContain(row.want);
  });

  test('html without an htmlRender throws (gin: nil HTMLRender panics)', async () => {
    let msg = '';
    await perform(
      one((c) => {
        try {
          void c.html(200, 't', {});
        } catch (err) {
          msg = (err as Error).message;
        }
      }),
      'GET',
      '/t',
    );
    expect(msg).toContain('needs an htmlRender');
  });
});

describe('Context binding (gin TestContext{,Should}BindWith{XML,YAML,TOML}, binding.Default)', () => {
  const FooBar = z.object({ foo: z.string(), bar: z.string() });
  const xmlBody = '<root><foo>FOO</foo><bar>BAR</bar></root>';
  const want = { foo: 'FOO', bar: 'BAR' };

  // gin's tests set a fake Content-Type: the explicit binders ignore it.
  const explicit: { name: string; bind: (c: Context) => Promise<unknown>; body: string }[] = [
    { name: 'bindXML', bind: (c) => c.bindXML(FooBar), body: xmlBody },
    { name: 'bindYAML', bind: (c) => c.bindYAML(FooBar), body: 'foo: FOO\nbar: BAR' },
    { name: 'bindTOML', bind: (c) => c.bindTOML(FooBar), body: "foo = 'FOO'\nbar = 'BAR'" },
    { name: 'shouldBindXML', bind: (c) => c.shouldBindXML(FooBar), body: xmlBody },
    { name: 'shouldBindYAML', bind: (c) => c.shouldBindYAML(FooBar), body: 'foo: FOO\nbar: BAR' },
    {
      name: 'shouldBindTOML',
      bind: (c) => c.shouldBindTOML(FooBar),
      body: "foo = 'FOO'\nbar = 'BAR'",
    },
  ];
  test.each(explicit)('$name', async (row) => {
    let got: unknown;
    const w = await perform(
      one(async (c) => {
        got = await row.bind(c);
      }),
      'POST',
      '/t',
      { 'Content-Type': 'application/json' },
      row.body,
    );
    expect(got).toEqual(want);
    expect([w.code, w.text()]).toEqual([200, '']);
  });

  // binding.Default(method, contentType), through c.shouldBind.
  const byType: { ct: string; body: string; want: unknown }[] = [
    { ct: 'application/xml', body: xmlBody, want },
    { ct: 'text/xml', body: xmlBody, want },
    { ct: 'application/xml; charset=utf-8', body: xmlBody, want },
    { ct: 'application/x-yaml', body: 'foo: FOO\nbar: BAR', want },
    { ct: 'application/yaml', body: 'foo: FOO\nbar: BAR', want },
    { ct: 'application/toml', body: "foo = 'FOO'\nbar = 'BAR'", want },
    { ct: 'application/x-protobuf', body: 'x', want: 'obj is not ProtoMessage' },
    { ct: 'application/x-msgpack', body: 'x', want: 'is not supported' },
    { ct: 'application/bson', body: 'x', want: 'is not supported' },
  ];
  test.each(byType)('shouldBind with $ct', async (row) => {
    let got: unknown;
    await perform(
      one(async (c) => {
        got = await c.shouldBind(FooBar).catch((e: Error) => e.message);
      }),
      'POST',
      '/t',
      { 'Content-Type': row.ct },
      row.body,
    );
    if (typeof row.want === 'string') expect(String(got)).toContain(row.want);
    else expect(got).toEqual(row.want);
  });

  const bad: {
    name: string;
    bind: (c: Context) => Promise<unknown>;
    body: string;
    code: number;
  }[] = [
    { name: 'bindXML malformed', bind: (c) => c.bindXML(FooBar), body: '<a><b></a>', code: 400 },
    { name: 'bindXML empty', bind: (c) => c.bindXML(FooBar), body: '', code: 400 },
    { name: 'bindYAML malformed', bind: (c) => c.bindYAML(FooBar), body: 'a: [1', code: 400 },
    { name: 'bindTOML malformed', bind: (c) => c.bindTOML(FooBar), body: 'a = ', code: 400 },
    { name: 'bindTOML invalid', bind: (c) => c.bindTOML(FooBar), body: "foo = 'x'", code: 400 },
    {
      name: 'bindProtoBuf malformed',
      bind: (c) => c.bindProtoBuf(testCodec),
      body: '\xff',
      code: 400,
    },
    {
      name: 'bindXML over maxMultipartMemory',
      bind: (c) => c.bindXML(FooBar),
      body: `<a>${'x'.repeat(200)}</a>`,
      code: 413,
    },
    {
      name: 'bindYAML over maxMultipartMemory',
      bind: (c) => c.bindYAML(FooBar),
      body: `a: ${'x'.repeat(200)}`,
      code: 413,
    },
  ];
  test.each(bad)('$name → $code, empty body, a Bind error', async (row) => {
    let got: unknown = 'unset';
    let types: number[] = [];
    const w = await perform(
      one(
        async (c) => {
          got = await row.bind(c);
          types = c.errors.map((e) => e.type);
        },
        { maxMultipartMemory: 100 },
      ),
      'POST',
      '/t',
      {},
      row.body,
    );
    expect([w.code, w.text(), got, types]).toEqual([row.code, '', undefined, [ErrorTypeBind]]);
  });

  // binding_test.go TestBinding{XML,TOML,YAML}{,Fail,StringMap}: testBodyBinding binds `foo`;
  // the Fail bodies are Go raw strings, so `\n` there is a backslash and an n.
  const Foo = z.object({ foo: z.string() });
  const StringMap = z.record(z.string(), z.string());
  const bodyRows: {
    name: string;
    bind: (c: Context) => Promise<unknown>;
    body: string;
    want: unknown;
  }[] = [
    {
      name: 'XML',
      bind: (c) => c.shouldBindXML(Foo),
      body: '<map><foo>bar</foo></map>',
      want: { foo: 'bar' },
    },
    {
      name: 'XMLFail',
      bind: (c) => c.shouldBindXML(Foo),
      body: '<map><foo>bar<foo></map>',
      want: 'XML syntax error',
    },
    { name: 'TOML', bind: (c) => c.shouldBindTOML(Foo), body: 'foo="bar"', want: { foo: 'bar' } },
    { name: 'TOMLFail', bind: (c) => c.shouldBindTOML(Foo), body: 'foo=\\n"bar"', want: 'toml: ' },
    { name: 'YAML', bind: (c) => c.shouldBindYAML(Foo), body: 'foo: bar', want: { foo: 'bar' } },
    {
      name: 'YAMLStringMap (YAML is a superset of JSON)',
      bind: (c) => c.shouldBindYAML(StringMap),
      body: '{"foo": "bar", "hello": "world"}',
      want: { foo: 'bar', hello: 'world' },
    },
    {
      name: 'YAMLStringMap refuses a nested map',
      bind: (c) => c.shouldBindYAML(StringMap),
      body: '{"nested": {"foo": "bar"}}',
      want: 'nested',
    },
    // `foo:\nbar` is one plain scalar: a string where an object is wanted.
    {
      name: 'YAMLFail',
      bind: (c) => c.shouldBindYAML(Foo),
      body: 'foo:\\nbar',
      want: 'expected object',
    },
  ];
  test.each(bodyRows)('binding_test TestBinding$name', async (row) => {
    let got: unknown;
    await perform(
      one(async (c) => {
        got = await row.bind(c).catch((e: Error) => e.message);
      }),
      'POST',
      '/t',
      {},
      row.body,
    );
    if (typeof row.want === 'string') expect(String(got)).toContain(row.want);
    else expect(got).toEqual(row.want);
  });

  test('shouldBindBodyWith* keep the body for the next binder', async () => {
    const got: unknown[] = [];
    await perform(
      one(async (c) => {
        got.push(await c.shouldBindBodyWithYAML(z.object({ a: z.number() })).catch(() => 'no'));
        got.push(await c.shouldBindBodyWithTOML(z.object({ a: z.number() })));
        got.push(await c.shouldBindBodyWithXML(z.unknown()).catch((e: Error) => e.message));
      }),
      'POST',
      '/t',
      {},
      'a = 1',
    );
    // `a = 1` is a YAML string scalar (so the schema fails), TOML's table, and not XML.
    expect(got).toEqual(['no', { a: 1 }, expect.stringContaining('XML syntax')]);
  });

  test.each([
    { name: 'no schema', schema: undefined, want: { label: 'test', reps: [1, 2] } },
    { name: 'a passing schema', schema: z.object({ label: z.string() }), want: { label: 'test' } },
    { name: 'a failing schema', schema: z.object({ label: z.literal('nope') }), want: 1 },
  ])('shouldBindProtoBuf decodes, then validates: $name', async (row) => {
    let got: unknown;
    const r = one(async (c) => {
      const p =
        row.schema === undefined
          ? c.shouldBindProtoBuf(testCodec)
          : c.shouldBindProtoBuf(testCodec, row.schema);
      got = await p.catch((e: BindingError) => e.issues.length);
    });
    await perform(r, 'POST', '/t', { 'Content-Type': 'application/x-protobuf' }, protoTestBytes);
    expect(got).toEqual(row.want);
  });
});

describe('negotiate (gin context_test.go TestContextNegotiation*)', () => {
  const MIMEJSON = 'application/json';
  const MIMEXML = 'application/xml';
  const MIMEYAML = 'application/x-yaml';
  const MIMEYAML2 = 'application/yaml';
  const MIMETOML = 'application/toml';
  const MIMEHTML = 'text/html';
  const MIMEPROTOBUF = 'application/x-protobuf';
  const data = { foo: 'bar' };
  const rows: {
    name: string;
    offered: string[];
    accept?: string;
    extra?: Record<string, unknown>;
    code: number;
    body: string | Uint8Array;
    ct: string;
  }[] = [
    {
      name: 'WithJSON',
      offered: [MIMEJSON, MIMEXML, MIMEYAML, MIMEYAML2],
      code: 200,
      body: '{"foo":"bar"}',
      ct: 'application/json; charset=utf-8',
    },
    {
      name: 'WithXML',
      offered: [MIMEXML, MIMEJSON, MIMEYAML, MIMEYAML2],
      code: 200,
      body: '<map><foo>bar</foo></map>',
      ct: 'application/xml; charset=utf-8',
    },
    {
      name: 'WithYAML',
      offered: [MIMEYAML, MIMEXML, MIMEJSON, MIMETOML, MIMEYAML2],
      code: 200,
      body: 'foo: bar\n',
      ct: 'application/yaml; charset=utf-8',
    },
    {
      name: 'WithYAML2',
      offered: [MIMEJSON, MIMEYAML2],
      accept: 'application/yaml',
      code: 200,
      body: 'foo: bar\n',
      ct: 'application/yaml; charset=utf-8',
    },
    {
      name: 'WithTOML',
      offered: [MIMETOML, MIMEXML, MIMEJSON, MIMEYAML, MIMEYAML2],
      code: 200,
      body: "foo = 'bar'\n",
      ct: 'application/toml; charset=utf-8',
    },
    {
      name: 'WithHTML',
      offered: [MIMEHTML],
      extra: { htmlName: 't', data: { name: 'gin' } },
      code: 200,
      body: 'Hello gin',
      ct: 'text/html; charset=utf-8',
    },
    {
      name: 'WithPROTOBUF',
      offered: [MIMEPROTOBUF, MIMEJSON, MIMEXML],
      extra: { data: { toBinary: () => protoTestBytes } },
      code: 201,
      body: protoTestBytes,
      ct: 'application/x-protobuf',
    },
    {
      name: 'the Accept header picks XML',
      offered: [MIMEJSON, MIMEXML],
      accept: 'text/html,application/xhtml+xml,application/xml;q=0.9;q=0.8',
      code: 200,
      body: '<map><foo>bar</foo></map>',
      ct: 'application/xml; charset=utf-8',
    },
    {
      name: "a format's own data wins over data",
      offered: [MIMEXML],
      extra: { xmlData: { x: 1 }, xmlOptions: { root: 'r' } },
      code: 200,
      body: '<r><x>1</x></r>',
      ct: 'application/xml; charset=utf-8',
    },
    {
      name: 'protobuf data with a codec',
      offered: [MIMEPROTOBUF],
      extra: { protobufData: { label: 'test', reps: [1, 2] }, protobufCodec: testCodec },
      code: 200,
      body: protoTestBytes,
      ct: 'application/x-protobuf',
    },
  ];
  const htmlRender = (_: string, d: unknown): string => `Hello ${(d as { name: string }).name}`;
  test.each(rows)('$name', async (row) => {
    const r = one((c) => c.negotiate(row.code, { offered: row.offered, data, ...row.extra }), {
      htmlRender,
    });
    const w = await perform(r, 'POST', '/t', row.accept ? { Accept: row.accept } : {});
    expect(w.code).toBe(row.code);
    if (typeof row.body === 'string') expect(w.text()).toBe(row.body);
    else expect(w.body).toEqual(row.body);
    expect(w.result().header.get('Content-Type')).toBe(row.ct);
  });

  // NotSupport: gin's switch has no case for these, so 406 and aborted.
  test.each([
    { name: 'a form type', offered: ['application/x-www-form-urlencoded'], accept: '' },
    { name: 'text/xml (only application/xml renders)', offered: ['text/xml'], accept: '' },
    { name: 'text/plain', offered: ['text/plain'], accept: '' },
    { name: 'BSON (not rendered here)', offered: ['application/bson'], accept: '' },
    { name: 'nothing acceptable', offered: [MIMEJSON], accept: 'image/png' },
  ])('406: $name', async (row) => {
    let aborted = false;
    let errs = '';
    const r = one((c) => {
      void c.negotiate(200, { offered: [...row.offered], data });
      aborted = c.isAborted();
      errs = c.errors.toString();
    });
    const w = await perform(r, 'POST', '/t', row.accept ? { Accept: row.accept } : {});
    expect([w.code, aborted]).toEqual([406, true]);
    expect(errs).toContain('the accepted formats are not offered by the server');
  });

  // TestContextNegotiationFormat*: gin's own prefix/wildcard matching, no q-values.
  const formats: { accept: string | undefined; set?: string[]; offered: string[]; want: string }[] =
    [
      { accept: undefined, offered: [MIMEJSON, MIMEXML], want: MIMEJSON },
      { accept: undefined, offered: [MIMEHTML, MIMEJSON], want: MIMEHTML },
      {
        accept: 'text/html,application/xhtml+xml,application/xml;q=0.9;q=0.8',
        offered: [MIMEJSON, MIMEXML],
        want: MIMEXML,
      },
      {
        accept: 'text/html,application/xhtml+xml,application/xml;q=0.9;q=0.8',
        offered: [MIMEXML, MIMEHTML],
        want: MIMEHTML,
      },
      {
        accept: 'text/html,application/xhtml+xml,application/xml;q=0.9;q=0.8',
        offered: [MIMEJSON],
        want: '',
      },
      { accept: '*/*', offered: ['*/*'], want: '*/*' },
      { accept: '*/*', offered: ['text/*'], want: 'text/*' },
      { accept: '*/*', offered: ['application/*'], want: 'application/*' },
      { accept: '*/*', offered: [MIMEJSON], want: MIMEJSON },
      { accept: '*/*', offered: [MIMEXML], want: MIMEXML },
      { accept: 'text/*', offered: ['*/*'], want: '*/*' },
      { accept: 'text/*', offered: ['text/*'], want: 'text/*' },
      { accept: 'text/*', offered: ['application/*'], want: '' },
      { accept: 'text/*', offered: [MIMEJSON], want: '' },
      { accept: 'text/*', offered: [MIMEHTML], want: MIMEHTML },
      // q-values are ignored: the client's order wins, whatever its weights.
      {
        accept: 'application/xml;q=0.1, application/json',
        offered: [MIMEJSON, MIMEXML],
        want: MIMEXML,
      },
      // Custom: setAccepted replaces the header.
      {
        accept: 'text/html',
        set: [MIMEJSON, MIMEXML],
        offered: [MIMEXML, MIMEHTML],
        want: MIMEXML,
      },
      // Format2: an accepted type that is a prefix of nothing offered.
      { accept: 'image/tiff-fx', offered: ['image/tiff'], want: '' },
      // A shorter accepted value matches an offer it prefixes (gin's loop: i == len(accepted)).
      { accept: 'application/x', offered: ['application/x-yaml'], want: 'application/x-yaml' },
    ];
  test.each(formats)('negotiateFormat(Accept: $accept) of $offered = "$want"', async (row) => {
    let got = 'unset';
    const r = one((c) => {
      if (row.set) c.setAccepted(...row.set);
      got = c.negotiateFormat(...row.offered);
    });
    await perform(r, 'POST', '/t', row.accept === undefined ? {} : { Accept: row.accept });
    expect(got).toBe(row.want);
  });

  test('negotiateFormat() with no offer throws (gin asserts)', async () => {
    let msg = '';
    await perform(
      one((c) => {
        try {
          c.negotiateFormat();
        } catch (e) {
          msg = (e as Error).message;
        }
      }),
      'POST',
      '/t',
    );
    expect(msg).toContain('at least one offer');
  });
});
