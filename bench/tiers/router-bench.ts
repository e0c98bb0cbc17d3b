/**
 * The router micro-benchmark, run in a child process on Bun (from source) and on Node (bundled
 * by `bun build --target=node`): ns per lookup, median of runs, for each router and path case.
 * Prints one JSON line `{ "rows": [{ router, case, ns }] }`.
 *
 * Fairness rules: every router holds the same route table (translated to its syntax), every
 * lookup uses a path string decoded freshly from request bytes in that iteration by
 * http-parser's `latin1()` (as the server produces it: a new string each request, so no router profits from a cached hash or an
 * interned key), and every router's answer is checked once before timing. The cost of decoding
 * alone is measured as its own row (`decode only`), to subtract by eye.
 *
 * servemux: its RoutingTree (`match(host, method, path)`, what `ServeMux.serveHTTP` calls after
 * cleaning the path). gin-router: what `Engine` does — a map of the static routes first, then
 * the radix tree's `getValue` with fresh params.
 */
import { Buffer } from 'node:buffer';
import FindMyWay from 'find-my-way';
import { LinearRouter } from 'hono/router/linear-router';
import { PatternRouter } from 'hono/router/pattern-router';
import { RegExpRouter } from 'hono/router/reg-exp-router';
import { TrieRouter } from 'hono/router/trie-router';
import { Memoirist } from 'memoirist';
import { addRoute, createRouter, findRoute } from 'rou3';
import { StaticRoutes } from '../../packages/gin-router/src/static-routes.ts';
import { Node, type Param, type SkippedNode } from '../../packages/gin-router/src/tree.ts';
import { latin1 } from '../../packages/http-parser/src/index.ts';
import { parsePattern } from '../../packages/servemux/src/pattern.ts';
import { RoutingTree } from '../../packages/servemux/src/tree.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const RUNS = quick ? 3 : 5;
const ITERS = quick ? 30_000 : 100_000;

/** The route table, in gin syntax (`:name`, `*name`); each router gets its own spelling. */
const routes = [
  '/',
  '/user',
  '/user/comments',
  '/user/avatar',
  '/user/lookup/username/:username',
  '/user/lookup/email/:address',
  '/event/:id',
  '/event/:id/comments',
  '/map/:location/events',
  '/status',
  '/very/deeply/nested/route/hello/there',
  '/repos/:owner/:repo/issues/:number',
  '/repos/:owner/:repo/pulls',
  '/static/*filepath',
];

/** The path cases: the request path and the route it must find (undefined for a miss). */
const cases: { name: string; path: string; want: string | undefined }[] = [
  { name: 'static', path: '/user/comments', want: '/user/comments' },
  {
    name: 'static, deep',
    path: '/very/deeply/nested/route/hello/there',
    want: '/very/deeply/nested/route/hello/there',
  },
  { name: '1 param', path: '/event/1234567', want: '/event/:id' },
  {
    name: '3 params',
    path: '/repos/servehttp/core/issues/42',
    want: '/repos/:owner/:repo/issues/:number',
  },
  { name: 'catch-all', path: '/static/css/site/main.css', want: '/static/*filepath' },
  { name: 'miss', path: '/nothing/here/at/all', want: undefined },
];

type Lookup = (path: string) => string | undefined;

function servemux(): Lookup {
  const t = new RoutingTree();
  // Each route's handler carries the route's gin spelling, read back as find-my-way's store is.
  type Named = { serveHTTP(): void; route: string };
  for (const r of routes) {
    // Go's `/` matches every path; the root alone is `/{$}`.
    const p = r === '/' ? '/{$}' : r.replace(/:(\w+)/g, '{$1}').replace(/\*(\w+)/, '{$1...}');
    const h: Named = { serveHTTP() {}, route: r };
    t.add(parsePattern(`GET ${p}`), h);
  }
  return (path) => (t.match('', 'GET', path)?.handler as Named | undefined)?.route;
}

function ginRouter(): Lookup {
  const root = new Node<string>();
  const statics = new StaticRoutes<string>();
  for (const r of routes) {
    root.addRoute(r, r);
    if (!r.includes(':') && !r.includes('*')) statics.set(r, r);
  }
  // As the Engine does: one scratch array for backtracking, reused by every lookup.
  const skipped: SkippedNode<string>[] = [];
  return (path) => {
    const hit = statics.get(path);
    if (hit !== undefined) return hit;
    const params: Param[] = [];
    return root.getValue(path, params, skipped, false).handlers;
  };
}

function findMyWay(): Lookup {
  const r = FindMyWay();
  for (const p of routes) {
    const store = p;
    r.on('GET', p.replace(/\*\w+$/, '*'), () => {}, { route: store });
  }
  return (path) => (r.find('GET', path)?.store as { route: string } | undefined)?.route;
}

function memoirist(): Lookup {
  const r = new Memoirist<string>();
  for (const p of routes) r.add('GET', p.replace(/\*\w+$/, '*'), p);
  return (path) => r.find('GET', path)?.store;
}

function rou3(): Lookup {
  const r = createRouter<string>();
  for (const p of routes) addRoute(r, 'GET', p.replace(/\*(\w+)$/, '**:$1'), p);
  return (path) => findRoute(r, 'GET', path)?.data;
}

interface HonoLike {
  add(method: string, path: string, handler: string): void;
  match(method: string, path: string): [unknown[], unknown?];
}

function hono(make: () => HonoLike): Lookup {
  const r = make();
  for (const p of routes) r.add('GET', p.replace(/\*\w+$/, '*'), p);
  return (path) => {
    const [m] = r.match('GET', path);
    const first = m[0] as [string | [string, unknown], unknown] | undefined;
    if (first === undefined) return undefined;
    return Array.isArray(first[0]) ? first[0][0] : first[0];
  };
}

const routers: [string, () => Lookup][] = [
  ['servemux', servemux],
  ['gin-router', ginRouter],
  ['find-my-way', findMyWay],
  ['memoirist', memoirist],
  ['rou3', rou3],
  ['hono RegExpRouter', () => hono(() => new RegExpRouter<string>() as unknown as HonoLike)],
  ['hono TrieRouter', () => hono(() => new TrieRouter<string>() as unknown as HonoLike)],
  ['hono LinearRouter', () => hono(() => new LinearRouter<string>() as unknown as HonoLike)],
  ['hono PatternRouter', () => hono(() => new PatternRouter<string>() as unknown as HonoLike)],
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1] as number;
}

let sink = 0;

interface Entry {
  router: string;
  case: string;
  once: () => void;
  runs: number[];
}

function entry(router: string, caseName: string, path: string, fn: Lookup | null): Entry {
  const buf = Buffer.from(path, 'latin1');
  const n = buf.length;
  const once =
    fn === null
      ? () => {
          sink += latin1(buf, 0, n).length;
        }
      : () => {
          sink += fn(latin1(buf, 0, n))?.length ?? 1;
        };
  return { router, case: caseName, once, runs: [] };
}

const entries: Entry[] = [];
const problems: string[] = [];
for (const c of cases) entries.push(entry('decode only', c.name, c.path, null));
for (const [name, make] of routers) {
  let lookup: Lookup;
  try {
    lookup = make();
  } catch (e) {
    problems.push(`${name}: setup failed: ${String(e)}`);
    continue;
  }
  for (const c of cases) {
    let got: string | undefined;
    try {
      got = lookup(c.path);
    } catch (e) {
      problems.push(`${name} ${c.name}: threw ${String(e)}`);
      continue;
    }
    if (got !== c.want) {
      problems.push(
        `${name} ${c.name}: found ${JSON.stringify(got)}, want ${JSON.stringify(c.want)}`,
      );
      continue;
    }
    entries.push(entry(name, c.name, c.path, lookup));
  }
}
// Warm every entry up, then time runs interleaved across entries, so a burst of other load on
// the machine spreads over all routers rather than landing on one.
for (const e of entries) for (let i = 0; i < 20_000; i++) e.once();
for (let r = 0; r < RUNS; r++) {
  for (const e of entries) {
    const t0 = performance.now();
    for (let i = 0; i < ITERS; i++) e.once();
    e.runs.push(((performance.now() - t0) * 1e6) / ITERS);
  }
}
const rows = entries.map((e) => ({ router: e.router, case: e.case, ns: median(e.runs) }));
process.stdout.write(
  `${JSON.stringify({ rows, problems, routes, cases, runs: RUNS, iters: ITERS, sink: sink % 7 })}\n`,
);
