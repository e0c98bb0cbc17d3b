/**
 * `Engine` and `RouterGroup`: route registration, one radix tree per method, and the request
 * dispatch of gin's `handleHTTPRequest` — 404/405, trailing-slash and fixed-path redirects.
 * gin: `gin.go`, `routergroup.go`.
 *
 * Cost model: `handle()` builds each route's full handler chain once (group middleware + route
 * handlers, gin `combineHandlers`). Per request the engine indexes the method's tree (a `Map`),
 * tries a static-route table (an exact `Map` hit for routes without wildcards), else walks the
 * tree; `c.next()` is then an index bump over the prebuilt array.
 */
import {
  type Handler,
  type ResponseWriter as HTTPResponseWriter,
  listen,
  type Request,
  RequestURL,
  Server,
} from '@servehttp/core-listener';
import { Context, type EngineSettings, type HandlerFunc, internals } from './context.ts';
import { contains, type IPNet, ipString, parseCIDR, parseIP } from './ip.ts';
import { debugPrint, isDebugging } from './mode.ts';
import { cleanPath, goPathClean, goPathJoin, joinPaths, removeRepeatedChar } from './path.ts';
import { httpRedirect } from './render.ts';
import { ResponseWriter } from './response-writer.ts';
import { dir, type FileSystem, serveFrom } from './static.ts';
import { StaticRoutes } from './static-routes.ts';
import { Node, type Param, RouteError, type SkippedNode, unescapeColons } from './tree.ts';

/** `Engine` settings; every field is optional and defaults as in gin's `New()`. */
export interface EngineOptions {
  /** Redirect `/foo/` ↔ `/foo` when only the other exists (301 GET, 307 others). Default true. */
  redirectTrailingSlash?: boolean;
  /** On a miss, redirect to the case-insensitively cleaned route if one matches. Default false. */
  redirectFixedPath?: boolean;
  /** Answer 405 with `Allow` when another method matches. Default false. */
  handleMethodNotAllowed?: boolean;
  /** Read the client IP from `remoteIPHeaders` when the peer is trusted. Default true. */
  forwardedByClientIP?: boolean;
  /** Headers carrying the client IP. Default `['X-Forwarded-For', 'X-Real-IP']`. */
  remoteIPHeaders?: string[];
  /** A header set by the hosting platform to trust blindly (see `Platform…`). Default `''`. */
  trustedPlatform?: string;
  /** Route on the raw (escaped) path when the request has one. Default false. */
  useRawPath?: boolean;
  /** Route on `url.escapedPath()`. Default false. */
  useEscapedPath?: boolean;
  /** With a raw/escaped path, unescape parameter values. Default true. */
  unescapePathValues?: boolean;
  /** Clean the path (`//`, `..`) before routing. Default false. */
  removeExtraSlash?: boolean;
  /** `c.context()`/`c.value()` fall back to the request context. Default false. */
  contextWithFallback?: boolean;
  /** The largest multipart (and binding) body read into memory; above it: 413. Default 32 MiB. */
  maxMultipartMemory?: number;
  /** The prefix `secureJSON` puts before arrays. Default `while(1);`. */
  secureJsonPrefix?: string;
  /**
   * Renders the template `name` with `data` for `c.html()` (and `c.negotiate()` choosing
   * `text/html`). gin: `engine.HTMLRender` after `LoadHTMLGlob`/`SetHTMLTemplate`; bring any
   * template engine. Default: none, and `c.html()` throws.
   */
  htmlRender?: HTMLRender;
}

/** Renders template `name` with `data` to HTML. gin: `render.HTMLRender.Instance`. */
export type HTMLRender = (name: string, data: unknown) => string | Uint8Array;

/** Google App Engine's client-IP header. gin: `PlatformGoogleAppEngine`. */
export const PlatformGoogleAppEngine = 'X-Appengine-Remote-Addr';
/** Cloudflare's client-IP header. gin: `PlatformCloudflare`. */
export const PlatformCloudflare = 'CF-Connecting-IP';
/** Fly.io's client-IP header. gin: `PlatformFlyIO`. */
export const PlatformFlyIO = 'Fly-Client-IP';

/** One registered route. gin: `RouteInfo`. */
export interface RouteInfo {
  /** The method. */
  method: string;
  /** The full path pattern. */
  path: string;
  /** The last handler's name. */
  handler: string;
  /** The last handler. */
  handlerFunc: HandlerFunc;
}

const default404Body = '404 page not found';
const default405Body = '405 method not allowed';
const anyMethods = ['GET', 'POST', 'PUT', 'PATCH', 'HEAD', 'OPTIONS', 'DELETE', 'CONNECT', 'TRACE'];
const methodPattern = /^[A-Z]+$/;

interface MethodTree {
  root: Node<readonly HandlerFunc[]>;
  statics: StaticRoutes<{ handlers: readonly HandlerFunc[]; fullPath: string }>;
}

const packageDir = (() => {
  try {
    return new URL('.', import.meta.url).pathname;
  } catch {
    return '';
  }
})();

// The first stack frame outside this package's sources: where the user called handle().
function callerLocation(): string {
  const stack = new Error().stack ?? '';
  for (const line of stack.split('\n').slice(1)) {
    const m = /\(?((?:file:\/\/)?[^()\s]+?):(\d+):(\d+)\)?\s*$/.exec(line);
    if (m === null) continue;
    const file = (m[1] as string).replace(/^file:\/\//, '');
    if (packageDir !== '' && file.startsWith(packageDir) && !/\.test\.[jt]s$/.test(file)) continue;
    if (file.startsWith('node:') || file === 'native') continue;
    return `${file}:${m[2]}:${m[3]}`;
  }
  return '';
}

function nameOf(h: HandlerFunc | undefined): string {
  return h === undefined || h.name === '' ? 'anonymous' : h.name;
}

/**
 * A set of routes sharing a path prefix and middleware. gin: `RouterGroup`.
 * Registration methods return the group itself for chaining.
 */
export class RouterGroup {
  /** The group's middleware. gin: `Handlers`. */
  handlers: HandlerFunc[];
  readonly #basePath: string;
  readonly #engine: Engine | undefined;

  /** Made by `Engine` and `group()`. */
  constructor(handlers: HandlerFunc[], basePath: string, engine: Engine | undefined) {
    this.handlers = handlers;
    this.#basePath = basePath;
    this.#engine = engine;
  }

  #eng(): Engine {
    return this.#engine ?? (this as unknown as Engine);
  }

  /** Adds middleware to the group (routes registered later get it). gin: `Use`. */
  use(...middleware: HandlerFunc[]): this {
    this.handlers.push(...middleware);
    return this;
  }

  /** A sub-group at `relativePath` with extra middleware. gin: `Group`. */
  group(relativePath: string, ...handlers: HandlerFunc[]): RouterGroup {
    return new RouterGroup(
      this.combineHandlers(handlers),
      joinPaths(this.#basePath, relativePath),
      this.#eng(),
    );
  }

  /** The group's absolute path. gin: `BasePath`. */
  basePath(): string {
    return this.#basePath;
  }

  /**
   * Registers a route. `method` must be upper-case letters.
   * @throws {RouteError} for a conflicting or malformed path; {@link Error} for a bad method,
   *   a path not starting with `/`, no handlers, or too many handlers.
   */
  handle(method: string, relativePath: string, ...handlers: HandlerFunc[]): this {
    if (!methodPattern.test(method)) throw new Error(`gin: http method ${method} is not valid`);
    return this.#handle(method, relativePath, handlers);
  }

  #handle(method: string, relativePath: string, handlers: HandlerFunc[]): this {
    for (const h of handlers) {
      if (typeof h !== 'function') {
        throw new TypeError(
          `gin: handlers must be functions (c) => …, got ${typeof h} for ${method} ${relativePath}; use wrap() for a servehttp Handler`,
        );
      }
    }
    const abs = joinPaths(this.#basePath, relativePath);
    this.#eng().addRoute(method, abs, this.combineHandlers(handlers), callerLocation());
    return this;
  }

  /** `GET` route. gin: `GET`. */
  get(relativePath: string, ...handlers: HandlerFunc[]): this {
    return this.#handle('GET', relativePath, handlers);
  }
  /** `POST` route. gin: `POST`. */
  post(relativePath: string, ...handlers: HandlerFunc[]): this {
    return this.#handle('POST', relativePath, handlers);
  }
  /** `PUT` route. gin: `PUT`. */
  put(relativePath: string, ...handlers: HandlerFunc[]): this {
    return this.#handle('PUT', relativePath, handlers);
  }
  /** `PATCH` route. gin: `PATCH`. */
  patch(relativePath: string, ...handlers: HandlerFunc[]): this {
    return this.#handle('PATCH', relativePath, handlers);
  }
  /** `DELETE` route. gin: `DELETE`. */
  delete(relativePath: string, ...handlers: HandlerFunc[]): this {
    return this.#handle('DELETE', relativePath, handlers);
  }
  /** `HEAD` route. gin: `HEAD`. */
  head(relativePath: string, ...handlers: HandlerFunc[]): this {
    return this.#handle('HEAD', relativePath, handlers);
  }
  /** `OPTIONS` route. gin: `OPTIONS`. */
  options(relativePath: string, ...handlers: HandlerFunc[]): this {
    return this.#handle('OPTIONS', relativePath, handlers);
  }
  /** The route for every method gin lists (GET … TRACE, CONNECT). gin: `Any`. */
  any(relativePath: string, ...handlers: HandlerFunc[]): this {
    for (const m of anyMethods) this.#handle(m, relativePath, handlers);
    return this;
  }
  /** The route for each of `methods`. gin: `Match`. */
  match(methods: string[], relativePath: string, ...handlers: HandlerFunc[]): this {
    for (const m of methods) this.#handle(m, relativePath, handlers);
    return this;
  }

  /**
   * Serves one file from disk for GET and HEAD at `relativePath` (through `c.file`).
   * @throws {Error} when the path has `:` or `*`. gin: `StaticFile`.
   */
  staticFile(relativePath: string, filepath: string): this {
    const serveStaticFile: HandlerFunc = (c) => c.file(filepath);
    return this.#staticFileHandler(relativePath, serveStaticFile);
  }

  /**
   * Serves the file `filepath` of `fs` for GET and HEAD at `relativePath` (through
   * `c.fileFromFS`).
   * @throws {Error} when the path has `:` or `*`. gin: `StaticFileFS`.
   */
  staticFileFS(relativePath: string, filepath: string, fs: FileSystem): this {
    const serveStaticFile: HandlerFunc = (c) => c.fileFromFS(filepath, fs);
    return this.#staticFileHandler(relativePath, serveStaticFile);
  }

  #staticFileHandler(relativePath: string, handler: HandlerFunc): this {
    if (relativePath.includes(':') || relativePath.includes('*')) {
      throw new Error('gin: URL parameters can not be used when serving a static file');
    }
    this.#handle('GET', relativePath, [handler]);
    this.#handle('HEAD', relativePath, [handler]);
    return this;
  }

  /**
   * Serves the directory `root` under `relativePath`, without directory listings.
   * gin: `Static` (`StaticFS(relativePath, Dir(root, false))`).
   */
  static(relativePath: string, root: string): this {
    return this.staticFS(relativePath, dir(root));
  }

  /**
   * Serves a {@link FileSystem} under `relativePath/*filepath` for GET and HEAD with Go's file
   * server (ranges, conditional requests, index.html, canonical-slash redirects). A name that
   * does not exist runs the `noRoute` handlers with status 404 (empty body unless they write),
   * without the global middleware a second time (gin#1805). A file system without `readDir`
   * answers a directory without index.html with 404 and an empty listing, as gin's
   * `Dir(root, false)`.
   * @throws {Error} when the path has `:` or `*`. gin: `StaticFS`.
   */
  staticFS(relativePath: string, fs: FileSystem): this {
    if (relativePath.includes(':') || relativePath.includes('*')) {
      throw new Error('gin: URL parameters can not be used when serving a static folder');
    }
    const engine = this.#eng();
    const noListing = fs.readDir === undefined;
    const serveStatic: HandlerFunc = async (c) => {
      if (noListing) c.writer.writeHeader(404);
      const file = c.param('filepath');
      const info = await fs.stat(file).catch(() => undefined);
      if (info === undefined) {
        c.writer.writeHeader(404);
        internals.reroute(c, engine.noRouteHandlers);
        return;
      }
      await serveFrom(c, fs, goPathClean(file));
    };
    const pattern = goPathJoin(relativePath, '/*filepath');
    this.#handle('GET', pattern, [serveStatic]);
    this.#handle('HEAD', pattern, [serveStatic]);
    return this;
  }

  /**
   * The group's middleware followed by `handlers`.
   * @throws {Error} `too many handlers` above 62 (gin's abort index). gin: `combineHandlers`.
   */
  combineHandlers(handlers: readonly HandlerFunc[]): HandlerFunc[] {
    const merged = [...this.handlers, ...handlers];
    if (merged.length >= 63) throw new Error('gin: too many handlers');
    return merged;
  }
}

/**
 * gin's Engine: the router and its settings, a servehttp {@link Handler}. Create it with
 * `new Engine(options)` (gin `New()`) or `defaultEngine()` (gin `Default()`, with Logger and
 * Recovery). Mount it on a server or a ServeMux as any Handler.
 */
export class Engine extends RouterGroup implements Handler, EngineSettings {
  /** See {@link EngineOptions.redirectTrailingSlash}. */
  redirectTrailingSlash: boolean;
  /** See {@link EngineOptions.redirectFixedPath}. */
  redirectFixedPath: boolean;
  /** See {@link EngineOptions.handleMethodNotAllowed}. */
  handleMethodNotAllowed: boolean;
  /** See {@link EngineOptions.forwardedByClientIP}. */
  forwardedByClientIP: boolean;
  /** See {@link EngineOptions.remoteIPHeaders}. */
  remoteIPHeaders: string[];
  /** See {@link EngineOptions.trustedPlatform}. */
  trustedPlatform: string;
  /** See {@link EngineOptions.useRawPath}. */
  useRawPath: boolean;
  /** See {@link EngineOptions.useEscapedPath}. */
  useEscapedPath: boolean;
  /** See {@link EngineOptions.unescapePathValues}. */
  unescapePathValues: boolean;
  /** See {@link EngineOptions.removeExtraSlash}. */
  removeExtraSlash: boolean;
  /** See {@link EngineOptions.contextWithFallback}. */
  contextWithFallback: boolean;
  /** See {@link EngineOptions.maxMultipartMemory}. */
  maxMultipartMemory: number;
  /** See {@link EngineOptions.secureJsonPrefix}. */
  secureJsonPrefix: string;
  /** See {@link EngineOptions.htmlRender}. */
  htmlRender: HTMLRender | undefined;

  readonly #trees = new Map<string, MethodTree>();
  // The GET tree, asked for by most requests, without the Map lookup.
  #getTree: MethodTree | undefined;
  // getValue's backtracking scratch, shared by every lookup: getValue is synchronous, counts its
  // entries itself and overwrites them, so one array (at most tree-depth long) serves all.
  readonly #skipped: SkippedNode<readonly HandlerFunc[]>[] = [];
  #noRoute: HandlerFunc[] = [];
  #noMethod: HandlerFunc[] = [];
  #allNoRoute: HandlerFunc[] = [];
  #allNoMethod: HandlerFunc[] = [];
  #trustedProxies: string[] | null = ['0.0.0.0/0', '::/0'];
  #trustedCIDRs: IPNet[] | null;
  #dirty = false;

  /** Builds an engine (gin `New()`); prints gin's debug-mode warning in debug mode. */
  constructor(options: EngineOptions = {}) {
    super([], '/', undefined);
    debugPrint(`[WARNING] Running in "debug" mode. Switch to "release" mode in production.
 - using env:	export GIN_MODE=release
 - using code:	gin.SetMode(gin.ReleaseMode)

`);
    this.redirectTrailingSlash = options.redirectTrailingSlash ?? true;
    this.redirectFixedPath = options.redirectFixedPath ?? false;
    this.handleMethodNotAllowed = options.handleMethodNotAllowed ?? false;
    this.forwardedByClientIP = options.forwardedByClientIP ?? true;
    this.remoteIPHeaders = options.remoteIPHeaders ?? ['X-Forwarded-For', 'X-Real-IP'];
    this.trustedPlatform = options.trustedPlatform ?? '';
    this.useRawPath = options.useRawPath ?? false;
    this.useEscapedPath = options.useEscapedPath ?? false;
    this.unescapePathValues = options.unescapePathValues ?? true;
    this.removeExtraSlash = options.removeExtraSlash ?? false;
    this.contextWithFallback = options.contextWithFallback ?? false;
    this.maxMultipartMemory = options.maxMultipartMemory ?? 32 << 20;
    this.secureJsonPrefix = options.secureJsonPrefix ?? 'while(1);';
    this.htmlRender = options.htmlRender;
    this.#trustedCIDRs = this.#trustedProxies?.map(parseCIDR) ?? null;
  }

  /** Adds global middleware; it also runs for 404 and 405. gin: `Engine.Use`. */
  override use(...middleware: HandlerFunc[]): this {
    super.use(...middleware);
    this.#allNoRoute = this.combineHandlers(this.#noRoute);
    this.#allNoMethod = this.combineHandlers(this.#noMethod);
    return this;
  }

  /** Handlers for 404 (after global middleware). gin: `NoRoute`. */
  noRoute(...handlers: HandlerFunc[]): void {
    this.#noRoute = handlers;
    this.#allNoRoute = this.combineHandlers(handlers);
  }

  /** Handlers for 405 (with `handleMethodNotAllowed`). gin: `NoMethod`. */
  noMethod(...handlers: HandlerFunc[]): void {
    this.#noMethod = handlers;
    this.#allNoMethod = this.combineHandlers(handlers);
  }

  /** The `noRoute` handlers alone (what a missing static file runs). */
  get noRouteHandlers(): readonly HandlerFunc[] {
    return this.#noRoute;
  }

  /**
   * Adds a route with its full chain. Prefer the group methods.
   * @throws {RouteError} see {@link RouterGroup.handle}.
   */
  addRoute(method: string, path: string, handlers: HandlerFunc[], where = ''): void {
    if (path[0] !== '/') {
      throw new RouteError(`path must begin with '/'`, path, where);
    }
    if (method === '') throw new RouteError('HTTP method can not be empty', path, where);
    if (handlers.length === 0) {
      throw new RouteError('there must be at least one handler', path, where);
    }
    if (isDebugging()) {
      debugPrint(
        `${method.padEnd(6)} ${path.padEnd(25)} --> ${nameOf(handlers[handlers.length - 1])} (${handlers.length} handlers)\n`,
      );
    }
    let tree = this.#trees.get(method);
    if (tree === undefined) {
      const root = new Node<readonly HandlerFunc[]>();
      root.fullPath = '/';
      tree = { root, statics: new StaticRoutes() };
      this.#trees.set(method, tree);
      if (method === 'GET') this.#getTree = tree;
    }
    tree.root.addRoute(path, handlers, where);
    if (!/[:*]/.test(path.replaceAll('\\:', ''))) {
      tree.statics.set(path.replaceAll('\\:', ':'), {
        handlers,
        fullPath: path.replaceAll('\\:', ':'),
      });
    }
    if (path.includes('\\:')) this.#dirty = true;
  }

  /** Every registered route. gin: `Routes()`. */
  routes(): RouteInfo[] {
    const out: RouteInfo[] = [];
    for (const [method, tree] of this.#trees) {
      const stack: [string, Node<readonly HandlerFunc[]>][] = [['', tree.root]];
      // Depth-first, children in tree order, like gin's recursive iterate().
      while (stack.length > 0) {
        const [prefix, n] = stack.pop() as [string, Node<readonly HandlerFunc[]>];
        const path = prefix + n.path;
        const hs = n.handlers;
        if (hs !== undefined && hs.length > 0) {
          const last = hs[hs.length - 1] as HandlerFunc;
          out.push({ method, path, handler: nameOf(last), handlerFunc: last });
        }
        for (let i = n.children.length - 1; i >= 0; i--) {
          stack.push([path, n.children[i] as Node<readonly HandlerFunc[]>]);
        }
      }
    }
    return out;
  }

  /**
   * Sets the proxies whose forwarding headers are believed (IPs or CIDRs); `null` trusts none.
   * @throws {Error} `invalid IP address: X` / `invalid CIDR address: X`, Go's wording.
   *   gin: `SetTrustedProxies`.
   */
  setTrustedProxies(proxies: string[] | null): void {
    this.#trustedProxies = proxies;
    this.#trustedCIDRs = null;
    if (proxies !== null) this.#trustedCIDRs = proxies.map(parseCIDR);
  }

  /** Whether `ip` (text) is a trusted proxy. gin: `isTrustedProxy`. */
  isTrustedProxy(ip: string): boolean {
    const parsed = parseIP(ip);
    if (parsed === undefined || this.#trustedCIDRs === null) return false;
    for (const net of this.#trustedCIDRs) if (contains(net, parsed)) return true;
    return false;
  }

  /** Whether all addresses are trusted (gin's start-up warning). gin: `isUnsafeTrustedProxies`. */
  isUnsafeTrustedProxies(): boolean {
    return this.isTrustedProxy('0.0.0.0') || this.isTrustedProxy('::');
  }

  /**
   * Walks a forwarding header right to left and returns the first address that is not a trusted
   * proxy (or the leftmost); `undefined` when the header is empty or holds a non-IP first.
   * gin: `validateHeader`.
   */
  validateHeader(header: string): string | undefined {
    if (header === '') return undefined;
    const items = header.split(',');
    for (let i = items.length - 1; i >= 0; i--) {
      const ipStr = (items[i] as string).trim();
      const ip = parseIP(ipStr);
      if (ip === undefined) break;
      if (i === 0 || !this.isTrustedProxy(ipString(ip))) return ipStr;
    }
    return undefined;
  }

  /**
   * What gin's `Run*` do before listening: warn when every proxy is trusted and finish the route
   * trees. The server wiring (`run`, `runTLS`, `runUnix`) calls it.
   */
  prepareRun(): void {
    if (this.isUnsafeTrustedProxies()) {
      debugPrint(
        '[WARNING] You trusted all proxies, this is NOT safe. We recommend you to set a value.\n' +
          'Please check https://github.com/gin-gonic/gin/blob/master/docs/doc.md#dont-trust-all-proxies for details.',
      );
    }
    this.#updateTrees();
  }

  /**
   * Listens on `addr` (default: `:$PORT`, else `:8080`, as gin's `resolveAddress`) and serves
   * this engine on core-listener's `Server`. Prints gin's `Listening and serving HTTP on …` in
   * debug mode. The promise rejects when serving stops. gin: `Engine.Run`.
   */
  run(addr?: string): Promise<never> {
    const address = resolveAddress(addr);
    debugPrint(`Listening and serving HTTP on ${address}`);
    this.prepareRun();
    return new Server({ addr: address, handler: this }).listenAndServe();
  }

  /**
   * Listens on `addr` over TLS with the PEM certificate chain and key in `certFile` and
   * `keyFile`, and serves this engine. gin: `Engine.RunTLS`.
   */
  runTLS(addr: string, certFile: string, keyFile: string): Promise<never> {
    debugPrint(`Listening and serving HTTPS on ${addr}`);
    this.prepareRun();
    return new Server({ addr, handler: this }).listenAndServeTLS(certFile, keyFile);
  }

  /**
   * Listens on the Unix socket `file` and serves this engine; the socket file is removed when
   * the listener closes. gin: `Engine.RunUnix`.
   */
  async runUnix(file: string): Promise<never> {
    debugPrint(`Listening and serving HTTP on unix:/${file}`);
    this.prepareRun();
    const l = await listen('unix', file);
    return new Server({ handler: this }).serve(l);
  }

  #updateTrees(): void {
    this.#dirty = false;
    for (const tree of this.#trees.values()) unescapeColons(tree.root);
  }

  /** Serves a request: the servehttp {@link Handler} method. gin: `Engine.ServeHTTP`. */
  serveHTTP(w: HTTPResponseWriter, r: Request): void | Promise<void> {
    if (this.#dirty) this.#updateTrees();
    const c = new Context(this, new ResponseWriter(w), r);
    const res = this.#handleHTTPRequest(c);
    if (res !== undefined) return res.then(() => c.writer.writeHeaderNow());
    c.writer.writeHeaderNow();
  }

  /**
   * Re-dispatches `c` through the router, typically after changing `c.request.url` (an
   * internal redirect). Like gin it first clears what the old route decided (params, keys,
   * errors, full path, caches), runs the new route's whole chain — engine middleware included —
   * and then restores the old chain's position, so the calling chain's remaining handlers run
   * once and its middleware is not re-entered (gin#1848). Returns a promise when the new chain
   * is async; a handler that does not await it still has the rest of its chain wait for it.
   * gin: `HandleContext`.
   */
  handleContext(c: Context): void | Promise<void> {
    if (this.#dirty) this.#updateTrees();
    const saved = internals.enter(c);
    const r = this.#handleHTTPRequest(c);
    if (r === undefined) {
      internals.leave(c, saved);
      return;
    }
    const done = r.then(() => internals.leave(c, saved));
    internals.leave(c, saved, done);
    return done;
  }

  #handleHTTPRequest(c: Context): void | Promise<void> {
    const r = c.request;
    const method = r.method;
    const url = r.url;
    let rPath = url.path;
    let unescapeValues = false;
    if (this.useEscapedPath) {
      rPath = url.escapedPath();
      unescapeValues = this.unescapePathValues;
    } else if (this.useRawPath && url.rawPath !== '') {
      rPath = url.rawPath;
      unescapeValues = this.unescapePathValues;
    }
    if (this.removeExtraSlash) rPath = cleanPath(rPath);

    const tree = method === 'GET' ? this.#getTree : this.#trees.get(method);
    if (tree !== undefined) {
      const hit = tree.statics.get(rPath);
      if (hit !== undefined) return internals.start(c, hit.handlers, hit.fullPath);
      const params: Param[] = [];
      const value = tree.root.getValue(rPath, params, this.#skipped, unescapeValues);
      c.params = params;
      if (value.handlers !== undefined) return internals.start(c, value.handlers, value.fullPath);
      if (method !== 'CONNECT' && rPath !== '/') {
        if (value.tsr && this.redirectTrailingSlash) return redirectTrailingSlash(c);
        if (this.redirectFixedPath) {
          const fixed = tree.root.findCaseInsensitivePath(cleanPath(url.path), true);
          if (fixed !== undefined) return redirectRequest(c, fixed);
        }
      }
    }
    if (this.handleMethodNotAllowed && this.#trees.size > 0) {
      const allowed: string[] = [];
      for (const [m, t] of this.#trees) {
        if (m === method) continue;
        if (t.root.getValue(rPath, null, this.#skipped, unescapeValues).handlers !== undefined)
          allowed.push(m);
      }
      if (allowed.length > 0) {
        internals.prepare(c, this.#allNoMethod, '');
        c.writer.header().set('Allow', allowed.join(', '));
        return serveError(c, 405, default405Body);
      }
    }
    internals.prepare(c, this.#allNoRoute, '');
    return serveError(c, 404, default404Body);
  }
}

// gin's serveError: the 404/405 chain runs with the status preset; the default body is written
// only if nothing was written and the status was left alone.
function serveError(c: Context, code: number, body: string): void | Promise<void> {
  c.writer.writeHeader(code);
  internals.staged.set(c, { code, body });
  const finish = (): void | Promise<void> => {
    internals.staged.delete(c);
    if (c.writer.written) return;
    if (c.writer.status === code) {
      c.writer.header().set('Content-Type', 'text/plain');
      return c.writer.write(body);
    }
    c.writer.writeHeaderNow();
  };
  const r = c.next();
  return r === undefined ? finish() : r.then(finish);
}

function sanitizePathChars(s: string): string {
  return s.replace(/[^a-zA-Z0-9/-]/g, '');
}

function redirectTrailingSlash(c: Context): void | Promise<void> {
  const r = c.request;
  let p = r.url.path;
  let prefix = goPathClean(r.header.get('X-Forwarded-Prefix'));
  if (prefix !== '.') {
    prefix = removeRepeatedChar(sanitizePathChars(prefix), '/');
    p = `${prefix}/${r.url.path}`;
  }
  const target = p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : `${p}/`;
  return redirectRequest(c, target);
}

function redirectRequest(c: Context, path: string): void | Promise<void> {
  const r = c.request;
  const u = r.url;
  const rURL = new RequestURL({
    scheme: u.scheme,
    host: u.host,
    path,
    rawQuery: u.rawQuery,
    forceQuery: u.forceQuery,
  }).toString();
  const code = r.method === 'GET' ? 301 : 307;
  debugPrint(`redirecting request ${code}: ${path} --> ${rURL}`);
  const res = httpRedirect(c.writer, r, rURL, code, path);
  if (res !== undefined) return res.then(() => c.writer.writeHeaderNow());
  c.writer.writeHeaderNow();
}

/**
 * gin's `resolveAddress`: `addr` if given, else `:$PORT`, else `:8080` (with gin's debug lines).
 */
export function resolveAddress(addr?: string): string {
  if (addr !== undefined) return addr;
  const port = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env?.PORT;
  if (port !== undefined && port !== '') {
    debugPrint(`Environment variable PORT="${port}"`);
    return `:${port}`;
  }
  debugPrint('Environment variable PORT is undefined. Using port :8080 by default');
  return ':8080';
}
