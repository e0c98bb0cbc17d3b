import { describe, expect, test } from 'bun:test';
import { PatternError } from './errors.ts';
import {
  commonPath,
  compareMethods,
  comparePaths,
  conflictsWith,
  describeConflict,
  differencePath,
  inverseRelationship,
  type Pattern,
  parsePattern,
  type Relationship,
  type Segment,
} from './pattern.ts';

const lit = (s: string): Segment => ({ s, wild: false, multi: false });
const wild = (s: string): Segment => ({ s, wild: true, multi: false });
const multi = (s: string): Segment => ({ s, wild: true, multi: true });

function parts(p: Pattern): { method: string; host: string; segments: readonly Segment[] } {
  return { method: p.method, host: p.host, segments: p.segments };
}

// Go: TestParsePattern.
describe('parsePattern', () => {
  test.each<[string, string, string, Segment[]]>([
    ['/', '', '', [multi('')]],
    ['/a', '', '', [lit('a')]],
    ['/a/', '', '', [lit('a'), multi('')]],
    ['/path/to/something', '', '', [lit('path'), lit('to'), lit('something')]],
    ['/{w1}/lit/{w2}', '', '', [wild('w1'), lit('lit'), wild('w2')]],
    ['/{w1}/lit/{w2}/', '', '', [wild('w1'), lit('lit'), wild('w2'), multi('')]],
    ['example.com/', '', 'example.com', [multi('')]],
    ['GET /', 'GET', '', [multi('')]],
    ['POST example.com/foo/{w}', 'POST', 'example.com', [lit('foo'), wild('w')]],
    ['/{$}', '', '', [lit('/')]],
    [
      'DELETE example.com/a/{foo12}/{$}',
      'DELETE',
      'example.com',
      [lit('a'), wild('foo12'), lit('/')],
    ],
    ['/foo/{$}', '', '', [lit('foo'), lit('/')]],
    ['/{a}/foo/{rest...}', '', '', [wild('a'), lit('foo'), multi('rest')]],
    ['//', '', '', [lit(''), multi('')]],
    ['/foo///./../bar', '', '', [lit('foo'), lit(''), lit(''), lit('.'), lit('..'), lit('bar')]],
    ['a.com/foo//', '', 'a.com', [lit('foo'), lit(''), multi('')]],
    // Literal segments are unescaped; a bad escape stays as written.
    ['/%61%62/%7b/%', '', '', [lit('ab'), lit('{'), lit('%')]],
    // Spaces and tabs between method and path ([ \t]+).
    ['GET\t  /', 'GET', '', [multi('')]],
    ['POST \t  example.com/foo/{w}', 'POST', 'example.com', [lit('foo'), wild('w')]],
    [
      'DELETE    \texample.com/a/{foo12}/{$}',
      'DELETE',
      'example.com',
      [lit('a'), wild('foo12'), lit('/')],
    ],
    // Wildcard names are Go identifiers, Unicode letters included.
    ['/{ünï_1}', '', '', [wild('ünï_1')]],
  ])('%j', (input, method, host, segments) => {
    expect(parts(parsePattern(input))).toEqual({ method, host, segments });
  });
});

// Go: TestParsePatternError.
describe('parsePattern errors', () => {
  test.each<[string, string]>([
    ['', 'empty pattern'],
    ['A=B /', 'at offset 0: invalid method'],
    [' ', 'at offset 1: host/path missing /'],
    ['/{w}x', 'at offset 1: bad wildcard segment'],
    ['/x{w}', 'at offset 1: bad wildcard segment'],
    ['/{wx', 'at offset 1: bad wildcard segment'],
    ['/a/{/}/c', 'at offset 3: bad wildcard segment'],
    ['/a/{%61}/c', 'at offset 3: bad wildcard name'], // wildcard names aren't unescaped
    ['/{a$}', 'at offset 1: bad wildcard name'],
    ['/{}', 'at offset 1: empty wildcard'],
    ['POST a.com/x/{}/y', 'at offset 13: empty wildcard'],
    ['/{...}', 'at offset 1: empty wildcard'],
    ['/{$...}', 'at offset 1: bad wildcard'],
    ['/{$}/', 'at offset 1: {$} not at end'],
    ['/{$}/x', 'at offset 1: {$} not at end'],
    ['/abc/{$}/x', 'at offset 5: {$} not at end'],
    ['/{a...}/', 'at offset 1: {...} wildcard not at end'],
    ['/{a...}/x', 'at offset 1: {...} wildcard not at end'],
    ['{a}/b', "at offset 0: host contains '{' (missing initial '/'?)"],
    ['/a/{x}/b/{x...}', 'at offset 9: duplicate wildcard name'],
    ['GET //', 'at offset 4: non-CONNECT pattern with unclean path'],
    ['/{1x}', 'at offset 1: bad wildcard name "1x"'],
  ])('%j → %s', (input, want) => {
    expect(() => parsePattern(input)).toThrow(PatternError);
    expect(() => parsePattern(input)).toThrow(want);
  });

  test('the error carries the offset and Go’s "parsing" prefix', () => {
    try {
      parsePattern('POST a.com/x/{}/y');
      throw new Error('no error');
    } catch (err) {
      expect(err).toBeInstanceOf(PatternError);
      expect((err as PatternError).offset).toBe(13);
      expect((err as PatternError).message).toBe(
        'servemux: parsing "POST a.com/x/{}/y": at offset 13: empty wildcard',
      );
    }
  });
});

// Go: TestCompareMethods. Each row is also checked the other way round.
describe('compareMethods', () => {
  test.each<[string, string, Relationship]>([
    ['/', '/', 'equivalent'],
    ['GET /', 'GET /', 'equivalent'],
    ['HEAD /', 'HEAD /', 'equivalent'],
    ['POST /', 'POST /', 'equivalent'],
    ['GET /', 'POST /', 'disjoint'],
    ['GET /', '/', 'moreSpecific'],
    ['HEAD /', '/', 'moreSpecific'],
    ['GET /', 'HEAD /', 'moreGeneral'],
  ])('%s vs %s: %s', (a, b, want) => {
    const p1 = parsePattern(a);
    const p2 = parsePattern(b);
    expect(compareMethods(p1, p2)).toBe(want);
    expect(compareMethods(p2, p1)).toBe(inverseRelationship(want));
  });
});

// Go: TestComparePaths. Each pattern must equal itself; each row is checked both ways.
describe('comparePaths', () => {
  test.each<[string, string, Relationship]>([
    // A literal is more specific than anything it overlaps, except itself.
    ['/a', '/a', 'equivalent'],
    ['/a', '/b', 'disjoint'],
    ['/a', '/', 'moreSpecific'],
    ['/a', '/{$}', 'disjoint'],
    ['/a', '/{x}', 'moreSpecific'],
    ['/a', '/{x...}', 'moreSpecific'],
    // Adding a segment doesn't change that.
    ['/b/a', '/b/a', 'equivalent'],
    ['/b/a', '/b/b', 'disjoint'],
    ['/b/a', '/b/', 'moreSpecific'],
    ['/b/a', '/b/{$}', 'disjoint'],
    ['/b/a', '/b/{x}', 'moreSpecific'],
    ['/b/a', '/b/{x...}', 'moreSpecific'],
    ['/{z}/a', '/{z}/a', 'equivalent'],
    ['/{z}/a', '/{z}/b', 'disjoint'],
    ['/{z}/a', '/{z}/', 'moreSpecific'],
    ['/{z}/a', '/{z}/{$}', 'disjoint'],
    ['/{z}/a', '/{z}/{x}', 'moreSpecific'],
    ['/{z}/a', '/{z}/{x...}', 'moreSpecific'],
    // Single wildcard on the left.
    ['/{z}', '/a', 'moreGeneral'],
    ['/{z}', '/a/b', 'disjoint'],
    ['/{z}', '/{$}', 'disjoint'],
    ['/{z}', '/{x}', 'equivalent'],
    ['/{z}', '/', 'moreSpecific'],
    ['/{z}', '/{x...}', 'moreSpecific'],
    ['/b/{z}', '/b/a', 'moreGeneral'],
    ['/b/{z}', '/b/a/b', 'disjoint'],
    ['/b/{z}', '/b/{$}', 'disjoint'],
    ['/b/{z}', '/b/{x}', 'equivalent'],
    ['/b/{z}', '/b/', 'moreSpecific'],
    ['/b/{z}', '/b/{x...}', 'moreSpecific'],
    // Trailing slash on the left.
    ['/', '/a', 'moreGeneral'],
    ['/', '/a/b', 'moreGeneral'],
    ['/', '/{$}', 'moreGeneral'],
    ['/', '/{x}', 'moreGeneral'],
    ['/', '/', 'equivalent'],
    ['/', '/{x...}', 'equivalent'],
    ['/b/', '/b/a', 'moreGeneral'],
    ['/b/', '/b/a/b', 'moreGeneral'],
    ['/b/', '/b/{$}', 'moreGeneral'],
    ['/b/', '/b/{x}', 'moreGeneral'],
    ['/b/', '/b/', 'equivalent'],
    ['/b/', '/b/{x...}', 'equivalent'],
    ['/{z}/', '/{z}/a', 'moreGeneral'],
    ['/{z}/', '/{z}/a/b', 'moreGeneral'],
    ['/{z}/', '/{z}/{$}', 'moreGeneral'],
    ['/{z}/', '/{z}/{x}', 'moreGeneral'],
    ['/{z}/', '/{z}/', 'equivalent'],
    ['/{z}/', '/a/', 'moreGeneral'],
    ['/{z}/', '/{z}/{x...}', 'equivalent'],
    ['/{z}/', '/a/{x...}', 'moreGeneral'],
    ['/a/{z}/', '/{z}/a/', 'overlaps'],
    ['/a/{z}/b/', '/{x}/c/{y...}', 'overlaps'],
    // Multi wildcard on the left.
    ['/{m...}', '/a', 'moreGeneral'],
    ['/{m...}', '/a/b', 'moreGeneral'],
    ['/{m...}', '/{$}', 'moreGeneral'],
    ['/{m...}', '/{x}', 'moreGeneral'],
    ['/{m...}', '/', 'equivalent'],
    ['/{m...}', '/{x...}', 'equivalent'],
    ['/b/{m...}', '/b/a', 'moreGeneral'],
    ['/b/{m...}', '/b/a/b', 'moreGeneral'],
    ['/b/{m...}', '/b/{$}', 'moreGeneral'],
    ['/b/{m...}', '/b/{x}', 'moreGeneral'],
    ['/b/{m...}', '/b/', 'equivalent'],
    ['/b/{m...}', '/b/{x...}', 'equivalent'],
    ['/b/{m...}', '/a/{x...}', 'disjoint'],
    ['/{z}/{m...}', '/{z}/a', 'moreGeneral'],
    ['/{z}/{m...}', '/{z}/a/b', 'moreGeneral'],
    ['/{z}/{m...}', '/{z}/{$}', 'moreGeneral'],
    ['/{z}/{m...}', '/{z}/{x}', 'moreGeneral'],
    ['/{z}/{m...}', '/{w}/', 'equivalent'],
    ['/{z}/{m...}', '/a/', 'moreGeneral'],
    ['/{z}/{m...}', '/{z}/{x...}', 'equivalent'],
    ['/{z}/{m...}', '/a/{x...}', 'moreGeneral'],
    ['/a/{m...}', '/a/b/{y...}', 'moreGeneral'],
    ['/a/{m...}', '/a/{x}/{y...}', 'moreGeneral'],
    ['/a/{z}/{m...}', '/a/b/{y...}', 'moreGeneral'],
    ['/a/{z}/{m...}', '/{z}/a/', 'overlaps'],
    ['/a/{z}/{m...}', '/{z}/b/{y...}', 'overlaps'],
    ['/a/{z}/b/{m...}', '/{x}/c/{y...}', 'overlaps'],
    ['/a/{z}/a/{m...}', '/{x}/b', 'disjoint'],
    // Dollar on the left.
    ['/{$}', '/a', 'disjoint'],
    ['/{$}', '/a/b', 'disjoint'],
    ['/{$}', '/{$}', 'equivalent'],
    ['/{$}', '/{x}', 'disjoint'],
    ['/{$}', '/', 'moreSpecific'],
    ['/{$}', '/{x...}', 'moreSpecific'],
    ['/b/{$}', '/b', 'disjoint'],
    ['/b/{$}', '/b/a', 'disjoint'],
    ['/b/{$}', '/b/a/b', 'disjoint'],
    ['/b/{$}', '/b/{$}', 'equivalent'],
    ['/b/{$}', '/b/{x}', 'disjoint'],
    ['/b/{$}', '/b/', 'moreSpecific'],
    ['/b/{$}', '/b/{x...}', 'moreSpecific'],
    ['/b/{$}', '/b/c/{x...}', 'disjoint'],
    ['/b/{x}/a/{$}', '/{x}/c/{y...}', 'overlaps'],
    ['/{x}/b/{$}', '/a/{x}/{y}', 'disjoint'],
    ['/{x}/b/{$}', '/a/{x}/c', 'disjoint'],
    ['/{z}/{$}', '/{z}/a', 'disjoint'],
    ['/{z}/{$}', '/{z}/a/b', 'disjoint'],
    ['/{z}/{$}', '/{z}/{$}', 'equivalent'],
    ['/{z}/{$}', '/{z}/{x}', 'disjoint'],
    ['/{z}/{$}', '/{z}/', 'moreSpecific'],
    ['/{z}/{$}', '/a/', 'overlaps'],
    ['/{z}/{$}', '/a/{x...}', 'overlaps'],
    ['/{z}/{$}', '/{z}/{x...}', 'moreSpecific'],
    ['/a/{z}/{$}', '/{z}/a/', 'overlaps'],
  ])('%s vs %s: %s', (a, b, want) => {
    const p1 = parsePattern(a);
    const p2 = parsePattern(b);
    expect(comparePaths(p1, p1)).toBe('equivalent');
    expect(comparePaths(p2, p2)).toBe('equivalent');
    expect(comparePaths(p1, p2)).toBe(want);
    expect(comparePaths(p2, p1)).toBe(inverseRelationship(want));
  });
});

// Go: TestConflictsWith — "conflicts" and "does not conflict" rows; conflict is symmetric.
describe('conflictsWith', () => {
  test.each<[string, string, boolean]>([
    ['/a', '/a', true],
    ['/a', '/ab', false],
    ['/a/b/cd', '/a/b/cd', true],
    ['/a/b/cd', '/a/b/c', false],
    ['/a/b/c', '/a/c/c', false],
    ['/{x}', '/{y}', true],
    ['/{x}', '/a', false], // more specific
    ['/{x}/{y}', '/{x}/a', false],
    ['/{x}/{y}', '/{x}/a/b', false],
    ['/{x}', '/a/{y}', false],
    ['/{x}/{y}', '/{x}/a/', false],
    ['/{x}', '/a/{y...}', false], // more specific
    ['/{x}/a/{y}', '/{x}/a/{y...}', false], // more specific
    ['/{x}/{y}', '/{x}/a/{$}', false], // more specific
    ['/{x}/{y}/{$}', '/{x}/a/{$}', false],
    ['/a/{x}', '/{x}/b', true],
    ['/', 'GET /', false],
    ['/', 'GET /foo', false],
    ['GET /', 'GET /foo', false],
    ['GET /', '/foo', true],
    ['GET /foo', 'HEAD /', true],
    // A host pattern always wins over a host-less one; two hosts never meet.
    ['a.com/x', '/x', false],
    ['a.com/x', 'b.com/x', false],
    ['a.com/{x}', 'a.com/{y}', true],
  ])('%s vs %s: %p', (a, b, want) => {
    const p1 = parsePattern(a);
    const p2 = parsePattern(b);
    expect(conflictsWith(p1, p2)).toBe(want);
    expect(conflictsWith(p2, p1)).toBe(want);
  });
});

// Go: TestDescribeConflict.
describe('describeConflict', () => {
  test.each<[string, string, string]>([
    ['/a/{x}', '/a/{y}', 'the same requests'],
    ['/', '/{m...}', 'the same requests'],
    ['/a/{x}', '/{y}/b', 'both match some paths'],
    ['/a', 'GET /{x}', 'matches more methods than GET /{x}, but has a more specific path pattern'],
    ['GET /a', 'HEAD /', 'matches more methods than HEAD /, but has a more specific path pattern'],
    ['POST /', '/a', 'matches fewer methods than /a, but has a more general path pattern'],
  ])('%s vs %s', (a, b, want) => {
    expect(describeConflict(parsePattern(a), parsePattern(b))).toContain(want);
  });

  test('overlapping paths: a common path and one path each, in Go’s layout', () => {
    expect(describeConflict(parsePattern('/a/{x}'), parsePattern('/{y}/b'))).toBe(
      '/a/{x} and /{y}/b both match some paths, like "/a/b".\n' +
        'But neither is more specific than the other.\n' +
        '/a/{x} matches "/a/x", but /{y}/b doesn\'t.\n' +
        '/{y}/b matches "/y/b", but /a/{x} doesn\'t.',
    );
  });
});

// Go: TestCommonPath. The rows must overlap.
describe('commonPath', () => {
  test.each<[string, string, string]>([
    ['/a/{x}', '/{x}/a', '/a/a'],
    ['/a/{z}/', '/{z}/a/', '/a/a/'],
    ['/a/{z}/{m...}', '/{z}/a/', '/a/a/'],
    ['/{z}/{$}', '/a/', '/a/'],
    ['/{z}/{$}', '/a/{x...}', '/a/'],
    ['/a/{z}/{$}', '/{z}/a/', '/a/a/'],
    ['/a/{x}/b/{y...}', '/{x}/c/{y...}', '/a/c/b/'],
    ['/a/{x}/b/', '/{x}/c/{y...}', '/a/c/b/'],
    ['/a/{x}/b/{$}', '/{x}/c/{y...}', '/a/c/b/'],
    ['/a/{z}/{x...}', '/{z}/b/{y...}', '/a/b/'],
  ])('%s vs %s → %s', (a, b, want) => {
    const p1 = parsePattern(a);
    const p2 = parsePattern(b);
    expect(comparePaths(p1, p2)).toBe('overlaps');
    expect(commonPath(p1, p2)).toBe(want);
  });
});

// Go: TestDifferencePath. The rows must overlap or be more general.
describe('differencePath', () => {
  test.each<[string, string, string]>([
    ['/a/{x}', '/{x}/a', '/a/x'],
    ['/{x}/a', '/a/{x}', '/x/a'],
    ['/a/{z}/', '/{z}/a/', '/a/z/'],
    ['/{z}/a/', '/a/{z}/', '/z/a/'],
    ['/{a}/a/', '/a/{z}/', '/ax/a/'],
    ['/a/{z}/{x...}', '/{z}/b/{y...}', '/a/z/'],
    ['/{z}/b/{y...}', '/a/{z}/{x...}', '/z/b/'],
    ['/a/b/', '/a/b/c', '/a/b/'],
    ['/a/b/{x...}', '/a/b/c', '/a/b/'],
    ['/a/b/{x...}', '/a/b/c/d', '/a/b/'],
    ['/a/b/{x...}', '/a/b/c/d/', '/a/b/'],
    ['/a/{z}/{m...}', '/{z}/a/', '/a/z/'],
    ['/{z}/a/', '/a/{z}/{m...}', '/z/a/'],
    ['/{z}/{$}', '/a/', '/z/'],
    ['/a/', '/{z}/{$}', '/a/x'],
    ['/{z}/{$}', '/a/{x...}', '/z/'],
    ['/a/{foo...}', '/{z}/{$}', '/a/foo'],
    ['/a/{z}/{$}', '/{z}/a/', '/a/z/'],
    ['/{z}/a/', '/a/{z}/{$}', '/z/a/x'],
    ['/a/{x}/b/{y...}', '/{x}/c/{y...}', '/a/x/b/'],
    ['/{x}/c/{y...}', '/a/{x}/b/{y...}', '/x/c/'],
    ['/a/{c}/b/', '/{x}/c/{y...}', '/a/cx/b/'],
    ['/{x}/c/{y...}', '/a/{c}/b/', '/x/c/'],
    ['/a/{x}/b/{$}', '/{x}/c/{y...}', '/a/x/b/'],
    ['/{x}/c/{y...}', '/a/{x}/b/{$}', '/x/c/'],
  ])('%s vs %s → %s', (a, b, want) => {
    const p1 = parsePattern(a);
    const p2 = parsePattern(b);
    expect(['overlaps', 'moreGeneral']).toContain(comparePaths(p1, p2));
    expect(differencePath(p1, p2)).toBe(want);
  });
});
