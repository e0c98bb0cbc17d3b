/**
 * The decision tree that matches a request to a pattern. Go: `net/http/routing_tree.go`.
 *
 * Design note. Level one branches on the host (`''` = patterns without a host), level two on the
 * method (`''` = any method; GET also has its own field, the usual request's level without a Map
 * lookup), the levels below on path segments. A path node has literal children (an array scanned
 * up to eight keys, plus a `Map` beyond — Go's `mapping.go` trade-off), one single-wildcard child
 * and one multi-wildcard child (a leaf). A leaf holds a {@link Route}.
 *
 * Matching tries, at each segment, the literal child, then the single wildcard, then the multi.
 * Registration has already rejected every pair of patterns where that order would be ambiguous
 * (conflicts), so the first leaf found is the most specific pattern. Finding it may need
 * backtracking — with `/a/b/z` and `/a/{x}/c`, the path `/a/b/c` first descends into `b`, fails
 * at `c`, and comes back to `{x}`. The walk is one loop, not recursion: a choice point (node, path
 * offset, next stage, captures so far) is saved only at a node where a later stage could still
 * match, and wildcard captures are kept as bounds on a second stack; both live on the tree and
 * are reused by every request, since a match never yields to other code.
 *
 * Cost on V8 (callgrind of the shared router benchmark guided this; find-my-way is the yardstick):
 * no builtin call per segment. A node's plain keys (no `/` or `%`) are packed as code units, found
 * by their first code unit through a 128-entry table, and compared against the path in place
 * with charCodeAt, which TurboFan inlines (`indexOf`/`startsWith` with an offset are calls).
 * The segment's end and whether it holds a `%` are found in one loop only when a wildcard, a
 * `%` or a `Map` needs them. A path without `%` allocates nothing but the captured values.
 *
 * Static fast path: each method level also keeps a table from whole paths to routes for the
 * patterns made only of plain literals. Within one method level such a pattern is what the walk
 * would find first (literals are tried first at every segment), so a hit there is final. The
 * table is a hash table of its own keyed by (length, last code unit) and confirmed by
 * `===`: a `Map` would hash the request's fresh path string, which on V8 cost about as much as
 * walking the tree. No key holds a `%`, so a path with one misses it and is matched by the walk,
 * segment by unescaped segment.
 *
 * Invariants: a multi child is always a leaf; `values[0..nvalues)` are the wildcard values of
 * the last successful match, in pattern order.
 *
 * Worked example: `/a`, `/a/{x}`, `/a/b/{y...}` registered, `GET /a/b/c/d`: host `''`, method
 * `''`; the static table has no key equal to the path; segment `a` → literal child; `b` → literal
 * child (node `a` also has `{x}`, so a choice point is saved); `c` → no literal, no wildcard;
 * multi child of `b` matches, value `c/d` → route `/a/b/{y...}`.
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
  /** Whether it ends in a multi wildcard with a name (`{rest...}`, not a trailing slash). */
  readonly namedMulti: boolean;
}

// Linear scan beats hashing for a handful of short keys (Go's mapping.go uses 8 too).
const maxLinearKeys = 8;

// The `first` table of a node without plain ASCII keys: every entry -1, shared.
const noFirst = new Int8Array(128).fill(-1);

class PathNode {
  route: Route | undefined = undefined;
  keys: string[] = [];
  kids: PathNode[] = [];
  map: Map<string, PathNode> | undefined = undefined;
  wild: PathNode | undefined = undefined;
  multi: PathNode | undefined = undefined;
  // The plain keys (no `/`, no `%`: a raw segment equals one exactly when its unescaped form
  // does) again, as code units laid end to end (`codes`, key i at `offs[i]..offs[i+1]`) with
  // their children, so the walk compares them against the path in place without finding the
  // segment's end first. `first[c]` is the first plain key starting with the ASCII code unit
  // `c` (-1 for none) and `sameFirst[i]` the next one after key i, so a segment is compared with
  // the keys that share its first code unit only. Left empty once `map` takes over.
  codes: Uint16Array = new Uint16Array(0);
  offs: Int32Array = new Int32Array(1);
  plainKids: PathNode[] = [];
  first: Int8Array = noFirst;
  sameFirst: Int8Array = new Int8Array(maxLinearKeys).fill(-1);
  // The first code units of the other keys (those with a `/` or `%`; usually none, or the `/`
  // of a `{$}`), so that a miss can tell no key starts like the segment without scanning it.
  otherFirst: number[] = [];

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
      this.codes = new Uint16Array(0);
      this.offs = new Int32Array(1);
      this.plainKids = [];
      this.first = noFirst;
    } else if (key.includes('/') || key.includes('%')) {
      this.otherFirst.push(key.charCodeAt(0));
    } else {
      const n = this.plainKids.length;
      const end = (this.offs[n] as number) + key.length;
      const codes = new Uint16Array(end);
      codes.set(this.codes);
      for (let j = 0; j < key.length; j++) codes[end - key.length + j] = key.charCodeAt(j);
      const offs = new Int32Array(n + 2);
      offs.set(this.offs);
      offs[n + 1] = end;
      this.codes = codes;
      this.offs = offs;
      this.plainKids.push(c);
      const c0 = key.charCodeAt(0);
      if (c0 < 128) {
        if (this.first === noFirst) this.first = new Int8Array(128).fill(-1);
        let j = this.first[c0] as number;
        if (j === -1) this.first[c0] = n;
        else {
          while ((this.sameFirst[j] as number) !== -1) j = this.sameFirst[j] as number;
          this.sameFirst[j] = n;
        }
      }
    }
    return c;
  }
}

// The child of `n` whose plain key is the path's segment starting at `start` (ended by `/` or
// the end of the path), or -1; `matchedEnd` gets where it ends. Compares code units against the
// node's packed keys, each candidate first filtered by the `/` (or end) that must follow it.
let matchedEnd = 0;
function plainChild(n: PathNode, path: string, start: number, len: number): PathNode | undefined {
  const offs = n.offs;
  const codes = n.codes;
  const kids = n.plainKids;
  const c0 = path.charCodeAt(start);
  // An ASCII first code unit follows its chain; any other is compared with every key.
  const ascii = c0 < 128;
  let i = ascii ? (n.first[c0] as number) : kids.length === 0 ? -1 : 0;
  next: for (
    ;
    i !== -1;
    i = ascii ? (n.sameFirst[i] as number) : i + 1 < kids.length ? i + 1 : -1
  ) {
    const ks = offs[i] as number;
    if (codes[ks] !== c0) continue;
    const e = start + (offs[i + 1] as number) - ks;
    if (e > len || (e < len && path.charCodeAt(e) !== 0x2f)) continue;
    for (let j = start + 1, k = ks + 1; j < e; j++, k++) {
      if (path.charCodeAt(j) !== codes[k]) continue next;
    }
    matchedEnd = e;
    return kids[i];
  }
  return undefined;
}

// The static-pattern table's slot for a whole path: its length and last code unit. Two reads
// and no loop, for every request; paths that share them (`/api/v1/users`, `/api/v2/users`)
// share a slot's chain.
const staticSlots = 1024;
function staticSig(path: string): number {
  const n = path.length;
  return ((n * 37) ^ path.charCodeAt(n - 1)) & (staticSlots - 1);
}

class MethodRoot {
  readonly node: PathNode = new PathNode();
  // The whole paths of the patterns made of plain literals, in a hash table of their own keyed
  // by staticSig with chains: `slots[sig]` is 0 or 1 + the index of the last key with that
  // signature, `next[i]` 1 + the previous one's. A `Map` would hash the request's fresh path
  // string on every lookup — on V8 a runtime call that grows with the path, about what the walk
  // costs — where an empty slot turns a path away from one read and `===` on two strings of the
  // same length confirms a candidate without hashing.
  readonly slots: Int32Array = new Int32Array(staticSlots);
  readonly keys: string[] = [];
  readonly routes: Route[] = [];
  readonly next: number[] = [];
  // Whether any pattern here needs the walk (a wildcard, a multi, or an unusual literal).
  dynamic = false;

  addStatic(key: string, route: Route): void {
    const sig = staticSig(key);
    for (let i = (this.slots[sig] as number) - 1; i >= 0; i = (this.next[i] as number) - 1) {
      if (this.keys[i] === key) {
        this.routes[i] = route;
        return;
      }
    }
    this.keys.push(key);
    this.routes.push(route);
    this.next.push(this.slots[sig] as number);
    this.slots[sig] = this.keys.length;
  }
}

class HostNode {
  readonly methods: Map<string, MethodRoot> = new Map();
  any: MethodRoot | undefined = undefined;
  // The GET level again, outside the Map: most requests are GETs (and HEAD falls back to it), and
  // comparing with a constant costs less than hashing into the Map.
  get: MethodRoot | undefined = undefined;

  root(method: string): MethodRoot {
    if (method === '') return (this.any ??= new MethodRoot());
    let m = this.methods.get(method);
    if (m === undefined) {
      this.methods.set(method, (m = new MethodRoot()));
      if (method === 'GET') this.get = m;
    }
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
  // The walk's state, shared by all requests (a match never yields to other code): the choice
  // points to come back to (node, path offset, next stage, captures so far) and the captured
  // wildcard segments (bounds, and whether they hold a `%`).
  readonly #tryNode: PathNode[] = [];
  readonly #tryPos: number[] = [];
  readonly #tryStage: number[] = [];
  readonly #tryCaps: number[] = [];
  readonly #capStart: number[] = [];
  readonly #capEnd: number[] = [];
  readonly #capPct: boolean[] = [];
  /** Wildcard values of the last successful {@link RoutingTree.match}; see `nvalues`. */
  readonly values: string[] = [];
  /** How many of `values` belong to the last match. */
  nvalues = 0;

  /** Whether any pattern has a host: when none does, a request's host never changes a match. */
  get hasHosts(): boolean {
    return this.#hosts.size > 0;
  }

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
      namedMulti: lastSegment(p).multi && lastSegment(p).s !== '',
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
    else {
      mr.addStatic(key, route);
    }
    return route;
  }

  /**
   * The route for a host (port already stripped), method and escaped path, trying host patterns
   * before host-less ones and, within each, the exact method, then GET for HEAD, then patterns
   * without a method. Go: `routingNode.match`.
   */
  match(host: string, method: string, path: string): Route | undefined {
    if (host !== '' && this.#hosts.size > 0) {
      const hn = this.#hosts.get(host);
      if (hn !== undefined) {
        const r = this.#matchHost(hn, method, path);
        if (r !== undefined) return r;
      }
    }
    const nh = this.#noHost;
    return nh === undefined ? undefined : this.#matchHost(nh, method, path);
  }

  #matchHost(hn: HostNode, method: string, path: string): Route | undefined {
    let mr = method === 'GET' ? hn.get : hn.methods.get(method);
    if (mr !== undefined) {
      const r = this.#matchRoot(mr, path);
      if (r !== undefined) return r;
    }
    if (method === 'HEAD') {
      mr = hn.get;
      if (mr !== undefined) {
        const r = this.#matchRoot(mr, path);
        if (r !== undefined) return r;
      }
    }
    return hn.any === undefined ? undefined : this.#matchRoot(hn.any, path);
  }

  #matchRoot(mr: MethodRoot, path: string): Route | undefined {
    // No static key holds a `%` (see staticKey), so a path with an escape simply misses here and
    // is matched by the walk, which unescapes segment by segment.
    // The static table, read in place: an empty slot (the usual answer for a path with wildcard
    // values) costs two code-unit reads and one array read.
    for (let i = (mr.slots[staticSig(path)] as number) - 1; i >= 0; ) {
      if (mr.keys[i] === path) {
        this.nvalues = 0;
        return mr.routes[i];
      }
      i = (mr.next[i] as number) - 1;
    }
    if (!mr.dynamic && path.indexOf('%') === -1) return undefined;
    return this.#walk(mr.node, path);
  }

  #walk(root: PathNode, path: string): Route | undefined {
    const len = path.length;
    const tryNode = this.#tryNode;
    const tryPos = this.#tryPos;
    const tryStage = this.#tryStage;
    const tryCaps = this.#tryCaps;
    const capStart = this.#capStart;
    const capEnd = this.#capEnd;
    const capPct = this.#capPct;
    let tries = 0;
    let caps = 0;
    let n = root;
    let p = 0;
    // Stages at node `n`: 0 literal child → 1 single wildcard → 2 multi → backtrack. A choice
    // point is saved only when a later stage of this node could still match, so a walk through
    // nodes that have one way on saves nothing.
    let st = 0;
    for (;;) {
      if (p === len) {
        // The path is used up: only a route here matches (no segment is left for a wildcard).
        if (st === 0 && n.route !== undefined) return this.#found(n.route, caps, path, -1);
      } else if (st !== 2) {
        // A node with neither literal children nor a single wildcard goes straight to its multi,
        // without scanning the segment (the `/static/{path...}` case).
        if (n.wild !== undefined || n.keys.length !== 0) {
          // Set when no key can take the segment and there is no wildcard: nothing below applies.
          let none = false;
          // Literal children first, the common case without finding the segment's end: a plain
          // key compared in place (a lone trailing `/`, an empty segment and nodes with a Map go
          // the general way below).
          if (st === 0 && n.map === undefined && p !== len - 1) {
            const next = path.charCodeAt(p + 1);
            const c = next === 0x2f ? undefined : plainChild(n, path, p + 1, len);
            if (c !== undefined) {
              if (n.wild !== undefined || n.multi !== undefined) {
                this.#save(tries++, n, p, 1, caps);
              }
              n = c;
              p = matchedEnd;
              continue;
            }
            // No key starts with this ASCII code unit and, as it is no `%`, neither does the
            // segment once unescaped: with no wildcard here either, only the multi is left, and
            // the segment need not be scanned (the usual miss).
            if (n.wild === undefined && next < 128 && next !== 0x25 && n.first[next] === -1) {
              const other = n.otherFirst;
              let i = 0;
              while (i < other.length && other[i] !== next) i++;
              none = i === other.length;
            }
          }
          // The rest of the path starts with '/'; a lone '/' is the trailing-slash segment, marked
          // by starting at the slash itself. The segment's end and whether it holds a `%` come
          // from one charCodeAt loop, which V8 inlines (indexOf is a builtin call).
          let start = p;
          let end = len;
          let pct = false;
          if (p !== len - 1 && !none) {
            start = p + 1;
            for (end = start; end < len; end++) {
              const c = path.charCodeAt(end);
              if (c === 0x2f) break;
              if (c === 0x25) pct = true;
            }
          }
          // Left for the general lookup: a Map node, the trailing slash, an empty segment (the
          // empty literal), and a segment with `%` (its unescaped form may equal a key).
          if (
            st === 0 &&
            !none &&
            (n.map !== undefined || start === p || start === end || (pct && n.keys.length !== 0))
          ) {
            const c = lookup(n, path, start, end, pct);
            if (c !== undefined) {
              if (n.wild !== undefined || n.multi !== undefined) {
                this.#save(tries++, n, p, 1, caps);
              }
              n = c;
              p = end;
              continue;
            }
          }
          // A single wildcard never matches the trailing slash.
          if (n.wild !== undefined && start !== p) {
            if (n.multi !== undefined) {
              this.#save(tries++, n, p, 2, caps);
            }
            capStart[caps] = start;
            capEnd[caps] = end;
            capPct[caps++] = pct;
            n = n.wild;
            p = end;
            st = 0;
            continue;
          }
        }
        st = 2;
      }
      if (st === 2) {
        const m = n.multi;
        if (m !== undefined && m.route !== undefined) return this.#found(m.route, caps, path, p);
      }
      if (tries === 0) return undefined;
      tries--;
      n = tryNode[tries] as PathNode;
      p = tryPos[tries] as number;
      st = tryStage[tries] as number;
      caps = tryCaps[tries] as number;
    }
  }

  // Saves choice point `at`: come back to node `n` at offset `p`, at `stage`, with `caps`.
  #save(at: number, n: PathNode, p: number, stage: number, caps: number): void {
    this.#tryNode[at] = n;
    this.#tryPos[at] = p;
    this.#tryStage[at] = stage;
    this.#tryCaps[at] = caps;
  }

  // Fills `values` from the captured segments (and, for a multi wildcard, the rest of the path
  // after `multiAt`, which is -1 otherwise), unescaping only what holds a `%`.
  #found(route: Route, caps: number, path: string, multiAt: number): Route {
    const names = route.names.length;
    const values = this.values;
    const capStart = this.#capStart;
    const capEnd = this.#capEnd;
    let k = Math.min(caps, names);
    for (let i = 0; i < k; i++) {
      const seg = path.slice(capStart[i], capEnd[i]);
      values[i] = this.#capPct[i] === true ? pathUnescape(seg) : seg;
    }
    if (multiAt !== -1 && k < names && route.namedMulti) {
      const rest = path.slice(multiAt + 1);
      values[k++] = path.indexOf('%', multiAt) === -1 ? rest : pathUnescape(rest);
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
    if (host !== '') {
      const hn = this.#hosts.get(host);
      if (hn !== undefined) this.#methodsOf(hn, path, set);
    }
    if (this.#noHost !== undefined) this.#methodsOf(this.#noHost, path, set);
    if (set.has('GET')) set.add('HEAD');
  }

  #methodsOf(hn: HostNode, path: string, set: Set<string>): void {
    for (const [method, mr] of hn.methods) {
      if (this.#walk(mr.node, path) !== undefined) set.add(method);
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
  pct: boolean,
): PathNode | undefined {
  const len = end - start;
  if (len === 0) return n.wild; // see PathNode.child: the empty literal lives there
  if (pct) {
    const seg = pathUnescape(path.slice(start, end));
    if (n.map !== undefined) return n.map.get(seg);
    const i = n.keys.indexOf(seg);
    return i === -1 ? undefined : n.kids[i];
  }
  if (n.map !== undefined) return n.map.get(path.slice(start, end));
  // Compared code unit by code unit in place: no slice, and no builtin call that V8 would not
  // inline (startsWith with an offset is one).
  const keys = n.keys;
  next: for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    if (k.length !== len) continue;
    for (let j = 0; j < len; j++) {
      if (k.charCodeAt(j) !== path.charCodeAt(start + j)) continue next;
    }
    return n.kids[i];
  }
  return undefined;
}
