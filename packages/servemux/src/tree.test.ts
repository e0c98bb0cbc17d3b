import { describe, expect, test } from 'bun:test';
import { notFoundHandler } from './helpers.ts';
import { parsePattern } from './pattern.ts';
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
