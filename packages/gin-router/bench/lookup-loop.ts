/**
 * A fixed loop of lookups for instruction counting, where wall-clock time is too noisy (a shared
 * machine): the route table and path cases are those of the repository's router tier
 * (`bench/tiers/router-bench.ts`), and each lookup does what `Engine` does — the static-route
 * map, then `getValue` with fresh params — on a path string decoded afresh from bytes.
 *
 *   valgrind --tool=callgrind --callgrind-out-file=/dev/null bun packages/gin-router/bench/lookup-loop.ts p3 0
 *   valgrind --tool=callgrind --callgrind-out-file=/dev/null bun packages/gin-router/bench/lookup-loop.ts p3 50000
 *
 * (instructions of the second run − the first) / 50000 = instructions per lookup, warm-up and
 * start-up cancelled out (both runs warm up with the same 20,000 lookups). `decode` as the router
 * argument (`… lookup-loop.ts p3 50000 decode`) counts the string decoding alone.
 */
import { Buffer } from 'node:buffer';
import { Node, type Param } from '../src/tree.ts';

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
const cases: Record<string, string> = {
  static: '/user/comments',
  deep: '/very/deeply/nested/route/hello/there',
  p1: '/event/1234567',
  p3: '/repos/servehttp/core/issues/42',
  catchall: '/static/css/site/main.css',
  miss: '/nothing/here/at/all',
};

const [caseName = 'p3', count = '0', mode = 'gin'] = process.argv.slice(2);
const path = cases[caseName];
if (path === undefined) throw new Error(`lookup-loop: unknown case ${caseName}`);
const n = Number(count);

const root = new Node<string>();
const statics = new Map<string, string>();
for (const r of routes) {
  root.addRoute(r, r);
  if (!r.includes(':') && !r.includes('*')) statics.set(r, r);
}
const lookup =
  mode === 'decode'
    ? (p: string): string | undefined => p
    : (p: string): string | undefined => {
        const hit = statics.get(p);
        if (hit !== undefined) return hit;
        const params: Param[] = [];
        return root.getValue(p, params, [], false).handlers;
      };

const bytes = Buffer.from(path, 'latin1');
let sink = 0;
for (let i = 0; i < 20_000 + n; i++) sink += lookup(bytes.toString('latin1'))?.length ?? 1;
if (sink === -1) console.log(sink); // keeps the loop's result alive
