import { describe, expect, test } from 'bun:test';
import { notFoundHandler } from './helpers.ts';
import { pathUnescape } from './path.ts';
import { comparePaths, conflictsWith, type Pattern, parsePattern } from './pattern.ts';
import { RoutingTree } from './tree.ts';

function buildTree(...patterns: string[]): RoutingTree {
  const t = new RoutingTree();
  for (const p of patterns) t.add(parsePattern(p), notFoundHandler());
  return t;
}

// Go: TestRoutingAddPattern — the golden printout of the tree.
test('tree layout (golden)', () => {
  const t = buildTree(
    '/a',
    '/a/b',
    '/a/{x}',
    '/g/h/i',
    '/g/{x}/j',
    '/a/b/{x...}',
    '/a/b/{y}',
    '/a/b/{$}',
  );
  expect(t.dump()).toBe(`"":
    "":
        "a":
            "/a"
            "":
                "/a/{x}"
            "b":
                "/a/b"
                "":
                    "/a/b/{y}"
                "/":
                    "/a/b/{$}"
                MULTI:
                    "/a/b/{x...}"
        "g":
            "":
                "j":
                    "/g/{x}/j"
            "h":
                "i":
                    "/g/h/i"
`);
});

type Row = [method: string, host: string, path: string, pattern: string, values: string[]];

function check(t: RoutingTree, [method, host, path, pattern, values]: Row): void {
  const r = t.match(host, method, path);
  expect(r?.pattern.str ?? '').toBe(pattern);
  if (r !== undefined) {
    expect(t.values.slice(0, t.nvalues)).toEqual(values);
    expect(r.names.length).toBe(values.length);
  }
}

// Go: TestRoutingNodeMatch.
describe('match', () => {
  const first = buildTree(
    '/a',
    '/a/b',
    '/a/{x}',
    '/g/h/i',
    '/g/{x}/j',
    '/a/b/{x...}',
    '/a/b/{y}',
    '/a/b/{$}',
  );
  test.each<Row>([
    ['GET', '', '/a', '/a', []],
    ['Get', '', '/b', '', []],
    ['Get', '', '/a/b', '/a/b', []],
    ['Get', '', '/a/c', '/a/{x}', ['c']],
    ['Get', '', '/a/b/', '/a/b/{$}', []],
    ['Get', '', '/a/b/c', '/a/b/{y}', ['c']],
    ['Get', '', '/a/b/c/d', '/a/b/{x...}', ['c/d']],
    ['Get', '', '/g/h/i', '/g/h/i', []],
    ['Get', '', '/g/h/j', '/g/{x}/j', ['h']], // backtracks out of the literal h
  ])('first tree: %s %s%s → %j', (m, h, p, pat, v) => check(first, [m, h, p, pat, v]));

  const second = buildTree(
    '/item/',
    'POST /item/{user}',
    'GET /item/{user}',
    '/item/{user}',
    '/item/{user}/{id}',
    '/item/{user}/new',
    '/item/{$}',
    'POST alt.com/item/{user}',
    'GET /headwins',
    'HEAD /headwins',
    '/path/{p...}',
  );
  test.each<Row>([
    ['GET', '', '/item/jba', 'GET /item/{user}', ['jba']],
    ['POST', '', '/item/jba', 'POST /item/{user}', ['jba']],
    ['HEAD', '', '/item/jba', 'GET /item/{user}', ['jba']],
    ['get', '', '/item/jba', '/item/{user}', ['jba']], // methods are case-sensitive
    ['POST', '', '/item/jba/17', '/item/{user}/{id}', ['jba', '17']],
    ['GET', '', '/item/jba/new', '/item/{user}/new', ['jba']],
    ['GET', '', '/item/', '/item/{$}', []],
    ['GET', '', '/item/jba/17/line2', '/item/', []],
    ['POST', 'alt.com', '/item/jba', 'POST alt.com/item/{user}', ['jba']],
    ['GET', 'alt.com', '/item/jba', 'GET /item/{user}', ['jba']],
    ['GET', '', '/item', '', []], // does not match
    ['GET', '', '/headwins', 'GET /headwins', []],
    ['HEAD', '', '/headwins', 'HEAD /headwins', []], // HEAD is more specific than GET
    ['GET', '', '/path/to/file', '/path/{p...}', ['to/file']],
    ['GET', '', '/path/*', '/path/{p...}', ['*']],
  ])('second tree: %s %s%s → %j', (m, h, p, pat, v) => check(second, [m, h, p, pat, v]));

  // A pattern ending in {$} matches only the trailing slash; a single wildcard never does; a
  // multi wildcard matches both; all three together.
  const dollar = '/a/b/{$}';
  const single = '/a/b/{w}';
  const multi = '/a/b/{w...}';
  test.each<[string, Row]>([
    [dollar, ['GET', '', '/a/b', '', []]],
    [dollar, ['GET', '', '/a/b/', dollar, []]],
    [dollar, ['GET', '', '/a/b/c', '', []]],
    [dollar, ['GET', '', '/a/b/c/d', '', []]],
    [single, ['GET', '', '/a/b', '', []]],
    [single, ['GET', '', '/a/b/', '', []]],
    [single, ['GET', '', '/a/b/c', single, ['c']]],
    [single, ['GET', '', '/a/b/c/d', '', []]],
    [multi, ['GET', '', '/a/b', '', []]],
    [multi, ['GET', '', '/a/b/', multi, ['']]],
    [multi, ['GET', '', '/a/b/c', multi, ['c']]],
    [multi, ['GET', '', '/a/b/c/d', multi, ['c/d']]],
  ])('%s alone: %j', (p, row) => check(buildTree(p), row));

  const all = buildTree(dollar, single, multi);
  test.each<Row>([
    ['GET', '', '/a/b', '', []],
    ['GET', '', '/a/b/', dollar, []],
    ['GET', '', '/a/b/c', single, ['c']],
    ['GET', '', '/a/b/c/d', multi, ['c/d']],
  ])('all three: %s %s%s → %j', (m, h, p, pat, v) => check(all, [m, h, p, pat, v]));

  // Segments are unescaped one by one: %2F stays inside its segment (Go issue 21955).
  const escaped = buildTree('/a%2Fb/{x}', '/a/b/{x}', '/files/{rest...}', '/%C3%A9t%C3%A9');
  test.each<Row>([
    ['GET', '', '/a%2Fb/c', '/a%2Fb/{x}', ['c']],
    ['GET', '', '/a/b/c', '/a/b/{x}', ['c']],
    ['GET', '', '/a/b/c%2Fd', '/a/b/{x}', ['c/d']],
    ['GET', '', '/a/b/%7e', '/a/b/{x}', ['~']],
    ['GET', '', '/files/x%2Fy/z', '/files/{rest...}', ['x/y/z']],
    ['GET', '', '/%c3%a9t%c3%a9', '/%C3%A9t%C3%A9', []],
    ['GET', '', '/été', '/%C3%A9t%C3%A9', []], // a raw non-ASCII segment equal to the key
  ])('escapes: %s %s%s → %j', (m, h, p, pat, v) => check(escaped, [m, h, p, pat, v]));

  test('more than eight literal children switch to a map and still match', () => {
    const pats = Array.from({ length: 20 }, (_, i) => `/k${i}/{x}`);
    const t = buildTree(...pats, '/k3/static');
    check(t, ['GET', '', '/k17/v', '/k17/{x}', ['v']]);
    check(t, ['GET', '', '/k3/static', '/k3/static', []]);
    check(t, ['GET', '', '/k3/other', '/k3/{x}', ['other']]);
    check(t, ['GET', '', '/k%31%37/v', '/k17/{x}', ['v']]);
    check(t, ['GET', '', '/k20/v', '', []]);
  });

  test('a static hit reports no values, even after a match that had some', () => {
    const t = buildTree('/a/{x}', '/b');
    check(t, ['GET', '', '/a/1', '/a/{x}', ['1']]);
    check(t, ['GET', '', '/b', '/b', []]);
    expect(t.nvalues).toBe(0);
  });
});

// The walk compares plain literal keys in place and leaves the rest (a trailing slash, an empty
// segment, a `%` in the segment, a node with a Map) to the general lookup. These rows follow
// Go's routing_tree.go: each segment is unescaped on its own (`firstSegment` → `pathUnescape`,
// which keeps a segment with a malformed escape as it is), literals before `{x}` before
// `{x...}`, and a failed branch is backtracked out of.
describe('the walk: literal keys compared in place', () => {
  const t = buildTree(
    '/user',
    '/users/{id}',
    '/use/{x}/{y...}',
    '/u/{x}',
    '/a%25b',
    '/s/{x}/end',
    '/s/lit/end2',
    '/m/lit/end',
    '/m/{z...}',
    '/{$}',
    '//x',
  );
  test.each<Row>([
    ['GET', '', '/user', '/user', []],
    ['GET', '', '/users/7', '/users/{id}', ['7']], // key `user` is a prefix of the segment
    ['GET', '', '/use/1/2/3', '/use/{x}/{y...}', ['1', '2/3']],
    ['GET', '', '/us', '', []], // the segment is a prefix of keys: no match
    ['GET', '', '/u/v', '/u/{x}', ['v']],
    ['GET', '', '/us%65r', '/user', []], // %65 is `e`: unescaped, it equals the key
    ['GET', '', '/us%65rs/9', '/users/{id}', ['9']],
    ['GET', '', '/a%25b', '/a%25b', []], // the key is `a%b`
    ['GET', '', '/a%b', '/a%25b', []], // malformed escape: the segment stays `a%b`
    ['GET', '', '/s/lit/end', '/s/{x}/end', ['lit']], // backtracks from `lit` into `{x}`
    ['GET', '', '/s/lit/end2', '/s/lit/end2', []],
    ['GET', '', '/m/lit/other', '/m/{z...}', ['lit/other']], // backtracks into the multi
    ['GET', '', '/m/lit/x%2Fy', '/m/{z...}', ['lit/x/y']],
    ['GET', '', '/', '/{$}', []],
    ['GET', '', '//x', '//x', []], // the empty literal lives on the wildcard node
    ['GET', '', '/nothing/here', '', []],
    ['GET', '', '/usX', '', []], // shares its first code unit with three keys, equals none
  ])('%s %s%s → %j', (m, h, p, pat, v) => check(t, [m, h, p, pat, v]));

  // A segment whose first code unit (not a `%`) starts no key, at a node without a single
  // wildcard, skips the literal lookup unscanned; one that starts with `%`, or that some key
  // with a `/` or `%` starts like, is still unescaped and compared.
  const k = buildTree('/k/known', '/k/', '/a%2Fb/x', '/event/{id}', '/{$}');
  test.each<Row>([
    ['GET', '', '/k/zzz', '/k/', []], // straight to the multi
    ['GET', '', '/k/%6Bnown', '/k/known', []], // starts with `%`: unescaped, it is `known`
    ['GET', '', '/k/kn%6Fwn', '/k/known', []],
    ['GET', '', '/a%2Fb/x', '/a%2Fb/x', []], // the key `a/b` is not a plain one
    ['GET', '', '/e%76ent/7', '/event/{id}', ['7']],
    ['GET', '', '/zzz', '', []], // the usual miss
    ['GET', '', '/zzz/', '', []],
    ['GET', '', '//', '', []], // an empty segment: no key, no wildcard
  ])('no key starts like it: %s %s%s → %j', (m, h, p, pat, v) => check(k, [m, h, p, pat, v]));

  // Same length, same last code unit: the static table lets both through to `===`.
  test('paths that share a static signature are told apart by comparing them', () => {
    const f = buildTree('/abc', '/{x}/c');
    check(f, ['GET', '', '/abc', '/abc', []]);
    check(f, ['GET', '', '/a/c', '/{x}/c', ['a']]);
    check(f, ['GET', '', '/xbc', '', []]);
  });

  // Same length and last code unit: one slot of the static table, chained.
  test.each([
    ['/a/x/b', '/a/x/b', []],
    ['/c/x/b', '/c/x/b', []],
    ['/e/x/b', '/{w}/x/b', ['e']],
    ['/c/x/c', '', []],
  ])('static keys sharing a slot: %s → %j', (path, pat, v) => {
    const f = buildTree('/a/x/b', '/c/x/b', '/{w}/x/b');
    check(f, ['GET', '', path, pat, v]);
  });
});

// Brute force for the differential test: every pattern that matches the path segment by segment
// (Go's rules, written plainly), and of those the one more specific than all others.
function bruteForce(pats: Pattern[], path: string): { pat: string; values: string[] } | null {
  const segs: string[] = [];
  let rest = path;
  while (rest !== '') {
    if (rest === '/') {
      segs.push('/'); // the trailing slash, as {$} and `/` at the end spell it
      break;
    }
    const i = rest.indexOf('/', 1);
    const raw = i === -1 ? rest.slice(1) : rest.slice(1, i);
    segs.push(raw);
    rest = i === -1 ? '' : rest.slice(i);
  }
  const matches: { p: Pattern; values: string[] }[] = [];
  outer: for (const p of pats) {
    const values: string[] = [];
    for (let i = 0; i < p.segments.length; i++) {
      const ps = p.segments[i] as Pattern['segments'][number];
      if (ps.multi) {
        if (i > segs.length || (i === segs.length && segs[i - 1] !== '/')) continue outer;
        if (ps.s !== '') {
          // The trailing-slash marker stands for an empty last segment in the rest.
          const tail = segs.slice(i).map((x, j, a) => (x === '/' && j === a.length - 1 ? '' : x));
          values.push(pathUnescape(tail.join('/')));
        }
        matches.push({ p, values });
        continue outer;
      }
      const seg = segs[i];
      if (seg === undefined) continue outer;
      if (ps.wild) {
        if (seg === '/' && i === segs.length - 1) continue outer;
        // Go quirk: an empty segment reaches the wildcard's node through findChild(""), the
        // literal branch, so no value is recorded (only a path with `//` can do this, and the
        // mux redirects such paths before matching).
        if (seg !== '') values.push(pathUnescape(seg));
      } else if (pathUnescape(seg) !== ps.s || (ps.s === '/' && i !== segs.length - 1)) {
        continue outer;
      }
    }
    if (p.segments.length === segs.length) matches.push({ p, values });
  }
  const best = matches.find((m) =>
    matches.every((o) => o === m || comparePaths(m.p, o.p) === 'moreSpecific'),
  );
  return best === undefined ? null : { pat: best.p.str, values: best.values };
}

test('differential: the walk agrees with brute force on random trees (bounded)', () => {
  // A fixed-seed generator: the same trees and paths on every run.
  let seed = 12345;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const lits = ['a', 'b', 'ab', 'us%65r', 'user', 'x'];
  const pathSegs = ['a', 'b', 'ab', 'user', 'us%65r', 'x', 'zz', '%61', ''];
  let compared = 0;
  for (let round = 0; round < 150; round++) {
    const pats: Pattern[] = [];
    for (let k = 0; k < 12; k++) {
      const n = 1 + rnd(3);
      const parts: string[] = [];
      for (let i = 0; i < n; i++) {
        const r = rnd(10);
        if (i === n - 1 && r === 9) parts.push('{rest...}');
        else if (i === n - 1 && r === 8) parts.push('{$}');
        else if (r < 3) parts.push(`{w${i}}`);
        else parts.push(lits[rnd(lits.length)] as string);
      }
      const str = `GET /${parts.join('/').replace('/{$}', '/{$}')}`.replace(/\/\{\$\}$/, '/{$}');
      let p: Pattern;
      try {
        p = parsePattern(str.replace('//{$}', '/{$}'));
      } catch {
        continue;
      }
      if (pats.some((o) => o.str === p.str || conflictsWith(o, p))) continue;
      pats.push(p);
    }
    const t = new RoutingTree();
    for (const p of pats) t.add(p, notFoundHandler());
    for (let q = 0; q < 25; q++) {
      const n = 1 + rnd(4);
      let path = '';
      for (let i = 0; i < n; i++) path += `/${pathSegs[rnd(pathSegs.length)]}`;
      if (rnd(4) === 0) path += '/';
      const want = bruteForce(pats, path);
      const got = t.match('', 'GET', path);
      const gotRow =
        got === undefined ? null : { pat: got.pattern.str, values: t.values.slice(0, t.nvalues) };
      expect({ path, row: gotRow }).toEqual({ path, row: want });
      compared++;
    }
  }
  expect(compared).toBe(150 * 25);
});

// Go: TestMatchingMethods.
describe('matchingMethods', () => {
  const hostTree = buildTree('GET a.com/', 'PUT b.com/', 'POST /foo/{x}');
  test.each<[string, RoutingTree, string, string, string]>([
    ['post', buildTree('POST /'), '', '/foo', 'POST'],
    ['get', buildTree('GET /'), '', '/foo', 'GET,HEAD'],
    ['host', hostTree, '', '/foo', ''],
    ['host', hostTree, '', '/foo/bar', 'POST'],
    ['host2', hostTree, 'a.com', '/foo/bar', 'GET,HEAD,POST'],
    ['host3', hostTree, 'b.com', '/bar', 'PUT'],
    // Only called after a failed match in practice; included for completeness.
    ['empty', buildTree('/'), '', '/', ''],
  ])('%s: %s%s → %s', (_name, tree, host, path, want) => {
    const set = new Set<string>();
    tree.matchingMethods(host, path, set);
    expect([...set].sort().join(',')).toBe(want);
  });
});
