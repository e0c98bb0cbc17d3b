import { describe, expect, test } from 'bun:test';
import { newRequest } from '@servehttp/core-listener/httptest';
import { cleanPath, isCleanPath, isPlainCleanPath, pathClean } from './path.ts';

// Go: path.TestClean (src/path/path_test.go), the rows that start with a slash or are empty.
describe('pathClean', () => {
  test.each([
    { in: '', want: '.' },
    { in: '/', want: '/' },
    { in: '/abc', want: '/abc' },
    { in: '/abc/def', want: '/abc/def' },
    { in: '/abc/', want: '/abc' },
    { in: '//abc', want: '/abc' },
    { in: '/abc//def//ghi', want: '/abc/def/ghi' },
    { in: '/./abc', want: '/abc' },
    { in: '/abc/./def', want: '/abc/def' },
    { in: '/abc/../def', want: '/def' },
    { in: '/..', want: '/' },
    { in: '/../abc', want: '/abc' },
    { in: '/abc/def/../../..', want: '/' },
    { in: 'abc/../../def', want: '../def' },
  ])('$in → $want', ({ in: p, want }) => expect(pathClean(p)).toBe(want));
});

// The mux's one-loop fast path must say yes only where escapedPath() and cleanPath() would both
// hand the path back unchanged (Go's EscapedPath of a URL without RawPath, and cleanPath).
describe('isPlainCleanPath', () => {
  test.each([
    { p: '/', want: true },
    { p: '/hello', want: true },
    { p: '/user/1234567', want: true },
    { p: '/a/b/', want: true },
    { p: '/a-b_c.d~e$f&g+h,i:j;k=l@m', want: true },
    { p: '/a/.b/..c/...', want: true }, // dots inside or beyond `..` are plain elements
    { p: '', want: false },
    { p: 'a', want: false },
    { p: '//', want: false },
    { p: '/a//b', want: false },
    { p: '/a/./b', want: false },
    { p: '/a/../b', want: false },
    { p: '/a/.', want: false },
    { p: '/a/..', want: false },
    { p: '/a b', want: false }, // escapes to %20
    { p: '/a!b', want: false }, // Go escapes ! in paths
    { p: '/a%b', want: false },
    { p: '/é', want: false },
  ])('$p → $want', ({ p, want }) => {
    expect(isPlainCleanPath(p)).toBe(want);
    if (want) {
      expect(isCleanPath(p)).toBe(true);
      expect(cleanPath(p)).toBe(p);
      expect(newRequest('GET', `http://h${p}`).url.escapedPath()).toBe(p);
    }
  });
});
