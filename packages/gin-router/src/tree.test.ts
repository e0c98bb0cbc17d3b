import { describe, expect, test } from 'bun:test';
import {
  Node,
  nodeTypes,
  type Param,
  queryUnescape,
  RouteError,
  type SkippedNode,
} from './tree.ts';

// Rows are gin's tree_test.go tables: [request path, expect no handler, route that answers,
// expected params (null: not checked)].
type Row = [string, boolean, string, [string, string][] | null];

function build(routes: readonly string[]): Node<string> {
  const tree = new Node<string>();
  for (const r of routes) tree.addRoute(r, r);
  return tree;
}

function lookup(tree: Node<string>, path: string, unescapeValues = false) {
  const params: Param[] = [];
  const skipped: SkippedNode<string>[] = [];
  const v = tree.getValue(path, params, skipped, unescapeValues);
  return { ...v, params };
}

// gin's checkPriorities: a node's priority is the number of handlers at or below it.
function checkPriorities(n: Node<string>): number {
  let prio = 0;
  for (const c of n.children) prio += checkPriorities(c);
  if (n.handlers !== undefined) prio++;
  expect(`${n.path}:${n.priority}`).toBe(`${n.path}:${prio}`);
  return prio;
}

// Structural invariants from the design note.
function checkInvariants(n: Node<string>): void {
  const statics = n.wildChild ? n.children.length - 1 : n.children.length;
  // A param node's only child (the '/…' after it) and a catch-all's leaf are not indexed.
  if (n.nType !== nodeTypes.catchAll && n.nType !== nodeTypes.param) {
    expect(n.indices.length).toBe(statics);
  }
  for (let i = 0; i < n.indices.length; i++) {
    const c = n.children[i] as Node<string>;
    // gin indexes the empty catch-all holder under '/'.
    const first = c.nType === nodeTypes.catchAll && c.path === '' ? '/' : c.path[0];
    expect(first).toBe(n.indices[i] as string);
  }
  for (const c of n.children) checkInvariants(c);
}

function checkRows(tree: Node<string>, rows: Row[], unescapeValues = false): void {
  for (const [path, nilHandler, route, ps] of rows) {
    const v = lookup(tree, path, unescapeValues);
    if (nilHandler) expect({ path, h: v.handlers }).toEqual({ path, h: undefined });
    else expect({ path, h: v.handlers }).toEqual({ path, h: route });
    if (ps !== null && v.params.length > 0) {
      expect({ path, ps: v.params.map((p) => [p.key, p.value]) }).toEqual({ path, ps });
    }
  }
}

const wildcardRoutes: string[] = [
  '/',
  '/cmd/:tool/',
  '/cmd/:tool/:sub',
  '/cmd/whoami',
  '/cmd/whoami/root',
  '/cmd/whoami/root/',
  '/src/*filepath',
  '/search/',
  '/search/:query',
  '/search/gin-gonic',
  '/search/google',
  '/user_:name',
  '/user_:name/about',
  '/files/:dir/*filepath',
  '/doc/',
  '/doc/go_faq.html',
  '/doc/go1.html',
  '/info/:user/public',
  '/info/:user/project/:project',
  '/info/:user/project/golang',
  '/aa/*xx',
  '/ab/*xx',
  '/:cc',
  '/c1/:dd/e',
  '/c1/:dd/e1',
  '/:cc/cc',
  '/:cc/:dd/ee',
  '/:cc/:dd/:ee/ff',
  '/:cc/:dd/:ee/:ff/gg',
  '/:cc/:dd/:ee/:ff/:gg/hh',
  '/get/test/abc/',
  '/get/:param/abc/',
  '/something/:paramname/thirdthing',
  '/something/secondthing/test',
  '/get/abc',
  '/get/:param',
  '/get/abc/123abc',
  '/get/abc/:param',
  '/get/abc/123abc/xxx8',
  '/get/abc/123abc/:param',
  '/get/abc/123abc/xxx8/1234',
  '/get/abc/123abc/xxx8/:param',
  '/get/abc/123abc/xxx8/1234/ffas',
  '/get/abc/123abc/xxx8/1234/:param',
  '/get/abc/123abc/xxx8/1234/kkdd/12c',
  '/get/abc/123abc/xxx8/1234/kkdd/:param',
  '/get/abc/:param/test',
  '/get/abc/123abd/:param',
  '/get/abc/123abddd/:param',
  '/get/abc/123/:param',
  '/get/abc/123abg/:param',
  '/get/abc/123abf/:param',
  '/get/abc/123abfff/:param',
  '/get/abc/escaped_colon/test\\:param',
];
const wildcardRequests: Row[] = [
  ['/', false, '/', null],
  ['/cmd/test', true, '/cmd/:tool/', [['tool', 'test']]],
  ['/cmd/test/', false, '/cmd/:tool/', [['tool', 'test']]],
  [
    '/cmd/test/3',
    false,
    '/cmd/:tool/:sub',
    [
      ['tool', 'test'],
      ['sub', '3'],
    ],
  ],
  ['/cmd/who', true, '/cmd/:tool/', [['tool', 'who']]],
  ['/cmd/who/', false, '/cmd/:tool/', [['tool', 'who']]],
  ['/cmd/whoami', false, '/cmd/whoami', null],
  ['/cmd/whoami/', true, '/cmd/whoami', null],
  [
    '/cmd/whoami/r',
    false,
    '/cmd/:tool/:sub',
    [
      ['tool', 'whoami'],
      ['sub', 'r'],
    ],
  ],
  [
    '/cmd/whoami/r/',
    true,
    '/cmd/:tool/:sub',
    [
      ['tool', 'whoami'],
      ['sub', 'r'],
    ],
  ],
  ['/cmd/whoami/root', false, '/cmd/whoami/root', null],
  ['/cmd/whoami/root/', false, '/cmd/whoami/root/', null],
  ['/src/', false, '/src/*filepath', [['filepath', '/']]],
  ['/src/some/file.png', false, '/src/*filepath', [['filepath', '/some/file.png']]],
  ['/search/', false, '/search/', null],
  ['/search/someth!ng+in+ünìcodé', false, '/search/:query', [['query', 'someth!ng+in+ünìcodé']]],
  ['/search/someth!ng+in+ünìcodé/', true, '', [['query', 'someth!ng+in+ünìcodé']]],
  ['/search/gin', false, '/search/:query', [['query', 'gin']]],
  ['/search/gin-gonic', false, '/search/gin-gonic', null],
  ['/search/google', false, '/search/google', null],
  ['/user_gopher', false, '/user_:name', [['name', 'gopher']]],
  ['/user_gopher/about', false, '/user_:name/about', [['name', 'gopher']]],
  [
    '/files/js/inc/framework.js',
    false,
    '/files/:dir/*filepath',
    [
      ['dir', 'js'],
      ['filepath', '/inc/framework.js'],
    ],
  ],
  ['/info/gordon/public', false, '/info/:user/public', [['user', 'gordon']]],
  [
    '/info/gordon/project/go',
    false,
    '/info/:user/project/:project',
    [
      ['user', 'gordon'],
      ['project', 'go'],
    ],
  ],
  ['/info/gordon/project/golang', false, '/info/:user/project/golang', [['user', 'gordon']]],
  ['/aa/aa', false, '/aa/*xx', [['xx', '/aa']]],
  ['/ab/ab', false, '/ab/*xx', [['xx', '/ab']]],
  ['/a', false, '/:cc', [['cc', 'a']]],
  ['/all', false, '/:cc', [['cc', 'all']]],
  ['/d', false, '/:cc', [['cc', 'd']]],
  ['/ad', false, '/:cc', [['cc', 'ad']]],
  ['/dd', false, '/:cc', [['cc', 'dd']]],
  ['/dddaa', false, '/:cc', [['cc', 'dddaa']]],
  ['/aa', false, '/:cc', [['cc', 'aa']]],
  ['/aaa', false, '/:cc', [['cc', 'aaa']]],
  ['/aaa/cc', false, '/:cc/cc', [['cc', 'aaa']]],
  ['/ab', false, '/:cc', [['cc', 'ab']]],
  ['/abb', false, '/:cc', [['cc', 'abb']]],
  ['/abb/cc', false, '/:cc/cc', [['cc', 'abb']]],
  ['/allxxxx', false, '/:cc', [['cc', 'allxxxx']]],
  ['/alldd', false, '/:cc', [['cc', 'alldd']]],
  ['/all/cc', false, '/:cc/cc', [['cc', 'all']]],
  ['/a/cc', false, '/:cc/cc', [['cc', 'a']]],
  ['/c1/d/e', false, '/c1/:dd/e', [['dd', 'd']]],
  ['/c1/d/e1', false, '/c1/:dd/e1', [['dd', 'd']]],
  [
    '/c1/d/ee',
    false,
    '/:cc/:dd/ee',
    [
      ['cc', 'c1'],
      ['dd', 'd'],
    ],
  ],
  ['/cc/cc', false, '/:cc/cc', [['cc', 'cc']]],
  ['/ccc/cc', false, '/:cc/cc', [['cc', 'ccc']]],
  ['/deedwjfs/cc', false, '/:cc/cc', [['cc', 'deedwjfs']]],
  ['/acllcc/cc', false, '/:cc/cc', [['cc', 'acllcc']]],
  ['/get/test/abc/', false, '/get/test/abc/', null],
  ['/get/te/abc/', false, '/get/:param/abc/', [['param', 'te']]],
  ['/get/testaa/abc/', false, '/get/:param/abc/', [['param', 'testaa']]],
  ['/get/xx/abc/', false, '/get/:param/abc/', [['param', 'xx']]],
  ['/get/tt/abc/', false, '/get/:param/abc/', [['param', 'tt']]],
  ['/get/a/abc/', false, '/get/:param/abc/', [['param', 'a']]],
  ['/get/t/abc/', false, '/get/:param/abc/', [['param', 't']]],
  ['/get/aa/abc/', false, '/get/:param/abc/', [['param', 'aa']]],
  ['/get/abas/abc/', false, '/get/:param/abc/', [['param', 'abas']]],
  ['/something/secondthing/test', false, '/something/secondthing/test', null],
  [
    '/something/abcdad/thirdthing',
    false,
    '/something/:paramname/thirdthing',
    [['paramname', 'abcdad']],
  ],
  [
    '/something/secondthingaaaa/thirdthing',
    false,
    '/something/:paramname/thirdthing',
    [['paramname', 'secondthingaaaa']],
  ],
  ['/something/se/thirdthing', false, '/something/:paramname/thirdthing', [['paramname', 'se']]],
  ['/something/s/thirdthing', false, '/something/:paramname/thirdthing', [['paramname', 's']]],
  [
    '/c/d/ee',
    false,
    '/:cc/:dd/ee',
    [
      ['cc', 'c'],
      ['dd', 'd'],
    ],
  ],
  [
    '/c/d/e/ff',
    false,
    '/:cc/:dd/:ee/ff',
    [
      ['cc', 'c'],
      ['dd', 'd'],
      ['ee', 'e'],
    ],
  ],
  [
    '/c/d/e/f/gg',
    false,
    '/:cc/:dd/:ee/:ff/gg',
    [
      ['cc', 'c'],
      ['dd', 'd'],
      ['ee', 'e'],
      ['ff', 'f'],
    ],
  ],
  [
    '/c/d/e/f/g/hh',
    false,
    '/:cc/:dd/:ee/:ff/:gg/hh',
    [
      ['cc', 'c'],
      ['dd', 'd'],
      ['ee', 'e'],
      ['ff', 'f'],
      ['gg', 'g'],
    ],
  ],
  [
    '/cc/dd/ee/ff/gg/hh',
    false,
    '/:cc/:dd/:ee/:ff/:gg/hh',
    [
      ['cc', 'cc'],
      ['dd', 'dd'],
      ['ee', 'ee'],
      ['ff', 'ff'],
      ['gg', 'gg'],
    ],
  ],
  ['/get/abc', false, '/get/abc', null],
  ['/get/a', false, '/get/:param', [['param', 'a']]],
  ['/get/abz', false, '/get/:param', [['param', 'abz']]],
  ['/get/12a', false, '/get/:param', [['param', '12a']]],
  ['/get/abcd', false, '/get/:param', [['param', 'abcd']]],
  ['/get/abc/123abc', false, '/get/abc/123abc', null],
  ['/get/abc/12', false, '/get/abc/:param', [['param', '12']]],
  ['/get/abc/123ab', false, '/get/abc/:param', [['param', '123ab']]],
  ['/get/abc/xyz', false, '/get/abc/:param', [['param', 'xyz']]],
  ['/get/abc/123abcddxx', false, '/get/abc/:param', [['param', '123abcddxx']]],
  ['/get/abc/123abc/xxx8', false, '/get/abc/123abc/xxx8', null],
  ['/get/abc/123abc/x', false, '/get/abc/123abc/:param', [['param', 'x']]],
  ['/get/abc/123abc/xxx', false, '/get/abc/123abc/:param', [['param', 'xxx']]],
  ['/get/abc/123abc/abc', false, '/get/abc/123abc/:param', [['param', 'abc']]],
  ['/get/abc/123abc/xxx8xxas', false, '/get/abc/123abc/:param', [['param', 'xxx8xxas']]],
  ['/get/abc/123abc/xxx8/1234', false, '/get/abc/123abc/xxx8/1234', null],
  ['/get/abc/123abc/xxx8/1', false, '/get/abc/123abc/xxx8/:param', [['param', '1']]],
  ['/get/abc/123abc/xxx8/123', false, '/get/abc/123abc/xxx8/:param', [['param', '123']]],
  ['/get/abc/123abc/xxx8/78k', false, '/get/abc/123abc/xxx8/:param', [['param', '78k']]],
  ['/get/abc/123abc/xxx8/1234xxxd', false, '/get/abc/123abc/xxx8/:param', [['param', '1234xxxd']]],
  ['/get/abc/123abc/xxx8/1234/ffas', false, '/get/abc/123abc/xxx8/1234/ffas', null],
  ['/get/abc/123abc/xxx8/1234/f', false, '/get/abc/123abc/xxx8/1234/:param', [['param', 'f']]],
  ['/get/abc/123abc/xxx8/1234/ffa', false, '/get/abc/123abc/xxx8/1234/:param', [['param', 'ffa']]],
  ['/get/abc/123abc/xxx8/1234/kka', false, '/get/abc/123abc/xxx8/1234/:param', [['param', 'kka']]],
  [
    '/get/abc/123abc/xxx8/1234/ffas321',
    false,
    '/get/abc/123abc/xxx8/1234/:param',
    [['param', 'ffas321']],
  ],
  ['/get/abc/123abc/xxx8/1234/kkdd/12c', false, '/get/abc/123abc/xxx8/1234/kkdd/12c', null],
  [
    '/get/abc/123abc/xxx8/1234/kkdd/1',
    false,
    '/get/abc/123abc/xxx8/1234/kkdd/:param',
    [['param', '1']],
  ],
  [
    '/get/abc/123abc/xxx8/1234/kkdd/12',
    false,
    '/get/abc/123abc/xxx8/1234/kkdd/:param',
    [['param', '12']],
  ],
  [
    '/get/abc/123abc/xxx8/1234/kkdd/12b',
    false,
    '/get/abc/123abc/xxx8/1234/kkdd/:param',
    [['param', '12b']],
  ],
  [
    '/get/abc/123abc/xxx8/1234/kkdd/34',
    false,
    '/get/abc/123abc/xxx8/1234/kkdd/:param',
    [['param', '34']],
  ],
  [
    '/get/abc/123abc/xxx8/1234/kkdd/12c2e3',
    false,
    '/get/abc/123abc/xxx8/1234/kkdd/:param',
    [['param', '12c2e3']],
  ],
  ['/get/abc/12/test', false, '/get/abc/:param/test', [['param', '12']]],
  ['/get/abc/123abdd/test', false, '/get/abc/:param/test', [['param', '123abdd']]],
  ['/get/abc/123abdddf/test', false, '/get/abc/:param/test', [['param', '123abdddf']]],
  ['/get/abc/123ab/test', false, '/get/abc/:param/test', [['param', '123ab']]],
  ['/get/abc/123abgg/test', false, '/get/abc/:param/test', [['param', '123abgg']]],
  ['/get/abc/123abff/test', false, '/get/abc/:param/test', [['param', '123abff']]],
  ['/get/abc/123abffff/test', false, '/get/abc/:param/test', [['param', '123abffff']]],
  ['/get/abc/123abd/test', false, '/get/abc/123abd/:param', [['param', 'test']]],
  ['/get/abc/123abddd/test', false, '/get/abc/123abddd/:param', [['param', 'test']]],
  ['/get/abc/123/test22', false, '/get/abc/123/:param', [['param', 'test22']]],
  ['/get/abc/123abg/test', false, '/get/abc/123abg/:param', [['param', 'test']]],
  ['/get/abc/123abf/testss', false, '/get/abc/123abf/:param', [['param', 'testss']]],
  ['/get/abc/123abfff/te', false, '/get/abc/123abfff/:param', [['param', 'te']]],
  ['/get/abc/escaped_colon/test\\:param', false, '/get/abc/escaped_colon/test\\:param', null],
];

describe('tree: add and get (gin TestTreeAddAndGet)', () => {
  const routes = [
    '/hi',
    '/contact',
    '/co',
    '/c',
    '/a',
    '/ab',
    '/doc/',
    '/doc/go_faq.html',
    '/doc/go1.html',
    '/α',
    '/β',
  ];
  const tree = build(routes);
  const rows: Row[] = [
    ['/a', false, '/a', null],
    ['/', true, '', null],
    ['/hi', false, '/hi', null],
    ['/contact', false, '/contact', null],
    ['/co', false, '/co', null],
    ['/con', true, '', null], // key mismatch
    ['/cona', true, '', null], // key mismatch
    ['/no', true, '', null], // no matching child
    ['/ab', false, '/ab', null],
    ['/α', false, '/α', null],
    ['/β', false, '/β', null],
  ];
  test.each(rows)('%s', (p, n, r, ps) => checkRows(tree, [[p, n, r, ps]]));
  test('priorities and invariants', () => {
    checkPriorities(tree);
    checkInvariants(tree);
  });
});

describe('tree: wildcards (gin TestTreeWildcard)', () => {
  const tree = build(wildcardRoutes);
  test.each(wildcardRequests)('%s', (p, n, r, ps) => checkRows(tree, [[p, n, r, ps]]));
  test('priorities and invariants', () => {
    checkPriorities(tree);
    checkInvariants(tree);
  });
});

describe('tree: unescaped parameters (gin TestUnescapeParameters)', () => {
  const tree = build([
    '/',
    '/cmd/:tool/:sub',
    '/cmd/:tool/',
    '/src/*filepath',
    '/search/:query',
    '/files/:dir/*filepath',
    '/info/:user/project/:project',
    '/info/:user',
  ]);
  const rows: Row[] = [
    ['/', false, '/', null],
    ['/cmd/test/', false, '/cmd/:tool/', [['tool', 'test']]],
    ['/cmd/test', true, '', [['tool', 'test']]],
    ['/src/some/file.png', false, '/src/*filepath', [['filepath', '/some/file.png']]],
    ['/src/some/file+test.png', false, '/src/*filepath', [['filepath', '/some/file test.png']]],
    // A malformed escape leaves the value raw.
    [
      '/src/some/file++++%%%%test.png',
      false,
      '/src/*filepath',
      [['filepath', '/some/file++++%%%%test.png']],
    ],
    ['/src/some/file%2Ftest.png', false, '/src/*filepath', [['filepath', '/some/file/test.png']]],
    ['/search/someth!ng+in+ünìcodé', false, '/search/:query', [['query', 'someth!ng in ünìcodé']]],
    [
      '/info/gordon/project/go',
      false,
      '/info/:user/project/:project',
      [
        ['user', 'gordon'],
        ['project', 'go'],
      ],
    ],
    ['/info/slash%2Fgordon', false, '/info/:user', [['user', 'slash/gordon']]],
    [
      '/info/slash%2Fgordon/project/Project%20%231',
      false,
      '/info/:user/project/:project',
      [
        ['user', 'slash/gordon'],
        ['project', 'Project #1'],
      ],
    ],
    ['/info/slash%%%%', false, '/info/:user', [['user', 'slash%%%%']]],
    [
      '/info/slash%%%%2Fgordon/project/Project%%%%20%231',
      false,
      '/info/:user/project/:project',
      [
        ['user', 'slash%%%%2Fgordon'],
        ['project', 'Project%%%%20%231'],
      ],
    ],
  ];
  test.each(rows)('%s', (p, n, r, ps) => checkRows(tree, [[p, n, r, ps]], true));
});

// gin's testRoutes tables: [route, conflicts]. Each table shares one tree, in order.
type ConflictRow = [string, boolean];
function checkConflicts(rows: ConflictRow[]): void {
  // gin registers nil handlers here, so a repeated route is not a duplicate.
  const tree = new Node<string | undefined>();
  for (const [route, conflict] of rows) {
    let err: unknown;
    try {
      tree.addRoute(route, undefined);
    } catch (e) {
      err = e;
    }
    expect({ route, conflict: err !== undefined }).toEqual({ route, conflict });
    if (err !== undefined) expect(err).toBeInstanceOf(RouteError);
  }
}

describe('tree: conflicts (gin TestTreeWildcardConflict & co.)', () => {
  const tables: Record<string, ConflictRow[]> = {
    wildcardConflict: [
      ['/cmd/:tool/:sub', false],
      ['/cmd/vet', false],
      ['/foo/bar', false],
      ['/foo/:name', false],
      ['/foo/:names', true],
      ['/cmd/*path', true],
      ['/cmd/:badvar', true],
      ['/cmd/:tool/names', false],
      ['/cmd/:tool/:badsub/details', true],
      ['/src/*filepath', false],
      ['/src/:file', true],
      ['/src/static.json', true],
      ['/src/*filepathx', true],
      ['/src/', true],
      ['/src/foo/bar', true],
      ['/src1/', false],
      ['/src1/*filepath', true],
      ['/src2*filepath', true],
      ['/src2/*filepath', false],
      ['/search/:query', false],
      ['/search/valid', false],
      ['/user_:name', false],
      ['/user_x', false],
      ['/user_:name', false], // gin: no panic, the handlers are nil in its test
      ['/id:id', false],
      ['/id/:id', false],
      ['/static/*file', false],
      ['/static/', true],
      ['/escape/test\\:d1', false],
      ['/escape/test\\:d2', false],
      ['/escape/test:param', false],
    ],
    catchAllAfterSlash: [['/non-leading-*catchall', true]],
    childConflict: [
      ['/cmd/vet', false],
      ['/cmd/:tool', false],
      ['/cmd/:tool/:sub', false],
      ['/cmd/:tool/misc', false],
      ['/cmd/:tool/:othersub', true],
      ['/src/AUTHORS', false],
      ['/src/*filepath', true],
      ['/user_x', false],
      ['/user_:name', false],
      ['/id/:id', false],
      ['/id:id', false],
      ['/:id', false],
      ['/*filepath', true],
    ],
    catchAllConflict: [
      ['/src/*filepath/x', true],
      ['/src2/', false],
      ['/src2/*filepath/x', true],
      ['/src3/*filepath', false],
      ['/src3/*filepath/x', true],
    ],
    catchAllConflictRoot: [
      ['/', false],
      ['/*filepath', true],
    ],
  };
  test.each(Object.keys(tables))('%s', (name) => checkConflicts(tables[name] as ConflictRow[]));
});

function thrown(f: () => void): string {
  try {
    f();
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  return '';
}

describe('tree: duplicates and malformed routes', () => {
  test('duplicate path (gin TestTreeDuplicatePath)', () => {
    const tree = new Node<string>();
    for (const r of ['/', '/doc/', '/src/*filepath', '/search/:query', '/user_:name']) {
      tree.addRoute(r, r);
      // gin only checks that it panics; a catch-all walks into the wildcard check first.
      expect(thrown(() => tree.addRoute(r, r))).toContain(
        r.includes('*')
          ? `'/*filepath' in new path '${r}' conflicts with existing wildcard '/*filepath'`
          : `handlers are already registered for path '${r}'`,
      );
    }
    checkRows(tree, [
      ['/', false, '/', null],
      ['/doc/', false, '/doc/', null],
      ['/src/some/file.png', false, '/src/*filepath', [['filepath', '/some/file.png']]],
      [
        '/search/someth!ng+in+ünìcodé',
        false,
        '/search/:query',
        [['query', 'someth!ng+in+ünìcodé']],
      ],
      ['/user_gopher', false, '/user_:name', [['name', 'gopher']]],
    ]);
  });

  // [route, gin's panic text (substring)]
  const malformed: [string, string][] = [
    ['/user:', 'wildcards must be named with a non-empty name'],
    ['/user:/', 'wildcards must be named with a non-empty name'],
    ['/cmd/:/', 'wildcards must be named with a non-empty name'],
    ['/src/*', 'wildcards must be named with a non-empty name'],
    ['/:foo:bar', 'only one wildcard per path segment is allowed'],
    ['/:foo:bar/', 'only one wildcard per path segment is allowed'],
    ['/:foo*bar', 'only one wildcard per path segment is allowed'],
    ['/foo/x*zy', 'no / before catch-all in path'],
    ['/foo/b*r', 'no / before catch-all in path'],
    ['/src/*filepath/x', 'catch-all routes are only allowed at the end of the path'],
    ['/r\\x', "invalid escape string in path '/r\\x'"],
  ];
  test.each(malformed)('%s throws %s', (route, msg) => {
    const tree = new Node<string>();
    const m = thrown(() => tree.addRoute(route, route));
    expect(m).toContain(msg);
    expect(m.startsWith('gin: ')).toBe(true);
  });

  test('escaped colon is valid (gin TestTreeInvalidEscape)', () => {
    const tree = new Node<string>();
    for (const r of ['/r1/r', '/r2/:r', '/r3/\\:r']) tree.addRoute(r, r);
    checkInvariants(tree);
  });

  // gin TestTreeWildcardConflictEx: [route, segment, existing wildcard, existing prefix]
  const conflictEx: [string, string, string, string][] = [
    ['/who/are/foo', '/foo', '/*you', '/who/are/*you'],
    ['/who/are/foo/', '/foo/', '/*you', '/who/are/*you'],
    ['/who/are/foo/bar', '/foo/bar', '/*you', '/who/are/*you'],
    ['/con:nection', ':nection', ':tact', '/con:tact'],
  ];
  test.each(conflictEx)('%s conflicts with the existing wildcard', (route, seg, wild, prefix) => {
    const tree = build(['/con:tact', '/who/are/*you', '/who/foo/hello']);
    expect(thrown(() => tree.addRoute(route, route))).toContain(
      `'${seg}' in new path '${route}' conflicts with existing wildcard '${wild}' in existing prefix '${prefix}'`,
    );
  });

  test('catch-all after an existing segment names both', () => {
    const tree = build(['/src/AUTHORS']);
    expect(thrown(() => tree.addRoute('/src/*filepath', 'x'))).toContain(
      "catch-all wildcard '*filepath' in new path '/src/*filepath' conflicts with existing path segment 'AUTHORS' in existing prefix '/src/AUTHORS'",
    );
  });

  test('the error names where both routes were registered', () => {
    const tree = new Node<string>();
    tree.addRoute('/a/:id', 'x', 'first.ts:1:1');
    const m = thrown(() => tree.addRoute('/a/:name', 'y', 'second.ts:2:2'));
    expect(m).toContain('new route registered at second.ts:2:2');
    expect(m).toContain('existing route registered at first.ts:1:1');
  });
});

describe('tree: trailing slash recommendation (gin TestTreeTrailingSlashRedirect)', () => {
  const tree = build([
    '/hi',
    '/b/',
    '/search/:query',
    '/cmd/:tool/',
    '/src/*filepath',
    '/x',
    '/x/y',
    '/y/',
    '/y/z',
    '/0/:id',
    '/0/:id/1',
    '/1/:id/',
    '/1/:id/2',
    '/aa',
    '/a/',
    '/admin',
    '/admin/:category',
    '/admin/:category/:page',
    '/doc',
    '/doc/go_faq.html',
    '/doc/go1.html',
    '/no/a',
    '/no/b',
    '/api/:page/:name',
    '/api/hello/:name/bar/',
    '/api/bar/:name',
    '/api/baz/foo',
    '/api/baz/foo/bar',
    '/blog/:p',
    '/posts/:b/:c',
    '/posts/b/:c/d/',
    '/vendor/:x/*y',
  ]);
  const tsr = [
    '/hi/',
    '/b',
    '/search/gopher/',
    '/cmd/vet',
    '/src',
    '/x/',
    '/y',
    '/0/go/',
    '/1/go',
    '/a',
    '/admin/',
    '/admin/config/',
    '/admin/config/permissions/',
    '/doc/',
    '/admin/static/',
    '/admin/cfg/',
    '/admin/cfg/users/',
    '/api/hello/x/bar',
    '/api/baz/foo/',
    '/api/baz/bax/',
    '/api/bar/huh/',
    '/api/baz/foo/bar/',
    '/api/world/abc/',
    '/blog/pp/',
    '/posts/b/c/d',
    '/vendor/x',
  ];
  const noTsr = [
    '/',
    '/no',
    '/no/',
    '/_',
    '/_/',
    '/api',
    '/api/',
    '/api/hello/x/foo',
    '/api/baz/foo/bad',
    '/foo/p/p',
  ];
  test.each(tsr)('%s recommends TSR', (p) => {
    const v = tree.getValue(p, null, [], false);
    expect(v.handlers).toBeUndefined();
    expect(v.tsr).toBe(true);
  });
  test.each(noTsr)('%s does not', (p) => {
    const v = tree.getValue(p, null, [], false);
    expect(v.handlers).toBeUndefined();
    expect(v.tsr).toBe(false);
  });
  test('root with only /:test: no TSR for / (gin TestTreeRootTrailingSlashRedirect)', () => {
    const v = build(['/:test']).getValue('/', null, [], false);
    expect([v.handlers, v.tsr]).toEqual([undefined, false]);
  });
  test('/hello/abx/ (gin TestRedirectTrailingSlash)', () => {
    const t = build(['/hello/:name', '/hello/:name/123', '/hello/:name/234']);
    expect(t.getValue('/hello/abx/', null, [], false).tsr).toBe(true);
  });
});

describe('tree: case-insensitive path (gin TestTreeFindCaseInsensitivePath)', () => {
  const longPath = `/l${'o'.repeat(128)}ng`;
  const lOngPath = `/l${'O'.repeat(128)}ng/`;
  const routes = [
    '/hi',
    '/b/',
    '/ABC/',
    '/search/:query',
    '/cmd/:tool/',
    '/src/*filepath',
    '/x',
    '/x/y',
    '/y/',
    '/y/z',
    '/0/:id',
    '/0/:id/1',
    '/1/:id/',
    '/1/:id/2',
    '/aa',
    '/a/',
    '/doc',
    '/doc/go_faq.html',
    '/doc/go1.html',
    '/doc/go/away',
    '/no/a',
    '/no/b',
    '/Π',
    '/u/apfêl/',
    '/u/äpfêl/',
    '/u/öpfêl',
    '/v/Äpfêl/',
    '/v/Öpfêl',
    '/w/♬',
    '/w/♭/',
    '/w/𠜎',
    '/w/𠜏/',
    longPath,
  ];
  const tree = build(routes);
  test.each(routes)('%s finds itself', (r) => {
    expect(tree.findCaseInsensitivePath(r, true)).toBe(r);
    expect(tree.findCaseInsensitivePath(r, false)).toBe(r);
  });
  // [in, out, found, needs the slash fix]
  const rows: [string, string, boolean, boolean][] = [
    ['/HI', '/hi', true, false],
    ['/HI/', '/hi', true, true],
    ['/B', '/b/', true, true],
    ['/B/', '/b/', true, false],
    ['/abc', '/ABC/', true, true],
    ['/abc/', '/ABC/', true, false],
    ['/aBc', '/ABC/', true, true],
    ['/aBc/', '/ABC/', true, false],
    ['/abC', '/ABC/', true, true],
    ['/abC/', '/ABC/', true, false],
    ['/SEARCH/QUERY', '/search/QUERY', true, false],
    ['/SEARCH/QUERY/', '/search/QUERY', true, true],
    ['/CMD/TOOL/', '/cmd/TOOL/', true, false],
    ['/CMD/TOOL', '/cmd/TOOL/', true, true],
    ['/SRC/FILE/PATH', '/src/FILE/PATH', true, false],
    ['/x/Y', '/x/y', true, false],
    ['/x/Y/', '/x/y', true, true],
    ['/X/y', '/x/y', true, false],
    ['/X/y/', '/x/y', true, true],
    ['/X/Y', '/x/y', true, false],
    ['/X/Y/', '/x/y', true, true],
    ['/Y/', '/y/', true, false],
    ['/Y', '/y/', true, true],
    ['/Y/z', '/y/z', true, false],
    ['/Y/z/', '/y/z', true, true],
    ['/Y/Z', '/y/z', true, false],
    ['/Y/Z/', '/y/z', true, true],
    ['/y/Z', '/y/z', true, false],
    ['/y/Z/', '/y/z', true, true],
    ['/Aa', '/aa', true, false],
    ['/Aa/', '/aa', true, true],
    ['/AA', '/aa', true, false],
    ['/AA/', '/aa', true, true],
    ['/aA', '/aa', true, false],
    ['/aA/', '/aa', true, true],
    ['/A/', '/a/', true, false],
    ['/A', '/a/', true, true],
    ['/DOC', '/doc', true, false],
    ['/DOC/', '/doc', true, true],
    ['/NO', '', false, true],
    ['/DOC/GO', '', false, true],
    ['/π', '/Π', true, false],
    ['/π/', '/Π', true, true],
    ['/u/ÄPFÊL/', '/u/äpfêl/', true, false],
    ['/u/ÄPFÊL', '/u/äpfêl/', true, true],
    ['/u/ÖPFÊL/', '/u/öpfêl', true, true],
    ['/u/ÖPFÊL', '/u/öpfêl', true, false],
    ['/v/äpfêL/', '/v/Äpfêl/', true, false],
    ['/v/äpfêL', '/v/Äpfêl/', true, true],
    ['/v/öpfêL/', '/v/Öpfêl', true, true],
    ['/v/öpfêL', '/v/Öpfêl', true, false],
    ['/w/♬/', '/w/♬', true, true],
    ['/w/♭', '/w/♭/', true, true],
    ['/w/𠜎/', '/w/𠜎', true, true],
    ['/w/𠜏', '/w/𠜏/', true, true],
    [lOngPath, longPath, true, true],
  ];
  test.each(rows)('%s → %s', (input, out, found, slash) => {
    expect(tree.findCaseInsensitivePath(input, true)).toBe(found ? out : undefined);
    const noFix = tree.findCaseInsensitivePath(input, false);
    if (slash) expect(noFix).toBeUndefined();
    else expect(noFix).toBe(found ? out : undefined);
  });
  test('static before wildcard (gin#2959)', () => {
    const t = build(['/aa/aa', '/:bb/aa']);
    expect(t.findCaseInsensitivePath('/aa', true)).toBeUndefined();
    expect(t.findCaseInsensitivePath('/aa/aa/aa/aa', true)).toBeUndefined();
    expect(t.findCaseInsensitivePath('/AA/AA', true)).toBe('/aa/aa');
    const u = build(['/prefix/:id', '/prefix/xxx']);
    expect(u.findCaseInsensitivePath('/prefix/a/b/c', true)).toBeUndefined();
    expect(u.findCaseInsensitivePath('/PREFIX/XXX', true)).toBe('/prefix/xxx');
    expect(u.findCaseInsensitivePath('/prefix/something', true)).toBe('/prefix/something');
  });
});

// The rest of gin's tree_test.go. TestTreeInvalidNodeType does not apply: it corrupts a node's
// private type field to reach the "invalid node type" panic, which no route can produce here
// (the node type is set only by addRoute). TestTreeInvalidParamsType and
// TestTreeExpandParamsCapacity guard Go slice capacities; what carries over is that a lookup
// into an empty params array still gets its parameter.
describe('tree: remaining gin cases', () => {
  test.each([
    ['/:path', 'path', 'test'],
    ['/*path', 'path', '/test'],
  ])('%s fills an empty params array (TestTreeExpandParamsCapacity)', (route, key, value) => {
    const v = lookup(build([route]), '/test');
    expect(v.params).toEqual([{ key, value }]);
  });

  test('a route with 256 parameters (TestCountParams)', () => {
    const route = '/:param'.repeat(256);
    const v = lookup(build([route]), '/x'.repeat(256));
    expect(v.handlers).toBe(route);
    expect(v.params.length).toBe(256);
  });

  test('a catch-all right after a segment (TestTreeCatchMaxParams)', () => {
    checkRows(build(['/cmd/*filepath']), [
      ['/cmd/a/b', false, '/cmd/*filepath', [['filepath', '/a/b']]],
    ]);
  });

  test('a plain route is valid (TestWildcardInvalidSlash "/foo/bar")', () => {
    expect(thrown(() => build(['/foo/bar']))).toBe('');
  });
});

describe('queryUnescape (Go url.QueryUnescape, raw on error)', () => {
  const rows: [string, string][] = [
    ['plain', 'plain'],
    ['a+b', 'a b'],
    ['%2F', '/'],
    ['%E2%82%AC', '€'],
    ['%zz', '%zz'],
    ['100%', '100%'],
  ];
  test.each(rows)('%s → %s', (i, o) => expect(queryUnescape(i)).toBe(o));
});

describe('tree: hot-path invariants (the lookup allocates no result, no key, no concatenation)', () => {
  const tree = build(['/user/:id', '/user/:id/posts', '/src/*filepath', '/static', '/s/:x']);

  test.each([
    { path: '/static', route: '/static' },
    { path: '/user/42', route: '/user/:id' },
    { path: '/user/42/posts', route: '/user/:id/posts' },
    { path: '/src/a/b', route: '/src/*filepath' },
  ])('$path: every lookup returns the same frozen result', ({ path, route }) => {
    const a = tree.getValue(path, [], [], false);
    const b = tree.getValue(path, [], [], false);
    expect(a).toBe(b);
    expect(Object.isFrozen(a)).toBe(true);
    expect([a.handlers, a.fullPath, a.tsr]).toEqual([route, route, false]);
  });

  test.each([
    { path: '/nope', tsr: false },
    { path: '/static/', tsr: true },
    { path: '/user/42/', tsr: true },
  ])('$path: misses share two frozen results (tsr $tsr)', ({ path, tsr }) => {
    const v = tree.getValue(path, [], [], false);
    expect([v.handlers, v.tsr, Object.isFrozen(v)]).toEqual([undefined, tsr, true]);
    expect(tree.getValue(path, [], [], false)).toBe(v);
  });

  test('a result cached before a split follows the route to its new node', () => {
    const t = build(['/a']);
    expect(t.getValue('/a', [], [], false).fullPath).toBe('/a');
    t.addRoute('/b', '/b'); // splits '/a' into '/' + 'a'
    expect(t.getValue('/a', [], [], false).handlers).toBe('/a');
    expect(t.getValue('/b', [], [], false).handlers).toBe('/b');
    expect(t.getValue('/', [], [], false).handlers).toBeUndefined();
  });

  test('parameter keys are the wildcard names, after escapes too', () => {
    const t = build(['/k\\:v/:id', '/f/*rest']);
    const params: Param[] = [];
    expect(t.getValue('/k\\:v/7', params, [], false).handlers).toBe('/k\\:v/:id');
    t.getValue('/f/x/y', params, [], false);
    expect(params).toEqual([
      { key: 'id', value: '7' },
      { key: 'rest', value: '/x/y' },
    ]);
  });

  test('a scratch array left non-empty by a caller does not change the result', () => {
    const skipped: SkippedNode<string>[] = [{ pos: 99, node: tree, paramsCount: 5 }];
    const params: Param[] = [];
    expect(tree.getValue('/s/x', params, skipped, false).handlers).toBe('/s/:x');
    expect(params).toEqual([{ key: 'x', value: 'x' }]);
  });
});

// The lookup as first ported from gin's getValue, before the fast paths: strings compared with
// startsWith/indexOf, a fresh object per backtracking point, node fields read through their
// public accessors. The differential test below holds getValue to it, result for result.
function referenceLookup(
  root: Node<string>,
  path: string,
  unescapeValues: boolean,
): { handlers: string | undefined; tsr: boolean; fullPath: string; params: Param[] } {
  const params: Param[] = [];
  const skipped: { pos: number; node: Node<string>; paramsCount: number }[] = [];
  const out = (handlers: string | undefined, tsr: boolean, fullPath: string) => ({
    handlers,
    tsr,
    fullPath,
    params,
  });
  const backtrack = (pos: number): { pos: number; node: Node<string> } | undefined => {
    for (let s = skipped.pop(); s !== undefined; s = skipped.pop()) {
      if (s.pos <= pos) {
        params.length = s.paramsCount;
        paramsCount = s.paramsCount;
        return s;
      }
    }
    return undefined;
  };
  let n = root;
  let pos = 0;
  let paramsCount = 0;
  let noStatic = false;
  for (;;) {
    const prefix = n.path;
    const rest = path.length - pos;
    if (rest > prefix.length && path.startsWith(prefix, pos)) {
      const start = pos;
      pos += prefix.length;
      const idx = noStatic ? -1 : n.indices.indexOf(path[pos] as string);
      if (idx !== -1) {
        if (n.wildChild) skipped.push({ pos: start, node: n, paramsCount });
        n = n.children[idx] as Node<string>;
        continue;
      }
      noStatic = false;
      if (!n.wildChild) {
        const slashOnly = path.slice(pos) === '/';
        const b = slashOnly ? undefined : backtrack(pos);
        if (b !== undefined) {
          [pos, n, noStatic] = [b.pos, b.node, true];
          continue;
        }
        return out(undefined, slashOnly && n.handlers !== undefined, '');
      }
      n = n.children[n.children.length - 1] as Node<string>;
      paramsCount++;
      if (n.nType === nodeTypes.param) {
        let end = path.indexOf('/', pos);
        if (end === -1) end = path.length;
        const raw = path.slice(pos, end);
        params.push({ key: n.path.slice(1), value: unescapeValues ? queryUnescape(raw) : raw });
        if (end < path.length) {
          if (n.children.length > 0) {
            pos = end;
            n = n.children[0] as Node<string>;
            continue;
          }
          return out(undefined, path.length === end + 1, '');
        }
        if (n.handlers !== undefined) return out(n.handlers, false, n.fullPath);
        const c = n.children[0];
        const tsr =
          n.children.length === 1 &&
          c !== undefined &&
          ((c.path === '/' && c.handlers !== undefined) || (c.path === '' && c.indices === '/'));
        return out(undefined, tsr, '');
      }
      const raw = path.slice(pos);
      params.push({ key: n.path.slice(2), value: unescapeValues ? queryUnescape(raw) : raw });
      return out(n.handlers, false, n.fullPath);
    }
    const indices = noStatic ? '' : n.indices;
    noStatic = false;
    if (rest === prefix.length && path.startsWith(prefix, pos)) {
      if (n.handlers === undefined && prefix !== '/') {
        const b = backtrack(pos);
        if (b !== undefined) {
          [pos, n, noStatic] = [b.pos, b.node, true];
          continue;
        }
      }
      if (n.handlers !== undefined) return out(n.handlers, false, n.fullPath);
      if (prefix === '/' && n.wildChild && n.nType !== nodeTypes.root)
        return out(undefined, true, '');
      if (prefix === '/' && n.nType === nodeTypes.static) return out(undefined, true, '');
      const slash = indices.indexOf('/');
      const c = slash === -1 ? undefined : (n.children[slash] as Node<string>);
      const tsr =
        c !== undefined &&
        ((c.path.length === 1 && c.handlers !== undefined) ||
          (c.nType === nodeTypes.catchAll && c.children[0]?.handlers !== undefined));
      return out(undefined, tsr, '');
    }
    const slashOnly = path.slice(pos) === '/';
    const tsr =
      slashOnly ||
      (prefix.length === rest + 1 &&
        prefix[rest] === '/' &&
        prefix.startsWith(path.slice(pos)) &&
        n.handlers !== undefined);
    if (!tsr) {
      const b = backtrack(pos);
      if (b !== undefined) {
        [pos, n, noStatic] = [b.pos, b.node, true];
        continue;
      }
    }
    return out(undefined, tsr, '');
  }
}

test('differential: getValue agrees with the reference lookup on random trees (bounded)', () => {
  // A fixed-seed generator: the same tables and paths on every run.
  let seed = 4242;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const routeSegs = ['a', 'ab', 'abc', 'b', 'user', 'users', 'u', ':id', ':name', '', 'é', 'x:y'];
  const pathSegs = ['a', 'ab', 'abc', 'b', 'user', 'users', 'u', '42', 'a%20b', '', 'é', 'zz'];
  let compared = 0;
  let hits = 0;
  let tsrs = 0;
  for (let round = 0; round < 200; round++) {
    const tree = new Node<string>();
    const added: string[] = [];
    for (let k = 0; k < 10; k++) {
      const n = 1 + rnd(3);
      let route = '';
      for (let i = 0; i < n; i++) route += `/${routeSegs[rnd(routeSegs.length)]}`;
      if (rnd(6) === 0) route += '/*rest';
      else if (rnd(5) === 0) route += '/';
      try {
        tree.addRoute(route, route);
        added.push(route);
      } catch {
        // conflicting or malformed: gin would panic, the table goes on without it
      }
    }
    const skipped: SkippedNode<string>[] = [];
    for (let q = 0; q < 30; q++) {
      let path = '';
      const from = added[rnd(added.length + 1)];
      if (from !== undefined && rnd(3) !== 0) {
        // A registered route with its wildcards filled in, then perhaps off by a trailing slash
        // or cut short: the paths where hits, TSR and backtracking happen.
        path = from
          .replace(/:[^/]*/g, () => pathSegs[rnd(pathSegs.length)] as string)
          .replace(/\*rest$/, () => `${pathSegs[rnd(pathSegs.length)]}/${pathSegs[rnd(3)]}`);
        const r = rnd(6);
        if (r === 0) path = path.endsWith('/') ? path.slice(0, -1) : `${path}/`;
        else if (r === 1) path = path.slice(0, rnd(path.length + 1));
      } else {
        const n = rnd(4);
        for (let i = 0; i < n; i++) path += `/${pathSegs[rnd(pathSegs.length)]}`;
      }
      if (path === '' || rnd(8) === 0) path += '/';
      const unescapeValues = rnd(2) === 0;
      const params: Param[] = [];
      const v = tree.getValue(path, params, skipped, unescapeValues);
      const got = { handlers: v.handlers, tsr: v.tsr, fullPath: v.fullPath, params };
      expect({ path, got }).toEqual({ path, got: referenceLookup(tree, path, unescapeValues) });
      compared++;
      if (v.handlers !== undefined) hits++;
      if (v.tsr) tsrs++;
    }
  }
  expect(compared).toBe(200 * 30);
  // The tables are dense enough that hits and trailing-slash recommendations are both common.
  expect(hits).toBeGreaterThan(600);
  expect(tsrs).toBeGreaterThan(100);
});
