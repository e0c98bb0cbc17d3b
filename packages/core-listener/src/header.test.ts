import { describe, expect, test } from 'bun:test';
import { canonicalHeaderKey, Header, InvalidHeaderError } from './header.ts';

describe('canonicalHeaderKey', () => {
  // Rows from Go's textproto TestCanonicalMIMEHeaderKey; every row is what Go returns.
  const rows: [input: string, want: string][] = [
    ['a-b-c', 'A-B-C'],
    ['a-1-c', 'A-1-C'],
    ['User-Agent', 'User-Agent'],
    ['uSER-aGENT', 'User-Agent'],
    ['user-agent', 'User-Agent'],
    ['USER-AGENT', 'User-Agent'],
    // Other valid tchar bytes in tokens: only a hyphen starts a new word.
    ['foo-bar_baz', 'Foo-Bar_baz'],
    ['foo-bar$baz', 'Foo-Bar$baz'],
    ['foo-bar~baz', 'Foo-Bar~baz'],
    ['foo-bar*baz', 'Foo-Bar*baz'],
    // Non-ASCII or anything with spaces or non-token chars is returned unchanged.
    ['üser-agenT', 'üser-agenT'],
    ['a B', 'a B'],
    // This caused a panic in Go due to mishandling of a space (go.dev/issue/34540).
    ['C Ontent-Transfer-Encoding', 'C Ontent-Transfer-Encoding'],
    ['foo bar', 'foo bar'],
    // Go canonicalizes WWW-Authenticate and ETag like any other name.
    ['WWW-Authenticate', 'Www-Authenticate'],
    ['ETag', 'Etag'],
    ['', ''],
    ['-', '-'],
    ['--x', '--X'],
    ['content-type', 'Content-Type'],
  ];
  test.each(rows)('%p → %p', (input, want) => {
    expect(canonicalHeaderKey(input)).toBe(want);
  });

  test('an already canonical key is returned as the same string', () => {
    const k = 'X-Custom-Thing';
    expect(canonicalHeaderKey(k)).toBe(k);
  });
});

describe('Header get / values / has', () => {
  // Go: Header.Get on a missing key is "", Values is empty; keys match in any case.
  const h = new Header();
  h.add('x-multi', 'a');
  h.add('X-MULTI', 'b');
  h.set('Content-Type', 'text/plain');
  h.set('X-Empty', '');

  const rows: [key: string, get: string, values: string[], has: boolean][] = [
    ['X-Multi', 'a', ['a', 'b'], true],
    ['x-multi', 'a', ['a', 'b'], true],
    ['content-type', 'text/plain', ['text/plain'], true],
    // Present with an empty value: get cannot tell, has can.
    ['X-Empty', '', [''], true],
    ['Missing', '', [], false],
    ['', '', [], false],
  ];
  test.each(rows)('%p', (key, get, values, present) => {
    expect(h.get(key)).toBe(get);
    expect([...h.values(key)]).toEqual(values);
    expect(h.has(key)).toBe(present);
  });
});

describe('Header mutation', () => {
  test('set replaces every value, add appends (Go Header.Set / Add)', () => {
    const h = new Header();
    h.add('A', '1');
    h.add('a', '2');
    h.set('A', '3');
    expect([...h.values('A')]).toEqual(['3']);
  });

  // The names set on every response are remembered between calls; what they answer must be what
  // the full check answers, in any spelling and order, and a bad name must still be refused.
  test('names set over and over keep their canonical form, and a bad one still throws', () => {
    const h = new Header();
    const names = [
      'content-type',
      'Content-Length',
      'content-type',
      'CONTENT-LENGTH',
      'x-b',
      'Vary',
    ];
    for (const n of names) h.add(n, 'v');
    expect([...h.keys()]).toEqual(['Content-Type', 'Content-Length', 'X-B', 'Vary']);
    expect(() => h.set('', 'v')).toThrow('invalid header field name ""');
    expect(() => h.set('Content Type', 'v')).toThrow('is not a token character');
    h.set('content-type', 'w');
    expect(h.values('Content-Type')).toEqual(['w']);
  });

  test('del and delete remove every value; deleting a missing key is fine', () => {
    const h = new Header({ A: ['1', '2'], B: '3' });
    h.del('a');
    h.delete('missing');
    expect(h.has('A')).toBe(false);
    expect([...h.keys()]).toEqual(['B']);
    h.delete('b');
    expect(h.size).toBe(0);
  });

  test('iteration is in insertion order with canonical keys', () => {
    const h = new Header();
    h.set('zeta', '1');
    h.set('alpha', '2');
    h.add('Zeta', '3');
    h.set('mid-Dle', '4');
    expect([...h]).toEqual([
      ['Zeta', ['1', '3']],
      ['Alpha', ['2']],
      ['Mid-Dle', ['4']],
    ]);
    expect(h.toJSON()).toEqual({ Zeta: ['1', '3'], Alpha: ['2'], 'Mid-Dle': ['4'] });
  });

  test('clone is deep: changing one never changes the other (Go Header.Clone)', () => {
    const h = new Header({ A: ['1'] });
    const c = h.clone();
    c.add('A', '2');
    c.set('B', 'x');
    h.add('A', 'orig');
    expect([...h.values('A')]).toEqual(['1', 'orig']);
    expect([...c.values('A')]).toEqual(['1', '2']);
    expect(h.has('B')).toBe(false);
  });

  test('constructor accepts a record, pairs, or another Header', () => {
    expect(new Header({ 'content-type': 'a', Vary: ['x', 'y'] }).toJSON()).toEqual({
      'Content-Type': ['a'],
      Vary: ['x', 'y'],
    });
    expect(
      new Header([
        ['a', '1'],
        ['A', '2'],
      ]).toJSON(),
    ).toEqual({ A: ['1', '2'] });
    const src = new Header({ X: '1' });
    const copy = new Header(src);
    src.add('X', '2');
    expect([...copy.values('X')]).toEqual(['1']);
  });

  test('the Trailer: prefix form is accepted and its suffix canonicalized', () => {
    const h = new Header();
    h.set('Trailer:x-checksum', 'abc');
    expect([...h.keys()]).toEqual(['Trailer:X-Checksum']);
    expect(h.get('Trailer:X-Checksum')).toBe('abc');
  });

  test('values are not trimmed (Go leaves them as set)', () => {
    const h = new Header();
    h.set('A', ' padded\t');
    expect(h.get('A')).toBe(' padded\t');
  });

  test('obs-text (0x80-0xFF) is a valid value byte', () => {
    const h = new Header();
    h.set('A', 'caf\u00e9');
    expect(h.get('A')).toBe('café');
  });
});

describe('Header with many fields (an index past eight names)', () => {
  // Go's http.Header is a map: order of insertion is ours (Go sorts on the wire), but every
  // lookup must behave the same whether a header holds 3 or 40 names, including after deletes.
  test.each([{ n: 3 }, { n: 8 }, { n: 9 }, { n: 40 }])('$n names', ({ n }) => {
    const h = new Header();
    const names = Array.from({ length: n }, (_, i) => `x-field-${i}`);
    for (const [i, k] of names.entries()) h.add(k, `v${i}`);
    h.add('x-field-0', 'again');
    expect(h.size).toBe(n);
    expect(h.values('X-Field-0')).toEqual(['v0', 'again']);
    for (let i = 1; i < n; i++) expect(h.get(names[i] as string)).toBe(`v${i}`);
    // Delete every other name while iterating: iteration sees the names as they were.
    const seen: string[] = [];
    for (const k of h.keys()) {
      seen.push(k);
      if (Number(k.slice(8)) % 2 === 1) h.delete(k);
    }
    expect(seen).toHaveLength(n);
    expect(h.size).toBe(Math.ceil(n / 2));
    for (let i = 0; i < n; i++) expect(h.has(names[i] as string)).toBe(i % 2 === 0);
    // set on a present name keeps its place; a re-added name goes last.
    h.set('X-Field-0', 'replaced');
    h.set('X-Field-1', 'back');
    expect([...h.keys()].at(0)).toBe('X-Field-0');
    expect([...h.keys()].at(-1)).toBe('X-Field-1');
    expect(h.get('x-field-0')).toBe('replaced');
    const copy = h.clone();
    copy.delete('X-Field-0');
    expect(h.get('X-Field-0')).toBe('replaced');
    expect(copy.has('X-Field-0')).toBe(false);
    expect(copy.get('X-Field-1')).toBe('back');
    expect(Object.keys(h.toJSON())).toEqual([...h.keys()]);
  });
});

describe('Header rejects what would break the wire (header injection)', () => {
  // Go's Header.Set does not validate; the server drops bad names and rewrites CR/LF on the wire.
  // servehttp refuses at the API instead, so a request value can never forge a response line.
  const badNames: [name: string, why: string][] = [
    ['', 'non-empty token'],
    ['Bad Name', "0x20 (' ') at index 3"],
    ['Bad:Name', "0x3A (':') at index 3"],
    ['X-Evil\r\nSet-Cookie', '0x0D (CR) at index 6'],
    ['Nul\u0000', '0x00 (NUL) at index 3'],
    ['Ünicode', 'not a token character'],
    ['(comment)', "0x28 ('(') at index 0"],
    // The prefix alone names no field: the colon is reported.
    ['Trailer:', "0x3A (':') at index 7"],
    ['Trailer:bad name', 'index 11'],
  ];
  test.each(badNames)('name %p', (name, why) => {
    for (const op of ['set', 'add'] as const) {
      let caught: unknown;
      try {
        new Header()[op](name, 'v');
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(InvalidHeaderError);
      expect(caught).toBeInstanceOf(TypeError);
      expect((caught as Error).message).toContain(`Header.${op}: invalid header field name`);
      expect((caught as Error).message).toContain(why);
    }
  });

  const badValues: [value: string, why: string][] = [
    ['a\r\nSet-Cookie: x=1', '0x0D (CR) at index 1'],
    ['a\nb', '0x0A (LF) at index 1'],
    ['a\rb', '0x0D (CR) at index 1'],
    ['nul\u0000', '0x00 (NUL) at index 3'],
    ['del\u007f', '0x7F (control character) at index 3'],
    ['bell\u0007', '0x07 (control character)'],
    ['snow\u2603man', 'U+2603 at index 4'],
    ['emoji \u{1F600}', 'byte strings (latin1)'],
  ];
  test.each(badValues)('value %p', (value, why) => {
    for (const op of ['set', 'add'] as const) {
      const h = new Header();
      expect(() => h[op]('X-Test', value)).toThrow(why);
      expect(() => h[op]('X-Test', value)).toThrow(
        `Header.${op}("X-Test"): invalid header field value`,
      );
      // Nothing half-written: the failed call left no trace.
      expect(h.has('X-Test')).toBe(false);
    }
  });

  test('non-string names and values are TypeErrors that say what was passed', () => {
    const h = new Header();
    expect(() => h.set(42 as unknown as string, 'v')).toThrow(
      'header name must be a string, got number',
    );
    expect(() => h.set('X-N', 7 as unknown as string)).toThrow(
      'header value must be a string, got number (use String(value) for numbers)',
    );
  });

  test('the constructor validates too, and rejects malformed entries', () => {
    expect(() => new Header({ 'Bad Name': 'x' })).toThrow(InvalidHeaderError);
    expect(() => new Header({ Ok: 'x\r\ny' })).toThrow(InvalidHeaderError);
    expect(() => new Header([['only-one'] as unknown as [string, string]])).toThrow(
      'each entry must be a [name, value] pair',
    );
  });

  test('a tab inside a value is allowed (HTAB is not a forbidden control)', () => {
    const h = new Header();
    h.set('X-Tab', 'a\tb');
    expect(h.get('X-Tab')).toBe('a\tb');
  });
});
