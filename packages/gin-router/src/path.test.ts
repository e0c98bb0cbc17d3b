import { describe, expect, test } from 'bun:test';
import { cleanPath, joinPaths, removeRepeatedChar } from './path.ts';

// gin path_test.go cleanTests: [path, result].
const cleanTests: [string, string][] = [
  // Already clean
  ['/', '/'],
  ['/abc', '/abc'],
  ['/a/b/c', '/a/b/c'],
  ['/abc/', '/abc/'],
  ['/a/b/c/', '/a/b/c/'],
  // missing root
  ['', '/'],
  ['a/', '/a/'],
  ['abc', '/abc'],
  ['abc/def', '/abc/def'],
  ['a/b/c', '/a/b/c'],
  // Remove doubled slash
  ['//', '/'],
  ['/abc//', '/abc/'],
  ['/abc/def//', '/abc/def/'],
  ['/a/b/c//', '/a/b/c/'],
  ['/abc//def//ghi', '/abc/def/ghi'],
  ['//abc', '/abc'],
  ['///abc', '/abc'],
  ['//abc//', '/abc/'],
  // Remove . elements
  ['.', '/'],
  ['./', '/'],
  ['/abc/./def', '/abc/def'],
  ['/./abc/def', '/abc/def'],
  ['/abc/.', '/abc/'],
  // Remove .. elements
  ['..', '/'],
  ['../', '/'],
  ['../../', '/'],
  ['../..', '/'],
  ['../../abc', '/abc'],
  ['/abc/def/ghi/../jkl', '/abc/def/jkl'],
  ['/abc/def/../ghi/../jkl', '/abc/jkl'],
  ['/abc/def/..', '/abc'],
  ['/abc/def/../..', '/'],
  ['/abc/def/../../..', '/'],
  ['/abc/def/../../..', '/'],
  ['/abc/def/../../../ghi/jkl/../../../mno', '/mno'],
  // Combinations
  ['abc/./../def', '/def'],
  ['abc//./../def', '/def'],
  ['abc/../../././../def', '/def'],
];

describe('cleanPath (gin TestPathClean)', () => {
  test.each(cleanTests)('%s → %s', (p, want) => {
    expect(cleanPath(p)).toBe(want);
    expect(cleanPath(want)).toBe(want); // idempotent
  });
  test('a clean path is returned unchanged (no allocation)', () => {
    const p = '/already/clean/path';
    expect(cleanPath(p)).toBe(p);
  });
});

describe('joinPaths and removeRepeatedChar (gin utils_test.go)', () => {
  const joins: [string, string, string][] = [
    ['', '', ''],
    ['', '/', '/'],
    ['/a', '', '/a'],
    ['/a/', '', '/a/'],
    ['/a/', '/', '/a/'],
    ['/a', '/', '/a/'],
    ['/a', '/hola', '/a/hola'],
    ['/a/', '/hola', '/a/hola'],
    ['/a/', '/hola/', '/a/hola/'],
    ['/a/', '/hola//', '/a/hola/'],
  ];
  test.each(joins)('joinPaths(%s, %s) → %s', (a, b, want) => expect(joinPaths(a, b)).toBe(want));
  const repeats: [string, string][] = [
    ['/', '/'],
    ['//', '/'],
    ['/a//b///c', '/a/b/c'],
    ['abc', 'abc'],
  ];
  test.each(repeats)('removeRepeatedChar(%s) → %s', (s, want) =>
    expect(removeRepeatedChar(s, '/')).toBe(want),
  );
});
