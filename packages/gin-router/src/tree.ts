/**
 * The radix tree gin routes with, one per HTTP method (gin `tree.go`, forked from
 * julienschmidt/httprouter).
 *
 * # Data structure
 *
 * Every node holds a path fragment. A static node's children are indexed by the first character
 * of their fragment (`indices[i]` is `children[i].path[0]`), ordered by `priority` (the number of
 * routes below the child) so the busiest branch is tried first. A node may also have one wildcard
 * child, always last: a `:param` node (matches up to the next `/`) or a catch-all pair (an empty
 * node whose only child is `/*name`, matching the rest of the path, slash included).
 *
 * # Invariants (checked by the tests after every table)
 *
 * - `priority` = number of routes registered at or below the node.
 * - `indices.length` = number of static children; the wildcard child, if any, is last and
 *   `wildChild` is set on its parent.
 * - A param fragment is `:name` and nothing else; a catch-all is only ever the end of a route.
 *
 * # Lookup
 *
 * `getValue` walks the tree in one loop, consuming the path. Static children are tried before
 * the wildcard; when a static branch dead-ends, the walk backtracks to the last node that also had
 * a wildcard child (gin's `skippedNodes`, gin#2796), so `/:cc` still matches `/all` next to a
 * static `/all/cc`. On a miss it recommends a trailing-slash redirect (TSR) when the path with
 * (or without) a final `/` has a handler.
 *
 * The walk never slices the request path: it advances an offset and compares char codes, so
 * gin's "remaining path" is `path.slice(pos)` only in the reader's head. Each node keeps the char
 * codes of its fragment and of its indices in small-integer arrays (their setters keep them in
 * step), so only the request path is read with charCodeAt, and the first character of a child
 * found through the indices is not compared twice. Results are prebuilt (one frozen `NodeValue`
 * per route, dropped by the `handlers`/`fullPath` setters; two shared ones for a miss),
 * parameter names are computed when a wildcard node is created, and a backtracking point is an
 * offset in a reused entry. A static hit therefore allocates nothing; a parameter costs its
 * `Param` and its value string.
 *
 * # Worked example
 *
 * Routes `/search/`, `/search/:query`, `/src/*filepath` build
 *
 * ```
 * /s                         (priority 3)
 * ├─ earch/                  handler /search/        (priority 2)
 * │  └─ :query               handler /search/:query
 * └─ rc                      (catch-all parent)
 *    └─ ''  catchAll
 *       └─ /*filepath        handler /src/*filepath
 * ```
 *
 * `/search/gin` → params `[query=gin]`; `/src/a/b` → `[filepath=/a/b]`; `/search` → no handler,
 * TSR recommended (`/search/` exists).
 *
 * Differences from gin: strings are UTF-16, so a node may split between the two halves of a
 * surrogate pair where gin splits between UTF-8 bytes — the lookups give the same answers. The
 * case-insensitive search compares with `toLowerCase()` per fragment instead of decoding runes.
 */

/** One URL parameter: the wildcard's name and the value it matched. gin: `Param`. */
export interface Param {
  /** The wildcard name, without `:` or `*`. */
  key: string;
  /** The matched value (unescaped when the engine asks for it). */
  value: string;
}

/**
 * A route registration error (conflicting or malformed path). The message carries gin's wording,
 * prefixed `gin: `, followed by where the new route — and the existing one it collides with —
 * were registered. gin panics with the same text at `addRoute`.
 */
export class RouteError extends Error {
  /** The full path of the route being registered. */
  readonly path: string;
  /** Where that registration happened (`file:line:col`), or `''` when unknown. */
  readonly registeredAt: string;
  /** Builds the error; `reason` is gin's panic text. */
  constructor(reason: string, path: string, registeredAt: string, existingAt = '') {
    let msg = `gin: ${reason}`;
    if (registeredAt !== '') msg += `\n\tnew route registered at ${registeredAt}`;
    if (existingAt !== '') msg += `\n\texisting route registered at ${existingAt}`;
    super(msg);
    this.name = 'RouteError';
    this.path = path;
    this.registeredAt = registeredAt;
  }
}

const STATIC = 0;
const ROOT = 1;
const PARAM = 2;
const CATCH_ALL = 3;
const SLASH = 0x2f;

// The parameter name a wildcard node binds: `:id` → `id`, a catch-all leaf `/*path` → `path`.
function wildcardKey(path: string, nType: number): string {
  if (nType === PARAM) return path.slice(1);
  if (nType === CATCH_ALL && path.startsWith('/*')) return path.slice(2);
  return '';
}

/** A tree node. Exported for the package's tests and the engine only, not from the entry. */
export class Node<T> {
  #path = '';
  #indices = '';
  // The char codes of `path` and `indices`, kept in step by their setters: the lookup compares
  // the request path against numbers in a small-integer array instead of reading a second
  // string code unit by code unit (on V8, each charCodeAt dispatches on the string's layout).
  #pathCodes: number[] = [];
  #codes: number[] = [];
  wildChild = false;
  nType: number = STATIC;
  priority = 0;
  children: Node<T>[] = [];
  #handlers: T | undefined = undefined;
  #fullPath = '';
  // The parameter name of a wildcard node, computed when its path is set (never per request).
  key = '';
  #hit: NodeValue<T> | undefined;
  // Where the route that created (or last set handlers on) this node was registered.
  where = '';

  /** What the route ending here was registered with; `undefined` when no route ends here. */
  get handlers(): T | undefined {
    return this.#handlers;
  }

  set handlers(v: T | undefined) {
    this.#handlers = v;
    this.#hit = undefined;
  }

  /** The full path of the route that created (or last set handlers on) this node. */
  get fullPath(): string {
    return this.#fullPath;
  }

  set fullPath(v: string) {
    this.#fullPath = v;
    this.#hit = undefined;
  }

  /** The fragment of the path this node matches (`:name` for a param, `/*name` for a catch-all). */
  get path(): string {
    return this.#path;
  }

  set path(v: string) {
    this.#path = v;
    this.#pathCodes = charCodes(v);
  }

  /** The first character of each static child's fragment, in `children` order. */
  get indices(): string {
    return this.#indices;
  }

  set indices(v: string) {
    this.#indices = v;
    this.#codes = charCodes(v);
  }

  // Keeps the wildcard child last.
  addChild(child: Node<T>): void {
    const cs = this.children;
    if (this.wildChild && cs.length > 0) {
      const wild = cs[cs.length - 1] as Node<T>;
      cs[cs.length - 1] = child;
      cs.push(wild);
    } else {
      cs.push(child);
    }
  }

  // Bumps a child's priority and moves it forward past lower-priority siblings.
  incrementChildPrio(pos: number): number {
    const cs = this.children;
    const child = cs[pos] as Node<T>;
    child.priority++;
    const prio = child.priority;
    let newPos = pos;
    for (; newPos > 0 && (cs[newPos - 1] as Node<T>).priority < prio; newPos--) {
      cs[newPos] = cs[newPos - 1] as Node<T>;
      cs[newPos - 1] = child;
    }
    if (newPos !== pos) {
      const ix = this.indices;
      this.indices = ix.slice(0, newPos) + ix[pos] + ix.slice(newPos, pos) + ix.slice(pos + 1);
    }
    return newPos;
  }

  /**
   * Adds a route. Throws {@link RouteError} for a conflict or a malformed path; the tree may be
   * left partly modified, as in gin (registration errors are fatal by design).
   */
  addRoute(path: string, handlers: T, where = ''): void {
    const fullPath = path;
    let n: Node<T> = this;
    n.priority++;
    if (n.path.length === 0 && n.children.length === 0) {
      n.insertChild(path, fullPath, handlers, where);
      n.nType = ROOT;
      return;
    }
    let parentFullPathIndex = 0;
    walk: for (;;) {
      const i = longestCommonPrefix(path, n.path);
      if (i < n.path.length) {
        // Split the edge: the common prefix stays here, the rest moves to a child.
        const child = new Node<T>();
        child.path = n.path.slice(i);
        child.wildChild = n.wildChild;
        child.nType = STATIC;
        child.indices = n.indices;
        child.children = n.children;
        child.handlers = n.handlers;
        child.priority = n.priority - 1;
        child.fullPath = n.fullPath;
        child.where = n.where;
        n.children = [child];
        n.indices = n.path[i] as string;
        n.path = path.slice(0, i);
        n.key = wildcardKey(n.path, n.nType);
        n.handlers = undefined;
        n.wildChild = false;
        n.fullPath = fullPath.slice(0, parentFullPathIndex + i);
      }
      if (i < path.length) {
        path = path.slice(i);
        const c = path[0] as string;
        // '/' after a param
        if (n.nType === PARAM && c === '/' && n.children.length === 1) {
          parentFullPathIndex += n.path.length;
          n = n.children[0] as Node<T>;
          n.priority++;
          continue;
        }
        for (let j = 0; j < n.indices.length; j++) {
          if (c === n.indices[j]) {
            parentFullPathIndex += n.path.length;
            j = n.incrementChildPrio(j);
            n = n.children[j] as Node<T>;
            continue walk;
          }
        }
        if (c !== ':' && c !== '*' && n.nType !== CATCH_ALL) {
          n.indices += c;
          const child = new Node<T>();
          child.fullPath = fullPath;
          child.where = where;
          n.addChild(child);
          n.incrementChildPrio(n.indices.length - 1);
          n = child;
        } else if (n.wildChild) {
          // A wildcard is being inserted where one exists: it must be the same one.
          n = n.children[n.children.length - 1] as Node<T>;
          n.priority++;
          if (
            path.length >= n.path.length &&
            n.path === path.slice(0, n.path.length) &&
            n.nType !== CATCH_ALL &&
            (n.path.length >= path.length || path[n.path.length] === '/')
          ) {
            continue;
          }
          let pathSeg = path;
          if (n.nType !== CATCH_ALL) {
            const slash = pathSeg.indexOf('/');
            if (slash !== -1) pathSeg = pathSeg.slice(0, slash);
          }
          const prefix = fullPath.slice(0, fullPath.indexOf(pathSeg)) + n.path;
          throw new RouteError(
            `'${pathSeg}' in new path '${fullPath}' conflicts with existing wildcard '${n.path}' in existing prefix '${prefix}'`,
            fullPath,
            where,
            n.where,
          );
        }
        n.insertChild(path, fullPath, handlers, where);
        return;
      }
      if (n.handlers !== undefined) {
        throw new RouteError(
          `handlers are already registered for path '${fullPath}'`,
          fullPath,
          where,
          n.where,
        );
      }
      n.handlers = handlers;
      n.fullPath = fullPath;
      n.where = where;
      return;
    }
  }

  insertChild(path: string, fullPath: string, handlers: T, where: string): void {
    let n: Node<T> = this;
    for (;;) {
      const [wildcard, i, valid] = findWildcard(path, fullPath, where);
      if (i < 0) break;
      if (!valid) {
        throw new RouteError(
          `only one wildcard per path segment is allowed, has: '${wildcard}' in path '${fullPath}'`,
          fullPath,
          where,
        );
      }
      if (wildcard.length < 2) {
        throw new RouteError(
          `wildcards must be named with a non-empty name in path '${fullPath}'`,
          fullPath,
          where,
        );
      }
      if (wildcard[0] === ':') {
        if (i > 0) {
          n.path = path.slice(0, i);
          path = path.slice(i);
        }
        const child = new Node<T>();
        child.nType = PARAM;
        child.path = wildcard;
        child.key = wildcardKey(wildcard, PARAM);
        child.fullPath = fullPath;
        child.where = where;
        n.addChild(child);
        n.wildChild = true;
        n = child;
        n.priority++;
        if (wildcard.length < path.length) {
          path = path.slice(wildcard.length);
          const next = new Node<T>();
          next.priority = 1;
          next.fullPath = fullPath;
          next.where = where;
          n.addChild(next);
          n = next;
          continue;
        }
        n.handlers = handlers;
        return;
      }
      // catch-all
      if (i + wildcard.length !== path.length) {
        throw new RouteError(
          `catch-all routes are only allowed at the end of the path in path '${fullPath}'`,
          fullPath,
          where,
        );
      }
      if (n.path.length > 0 && n.path[n.path.length - 1] === '/') {
        let pathSeg = '';
        const first = n.children[0];
        if (first !== undefined) {
          const slash = first.path.indexOf('/');
          pathSeg = slash === -1 ? first.path : first.path.slice(0, slash);
        }
        throw new RouteError(
          `catch-all wildcard '${path}' in new path '${fullPath}' conflicts with existing path segment '${pathSeg}' in existing prefix '${n.path}${pathSeg}'`,
          fullPath,
          where,
          first?.where ?? n.where,
        );
      }
      const slashAt = i - 1;
      if (slashAt < 0 || path[slashAt] !== '/') {
        throw new RouteError(`no / before catch-all in path '${fullPath}'`, fullPath, where);
      }
      n.path = path.slice(0, slashAt);
      const catchAllParent = new Node<T>();
      catchAllParent.wildChild = true;
      catchAllParent.nType = CATCH_ALL;
      catchAllParent.fullPath = fullPath;
      catchAllParent.where = where;
      n.addChild(catchAllParent);
      n.indices = '/';
      n = catchAllParent;
      n.priority++;
      const leaf = new Node<T>();
      leaf.path = path.slice(slashAt);
      leaf.nType = CATCH_ALL;
      leaf.key = wildcardKey(leaf.path, CATCH_ALL);
      leaf.handlers = handlers;
      leaf.priority = 1;
      leaf.fullPath = fullPath;
      leaf.where = where;
      n.children = [leaf];
      return;
    }
    n.path = path;
    n.handlers = handlers;
    n.fullPath = fullPath;
    n.where = where;
  }

  /**
   * Finds the handlers for `path`. Parameters are appended to `params` (when given); `skipped`
   * is scratch space for backtracking: its entries are overwritten and reused, never read from an
   * earlier call, so whatever a caller leaves in it does not matter. On a miss, `tsr` says
   * whether the path with or without a trailing slash has a handler. gin: `node.getValue`.
   *
   * Cost: the walk never slices `path`; it keeps an offset and compares char codes, and returns
   * a prebuilt result, so a static hit allocates nothing and each parameter one `Param` plus its
   * value string (the key is precomputed on the node). Backtracking remembers offsets, not
   * concatenated strings, in `skipped` entries that are reused rather than allocated, counted by
   * a local instead of the array's `length` (on V8, storing to `length` is a runtime call, about
   * a third of a whole parametrised lookup). No builtin is called per node: `indexOf` and
   * `startsWith` with an offset are not inlined by V8, a `charCodeAt` loop is.
   */
  getValue(
    path: string,
    params: Param[] | null,
    skipped: SkippedNode<T>[],
    unescapeValues: boolean,
  ): NodeValue<T> {
    const len = path.length;
    let n: Node<T> = this;
    // path.slice(pos) is gin's `path` at every step.
    let pos = 0;
    let paramsCount = 0;
    // skipped[0..nSkipped) is gin's `skippedNodes`.
    let nSkipped = 0;
    // Set when resuming from a skipped node: gin resumes from a copy of the node made without
    // its indices, so that its static children are not tried a second time.
    let noStatic = false;
    // How many characters of the next node's fragment are known to match already.
    let from = 0;
    walk: for (;;) {
      const prefix = n.#path;
      const pc = n.#pathCodes;
      const plen = prefix.length;
      const rest = len - pos;
      // k: how much of the prefix the rest of the path matches.
      const most = Math.min(rest, plen);
      let k = most === 0 ? 0 : from;
      from = 0;
      while (k < most && path.charCodeAt(pos + k) === pc[k]) k++;
      if (k === plen && rest > plen) {
        const start = pos;
        pos += plen;
        if (!noStatic) {
          const c = path.charCodeAt(pos);
          const codes = n.#codes;
          for (let i = 0; i < codes.length; i++) {
            if (codes[i] === c) {
              // gin keeps `prefix + path`, the remainder from this node; an offset says it.
              if (n.wildChild) {
                const s = skipped[nSkipped];
                if (s === undefined) skipped[nSkipped] = { pos: start, node: n, paramsCount };
                else {
                  s.pos = start;
                  s.node = n;
                  s.paramsCount = paramsCount;
                }
                nSkipped++;
              }
              n = n.children[i] as Node<T>;
              // That character is the child's first one (or its fragment is empty).
              from = 1;
              continue walk;
            }
          }
        }
        noStatic = false;
        if (!n.wildChild) {
          const slashOnly = len - pos === 1 && path.charCodeAt(pos) === SLASH;
          if (!slashOnly) {
            // Every remembered remainder is a suffix of `path`, so gin's HasSuffix test is
            // "starts no later than here".
            while (nSkipped > 0) {
              const s = skipped[--nSkipped] as SkippedNode<T>;
              if (s.pos <= pos) {
                pos = s.pos;
                n = s.node;
                if (params !== null) params.length = s.paramsCount;
                paramsCount = s.paramsCount;
                noStatic = true;
                continue walk;
              }
            }
          }
          return miss(slashOnly && n.#handlers !== undefined);
        }
        // The wildcard child is always last.
        n = n.children[n.children.length - 1] as Node<T>;
        paramsCount++;
        if (n.nType === PARAM) {
          let end = pos;
          while (end < len && path.charCodeAt(end) !== SLASH) end++;
          if (params !== null) {
            const raw = path.slice(pos, end);
            params.push({ key: n.key, value: unescapeValues ? queryUnescape(raw) : raw });
          }
          if (end < len) {
            if (n.children.length > 0) {
              pos = end;
              n = n.children[0] as Node<T>;
              continue;
            }
            return miss(len === end + 1);
          }
          if (n.#handlers !== undefined) return n.#found();
          if (n.children.length === 1) {
            const c = n.children[0] as Node<T>;
            return miss(
              (c.#path === '/' && c.#handlers !== undefined) ||
                (c.#path === '' && c.#indices === '/'),
            );
          }
          return miss(false);
        }
        if (n.nType === CATCH_ALL) {
          if (params !== null) {
            const raw = pos === 0 ? path : path.slice(pos);
            params.push({ key: n.key, value: unescapeValues ? queryUnescape(raw) : raw });
          }
          return n.#found();
        }
        throw new Error('gin: invalid node type');
      }
      const indices = noStatic ? '' : n.#indices;
      noStatic = false;
      if (k === plen && rest === plen) {
        if (n.#handlers === undefined && prefix !== '/') {
          while (nSkipped > 0) {
            const s = skipped[--nSkipped] as SkippedNode<T>;
            if (s.pos <= pos) {
              pos = s.pos;
              n = s.node;
              if (params !== null) params.length = s.paramsCount;
              paramsCount = s.paramsCount;
              noStatic = true;
              continue walk;
            }
          }
        }
        if (n.#handlers !== undefined) return n.#found();
        if (prefix === '/' && n.wildChild && n.nType !== ROOT) return miss(true);
        if (prefix === '/' && n.nType === STATIC) return miss(true);
        const slash = indices.indexOf('/');
        if (slash === -1) return miss(false);
        const c = n.children[slash] as Node<T>;
        return miss(
          (c.#path.length === 1 && c.#handlers !== undefined) ||
            (c.nType === CATCH_ALL && (c.children[0] as Node<T>).#handlers !== undefined),
        );
      }
      const slashOnly = rest === 1 && path.charCodeAt(pos) === SLASH;
      // gin: the prefix is the rest of the path plus a final '/' (k === rest: all of it matched).
      const tsr =
        slashOnly ||
        (plen === rest + 1 && k === rest && pc[rest] === SLASH && n.#handlers !== undefined);
      if (!tsr && !slashOnly) {
        while (nSkipped > 0) {
          const s = skipped[--nSkipped] as SkippedNode<T>;
          if (s.pos <= pos) {
            pos = s.pos;
            n = s.node;
            if (params !== null) params.length = s.paramsCount;
            paramsCount = s.paramsCount;
            noStatic = true;
            continue walk;
          }
        }
      }
      return miss(tsr);
    }
  }

  // The hit result, built once per route and shared: a lookup allocates no result object. The
  // setters of `handlers` and `fullPath` drop it, so it is rebuilt after registration changed
  // either, and a hit costs one field read.
  #found(): NodeValue<T> {
    const h = this.#hit;
    if (h !== undefined) return h;
    const made: NodeValue<T> = Object.freeze({
      handlers: this.#handlers,
      tsr: false,
      fullPath: this.#fullPath,
    });
    this.#hit = made;
    return made;
  }

  /**
   * A case-insensitive lookup that returns the registered spelling of `path`, optionally also
   * adding or removing a trailing slash; `undefined` when nothing matches. Only used on a miss
   * with `redirectFixedPath`, so it may recurse (both the lower- and the upper-case child can
   * exist). gin: `findCaseInsensitivePath`.
   */
  findCaseInsensitivePath(path: string, fixTrailingSlash: boolean): string | undefined {
    return ciFind(this, path, '', fixTrailingSlash);
  }
}

/**
 * What {@link Node.getValue} found. gin: `nodeValue`. Results are shared and frozen (one per
 * route, two for misses): read them, do not keep them across registrations.
 */
export interface NodeValue<T> {
  readonly handlers: T | undefined;
  readonly tsr: boolean;
  readonly fullPath: string;
}

const missNoTSR: NodeValue<never> = Object.freeze({
  handlers: undefined,
  tsr: false,
  fullPath: '',
});
const missTSR: NodeValue<never> = Object.freeze({ handlers: undefined, tsr: true, fullPath: '' });

function miss(tsr: boolean): NodeValue<never> {
  return tsr ? missTSR : missNoTSR;
}

/** A node to come back to when a static branch dead-ends. gin: `skippedNode`. */
export interface SkippedNode<T> {
  /** Where gin's remembered `path` starts in the looked-up path. */
  pos: number;
  node: Node<T>;
  paramsCount: number;
}

function charCodes(s: string): number[] {
  const codes: number[] = [];
  for (let i = 0; i < s.length; i++) codes.push(s.charCodeAt(i));
  return codes;
}

function longestCommonPrefix(a: string, b: string): number {
  const max = Math.min(a.length, b.length);
  let i = 0;
  while (i < max && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

// Finds the first wildcard segment: [wildcard, start index, valid]. `\:` escapes a colon.
function findWildcard(path: string, fullPath: string, where: string): [string, number, boolean] {
  let escapeColon = false;
  for (let start = 0; start < path.length; start++) {
    const c = path[start];
    if (escapeColon) {
      escapeColon = false;
      if (c === ':') continue;
      throw new RouteError(`invalid escape string in path '${path}'`, fullPath, where);
    }
    if (c === '\\') {
      escapeColon = true;
      continue;
    }
    if (c !== ':' && c !== '*') continue;
    let valid = true;
    for (let end = start + 1; end < path.length; end++) {
      const d = path[end];
      if (d === '/') return [path.slice(start, end), start, valid];
      if (d === ':' || d === '*') valid = false;
    }
    return [path.slice(start), start, valid];
  }
  return ['', -1, false];
}

function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

const utf8Decoder = new TextDecoder();
const utf8Encoder = new TextEncoder();

/**
 * Go's `url.QueryUnescape`, returning `s` unchanged when it has a malformed `%` escape (gin keeps
 * the raw value then). `+` becomes a space.
 */
export function queryUnescape(s: string): string {
  if (s.indexOf('%') === -1 && s.indexOf('+') === -1) return s;
  for (let i = s.indexOf('%'); i !== -1; i = s.indexOf('%', i + 1)) {
    if (hexVal(s.charCodeAt(i + 1)) < 0 || hexVal(s.charCodeAt(i + 2)) < 0) return s;
    i += 2;
  }
  const src = utf8Encoder.encode(s);
  const out = new Uint8Array(src.length);
  let w = 0;
  for (let r = 0; r < src.length; r++) {
    const b = src[r] as number;
    if (b === 0x25) {
      out[w++] = hexVal(src[r + 1] as number) * 16 + hexVal(src[r + 2] as number);
      r += 2;
    } else {
      out[w++] = b === 0x2b ? 0x20 : b;
    }
  }
  return utf8Decoder.decode(out.subarray(0, w));
}

function foldEq(a: string, b: string): boolean {
  return a === b || a.toLowerCase() === b.toLowerCase();
}

function ciFind<T>(n: Node<T>, path: string, ci: string, fix: boolean): string | undefined {
  for (;;) {
    const np = n.path;
    const npLen = np.length;
    if (!(path.length >= npLen && (npLen === 0 || foldEq(path.slice(1, npLen), np.slice(1))))) {
      break;
    }
    path = path.slice(npLen);
    ci += np;
    if (path.length === 0) {
      if (n.handlers !== undefined) return ci;
      if (fix) {
        const slash = n.indices.indexOf('/');
        if (slash !== -1) {
          const c = n.children[slash] as Node<T>;
          if (
            (c.path.length === 1 && c.handlers !== undefined) ||
            (c.nType === CATCH_ALL && (c.children[0] as Node<T>).handlers !== undefined)
          ) {
            return `${ci}/`;
          }
        }
      }
      return undefined;
    }
    const ch = path[0] as string;
    const lo = ch.toLowerCase();
    const up = ch.toUpperCase();
    if (!n.wildChild) {
      const li = n.indices.indexOf(lo);
      if (li !== -1) {
        const out = ciFind(n.children[li] as Node<T>, path, ci, fix);
        if (out !== undefined) return out;
      }
      const ui = up !== lo ? n.indices.indexOf(up) : -1;
      if (ui !== -1) {
        n = n.children[ui] as Node<T>;
        continue;
      }
      if (fix && path === '/' && n.handlers !== undefined) return ci;
      return undefined;
    }
    // Static children first, then the wildcard (gin#2959).
    if (n.indices.length > 0) {
      const li = n.indices.indexOf(lo);
      if (li !== -1) {
        const out = ciFind(n.children[li] as Node<T>, path, ci, fix);
        if (out !== undefined) return out;
      }
      const ui = up !== lo ? n.indices.indexOf(up) : -1;
      if (ui !== -1) {
        const out = ciFind(n.children[ui] as Node<T>, path, ci, fix);
        if (out !== undefined) return out;
      }
    }
    n = n.children[n.children.length - 1] as Node<T>;
    if (n.nType === PARAM) {
      let end = path.indexOf('/');
      if (end === -1) end = path.length;
      ci += path.slice(0, end);
      if (end < path.length) {
        if (n.children.length > 0) {
          n = n.children[0] as Node<T>;
          path = path.slice(end);
          continue;
        }
        if (fix && path.length === end + 1) return ci;
        return undefined;
      }
      if (n.handlers !== undefined) return ci;
      if (fix && n.children.length === 1) {
        const c = n.children[0] as Node<T>;
        if (c.path === '/' && c.handlers !== undefined) return `${ci}/`;
      }
      return undefined;
    }
    if (n.nType === CATCH_ALL) return ci + path;
    throw new Error('gin: invalid node type');
  }
  if (fix) {
    if (path === '/') return ci;
    const np = n.path;
    if (
      path.length + 1 === np.length &&
      np[path.length] === '/' &&
      foldEq(path.slice(1), np.slice(1, path.length)) &&
      n.handlers !== undefined
    ) {
      return ci + np;
    }
  }
  return undefined;
}

/** Replaces gin's escaped colon `\:` by `:` throughout a tree. gin: `updateRouteTree`. */
export function unescapeColons<T>(n: Node<T>): void {
  const stack: Node<T>[] = [n];
  for (let x = stack.pop(); x !== undefined; x = stack.pop()) {
    x.path = x.path.replaceAll('\\:', ':');
    x.key = wildcardKey(x.path, x.nType);
    x.fullPath = x.fullPath.replaceAll('\\:', ':');
    x.indices = x.indices.replaceAll('\\', ':');
    for (const c of x.children) stack.push(c);
  }
}

/** Node kinds, exported for tests. */
export const nodeTypes: { static: number; root: number; param: number; catchAll: number } = {
  static: STATIC,
  root: ROOT,
  param: PARAM,
  catchAll: CATCH_ALL,
};
