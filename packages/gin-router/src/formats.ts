/**
 * The formats beyond JSON that gin renders and binds: XML, YAML, TOML and Protocol Buffers.
 * gin: `render/xml.go`, `yaml.go`, `toml.go`, `protobuf.go`; `binding/xml.go`, `yaml.go`,
 * `toml.go`, `protobuf.go`.
 *
 * # Libraries and what is written here
 *
 * Parsing is the libraries' (`fast-xml-parser`, `yaml`, `smol-toml`) with the safety settings
 * below. Two encoders are written here because the libraries' output differs from what gin sends
 * and the recorded gin corpora compare bytes: XML (Go's `encoding/xml` escapes `"` as `&#34;`,
 * never self-closes) and TOML (go-toml v2 writes `foo = 'bar'`, literal strings first). YAML goes
 * out through `yaml` with sequences not indented under their key, as goccy/go-yaml writes them.
 *
 * # XML mapping (Go maps a struct; a plain object maps like this)
 *
 * - The document is one root element, `<map>` unless `root` says otherwise (gin's `gin.H`
 *   marshals as `<map>…</map>`); every own key becomes a child element, in key order.
 * - A key starting with the attribute prefix (`@` by default) becomes an attribute of its element;
 *   the key `#text` becomes the element's character data.
 * - An array repeats its element: `{ tag: ['a', 'b'] }` → `<tag>a</tag><tag>b</tag>` (Go's slice
 *   rule). A root array repeats the root element.
 * - `null`/`undefined` omit the element (Go omits a nil interface); booleans are `true`/`false`;
 *   numbers as Go's `strconv` writes them (integers in decimal, others `'g'`-formatted); a `Date`
 *   as ISO 8601; a `Uint8Array` as its UTF-8 text (Go writes `[]byte` as text).
 * - A key that is not an XML name, a function, a symbol or a cycle is an error (Go: `xml:
 *   unsupported type`), recorded by the renderer as gin records a render error.
 *
 * Binding reverses it: the root element's name is ignored (as Go ignores it for a struct), its
 * children become keys, repeated children an array, attributes `@name`, text next to child
 * elements `#text`; every value stays a string (schemas coerce, as for forms).
 *
 * Worked example: `{ user: { '@id': '7', name: 'a<b', tag: ['x', 'y'] } }` renders
 * `<map><user id="7"><name>a&lt;b</name><tag>x</tag><tag>y</tag></user></map>`, and binding
 * that document gives back the same object.
 *
 * # Safety
 *
 * XML: no DTD entity is ever expanded — like Go, only the five predefined entities and numeric
 * character references are decoded and any other `&name;` is an error, so a "billion laughs"
 * document is rejected rather than expanded; nesting is capped at 100 levels; a key such as
 * `__proto__` is refused by the parser. YAML: at most 100 alias dereferences
 * (`maxAliasCount`, the YAML "billion laughs"), flow nesting is capped at 100 levels, explicit
 * tags like `!!binary` are not resolved,
 * duplicate keys are an error, and only the first document is read (Go's `Decoder.Decode`).
 * TOML: `smol-toml`'s own limits. Every body is read with the engine's `maxMultipartMemory` as a
 * bound before it is parsed.
 */

import { XMLParser } from 'fast-xml-parser';
import { parse as parseTOML } from 'smol-toml';
import { parseAllDocuments, stringify as stringifyYAML } from 'yaml';
import { BindingError } from './binding.ts';

// ───────────────────────────── XML ─────────────────────────────

/** How `c.xml()` maps a plain value to XML (see the module doc, "XML mapping"). */
export interface XMLOptions {
  /** The root element's name; default `map` (gin's `gin.H`). */
  root?: string;
  /** Keys starting with this become attributes; default `@`. */
  attributePrefix?: string;
}

// Go's isInCharacterRange, on UTF-16 code units (a lone surrogate is out of range).
function xmlCharOK(c: number): boolean {
  return (
    c === 0x09 ||
    c === 0x0a ||
    c === 0x0d ||
    (c >= 0x20 && c <= 0xd7ff) ||
    (c >= 0xe000 && c <= 0xfffd && c !== 0xfffe)
  );
}

/**
 * Go's `xml.EscapeText` as the encoder applies it to text and attributes: `&#34; &#39; &amp;
 * &lt; &gt; &#x9; &#xA; &#xD;`, characters outside XML's range become U+FFFD.
 */
export function escapeXML(s: string): string {
  let out = '';
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string;
    switch (c) {
      case 0x22:
        esc = '&#34;';
        break;
      case 0x27:
        esc = '&#39;';
        break;
      case 0x26:
        esc = '&amp;';
        break;
      case 0x3c:
        esc = '&lt;';
        break;
      case 0x3e:
        esc = '&gt;';
        break;
      case 0x09:
        esc = '&#x9;';
        break;
      case 0x0a:
        esc = '&#xA;';
        break;
      case 0x0d:
        esc = '&#xD;';
        break;
      default: {
        if (xmlCharOK(c)) continue;
        // A valid surrogate pair is a character above U+FFFF: keep both halves.
        if (c >= 0xd800 && c <= 0xdbff) {
          const d = s.charCodeAt(i + 1);
          if (d >= 0xdc00 && d <= 0xdfff) {
            i++;
            continue;
          }
        }
        esc = '\uFFFD';
      }
    }
    out += s.slice(last, i) + esc;
    last = i + 1;
  }
  return last === 0 ? s : out + s.slice(last);
}

// An XML Name (ASCII letters, digits, `_ - . :`, and any non-ASCII), not starting with a digit,
// `-` or `.`. Stricter than Go, which writes any name: a key from user data must not inject markup.
function isXMLName(s: string): boolean {
  if (s === '') return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const letter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c >= 0x80;
    if (letter || c === 0x3a) continue;
    if (i > 0 && ((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e)) continue;
    return false;
  }
  return true;
}

/** A number as Go's `strconv` writes it: integers in decimal, others with `'g'`, -1. */
export function goNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Number.POSITIVE_INFINITY) return '+Inf';
  if (n === Number.NEGATIVE_INFINITY) return '-Inf';
  if (Number.isInteger(n)) return Math.abs(n) < 1e21 ? String(n) : BigInt(n).toString();
  const exp = Math.floor(Math.log10(Math.abs(n)));
  // Go's shortest 'g' switches to an exponent below 1e-4 and from 1e6 (eprec = 6).
  if (exp < -4 || exp >= 6) {
    const [mant, e] = n.toExponential().split('e') as [string, string];
    const sign = e[0] === '-' ? '-' : '+';
    const digits = e.replace(/^[+-]/, '');
    return `${mant}e${sign}${digits.length < 2 ? `0${digits}` : digits}`;
  }
  return String(n);
}

function xmlScalar(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      return goNumber(v);
    case 'boolean':
    case 'bigint':
      return String(v);
    default:
      if (v instanceof Date) return v.toISOString();
      if (v instanceof Uint8Array) return new TextDecoder().decode(v);
      return undefined;
  }
}

class XMLEncoder {
  out = '';
  readonly #prefix: string;
  readonly #seen = new Set<object>();
  constructor(prefix: string) {
    this.#prefix = prefix;
  }

  element(name: string, v: unknown): void {
    if (v === null || v === undefined) return;
    if (Array.isArray(v)) {
      for (const item of v) this.element(name, item);
      return;
    }
    if (!isXMLName(name)) throw new Error(`xml: invalid element name ${JSON.stringify(name)}`);
    const scalar = xmlScalar(v);
    if (scalar !== undefined) {
      this.out += `<${name}>${escapeXML(scalar)}</${name}>`;
      return;
    }
    if (typeof v !== 'object') throw new Error(`xml: unsupported type: ${typeof v}`);
    if (this.#seen.has(v)) throw new Error('xml: unsupported value: a cycle');
    this.#seen.add(v);
    const entries = v instanceof Map ? [...v] : Object.entries(v);
    let attrs = '';
    const outer = this.out;
    this.out = '';
    for (const [k, child] of entries) {
      const key = String(k);
      if (key === '#text') {
        const text = xmlScalar(child);
        if (text !== undefined) this.out += escapeXML(text);
        continue;
      }
      if (this.#prefix !== '' && key.startsWith(this.#prefix)) {
        const attr = key.slice(this.#prefix.length);
        const text = xmlScalar(child);
        if (text === undefined) continue;
        if (!isXMLName(attr))
          throw new Error(`xml: invalid attribute name ${JSON.stringify(attr)}`);
        attrs += ` ${attr}="${escapeXML(text)}"`;
        continue;
      }
      this.element(key, child);
    }
    this.out = `${outer}<${name}${attrs}>${this.out}</${name}>`;
    this.#seen.delete(v);
  }
}

/**
 * Encodes `value` as gin's `c.XML` writes it (no `<?xml ?>` header, as Go's `xml.Encoder`),
 * with the mapping in the module doc.
 * @throws {Error} `xml: …` for a value that has no XML form.
 */
export function marshalXML(value: unknown, options: XMLOptions = {}): string {
  const enc = new XMLEncoder(options.attributePrefix ?? '@');
  enc.element(options.root ?? 'map', value);
  return enc.out;
}

const xmlEntities: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
};

// Go's decoder: the five predefined entities and character references; anything else (a DTD
// entity included) is an error, so no entity is ever expanded.
function decodeEntities(_name: string, v: string): string {
  if (v.indexOf('&') === -1) return v;
  return v.replace(/&([^;&]*);?/g, (m, e: string) => {
    if (m[m.length - 1] === ';') {
      const named = xmlEntities[e];
      if (named !== undefined) return named;
      let cp = Number.NaN;
      if (/^#x[0-9a-fA-F]{1,6}$/.test(e)) cp = Number.parseInt(e.slice(2), 16);
      else if (/^#[0-9]{1,7}$/.test(e)) cp = Number.parseInt(e.slice(1), 10);
      if (cp <= 0x10ffff && (cp >= 0x10000 || xmlCharOK(cp))) return String.fromCodePoint(cp);
    }
    throw new BindingError(`XML syntax error: invalid character entity ${m}`);
  });
}

function xmlParser(prefix: string): XMLParser {
  return new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: prefix,
    textNodeName: '#text',
    trimValues: false,
    parseTagValue: false,
    parseAttributeValue: false,
    processEntities: false,
    htmlEntities: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    maxNestedTags: 100,
    // String paths in callbacks are cheaper than the default matcher objects (about 2× on a
    // document of many small elements), and the callbacks here ignore the path anyway.
    jPath: true,
    tagValueProcessor: decodeEntities,
    attributeValueProcessor: decodeEntities,
  });
}

// Whitespace between child elements is layout, not data (Go's struct decoding skips it too).
function dropLayout(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropLayout);
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  const text = o['#text'];
  if (typeof text === 'string' && text.trim() === '') delete o['#text'];
  for (const k of Object.keys(o)) if (k !== '#text') o[k] = dropLayout(o[k]);
  return Object.keys(o).length === 0 ? '' : o;
}

/**
 * Decodes an XML document into the root element's content (see the module doc).
 * @throws {BindingError} `EOF` for an empty body (Go's decoder), `XML syntax error: …` otherwise.
 */
export function unmarshalXML(body: Uint8Array, options: XMLOptions = {}): unknown {
  const text = new TextDecoder().decode(body);
  if (text.trim() === '') throw new BindingError('EOF');
  let doc: Record<string, unknown>;
  try {
    doc = xmlParser(options.attributePrefix ?? '@').parse(text, true) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof BindingError) throw err;
    const msg = err instanceof Error ? err.message : String(err);
    throw new BindingError(`XML syntax error: ${msg}`, [], err);
  }
  const root = Object.keys(doc).find((k) => k[0] !== '?' && k !== '#text');
  if (root === undefined) throw new BindingError('EOF');
  return dropLayout(doc[root]);
}

// ───────────────────────────── YAML ─────────────────────────────

// `[[[[…` nests the composer's recursion: 100k levels (200 kB) took seconds to overflow the
// stack, and even 1000 levels cost about 0.3 s, so deep flow nesting is refused up front (go-yaml
// v3 caps depth too, "exceeded max depth of 10000"). Block nesting needs indentation, which the
// body bound limits.
const maxYAMLDepth = 100;

// Counts flow brackets without tokenising: a bracket inside a quoted string counts too, so a
// document could be refused for a thousand unbalanced `[` in its strings — a price for a scan
// that cannot be fooled into the slow path.
function flowDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) {
      depth--;
    }
  }
  return false;
}

const yamlParseOptions = {
  maxAliasCount: 100,
  uniqueKeys: true,
  prettyErrors: false,
  resolveKnownTags: false,
  schema: 'core',
} as const;

/**
 * Decodes the first YAML document of `body`.
 * @throws {BindingError} `EOF` for a body without a document (goccy/go-yaml's decoder says so),
 *   the parser's first error otherwise (too many aliases included).
 */
export function unmarshalYAML(body: Uint8Array): unknown {
  const text = new TextDecoder().decode(body);
  if (flowDepthExceeds(text, maxYAMLDepth)) {
    throw new BindingError(`yaml: exceeded max depth of ${maxYAMLDepth}`);
  }
  let first: ReturnType<typeof parseAllDocuments>[number] | undefined;
  try {
    const docs = parseAllDocuments(text, yamlParseOptions);
    first = Array.isArray(docs) ? docs[0] : undefined;
    if (first === undefined) throw new BindingError('EOF');
    const err = first.errors[0];
    if (err !== undefined) throw new BindingError(`yaml: ${err.message}`, [], err);
    return first.toJS(yamlParseOptions);
  } catch (err) {
    if (err instanceof BindingError) throw err;
    const msg = err instanceof Error ? err.message : String(err);
    throw new BindingError(`yaml: ${msg}`, [], err);
  }
}

/**
 * Encodes `value` as YAML, block style, sequences flush with their key (`a:\n- 1`) as
 * goccy/go-yaml writes them. `undefined` members and functions are left out, as
 * `JSON.stringify` leaves them out.
 * @throws {Error} what `yaml` throws (a BigInt it cannot represent, for instance).
 */
export function marshalYAML(value: unknown): string {
  return stringifyYAML(value, { indentSeq: false, aliasDuplicateObjects: false }) ?? '';
}

// ───────────────────────────── TOML ─────────────────────────────

/**
 * Decodes a TOML document (with `smol-toml`).
 * @throws {BindingError} `toml: …` with the parser's message (its first line).
 */
export function unmarshalTOML(body: Uint8Array): unknown {
  try {
    return parseTOML(new TextDecoder().decode(body));
  } catch (err) {
    const msg = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    throw new BindingError(`toml: ${msg}`, [], err);
  }
}

// go-toml v2's needsQuoting: `'`, CR, LF and control characters other than tab rule out a literal.
function tomlNeedsQuoting(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x27 || c === 0x0d || c === 0x0a || c === 0x7f || (c < 0x20 && c !== 0x09)) {
      return true;
    }
  }
  return false;
}

const hex = '0123456789ABCDEF';

function tomlQuoted(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    switch (c) {
      case 0x5c:
        out += '\\\\';
        break;
      case 0x22:
        out += '\\"';
        break;
      case 0x08:
        out += '\\b';
        break;
      case 0x0c:
        out += '\\f';
        break;
      case 0x0a:
        out += '\\n';
        break;
      case 0x0d:
        out += '\\r';
        break;
      case 0x09:
        out += '\\t';
        break;
      default:
        out += c < 0x20 || c === 0x7f ? `\\u00${hex[c >> 4]}${hex[c & 15]}` : (s[i] as string);
    }
  }
  return `${out}"`;
}

function tomlString(s: string): string {
  return tomlNeedsQuoting(s) ? tomlQuoted(s) : `'${s}'`;
}

// go-toml v2's encodeKey: bare when [A-Za-z0-9_-]+, else literal, else basic-quoted.
function tomlKey(k: string): string {
  if (k === '') return "''";
  if (/^[A-Za-z0-9_-]+$/.test(k)) return k;
  return k.includes("'") || tomlNeedsQuoting(k) ? tomlQuoted(k) : `'${k}'`;
}

function isTable(v: unknown): v is Record<string, unknown> {
  return (
    v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    !(v instanceof Date) &&
    !(v instanceof Uint8Array)
  );
}

function tomlScalar(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return tomlString(v);
    case 'boolean':
    case 'bigint':
      return String(v);
    case 'number':
      if (Number.isNaN(v)) return 'nan';
      if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
      if (Number.isInteger(v)) return Math.abs(v) < 1e21 ? String(v) : BigInt(v).toString();
      // go-toml writes floats with 'f': never an exponent.
      return String(v).includes('e') ? v.toFixed(20).replace(/0+$/, '') : String(v);
    default:
      if (v instanceof Date) return v.toISOString().replace('.000Z', 'Z');
      throw new Error(`toml: unsupported type: ${v instanceof Uint8Array ? 'bytes' : typeof v}`);
  }
}

function tomlInline(v: unknown, seen: Set<object>): string {
  if (Array.isArray(v)) {
    if (seen.has(v)) throw new Error('toml: unsupported value: a cycle');
    seen.add(v);
    const items = v.filter((x) => x !== null && x !== undefined).map((x) => tomlInline(x, seen));
    seen.delete(v);
    return `[${items.join(', ')}]`;
  }
  if (isTable(v)) {
    if (seen.has(v)) throw new Error('toml: unsupported value: a cycle');
    seen.add(v);
    const kvs: string[] = [];
    for (const [k, x] of Object.entries(v)) {
      if (x !== null && x !== undefined) kvs.push(`${tomlKey(k)} = ${tomlInline(x, seen)}`);
    }
    seen.delete(v);
    return `{${kvs.join(', ')}}`;
  }
  return tomlScalar(v);
}

function isArrayOfTables(v: unknown): v is Record<string, unknown>[] {
  return Array.isArray(v) && v.length > 0 && v.every(isTable);
}

function tomlTable(
  t: Record<string, unknown>,
  path: string[],
  header: string | undefined,
  seen: Set<object>,
): string {
  if (seen.has(t)) throw new Error('toml: unsupported value: a cycle');
  seen.add(t);
  let out = header ?? '';
  let hasKV = false;
  const tables: [string, unknown][] = [];
  for (const [k, v] of Object.entries(t)) {
    if (v === null || v === undefined) continue;
    if (isTable(v) || isArrayOfTables(v)) {
      tables.push([k, v]);
      continue;
    }
    out += `${tomlKey(k)} = ${tomlInline(v, seen)}\n`;
    hasKV = true;
  }
  let first = true;
  for (const [k, v] of tables) {
    if (!first || hasKV) out += '\n';
    first = false;
    const sub = [...path, k];
    const name = sub.map(tomlKey).join('.');
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        if (i > 0) out += '\n';
        out += tomlTable(item as Record<string, unknown>, sub, `[[${name}]]\n`, seen);
      });
    } else {
      out += tomlTable(v as Record<string, unknown>, sub, `[${name}]\n`, seen);
    }
  }
  seen.delete(t);
  return out;
}

/**
 * Encodes a table (a plain object or `Map`-free object tree) as go-toml v2 writes it: literal
 * `'strings'` unless they hold `'` or control characters, key/values first, then `[tables]` and
 * `[[arrays of tables]]` each after a blank line; `null`/`undefined` members left out.
 * @throws {Error} `toml: …` when the top level is not a table, for a cycle, a function or bytes.
 */
export function marshalTOML(value: unknown): string {
  if (!isTable(value)) throw new Error('toml: the top level must be a table (an object)');
  return tomlTable(value, [], undefined, new Set());
}

// ─────────────────────────── Protocol Buffers ───────────────────────────

/** A message that encodes itself, as protobuf-es v1 messages do (`msg.toBinary()`). */
export interface ProtoMessage {
  /** The message's wire encoding. */
  toBinary(): Uint8Array;
}

/**
 * Encodes messages of type `T`: a protobufjs static class (`Msg.encode(m)` returns a writer with
 * `finish()`) or `{ encode: (m) => toBinary(Schema, m) }` for protobuf-es v2.
 */
export interface ProtoEncoder<T> {
  /** The encoding, or a protobufjs `Writer` to `finish()`. */
  encode(message: T):
    | Uint8Array
    | {
        /** The bytes the protobufjs `Writer` collected. */
        finish(): Uint8Array;
      };
}

/**
 * Decodes messages of type `T`: a protobufjs class (`Msg.decode(bytes)`), a protobuf-es v1 class
 * (`Msg.fromBinary(bytes)`), or `{ decode: (b) => fromBinary(Schema, b) }` for protobuf-es v2.
 */
export type ProtoDecoder<T> =
  | {
      /** protobufjs: the message decoded from its wire bytes. */
      decode(bytes: Uint8Array): T;
    }
  | {
      /** protobuf-es v1: the message decoded from its wire bytes. */
      fromBinary(bytes: Uint8Array): T;
    };

/**
 * The wire bytes for `message`: `codec.encode(message)` when a codec is given, else
 * `message.toBinary()`, else `message` itself when it already is a `Uint8Array`.
 * @throws {TypeError} for anything else (gin: `r.Data.(proto.Message)` fails); what the codec
 *   throws (protobufjs for a missing required field, as gin's TestRenderProtoBufFail).
 */
export function encodeProto<T>(message: T, codec?: ProtoEncoder<T>): Uint8Array {
  if (codec !== undefined) {
    const out = codec.encode(message);
    return out instanceof Uint8Array ? out : out.finish();
  }
  if (message instanceof Uint8Array) return message;
  const self = message as Partial<ProtoMessage> | null;
  if (self !== null && typeof self === 'object' && typeof self.toBinary === 'function') {
    return self.toBinary();
  }
  throw new TypeError(
    'gin: protoBuf needs a message with toBinary(), a Uint8Array, or a codec with encode()',
  );
}

/**
 * Decodes `body` with `decoder`.
 * @throws {BindingError} `obj is not ProtoMessage` (gin's words) when `decoder` can decode
 *   nothing; the decoder's error message otherwise.
 */
export function decodeProto<T>(body: Uint8Array, decoder: ProtoDecoder<T>): T {
  const d = decoder as Partial<{
    decode(bytes: Uint8Array): T;
    fromBinary(bytes: Uint8Array): T;
  }> | null;
  // A Standard Schema is no decoder, even one with a `decode` method (zod 4 has one).
  if (d === null || (typeof d !== 'object' && typeof d !== 'function') || '~standard' in d) {
    throw new BindingError('obj is not ProtoMessage');
  }
  try {
    if (typeof d.decode === 'function') return d.decode(body);
    if (typeof d.fromBinary === 'function') return d.fromBinary(body);
  } catch (err) {
    throw new BindingError(err instanceof Error ? err.message : String(err), [], err);
  }
  throw new BindingError('obj is not ProtoMessage');
}
