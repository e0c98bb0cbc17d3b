import { describe, expect, test } from 'bun:test';
import { checkFastPathAgrees, checkMutations, checkSplits } from './property.test-util.ts';

// Bounded runs keep `bun test` fast (and deterministic: fixed seeds); bench/http-parser/fuzz.ts
// runs the same properties for as long as you like with fresh seeds.
const RUNS = 150;

describe('properties over the valid corpus', () => {
  test('every valid message parses identically however it is split', () => {
    expect(() => checkSplits(RUNS, 4)).not.toThrow();
  });

  test('mutations either parse or give a ParseError with a known status, never throw otherwise or hang', () => {
    expect(() => checkMutations(RUNS, 4)).not.toThrow();
  });

  test('mutations give the same outcome whole (fast path) and byte by byte (general path)', () => {
    expect(() => checkFastPathAgrees(RUNS, 4)).not.toThrow();
  });
});
