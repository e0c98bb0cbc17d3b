/**
 * The decision tree that matches a request to a pattern. Go: `net/http/routing_tree.go`.
 *
 * Design note. Level one branches on the host (`''` = patterns without a host), level two on the
 * method (`''` = any method), the levels below on path segments. A path node has literal children
 * (an array scanned linearly up to eight keys, plus a `Map` beyond — Go's `mapping.go` trade-off),
 * one single-wildcard child and one multi-wildcard child (a leaf). A leaf holds a {@link Route}.
 *
 * Matching tries, at each segment, the literal child, then the single wildcard, then the multi.
 * Registration has already rejected every pair of patterns where that order would be ambiguous
 * (conflicts), so the first leaf found is the most specific pattern. Finding it may need
 * backtracking — with `/a/b/z` and `/a/{x}/c`, the path `/a/b/c` first descends into `b`, fails
 * at `c`, and comes back to `{x}`. The walk is one loop over an explicit stack kept on the tree
 * (reused by every request, since a match never yields to other code) rather than recursion, and
 * it compares segments in place with `startsWith(key, offset)`, so a path without `%` allocates
 * nothing but the captured values.
 *
 * Static fast path: each method level also keeps a `Map` from whole paths to routes for the
 * patterns made only of plain literals. Within one method level such a pattern is what the walk
 * would find first (literals are tried first at every segment), so a hit there is final. A path
 * with `%` skips it, because its segments must be unescaped one by one.
 *
 * Invariants: a multi child is always a leaf; `values[0..nvalues)` are the wildcard values of
 * the last successful match, in pattern order.
 *
 * Worked example: `/a`, `/a/{x}`, `/a/b/{y...}` registered, `GET /a/b/c/d`: host `''`, method
 * `''`; static map misses; segment `a` → literal child; `b` → literal child; `c` → no literal, no
 * wildcard; multi child of `b` matches, value `c/d` → route `/a/b/{y...}`.
 */
import type { Handler } from '@servehttp/core-listener';
import { pathUnescape } from './path.ts';
import { lastSegment, type Pattern, type Segment } from './pattern.ts';

/** A registered pattern and its handler, as a leaf of the tree holds them. */
export interface Route {
  readonly pattern: Pattern;
  readonly handler: Handler;
  /** Names of the wildcards that capture a value, in order. */
  readonly names: readonly string[];
  /** Whether the pattern ends in a multi wildcard (or a trailing slash). */
  readonly multi: boolean;
  /** Number of path segments, for the exact-match test of trailing-slash redirection. */
  readonly segCount: number;
}

// Linear scan beats hashing for a handful of short keys (Go's mapping.go uses 8 too).
const maxLinearKeys = 8;

class PathNode {
  route: Route | undefined = undefined;
  keys: string[] = [];
  kids: PathNode[] = [];
  map: Map<string, PathNode> | undefined = undefined;
  wild: PathNode | undefined = undefined;
  multi: PathNode | undefined = undefined;

  child(key: string): PathNode {
    // Go quirk kept on purpose: an empty literal segment (only possible in method-less patterns
    // such as `//`) shares the node of the single wildcard (`routingNode.addChild("")`).
    if (key === '') return (this.wild ??= new PathNode());
    const i = this.keys.indexOf(key);
    if (i !== -1) return this.kids[i] as PathNode;
    const c = new PathNode();
    this.keys.push(key);
    this.kids.push(c);
    if (this.map !== undefined) this.map.set(key, c);
    else if (this.keys.length > maxLinearKeys) {
      this.map = new Map();
      for (let j = 0; j < this.keys.length; j++) {
        this.map.set(this.keys[j] as string, this.kids[j] as PathNode);
      }
    }
    return c;
  }
}

class MethodRoot {
  readonly node: PathNode = new PathNode();
  readonly statics: Map<string, Route> = new Map();
  // Whether any pattern here needs the walk (a wildcard, a multi, or an unusual literal).
  dynamic = false;
}

class HostNode {
  readonly methods: Map<string, MethodRoot> = new Map();
  any: MethodRoot | undefined = undefined;

  root(method: string): MethodRoot {
    if (method === '') return (this.any ??= new MethodRoot());
    let m = this.methods.get(method);
    if (m === undefined) this.methods.set(method, (m = new MethodRoot()));
    return m;
  }
}

// The whole-path key of a pattern made of plain literals, or undefined when it needs the walk.
function staticKey(segs: readonly Segment[]): string | undefined {
  let key = '';
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i] as Segment;
    if (s.wild) return undefined;
    if (s.s === '/' && i === segs.length - 1) return `${key}/`;
    if (s.s === '' || s.s.includes('/') || s.s.includes('%')) return undefined;
    key += `/${s.s}`;
  }
  return key;
}

/** The routing tree of one ServeMux. Go: `routingNode` (the root). */
export class RoutingTree {
  readonly #hosts = new Map<string, HostNode>();
  #noHost: HostNode | undefined;
  // The walk's explicit stack, shared by all requests: node, path offset, stage, segment bounds.
  readonly #nodes: PathNode[] = [];
  readonly #pos: number[] = [];
  readonly #stage: number[] = [];
  readonly #segStart: number[] = [];
  readonly #segEnd: number[] = [];
  /** Wildcard values of the last successful {@link RoutingTree.match}; see `nvalues`. */
  readonly values: string[] = [];
  /** How many of `values` belong to the last match. */
  nvalues = 0;

  /** Adds a pattern; the caller has checked it for conflicts. Go: `addPattern`. */
  add(p: Pattern, handler: Handler): Route {
    const segs = p.segments;
    const names: string[] = [];
    for (const s of segs) if (s.wild && s.s !== '') names.push(s.s);
    const route: Route = {
      pattern: p,
      handler,
      names,
      multi: lastSegment(p).multi,
      segCount: segs.length,
    };
    let hn: HostNode | undefined;
    if (p.host === '') hn = this.#noHost ??= new HostNode();
    else {
      hn = this.#hosts.get(p.host);
      if (hn === undefined) this.#hosts.set(p.host, (hn = new HostNode()));
    }
    const mr = hn.root(p.method);
    let n = mr.node;
    for (const s of segs) {
      if (s.multi) n = n.multi = new PathNode();
      else n = s.wild ? (n.wild ??= new PathNode()) : n.child(s.s);
    }
    n.route = route;
    const key = staticKey(segs);
    if (key === undefined) mr.dynamic = true;
    else mr.statics.set(key, route);
    return route;
  }

  /**
   * The route for a host (port already stripped), method and escaped path, trying host patterns
   * before host-less ones and, within each, the exact method, then GET for HEAD, then patterns
   * without a method. Go: `routingNode.match`.
   */
  match(host: string, method: string, path: string): Route | undefined {
    const hasPct = path.indexOf('%') !== -1;
    if (host !== '' && this.#hosts.size > 0) {
      const hn = this.#hosts.get(host);
      if (hn !== undefined) {
        const r = this.#matchHost(hn, method, path, hasPct);
        if (r !== undefined) return r;
      }
    }
    const nh = this.#noHost;
    return nh === undefined ? undefined : this.#matchHost(nh, method, path, hasPct);
  }

  #matchHost(hn: HostNode, method: string, path: string, hasPct: boolean): Route | undefined {
    let mr = hn.methods.get(method);
    if (mr !== undefined) {
      const r = this.#matchRoot(mr, path, hasPct);
      if (r !== undefined) return r;
    }
    if (method === 'HEAD') {
      mr = hn.methods.get('GET');
      if (mr !== undefined) {
        const r = this.#matchRoot(mr, path, hasPct);
        if (r !== undefined) return r;
      }
    }
    return hn.any === undefined ? undefined : this.#matchRoot(hn.any, path, hasPct);
  }

  #matchRoot(mr: MethodRoot, path: string, hasPct: boolean): Route | undefined {
    if (!hasPct) {
      const r = mr.statics.get(path);
      if (r !== undefined) {
        this.nvalues = 0;
        return r;
      }
      if (!mr.dynamic) return undefined;
    }
    return this.#walk(mr.node, path, hasPct);
  }

  #walk(root: PathNode, path: string, hasPct: boolean): Route | undefined {
    const nodes = this.#nodes;
    const pos = this.#pos;
    const stage = this.#stage;
    const segStart = this.#segStart;
    const segEnd = this.#segEnd;
    const len = path.length;
    let d = 0;
    nodes[0] = root;
    pos[0] = 0;
    stage[0] = 0;
    // Each frame moves through stages 0 (literal) → 1 (single wildcard) → 2 (multi) → 3 (done),
    // so the loop runs at most 3 × (nodes on the way) times.
    for (;;) {
      const n = nodes[d] as PathNode;
      const p = pos[d] as number;
      let st = stage[d] as number;
      if (st === 0) {
        if (p === len) {
          if (n.route !== undefined) return this.#found(n.route, d, path, hasPct, false);
          if (--d < 0) return undefined;
          continue;
        }
        // The rest of the path starts with '/'; a lone '/' is the trailing-slash segment, which
        // is marked by starting at the slash itself.
        let start = p;
        let end = len;
        if (p !== len - 1) {
          start = p + 1;
          end = path.indexOf('/', start);
          if (end === -1) end = len;
        }
        segStart[d] = start;
        segEnd[d] = end;
        stage[d] = st = 1;
        const c = lookup(n, path, start, end, hasPct);
        if (c !== undefined) {
          d++;
          nodes[d] = c;
          pos[d] = end;
          stage[d] = 0;
          continue;
        }
      }
      if (st === 1) {
        stage[d] = st = 2;
        // A single wildcard never matches the trailing slash.
        if (n.wild !== undefined && segStart[d] !== p) {
          const end = segEnd[d] as number;
          d++;
          nodes[d] = n.wild;
          pos[d] = end;
          stage[d] = 0;
          continue;
        }
      }
      if (st === 2) {
        stage[d] = 3;
        const m = n.multi;
        if (m !== undefined && m.route !== undefined) {
          return this.#found(m.route, d, path, hasPct, true);
        }
      }
      if (--d < 0) return undefined;
    }
  }

  #found(route: Route, top: number, path: string, hasPct: boolean, multi: boolean): Route {
    const names = route.names.length;
    const values = this.values;
    let k = 0;
    for (let i = 0; i < top && k < names; i++) {
      if (this.#stage[i] !== 2) continue;
      const seg = path.slice(this.#segStart[i], this.#segEnd[i]);
      values[k++] = hasPct ? pathUnescape(seg) : seg;
    }
    if (multi && k < names && route.pattern.segments[route.segCount - 1]?.s !== '') {
      const rest = path.slice((this.#pos[top] as number) + 1);
      values[k++] = hasPct ? pathUnescape(rest) : rest;
    }
    this.nvalues = k;
    return route;
  }

  /**
   * Adds to `set` every method whose patterns (for this host, or without a host) match the path;
   * GET brings HEAD. Patterns without a method are not looked at: this runs only after they
   * failed. Go: `routingNode.matchingMethods`.
   */
  matchingMethods(host: string, path: string, set: Set<string>): void {
    const hasPct = path.indexOf('%') !== -1;
    if (host !== '') {
      const hn = this.#hosts.get(host);
      if (hn !== undefined) this.#methodsOf(hn, path, hasPct, set);
    }
    if (this.#noHost !== undefined) this.#methodsOf(this.#noHost, path, hasPct, set);
    if (set.has('GET')) set.add('HEAD');
  }

  #methodsOf(hn: HostNode, path: string, hasPct: boolean, set: Set<string>): void {
    for (const [method, mr] of hn.methods) {
      if (this.#walk(mr.node, path, hasPct) !== undefined) set.add(method);
    }
  }

  /** The tree in the layout of Go's `TestRoutingAddPattern` golden output. */
  dump(): string {
    const out: string[] = [];
    const line = (level: number, s: string): void => {
      out.push(`${'    '.repeat(level)}${s}\n`);
    };
    const q = (s: string): string => JSON.stringify(s);
    const path = (n: PathNode, level: number): void => {
      if (n.route !== undefined) line(level, q(n.route.pattern.str));
      if (n.wild !== undefined) {
        line(level, `${q('')}:`);
        path(n.wild, level + 1);
      }
      const keys = n.keys.slice().sort();
      for (const k of keys) {
        line(level, `${q(k)}:`);
        path(n.kids[n.keys.indexOf(k)] as PathNode, level + 1);
      }
      if (n.multi !== undefined) {
        line(level, 'MULTI:');
        path(n.multi, level + 1);
      }
    };
    const host = (hn: HostNode, level: number): void => {
      if (hn.any !== undefined) {
        line(level, `${q('')}:`);
        path(hn.any.node, level + 1);
      }
      for (const m of [...hn.methods.keys()].sort()) {
        line(level, `${q(m)}:`);
        path((hn.methods.get(m) as MethodRoot).node, level + 1);
      }
    };
    if (this.#noHost !== undefined) {
      line(0, `${q('')}:`);
      host(this.#noHost, 1);
    }
    for (const h of [...this.#hosts.keys()].sort()) {
      line(0, `${q(h)}:`);
      host(this.#hosts.get(h) as HostNode, 1);
    }
    return out.join('');
  }
}

function lookup(
  n: PathNode,
  path: string,
  start: number,
  end: number,
  hasPct: boolean,
): PathNode | undefined {
  const len = end - start;
  if (len === 0) return n.wild; // see PathNode.child: the empty literal lives there
  if (hasPct) {
    const seg = pathUnescape(path.slice(start, end));
    if (n.map !== undefined) return n.map.get(seg);
    const i = n.keys.indexOf(seg);
    return i === -1 ? undefined : n.kids[i];
  }
  if (n.map !== undefined) return n.map.get(path.slice(start, end));
  const keys = n.keys;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    if (k.length === len && path.startsWith(k, start)) return n.kids[i];
  }
  return undefined;
}
