import { describe, expect, test } from 'bun:test';
import {
  invalidFieldValueIndex,
  isToken,
  isTokenByte,
  isValidFieldName,
  isValidFieldValue,
} from './grammar.ts';

describe('tokens (RFC 9110 §5.6.2; Go httpguts.ValidHeaderFieldName)', () => {
  const rows: [s: string, ok: boolean][] = [
    ['GET', true],
    ['Content-Type', true],
    ["!#$%&'*+-.^_`|~09azAZ", true],
    ['', false],
    ['a b', false],
    ['a:b', false],
    ['a\tb', false],
    ['"quoted"', false],
    ['(x)', false],
    ['a/b', false],
    ['a,b', false],
    ['a;b', false],
    ['a=b', false],
    ['a@b', false],
    ['a[b]', false],
    ['a{b}', false],
    ['a\\b', false],
    ['a?b', false],
    ['\u00e9', false], // obs-text is not a tchar
    ['a\u0000', false],
    ['a\u007f', false],
    ['\u0100', false], // above 0xFF: no octet at all
  ];
  test.each(rows)('%p → %p', (s, ok) => {
    expect(isToken(s)).toBe(ok);
    expect(isValidFieldName(s)).toBe(ok);
  });

  test('isTokenByte agrees with isToken on every octet, and rejects out-of-range', () => {
    for (let b = 0; b < 256; b++) {
      expect(isTokenByte(b)).toBe(isToken(String.fromCharCode(b)));
    }
    expect(isTokenByte(256)).toBe(false);
    expect(isTokenByte(-1)).toBe(false);
  });
});

describe('field values (Go httpguts.ValidHeaderFieldValue)', () => {
  const rows: [s: string, badAt: number][] = [
    ['', -1],
    ['text/html; charset=utf-8', -1],
    ['a\tb', -1], // HTAB is allowed
    [' leading and trailing ', -1], // whitespace is allowed; trimming is the parser's job
    ['caf\u00e9', -1], // obs-text
    ['\u00ff', -1],
    ['a\rb', 1],
    ['a\nb', 1],
    ['\u0000', 0],
    ['ok\u007f', 2],
    ['x\u001f', 1],
    ['\u0100', 0],
  ];
  test.each(rows)('%p → first bad index %p', (s, badAt) => {
    expect(invalidFieldValueIndex(s)).toBe(badAt);
    expect(isValidFieldValue(s)).toBe(badAt === -1);
  });
});
