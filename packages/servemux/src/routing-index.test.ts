import { expect, test } from 'bun:test';
import { conflictsWith, type Pattern, parsePattern } from './pattern.ts';
import { RoutingIndex } from './routing-index.ts';

// Go: TestIndex — generate every kind of pattern up to a few segments and compare the conflicts
// found through the index with those found by comparing against every earlier pattern.
function generatePatterns(maxSegs: number): Pattern[] {
  const methods = ['', 'GET ', 'HEAD ', 'POST '];
  const hosts = ['', 'h1', 'h2'];
  const segs = ['/a', '/b', '/{x}'];
  const finals = ['/a', '/b', '/{f}', '/{m...}', '/{$}'];
  let middles = [''];
  const all = [''];
  for (let i = 0; i < maxSegs; i++) {
    middles = middles.flatMap((m) => segs.map((s) => m + s));
    all.push(...middles);
  }
  const out: Pattern[] = [];
  for (const m of methods) {
    for (const h of hosts) {
      for (const mid of all) {
        for (const f of finals) {
          let wc = 0;
          // Duplicate wildcard names are invalid: number them.
          const s = `${m}${h}${mid}${f}`.replace(/\{x\}/g, () => `{x${wc++}}`);
          out.push(parsePattern(s));
        }
      }
    }
  }
  return out;
}

test('index candidates include every true conflict (vs brute force)', () => {
  // Go generates up to 3 middle segments (2400 patterns); 2 (780) keeps this test well under a
  // second while still covering every kind of segment at every position that matters.
  const patterns = generatePatterns(2);
  expect(patterns.length).toBe(780);
  const idx = new RoutingIndex();
  let conflicts = 0;
  patterns.forEach((pat, i) => {
    const want = patterns
      .slice(0, i)
      .filter((p) => conflictsWith(pat, p))
      .map((p) => p.str)
      .sort();
    const got = [
      ...new Set(
        idx
          .candidates(pat)
          .filter((p) => conflictsWith(pat, p))
          .map((p) => p.str),
      ),
    ].sort();
    expect(got).toEqual(want);
    conflicts += want.length;
    idx.add(pat);
  });
  // The generator makes many conflicting pairs; a test that found none would prove nothing.
  expect(conflicts).toBeGreaterThan(1000);
});

test('candidates skip patterns with a different literal', () => {
  const idx = new RoutingIndex();
  for (const s of ['/a/b', '/a/{x}', '/c/', '/z/b']) idx.add(parsePattern(s));
  const got = idx.candidates(parsePattern('/a/d')).map((p) => p.str);
  expect(got.sort()).toEqual(['/a/{x}', '/c/']);
});
