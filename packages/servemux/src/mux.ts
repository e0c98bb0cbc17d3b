/**
 * `ServeMux`: Go 1.22's request multiplexer. Go: `net/http/server.go` (`ServeMux`,
 * `findHandler`, `matchOrRedirect`, `exactMatch`, `registerErr`).
 *
 * Design note. Registration parses the pattern, asks the {@link RoutingIndex} for the patterns it
 * could conflict with, checks each, and only then adds it to the {@link RoutingTree}: a mux never
 * holds a conflicting pair, which is what lets the tree return its first match. A request is
 * routed in one pass: strip the port from the host, clean the escaped path (a clean path is
 * returned as is), match; only a miss or a match by a non-empty multi wildcard pays for a second
 * lookup (the `/tree` → `/tree/` redirect test), and only a miss pays for the 405 `Allow` scan.
 *
 * Example: `GET /items/{id}` and `/items/` registered. `GET /items/7` → the first, `id` = `7`.
 * `POST /items/7` → `/items/`. `GET /items` → 301 to `/items/`. `GET /a/../items/7` → 301 to
 * `/items/7`.
 */
import {
  type Handler,
  type HandlerFunc,
  type HandlerLike,
  isHandler,
  type Request,
  type ResponseWriter,
  StatusBadRequest,
  StatusMethodNotAllowed,
  StatusMovedPermanently,
  statusText,
} from '@servehttp/core-listener';
import { ConflictError, RegistrationError } from './errors.ts';
import { error, notFoundHandler, redirectHandler } from './helpers.ts';
import { LegacyMux, urlString } from './legacy.ts';
import { callerLocation } from './location.ts';
import { cleanPath, isPlainCleanPath, stripHostPort } from './path.ts';
import { conflictsWith, describeConflict, parsePattern } from './pattern.ts';
import { RoutingIndex } from './routing-index.ts';
import { type Route, RoutingTree } from './tree.ts';

/** Options of {@link ServeMux}. */
export interface ServeMuxOptions {
  /**
   * Go 1.21 behaviour, as Go's `GODEBUG=httpmuxgo121=1`: patterns are plain strings matched as
   * exact paths or, ending in `/`, as longest prefixes; host patterns first; no methods, no
   * wildcards, no conflict checks beyond exact duplicates; the whole path is unescaped before
   * matching. Default `false`.
   */
  readonly httpmuxgo121?: boolean;
}

/** What {@link ServeMux.handler} returns. */
export interface HandlerMatch {
  /** The handler to run: a registered one, or a redirect, 405 or 404 handler made by the mux. */
  readonly handler: Handler;
  /**
   * The registered pattern that matches (after a redirect, the one that will), or `''` for 404
   * and 405.
   */
  readonly pattern: string;
}

function exactMatch(route: Route | undefined, path: string): boolean {
  if (route === undefined) return false;
  if (!route.multi) return true;
  // A multi wildcard matched something non-empty unless the path ends at its slash.
  if (path.length > 0 && path.charCodeAt(path.length - 1) !== 0x2f) return false;
  let slashes = 0;
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) slashes++;
  return route.segCount === slashes;
}

// The match of a request no pattern matched.
const noNames: readonly string[] = Object.freeze([]);

function methodNotAllowed(allowed: string[]): Handler {
  const allow = allowed.join(', ');
  return {
    serveHTTP(w) {
      w.header().set('Allow', allow);
      error(w, statusText(StatusMethodNotAllowed), StatusMethodNotAllowed);
    },
  };
}

/**
 * An HTTP request multiplexer: it matches each request against the registered patterns and calls
 * the handler of the most specific one. Go: `http.ServeMux` (Go 1.22+). The package README has
 * the full rules; in short:
 *
 * - **Patterns** `[METHOD ][HOST]/[PATH]`: `GET /items/{id}`, `example.com/`, `/files/{path...}`,
 *   `/{$}`. No method matches every method, `GET` also matches `HEAD`, methods are
 *   case-sensitive. Paths are matched segment by segment on their unescaped form, so `%2F` stays
 *   inside a segment. Wildcard values are on `r.pathValue(name)`, the pattern on `r.pattern`.
 * - **Precedence**: the most specific pattern wins; a pattern with a host beats one without. Two
 *   patterns that can match one request with neither more specific conflict, and the second
 *   `handle` throws a {@link ConflictError} naming both, where each was registered and a path both
 *   match.
 * - **Redirects**: a request for `/tree` when only the subtree `/tree/` is registered gets a 301 to
 *   `/tree/` (query kept); a path with `//`, `.` or `..` gets a 301 to its clean form (not for
 *   CONNECT). The host is matched without its port.
 * - **Errors**: 405 with `Allow` when only the method is wrong, 404 otherwise; `OPTIONS *` gets 400.
 */
export class ServeMux implements Handler {
  readonly #tree = new RoutingTree();
  readonly #index = new RoutingIndex();
  readonly #legacy: LegacyMux | undefined;
  // The last lookup's route and pattern, read straight after #find by the same (synchronous)
  // caller: a result object per request would be the only allocation of a static hit.
  #route: Route | undefined;
  #pattern = '';
  // The last path found plain and clean: requests repeat paths, and the parser hands back the
  // same string for a repeated target, so an identity compare stands in for the scan.
  #lastPlain = '';

  /** A new, empty mux; see {@link ServeMuxOptions}. Go: `http.NewServeMux`. */
  constructor(options?: ServeMuxOptions) {
    this.#legacy = options?.httpmuxgo121 === true ? new LegacyMux() : undefined;
  }

  /**
   * Registers `handler` for `pattern`. Go: `ServeMux.Handle`.
   * @throws {RegistrationError} for an empty pattern (`invalid pattern`) or a missing or unusable
   * handler (`nil handler`); {@link PatternError} for a malformed pattern, with Go's message and
   * offset; {@link ConflictError} when it conflicts with (or duplicates) a registered pattern.
   */
  handle(pattern: string, handler: HandlerLike): void {
    if (typeof pattern !== 'string' || pattern === '') {
      throw new RegistrationError(String(pattern), 'invalid pattern');
    }
    if (handler === null || handler === undefined) {
      throw new RegistrationError(pattern, 'nil handler');
    }
    if (!isHandler(handler)) {
      throw new RegistrationError(
        pattern,
        `nil handler: the handler for ${JSON.stringify(pattern)} must be a function (w, r) => … or an object with serveHTTP(w, r)`,
      );
    }
    const h: Handler = typeof handler === 'function' ? { serveHTTP: handler } : handler;
    if (this.#legacy !== undefined) {
      this.#legacy.handle(pattern, h);
      return;
    }
    const pat = parsePattern(pattern);
    pat.loc = callerLocation();
    for (const other of this.#index.candidates(pat)) {
      if (conflictsWith(pat, other)) {
        throw new ConflictError(
          pat.str,
          pat.loc,
          other.str,
          other.loc,
          describeConflict(pat, other),
        );
      }
    }
    this.#tree.add(pat, h);
    this.#index.add(pat);
  }

  /**
   * Registers a handler function for `pattern`; the same as {@link ServeMux.handle}.
   * Go: `ServeMux.HandleFunc` (a nil function panics there too, Go issue 24297).
   */
  handleFunc(pattern: string, handler: HandlerFunc): void {
    this.handle(pattern, handler);
  }

  /**
   * The handler that would serve `r`, and its pattern, without serving it — the escape hatch for
   * frameworks. It never returns nothing: a redirect, 405 or 404 handler made by the mux stands in
   * when no registered handler applies. It does not change `r` (no path values are set).
   * Go: `ServeMux.Handler`.
   */
  handler(r: Request): HandlerMatch {
    if (this.#legacy !== undefined) return this.#legacy.find(r);
    const handler = this.#find(r);
    return { handler, pattern: this.#pattern };
  }

  /**
   * Routes `r` to the handler of the most specific matching pattern, after setting `r.pattern` and
   * the path values. `OPTIONS *` (request-target `*`) gets 400, with `Connection: close` on
   * HTTP/1.1. Go: `ServeMux.ServeHTTP`.
   */
  serveHTTP(w: ResponseWriter, r: Request): void | Promise<void> {
    if (r.requestURI === '*') {
      if (r.protoAtLeast(1, 1)) w.header().set('Connection', 'close');
      w.writeHeader(StatusBadRequest);
      return;
    }
    if (this.#legacy !== undefined) return this.#legacy.find(r).handler.serveHTTP(w, r);
    const h = this.#find(r);
    r.pattern = this.#pattern;
    const route = this.#route;
    // Go replaces the request's match (r.pat, r.matches) with this mux's, a miss included: a
    // mux behind another sees its own wildcards only; values set by middleware stay.
    if (route === undefined) r.setPathMatch(noNames, noNames);
    else {
      const tree = this.#tree;
      const n = tree.nvalues;
      r.setPathMatch(route.names, n === route.names.length ? tree.values : tree.values.slice(0, n));
    }
    return h.serveHTTP(w, r);
  }

  // Go's findHandler + matchOrRedirect. Leaves the route (only for a real match) and the pattern
  // in #route and #pattern.
  #find(r: Request): Handler {
    const tree = this.#tree;
    const u = r.url;
    const method = r.method;
    // The common path (no escapes kept, nothing to escape, already clean) is its own escaped and
    // clean form: one loop instead of escapedPath's and cleanPath's two.
    const p = u.path;
    const plain =
      u.rawPath === '' && method !== 'CONNECT' && (p === this.#lastPlain || isPlainCleanPath(p));
    if (plain) this.#lastPlain = p;
    const escaped = plain ? p : u.escapedPath();
    this.#route = undefined;
    let host: string;
    let path: string;
    let route: Route | undefined;
    if (method === 'CONNECT') {
      // The /tree → /tree/ redirect applies to CONNECT, the cleaning does not; and the first
      // lookup uses the URL's host, the match the Host header, both with their ports.
      if (!exactMatch(tree.match(u.host, method, escaped), escaped)) {
        const to = this.#slashRedirect(u.host, method, escaped, u.path, u.rawQuery);
        if (to !== undefined) return to;
      }
      host = r.host;
      path = escaped;
      route = tree.match(host, method, path);
    } else {
      // Without host patterns the host cannot change a match, so it is not even read (reading
      // it decodes the Host field of the request).
      host = tree.hasHosts ? stripHostPort(r.host) : '';
      // A plain clean path is already what cleaning gives.
      path = plain ? escaped : cleanPath(escaped);
      route = tree.match(host, method, path);
      if (!exactMatch(route, path)) {
        const to = this.#slashRedirect(host, method, path, u.path, u.rawQuery);
        // The probe may have overwritten the wildcard values of `route`: match again.
        if (to !== undefined) return to;
        if (route !== undefined) route = tree.match(host, method, path);
      }
      if (path !== escaped) {
        // Go builds url.URL{Path: path} from the *escaped* path, so an escape in a redirected
        // path is escaped again (`%20` → `%2520`); kept for row-for-row parity.
        this.#pattern = route === undefined ? '' : route.pattern.str;
        return redirectHandler(urlString(path, u.rawQuery), StatusMovedPermanently);
      }
    }
    if (route === undefined) {
      this.#pattern = '';
      const allowed = this.#matchingMethods(host, path);
      return allowed.length > 0 ? methodNotAllowed(allowed) : notFoundHandler();
    }
    this.#route = route;
    this.#pattern = route.pattern.str;
    return route.handler;
  }

  // If `path` has no slash at the end and `path + '/'` is matched exactly, the redirect there
  // (Go: matchOrRedirect's second half). Sets #pattern to the pattern that will match (Go issue
  // 73688: the registered pattern, not the path).
  #slashRedirect(
    host: string,
    method: string,
    path: string,
    decodedPath: string,
    rawQuery: string,
  ): Handler | undefined {
    if (path === '' || path.charCodeAt(path.length - 1) === 0x2f) return undefined;
    const withSlash = `${path}/`;
    const r2 = this.#tree.match(host, method, withSlash);
    if (!exactMatch(r2, withSlash)) return undefined;
    this.#pattern = (r2 as Route).pattern.str;
    return redirectHandler(
      urlString(`${cleanPath(decodedPath)}/`, rawQuery),
      StatusMovedPermanently,
    );
  }

  // Every method that would match, for the Allow header; also with a slash appended, as the
  // redirect would (but not when the path already ends in one, Go issue 67657).
  #matchingMethods(host: string, path: string): string[] {
    const set = new Set<string>();
    this.#tree.matchingMethods(host, path, set);
    if (!path.endsWith('/')) this.#tree.matchingMethods(host, `${path}/`, set);
    return [...set].sort();
  }
}
