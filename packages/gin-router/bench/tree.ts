/**
 * Tree-lookup micro-benchmark: nanoseconds per `Node.getValue` on gin's own route set (the
 * GitHub API v3 GET routes of gin's githubapi_test.go, plus a catch-all), for a static path,
 * one parameter, three parameters, a catch-all and a miss — and the engine's static-route table
 * in front of the tree.
 *
 * Every lookup gets a freshly built path string (decoded from bytes, as the server hands it
 * over), so no string hash or flattening is cached from an earlier iteration; the time to build
 * the strings is measured alone and subtracted.
 *
 *   bun packages/gin-router/bench/tree.ts            (from the repository root)
 *   bun packages/gin-router/bench/tree.ts --json     (machine-readable)
 *
 * Cross-router comparisons (find-my-way, memoirist, …) live in the repository's bench/ folder.
 */
import { Buffer } from 'node:buffer';
import { loadavg } from 'node:os';
import { Node, type Param, type SkippedNode } from '../src/tree.ts';

const githubGET = [
  '/authorizations',
  '/authorizations/:id',
  '/applications/:client_id/tokens/:access_token',
  '/events',
  '/repos/:owner/:repo/events',
  '/networks/:owner/:repo/events',
  '/orgs/:org/events',
  '/users/:user/received_events',
  '/users/:user/received_events/public',
  '/users/:user/events',
  '/users/:user/events/public',
  '/users/:user/events/orgs/:org',
  '/feeds',
  '/notifications',
  '/repos/:owner/:repo/notifications',
  '/notifications/threads/:id',
  '/notifications/threads/:id/subscription',
  '/repos/:owner/:repo/stargazers',
  '/users/:user/starred',
  '/user/starred',
  '/user/starred/:owner/:repo',
  '/repos/:owner/:repo/subscribers',
  '/users/:user/subscriptions',
  '/user/subscriptions',
  '/repos/:owner/:repo/subscription',
  '/user/subscriptions/:owner/:repo',
  '/users/:user/gists',
  '/gists',
  '/gists/:id',
  '/gists/:id/star',
  '/repos/:owner/:repo/git/blobs/:sha',
  '/repos/:owner/:repo/git/commits/:sha',
  '/repos/:owner/:repo/git/refs',
  '/repos/:owner/:repo/git/tags/:sha',
  '/repos/:owner/:repo/git/trees/:sha',
  '/issues',
  '/user/issues',
  '/orgs/:org/issues',
  '/repos/:owner/:repo/issues',
  '/repos/:owner/:repo/issues/:number',
  '/repos/:owner/:repo/assignees',
  '/repos/:owner/:repo/assignees/:assignee',
  '/repos/:owner/:repo/issues/:number/comments',
  '/repos/:owner/:repo/issues/:number/events',
  '/repos/:owner/:repo/labels',
  '/repos/:owner/:repo/labels/:name',
  '/repos/:owner/:repo/issues/:number/labels',
  '/repos/:owner/:repo/milestones/:number/labels',
  '/repos/:owner/:repo/milestones',
  '/repos/:owner/:repo/milestones/:number',
  '/emojis',
  '/gitignore/templates',
  '/gitignore/templates/:name',
  '/meta',
  '/rate_limit',
  '/users/:user/orgs',
  '/user/orgs',
  '/orgs/:org',
  '/orgs/:org/members',
  '/orgs/:org/members/:user',
  '/orgs/:org/public_members',
  '/orgs/:org/public_members/:user',
  '/orgs/:org/teams',
  '/teams/:id',
  '/teams/:id/members',
  '/teams/:id/members/:user',
  '/teams/:id/repos',
  '/teams/:id/repos/:owner/:repo',
  '/user/teams',
  '/repos/:owner/:repo/pulls',
  '/repos/:owner/:repo/pulls/:number',
  '/repos/:owner/:repo/pulls/:number/commits',
  '/repos/:owner/:repo/pulls/:number/files',
  '/repos/:owner/:repo/pulls/:number/merge',
  '/repos/:owner/:repo/pulls/:number/comments',
  '/user/repos',
  '/users/:user/repos',
  '/orgs/:org/repos',
  '/repositories',
  '/repos/:owner/:repo',
  '/repos/:owner/:repo/contributors',
  '/repos/:owner/:repo/languages',
  '/repos/:owner/:repo/teams',
  '/repos/:owner/:repo/tags',
  '/repos/:owner/:repo/branches',
  '/repos/:owner/:repo/branches/:branch',
  '/repos/:owner/:repo/collaborators',
  '/repos/:owner/:repo/collaborators/:user',
  '/repos/:owner/:repo/comments',
  '/repos/:owner/:repo/commits/:sha/comments',
  '/repos/:owner/:repo/comments/:id',
  '/repos/:owner/:repo/commits',
  '/repos/:owner/:repo/commits/:sha',
  '/repos/:owner/:repo/readme',
  '/repos/:owner/:repo/keys',
  '/repos/:owner/:repo/keys/:id',
  '/repos/:owner/:repo/downloads',
  '/repos/:owner/:repo/downloads/:id',
  '/repos/:owner/:repo/forks',
  '/repos/:owner/:repo/hooks',
  '/repos/:owner/:repo/hooks/:id',
  '/repos/:owner/:repo/releases',
  '/repos/:owner/:repo/releases/:id',
  '/repos/:owner/:repo/releases/:id/assets',
  '/repos/:owner/:repo/stats/contributors',
  '/repos/:owner/:repo/stats/commit_activity',
  '/repos/:owner/:repo/stats/code_frequency',
  '/repos/:owner/:repo/stats/participation',
  '/repos/:owner/:repo/stats/punch_card',
  '/repos/:owner/:repo/statuses/:ref',
  '/search/repositories',
  '/search/code',
  '/search/issues',
  '/search/users',
  '/legacy/issues/search/:owner/:repository/:state/:keyword',
  '/legacy/repos/search/:keyword',
  '/legacy/user/search/:keyword',
  '/legacy/user/email/:email',
  '/users/:user',
  '/user',
  '/users',
  '/user/emails',
  '/users/:user/followers',
  '/user/followers',
  '/users/:user/following',
  '/user/following',
  '/user/following/:user',
  '/users/:user/following/:target_user',
  '/users/:user/keys',
  '/user/keys',
  '/user/keys/:id',
  '/static/*filepath',
];

type H = string;
const tree = new Node<H>();
const statics = new Map<string, H>();
for (const r of githubGET) {
  tree.addRoute(r, r);
  if (!r.includes(':') && !r.includes('*')) statics.set(r, r);
}

const variants = 1024;
const word = (i: number): string => `u${(i * 2654435761) % 100003}`;
const cases: Record<string, { paths: string[]; want: string | undefined; params: number }> = {
  static: {
    paths: Array.from({ length: variants }, () => '/user/repos'),
    want: '/user/repos',
    params: 0,
  },
  '1 param': {
    paths: Array.from({ length: variants }, (_, i) => `/users/${word(i)}`),
    want: '/users/:user',
    params: 1,
  },
  '3 params': {
    paths: Array.from(
      { length: variants },
      (_, i) => `/repos/${word(i)}/${word(i + 1)}/issues/${i}`,
    ),
    want: '/repos/:owner/:repo/issues/:number',
    params: 3,
  },
  'catch-all': {
    paths: Array.from({ length: variants }, (_, i) => `/static/css/${word(i)}/site.css`),
    want: '/static/*filepath',
    params: 1,
  },
  miss: {
    paths: Array.from({ length: variants }, (_, i) => `/repos/${word(i)}/${word(i + 1)}/nope/${i}`),
    want: undefined,
    params: -1, // a miss may leave the params it collected on the way; the engine drops them
  },
};

const iterations = Number(process.env.ITERATIONS ?? 2_000_000);
const rounds = 5;

function measure(name: string, bytes: Buffer[], body: (path: string) => number): number {
  const mask = bytes.length - 1;
  let sink = 0;
  const start = performance.now();
  for (let i = 0; i < iterations; i++) {
    sink += body((bytes[i & mask] as Buffer).toString('latin1'));
  }
  const ns = ((performance.now() - start) * 1e6) / iterations;
  if (sink === -1) console.log(name); // keeps `sink` alive
  return ns;
}

const params: Param[] = [];
const skipped: SkippedNode<H>[] = [];
const rows: { case: string; nsPerLookup: number; nsTree: number; nsStringBuild: number }[] = [];
for (const [name, c] of Object.entries(cases)) {
  const bytes = c.paths.map((p) => Buffer.from(p, 'latin1'));
  // Correctness first: the benchmark measures real hits and real misses.
  for (const p of c.paths.slice(0, 4)) {
    params.length = 0;
    const v = tree.getValue(p, params, skipped, false);
    if (v.handlers !== c.want || (c.params >= 0 && params.length !== c.params)) {
      throw new Error(`bench: ${name} ${p} → ${String(v.handlers)} with ${params.length} params`);
    }
  }
  const lookup = (p: string): number => {
    params.length = 0;
    skipped.length = 0;
    return tree.getValue(p, params, skipped, false).handlers === undefined ? 0 : 1;
  };
  const engineLookup = (p: string): number => (statics.get(p) !== undefined ? 1 : lookup(p));
  const buildOnly = (p: string): number => p.length;
  let best = {
    tree: Number.POSITIVE_INFINITY,
    engine: Number.POSITIVE_INFINITY,
    build: Number.POSITIVE_INFINITY,
  };
  for (let r = 0; r < rounds; r++) {
    best = {
      build: Math.min(best.build, measure(name, bytes, buildOnly)),
      tree: Math.min(best.tree, measure(name, bytes, lookup)),
      engine: Math.min(best.engine, measure(name, bytes, engineLookup)),
    };
  }
  rows.push({
    case: name,
    nsTree: best.tree - best.build,
    nsPerLookup: best.engine - best.build,
    nsStringBuild: best.build,
  });
}

if (process.argv.includes('--json')) {
  console.log(
    JSON.stringify({ routes: githubGET.length, iterations, loadavg: loadavg(), rows }, null, 2),
  );
} else {
  console.log(
    `gin-router tree lookup, ${githubGET.length} GET routes, ${iterations.toLocaleString()} lookups × ${rounds} rounds (best), ${process.versions.bun ? `bun ${process.versions.bun}` : `node ${process.versions.node}`}, load average ${loadavg()[0]?.toFixed(2)}`,
  );
  console.log(
    'case         tree ns/op   engine ns/op (static table → tree)   string build ns (subtracted)',
  );
  for (const r of rows) {
    console.log(
      `${r.case.padEnd(12)} ${r.nsTree.toFixed(1).padStart(10)}   ${r.nsPerLookup.toFixed(1).padStart(10)}                             ${r.nsStringBuild.toFixed(1).padStart(6)}`,
    );
  }
}
