import { expect, test } from 'bun:test';
import { StaticRoutes } from './static-routes.ts';

// The filter may only ever say "maybe" for a present path: every registered path is found, and
// absent ones — of every length and last character, colliding or not — are not.
test('every registered path is found; absent paths are not', () => {
  const t = new StaticRoutes<number>();
  const present: string[] = [];
  for (let i = 0; i < 500; i++) present.push(`/r/${i.toString(36)}${i % 3 === 0 ? '/' : ''}`);
  present.push('', '/', '/status', '/very/deeply/nested/route/hello/there');
  present.forEach((p, i) => {
    t.set(p, i);
  });
  present.forEach((p, i) => {
    expect(t.get(p)).toBe(i);
  });
  for (const p of ['/r/zzzz', '/statu', '/Status', '/status/', '/event/42', '//', '/r/1x']) {
    expect(t.get(p)).toBeUndefined();
  }
  t.set('/status', -1);
  expect(t.get('/status')).toBe(-1);
});

// Paths of one length with one last and one middle character share a slot: the chain must keep
// every one of them, and a replaced value must not add a second entry.
test('paths that share a slot are chained, each found and replaced in place', () => {
  const t = new StaticRoutes<string>();
  const same = ['/a/x/b', '/c/x/b', '/e/x/b', '/z/x/b'];
  for (const p of same) t.set(p, p);
  for (const p of same) expect(t.get(p)).toBe(p);
  expect(t.get('/d/x/b')).toBeUndefined();
  t.set('/c/x/b', 'again');
  expect(same.map((p) => t.get(p))).toEqual(['/a/x/b', 'again', '/e/x/b', '/z/x/b']);
});
