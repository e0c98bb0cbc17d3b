/**
 * `Context`: one request's state as it goes down the handler chain — params, values, errors,
 * input readers, binding and rendering. gin: `context.go`.
 *
 * Design: the chain is the route's prebuilt handler array and an index (gin `c.index`);
 * `next()` bumps the index and runs handlers until the end or an abort, in one loop. A handler
 * may be async: when one returns a promise the loop continues after it settles and `next()`
 * returns a promise, so `await c.next()` runs the code after it on the way out. A synchronous
 * chain never allocates a promise.
 *
 * Contexts are not pooled: a new one per request (see the README, "Pooling").
 */

import {
  bodyAllowedForStatus,
  type ContextKey,
  type Header,
  Context as HTTPContext,
  type ResponseWriter as HTTPResponseWriter,
  type Request,
  utf8Length,
} from '@servehttp/core-listener';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import {
  BindingError,
  type FileHeader,
  MaxBytesError,
  MIMEBSON,
  MIMEHTML,
  MIMEJSON,
  MIMEMSGPACK,
  MIMEMSGPACK2,
  MIMEMultipartPOSTForm,
  MIMEPROTOBUF,
  MIMETOML,
  MIMEXML,
  MIMEXML2,
  MIMEYAML,
  MIMEYAML2,
  type MultipartForm,
  maxFormSize,
  parseMultipart,
  readBodyLimited,
  validate,
  valuesToObject,
} from './binding.ts';
import { ErrorMsgs, ErrorTypeBind, ErrorTypePrivate, GinError } from './errors.ts';
import {
  decodeProto,
  encodeProto,
  marshalTOML,
  marshalXML,
  marshalYAML,
  type ProtoDecoder,
  type ProtoEncoder,
  unmarshalTOML,
  unmarshalXML,
  unmarshalYAML,
  type XMLOptions,
} from './formats.ts';
import { ipString, parseIP } from './ip.ts';
import { debugPrint } from './mode.ts';
import { goPathClean } from './path.ts';
import {
  asciiJSON,
  type Cookie,
  cookieString,
  httpRedirect,
  jsEscapeString,
  marshalJSON,
  queryEscape,
  readCookie,
  sprintf,
  writeContentType,
} from './render.ts';
import { ResponseWriter } from './response-writer.ts';
import { type FileSystem, serveFile, serveFrom } from './static.ts';
import type { Param } from './tree.ts';
import { queryUnescape } from './tree.ts';

/** A gin handler or middleware. gin: `gin.HandlerFunc`. */
export type HandlerFunc = (c: Context) => void | Promise<void>;

/** What a Context needs from its engine (the Engine implements it). */
export interface EngineSettings {
  readonly maxMultipartMemory: number;
  readonly forwardedByClientIP: boolean;
  readonly remoteIPHeaders: readonly string[];
  readonly trustedPlatform: string;
  readonly contextWithFallback: boolean;
  readonly secureJsonPrefix: string;
  readonly noRouteHandlers: readonly HandlerFunc[];
  readonly htmlRender?: ((name: string, data: unknown) => string | Uint8Array) | undefined;
  isTrustedProxy(ip: string): boolean;
  validateHeader(header: string): string | undefined;
}

// Bodies gin's binding.Default decodes (MsgPack, BSON) and this package does not: binding them
// as a form would silently bind nothing.
const unsupportedBindings = new Set([MIMEMSGPACK, MIMEMSGPACK2, MIMEBSON]);

/** gin's abort index: `math.MaxInt8 >> 1`; a chain may hold at most 62 handlers. */
export const abortIndex = 63;

const jsonContentType = 'application/json; charset=utf-8';
const plainContentType = 'text/plain; charset=utf-8';
const emptyParams: readonly Param[] = Object.freeze([]);
const noHandlers: readonly HandlerFunc[] = Object.freeze([]);

/** `c.get(ContextRequestKey)`-style lookups through `c.value()` return the request. gin. */
export const ContextRequestKey: ContextKey<Request> = Object.freeze({ name: 'gin.request' });
/** `c.value(ContextKey)` returns the gin Context itself. gin: `gin.ContextKey`. */
export const ContextKeyGin: ContextKey<Context> = Object.freeze({ name: 'gin.context' });

/**
 * What `c.negotiate()` renders. gin: `gin.Negotiate`. Each format's data falls back to `data`
 * (gin's `chooseData`: the specific field unless it is `null`/`undefined`, Go's nil).
 */
export interface Negotiate {
  /** Offered MIME types, in preference order (`MIMEJSON`, `MIMEXML`, …). */
  offered: string[];
  /** Fallback data for every format. */
  data?: unknown;
  /** Data for `application/json`. */
  jsonData?: unknown;
  /** Data for `application/xml`. */
  xmlData?: unknown;
  /** The XML mapping options for `xmlData` (root element name, attribute prefix). */
  xmlOptions?: XMLOptions;
  /** Data for `application/x-yaml` and `application/yaml`. */
  yamlData?: unknown;
  /** Data for `application/toml`. */
  tomlData?: unknown;
  /** The message for `application/x-protobuf`. */
  protobufData?: unknown;
  /** The codec for `protobufData`, when the message cannot `toBinary()` itself. */
  protobufCodec?: ProtoEncoder<unknown>;
  /** The template name for `text/html` (rendered by the engine's `htmlRender`). */
  htmlName?: string;
  /** Data for `text/html`. */
  htmlData?: unknown;
}

const detachedWriter: HTTPResponseWriter = {
  header(): Header {
    throw new Error('gin: this Context was made by c.copy() and has no response writer');
  },
  writeHeader(): void {
    throw new Error('gin: this Context was made by c.copy() and has no response writer');
  },
  write(): void {
    throw new Error('gin: this Context was made by c.copy() and has no response writer');
  },
};

/** Where a chain stood when `handleContext` re-entered the router. */
export interface SavedChain {
  readonly handlers: readonly HandlerFunc[];
  readonly index: number;
}

/** Engine-only hooks, kept off the public surface. */
export const internals: {
  prepare: (c: Context, handlers: readonly HandlerFunc[], fullPath: string) => void;
  /** `prepare` and then `c.next()`, in one call: the route's chain starts. */
  start: (c: Context, handlers: readonly HandlerFunc[], fullPath: string) => void | Promise<void>;
  reroute: (c: Context, handlers: readonly HandlerFunc[]) => void;
  swapWriter: (c: Context, w: ResponseWriter) => ResponseWriter;
  /** Saves the chain and clears the per-route state, as gin's `HandleContext` + `c.reset()`. */
  enter: (c: Context) => SavedChain;
  /**
   * Restores the chain now; or, given `pending` (the re-entry, which restores when it settles),
   * makes the calling chain wait for it even when the handler does not await it.
   */
  leave: (c: Context, saved: SavedChain, pending?: Promise<void>) => void;
  /**
   * The default 404/405 response the engine will write after the chain (gin `serveError`)
   * unless the chain writes its own; `wrapMiddleware` writes it through a servehttp
   * middleware's writer, whose response must be complete when `next` returns.
   */
  staged: WeakMap<Context, { readonly code: number; readonly body: string }>;
} = {
  // Set by Context's static block, the only code that can reach its private fields; calling
  // them through a wrapper was a second call per request.
  prepare: unset,
  start: unset,
  reroute: unset,
  swapWriter: unset,
  enter: unset,
  leave: unset,
  staged: new WeakMap(),
};

function unset(): never {
  throw new Error('gin: Context internals used before the class was defined');
}

function isPromise(v: unknown): v is Promise<void> {
  return typeof (v as Promise<void> | undefined)?.then === 'function';
}

function nameOf(h: HandlerFunc | undefined): string {
  if (h === undefined) return '';
  return h.name === '' ? 'anonymous' : h.name;
}

/**
 * The request context handlers receive. gin: `*gin.Context`.
 *
 * Flow: {@link Context.next}, {@link Context.abort} and friends. Input: `param`, `query…`,
 * `postForm…` (async: the body is read on first use), `getHeader`, `cookie`, `clientIP`.
 * Binding: `shouldBind…` throw a {@link BindingError}; `bind…` also answer 400 (413 for a body too
 * large) and abort. Rendering: `json`, `string`, `data`, `redirect`, `file`, … — each returns the
 * writer's backpressure promise (await it for big bodies; ignoring it is safe).
 */
export class Context {
  /** The request. gin: `c.Request`. */
  request: Request;
  /** The response writer (status, size, written). gin: `c.Writer`. */
  writer: ResponseWriter;
  /** Formats set by {@link Context.setAccepted} or parsed from `Accept`. gin: `c.Accepted`. */
  accepted: string[] | undefined;

  readonly #engine: EngineSettings;
  // A static route has no parameters: the shared frozen list until someone asks for the array.
  #params: Param[];
  #handlers: readonly HandlerFunc[] = noHandlers;
  #index = -1;
  #fullPath = '';
  #keys: Map<unknown, unknown> | undefined;
  #query: URLSearchParams | undefined;
  #form: Map<string, string[]> | undefined;
  #multipart: MultipartForm | undefined;
  #body: Uint8Array | undefined;
  #sameSite = 0;
  #inflight: Promise<void> | undefined;
  // Made on first use: most requests attach no error and run no async handler, and an Array
  // subclass plus a bound continuation per request were a tenth of a gin /hello.
  #errors: ErrorMsgs | undefined;
  #resumeFn: (() => void | Promise<void>) | undefined;

  static {
    internals.prepare = (c, handlers, fullPath) => {
      c.#handlers = handlers;
      c.#fullPath = fullPath;
      c.#index = -1;
    };
    internals.start = (c, handlers, fullPath) => {
      c.#handlers = handlers;
      c.#fullPath = fullPath;
      c.#index = 0;
      const r = c.#run();
      if (r !== undefined) c.#inflight = r;
      return r;
    };
    internals.reroute = (c, handlers) => {
      c.#handlers = handlers;
      c.#index = -1;
    };
    internals.swapWriter = (c, w) => {
      const prev = c.writer;
      c.writer = w;
      return prev;
    };
    internals.enter = (c) => {
      const saved = { handlers: c.#handlers, index: c.#index };
      // gin c.reset(): everything a route decides; the writer and the body stay.
      c.#params = emptyParams as Param[];
      c.#handlers = noHandlers;
      c.#index = -1;
      c.#fullPath = '';
      c.#keys = undefined;
      if (c.#errors !== undefined) c.#errors.length = 0; // gin: c.Errors[:0]
      c.accepted = undefined;
      c.#query = undefined;
      c.#form = undefined;
      c.#sameSite = 0;
      return saved;
    };
    internals.leave = (c, saved, pending) => {
      if (pending !== undefined) {
        c.#inflight = pending;
        return;
      }
      c.#handlers = saved.handlers;
      c.#index = saved.index;
    };
  }

  /** Errors attached with {@link Context.error}. gin: `c.Errors`. */
  get errors(): ErrorMsgs {
    this.#errors ??= new ErrorMsgs();
    return this.#errors;
  }

  /** Replaces the error list (gin: assigning `c.Errors`). */
  set errors(list: ErrorMsgs) {
    this.#errors = list;
  }

  // The chain's continuation after an async handler settles (a promise callback).
  get #resume(): () => void | Promise<void> {
    this.#resumeFn ??= () => {
      this.#inflight = undefined;
      this.#index++;
      return this.#run();
    };
    return this.#resumeFn;
  }

  /** Made by the Engine for each request; `params` is filled by the router. */
  constructor(engine: EngineSettings, w: ResponseWriter, r: Request, params?: Param[]) {
    this.#engine = engine;
    this.writer = w;
    this.request = r;
    this.#params = params ?? (emptyParams as Param[]);
  }

  /** The route's parameters, in path order; the array may be changed. gin: `c.Params`. */
  get params(): Param[] {
    if (this.#params === emptyParams) this.#params = [];
    return this.#params;
  }

  /** Replaces the parameters (gin: assigning `c.Params`). */
  set params(list: Param[]) {
    this.#params = list;
  }

  // ───────────────────────── flow control ─────────────────────────

  /**
   * Runs the rest of the chain, then returns. Returns a promise when a handler down the chain
   * is async — `await c.next()` to run code after the whole chain. gin: `c.Next()`.
   */
  next(): void | Promise<void> {
    this.#index++;
    const r = this.#run();
    if (r !== undefined) this.#inflight = r;
    return r;
  }

  #run(): void | Promise<void> {
    const hs = this.#handlers;
    while (this.#index < hs.length) {
      // Whatever is in flight now belongs to an outer frame that is already waiting for it; what
      // is in flight after the call was started by this handler.
      this.#inflight = undefined;
      const r = (hs[this.#index] as HandlerFunc)(this);
      if (isPromise(r)) return r.then(this.#resume);
      // A handler that called next() (or the engine's handleContext()) without awaiting it: the
      // chain is running ahead; carry on after it (a no-op once next() has run the chain out).
      const pending = this.#inflight as Promise<void> | undefined;
      if (pending !== undefined) {
        this.#inflight = undefined;
        return pending.then(this.#resume);
      }
      this.#index++;
    }
  }

  /** Whether the chain was aborted. gin: `c.IsAborted()`. */
  isAborted(): boolean {
    return this.#index >= abortIndex;
  }

  /**
   * Stops the remaining handlers from running; the current one continues to its end.
   * gin: `c.Abort()`.
   */
  abort(): void {
    this.#index = abortIndex;
  }

  /** Sets the status, sends the header and aborts. gin: `c.AbortWithStatus()`. */
  abortWithStatus(code: number): void {
    this.status(code);
    this.writer.writeHeaderNow();
    this.abort();
  }

  /** Aborts and renders `obj` as JSON. gin: `c.AbortWithStatusJSON()`. */
  abortWithStatusJSON(code: number, obj: unknown): void | Promise<void> {
    this.abort();
    return this.json(code, obj);
  }

  /** Aborts and renders `obj` as PureJSON. gin: `c.AbortWithStatusPureJSON()`. */
  abortWithStatusPureJSON(code: number, obj: unknown): void | Promise<void> {
    this.abort();
    return this.pureJSON(code, obj);
  }

  /**
   * `abortWithStatus(code)` and records `err`; returns the {@link GinError} so its type or meta
   * can be set. gin: `c.AbortWithError()`.
   */
  abortWithError(code: number, err: unknown): GinError {
    this.abortWithStatus(code);
    return this.error(err);
  }

  /**
   * Records an error for middleware (Logger prints the private ones). A {@link GinError} is kept
   * as is; anything else is wrapped as a private error.
   * @throws {TypeError} for `null`/`undefined` (gin panics "err is nil").
   */
  error(err: unknown): GinError {
    if (err === null || err === undefined) throw new TypeError('gin: err is nil');
    const e = err instanceof GinError ? err : new GinError(err, ErrorTypePrivate);
    this.errors.push(e);
    return e;
  }

  /** The route pattern that matched (`/user/:id`), `''` for 404/405. gin: `c.FullPath()`. */
  fullPath(): string {
    return this.#fullPath;
  }

  /** The name of the route's last handler. gin: `c.HandlerName()`. */
  handlerName(): string {
    return nameOf(this.#handlers[this.#handlers.length - 1]);
  }

  /** The names of the chain's handlers. gin: `c.HandlerNames()`. */
  handlerNames(): string[] {
    return this.#handlers.map(nameOf);
  }

  /** The route's last handler. gin: `c.Handler()`. */
  handler(): HandlerFunc | undefined {
    return this.#handlers[this.#handlers.length - 1];
  }

  /**
   * A copy safe to keep after the request (in a background task): params, keys, errors are
   * copied, the chain is aborted, and its writer throws when used. gin: `c.Copy()`.
   */
  copy(): Context {
    const cp = new Context(
      this.#engine,
      new ResponseWriter(detachedWriter),
      this.request,
      this.params.map((p) => ({ key: p.key, value: p.value })),
    );
    cp.#index = abortIndex;
    cp.#fullPath = this.#fullPath;
    if (this.#keys !== undefined) cp.#keys = new Map(this.#keys);
    for (const e of this.errors) cp.errors.push(e);
    if (this.accepted !== undefined) cp.accepted = this.accepted.slice();
    return cp;
  }

  // ───────────────────────── values ─────────────────────────

  /** Stores a value for this request. gin: `c.Set()`. Use `createKey<T>()` keys for types. */
  set<T>(key: ContextKey<T>, value: T): void;
  set(key: string, value: unknown): void;
  set(key: unknown, value: unknown): void {
    this.#keys ??= new Map();
    this.#keys.set(key, value);
  }

  /** The value for `key`, or `undefined`. gin: `c.Get()`. */
  get<T>(key: ContextKey<T>): T | undefined;
  get(key: string): unknown;
  get(key: unknown): unknown {
    return this.#keys?.get(key);
  }

  /** Whether `key` was set (even to `undefined`). gin: the `exists` result of `c.Get()`. */
  has(key: unknown): boolean {
    return this.#keys?.has(key) ?? false;
  }

  /**
   * The value for `key`.
   * @throws {Error} `gin: key X does not exist` when it was never set. gin: `c.MustGet()`.
   */
  mustGet<T>(key: ContextKey<T>): T;
  mustGet(key: string): unknown;
  mustGet(key: unknown): unknown {
    if (this.#keys === undefined || !this.#keys.has(key)) {
      const name = typeof key === 'string' ? key : (key as { name?: string }).name;
      throw new Error(`gin: key ${String(name)} does not exist`);
    }
    return this.#keys.get(key);
  }

  /** Removes `key`. gin: `c.Delete()`. */
  delete(key: unknown): void {
    this.#keys?.delete(key);
  }

  /** The keys set on this request. gin: `c.Keys`. */
  get keys(): ReadonlyMap<unknown, unknown> {
    this.#keys ??= new Map();
    return this.#keys;
  }

  /**
   * gin's `c.Value()`: the request for {@link ContextRequestKey}, this Context for
   * {@link ContextKeyGin}, a string key's `c.get()` value, else — with `contextWithFallback` —
   * the request context's value.
   */
  value(key: unknown): unknown {
    if (key === ContextRequestKey) return this.request;
    if (key === ContextKeyGin) return this;
    if (typeof key === 'string' && this.#keys?.has(key)) return this.#keys.get(key);
    if (!this.#engine.contextWithFallback) return undefined;
    return this.request.context().value(key as ContextKey<unknown>);
  }

  /**
   * The request context when the engine has `contextWithFallback`, else the background context
   * (gin returns no deadline/done/err then). gin: `c.Deadline/Done/Err`.
   */
  context(): HTTPContext {
    return this.#engine.contextWithFallback ? this.request.context() : HTTPContext.background();
  }

  // ───────────────────────── input ─────────────────────────

  /** The value of the path parameter `key`, `''` if none. gin: `c.Param()`. */
  param(key: string): string {
    const ps = this.#params;
    for (let i = 0; i < ps.length; i++) {
      const p = ps[i] as Param;
      if (p.key === key) return p.value;
    }
    return '';
  }

  /** Appends a path parameter (tests, middleware). gin: `c.AddParam()`. */
  addParam(key: string, value: string): void {
    this.params.push({ key, value });
  }

  #queryParams(): URLSearchParams {
    this.#query ??= this.request.url.query();
    return this.#query;
  }

  /** The first value of query key `key`, `''` if absent. gin: `c.Query()`. */
  query(key: string): string {
    return this.#queryParams().get(key) ?? '';
  }

  /** The first value of `key`, or `undefined` when absent. gin: `c.GetQuery()`. */
  getQuery(key: string): string | undefined {
    return this.#queryParams().get(key) ?? undefined;
  }

  /** The first value of `key`, or `defaultValue` when absent. gin: `c.DefaultQuery()`. */
  defaultQuery(key: string, defaultValue: string): string {
    return this.#queryParams().get(key) ?? defaultValue;
  }

  /** All values of `key` (empty when absent). gin: `c.QueryArray()`. */
  queryArray(key: string): string[] {
    return this.#queryParams().getAll(key);
  }

  /** `key[a]=x&key[b]=y` as `{ a: 'x', b: 'y' }`. gin: `c.QueryMap()`. */
  queryMap(key: string): Record<string, string> {
    return mapFromForm(this.#queryParams(), key);
  }

  async #postForm(): Promise<Map<string, string[]>> {
    if (this.#form !== undefined) return this.#form;
    const form = new Map<string, string[]>();
    this.#form = form;
    const ct = this.contentType();
    try {
      if (ct === MIMEMultipartPOSTForm) {
        const mf = await this.multipartForm();
        for (const [k, v] of mf.value) form.set(k, v.slice());
      } else if (ct === 'application/x-www-form-urlencoded') {
        const body = await this.#rawBody(maxFormSize);
        for (const [k, v] of new URLSearchParams(new TextDecoder().decode(body))) {
          const list = form.get(k);
          if (list === undefined) form.set(k, [v]);
          else list.push(v);
        }
      }
    } catch (err) {
      debugPrint(
        `error on parse multipart form array: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    return form;
  }

  /**
   * The first value of form field `key` from a url-encoded or multipart body, `''` if absent.
   * Async: the body is read and parsed once, on first use. gin: `c.PostForm()`.
   */
  async postForm(key: string): Promise<string> {
    return (await this.#postForm()).get(key)?.[0] ?? '';
  }

  /** The first value of `key`, or `undefined`. gin: `c.GetPostForm()`. */
  async getPostForm(key: string): Promise<string | undefined> {
    return (await this.#postForm()).get(key)?.[0];
  }

  /** The first value of `key`, or `defaultValue`. gin: `c.DefaultPostForm()`. */
  async defaultPostForm(key: string, defaultValue: string): Promise<string> {
    return (await this.#postForm()).get(key)?.[0] ?? defaultValue;
  }

  /** All values of `key`. gin: `c.PostFormArray()`. */
  async postFormArray(key: string): Promise<string[]> {
    return (await this.#postForm()).get(key)?.slice() ?? [];
  }

  /** `key[a]=x` form fields as `{ a: 'x' }`. gin: `c.PostFormMap()`. */
  async postFormMap(key: string): Promise<Record<string, string>> {
    const form = await this.#postForm();
    const entries: [string, string][] = [];
    for (const [k, vs] of form) if (vs[0] !== undefined) entries.push([k, vs[0]]);
    return mapFromForm(entries, key);
  }

  /**
   * The parsed multipart form (cached).
   * @throws {MaxBytesError} when the body exceeds `maxMultipartMemory`; {@link BindingError}
   *   when the request is not multipart or is malformed. gin: `c.MultipartForm()`.
   */
  async multipartForm(): Promise<MultipartForm> {
    if (this.#multipart !== undefined) return this.#multipart;
    const ct = this.request.header.get('Content-Type');
    if (this.contentType() !== MIMEMultipartPOSTForm) {
      throw new BindingError("request Content-Type isn't multipart/form-data");
    }
    this.#multipart = await parseMultipart(this.request, ct, this.#engine.maxMultipartMemory);
    return this.#multipart;
  }

  /**
   * The first file of field `name`.
   * @throws {BindingError} `http: no such file` when there is none; see `multipartForm()`.
   * gin: `c.FormFile()`.
   */
  async formFile(name: string): Promise<FileHeader> {
    const f = (await this.multipartForm()).file.get(name)?.[0];
    if (f === undefined) throw new BindingError('http: no such file');
    return f;
  }

  /**
   * Writes an uploaded file to `dst`. A missing directory is created and given exactly `perm`
   * (default 0o750); an existing one is left as it is. Rejects with the file system's error
   * (`EISDIR`, `EACCES`, …) or the file's own read error. gin: `c.SaveUploadedFile()`.
   */
  async saveUploadedFile(file: FileHeader, dst: string, perm = 0o750): Promise<void> {
    const data = await file.bytes();
    const { chmod, mkdir, stat, writeFile } = await import('node:fs/promises');
    const { dirname } = await import('node:path');
    const dir = dirname(dst);
    const existed = await stat(dir).then(
      () => true,
      (err: { code?: string }) => err.code !== 'ENOENT',
    );
    await mkdir(dir, { recursive: true, mode: perm });
    // chmod only what we created: the umask trimmed `perm`, and a directory we do not own (such
    // as /tmp) refuses chmod (gin#4622).
    if (!existed) await chmod(dir, perm);
    await writeFile(dst, data);
  }

  async #rawBody(limit: number): Promise<Uint8Array> {
    this.#body ??= await readBodyLimited(this.request, limit);
    return this.#body;
  }

  /** The whole body (read once, then cached). gin: `c.GetRawData()`. */
  async getRawData(): Promise<Uint8Array> {
    return this.#rawBody(Number.MAX_SAFE_INTEGER);
  }

  /** A request header's first value. gin: `c.GetHeader()`. */
  getHeader(key: string): string {
    return this.request.header.get(key);
  }

  /** The `Content-Type` without parameters. gin: `c.ContentType()`. */
  contentType(): string {
    const ct = this.request.header.get('Content-Type');
    for (let i = 0; i < ct.length; i++) {
      const c = ct[i];
      if (c === ' ' || c === ';') return ct.slice(0, i);
    }
    return ct;
  }

  /** Whether this is a WebSocket upgrade. gin: `c.IsWebsocket()`. */
  isWebsocket(): boolean {
    return (
      this.getHeader('Connection').toLowerCase().includes('upgrade') &&
      this.getHeader('Upgrade').toLowerCase() === 'websocket'
    );
  }

  /** The host part of `remoteAddr`, `''` when it is not `host:port`. gin: `c.RemoteIP()`. */
  remoteIP(): string {
    const addr = this.request.remoteAddr.trim();
    if (addr.startsWith('[')) {
      const end = addr.indexOf(']');
      if (end === -1 || addr[end + 1] !== ':') return '';
      return addr.slice(1, end);
    }
    const colon = addr.lastIndexOf(':');
    if (colon === -1 || addr.indexOf(':') !== colon) return '';
    return addr.slice(0, colon);
  }

  /**
   * The client's IP: the trusted platform header if set, else — when the peer is a trusted
   * proxy — the first untrusted address walking `remoteIPHeaders` right to left, else the
   * peer's address. gin: `c.ClientIP()`.
   */
  clientIP(): string {
    const e = this.#engine;
    if (e.trustedPlatform !== '') {
      const addr = this.getHeader(e.trustedPlatform);
      if (addr !== '') return addr;
    }
    const remote = parseIP(this.remoteIP());
    if (remote === undefined) return '';
    const ip = ipString(remote);
    if (e.isTrustedProxy(ip) && e.forwardedByClientIP) {
      for (const name of e.remoteIPHeaders) {
        const found = e.validateHeader(this.request.header.values(name).join(','));
        if (found !== undefined) return found;
      }
    }
    return ip;
  }

  /** The cookie's value, URL-unescaped, or `undefined` when absent. gin: `c.Cookie()`. */
  cookie(name: string): string | undefined {
    const v = readCookie(this.request.header.values('Cookie'), name);
    return v === undefined ? undefined : queryUnescape(v);
  }

  // ───────────────────────── binding ─────────────────────────

  async #jsonValue(cache: boolean): Promise<unknown> {
    const body = cache ? await this.#rawBody(Number.MAX_SAFE_INTEGER) : await this.request.bytes();
    if (body.length === 0) throw new BindingError('EOF');
    try {
      return JSON.parse(new TextDecoder().decode(body));
    } catch (err) {
      throw new BindingError(err instanceof Error ? err.message : String(err), [], err);
    }
  }

  async #formValue(): Promise<Record<string, unknown>> {
    if (this.contentType() === MIMEMultipartPOSTForm) await this.multipartForm();
    const post = await this.#postForm();
    const entries: [string, string][] = [];
    for (const [k, vs] of post) for (const v of vs) entries.push([k, v]);
    for (const [k, v] of this.#queryParams()) entries.push([k, v]);
    return valuesToObject(entries);
  }

  async #bind<S extends StandardSchemaV1 | undefined>(
    source: () => Promise<unknown>,
    schema: S,
  ): Promise<unknown> {
    const v = await source();
    return schema === undefined ? v : validate(schema, v);
  }

  /**
   * Binds by method and `Content-Type` as gin's `binding.Default`, then validates with `schema`:
   * GET → form (query); `application/json` → JSON; `application/xml`, `text/xml` → XML;
   * `application/x-yaml`, `application/yaml` → YAML; `application/toml` → TOML; multipart → the
   * multipart fields only; `application/x-protobuf` → a {@link BindingError} `obj is not
   * ProtoMessage`, gin's answer for a non-message target (use `shouldBindProtoBuf(codec)`);
   * MsgPack, BSON → a {@link BindingError} (not supported here); anything else → form
   * (url-encoded body, then query). gin: `c.ShouldBind()`.
   * @throws {BindingError} or {@link MaxBytesError}.
   */
  shouldBind<S extends StandardSchemaV1>(schema: S): Promise<StandardSchemaV1.InferOutput<S>> {
    if (this.request.method === 'GET') return this.shouldBindForm(schema);
    const ct = this.contentType();
    switch (ct) {
      case MIMEJSON:
        return this.shouldBindJSON(schema);
      case MIMEXML:
      case MIMEXML2:
        return this.shouldBindXML(schema);
      case MIMEYAML:
      case MIMEYAML2:
        return this.shouldBindYAML(schema);
      case MIMETOML:
        return this.shouldBindTOML(schema);
      case MIMEMultipartPOSTForm:
        return this.shouldBindMultipart(schema);
      case MIMEPROTOBUF:
        return Promise.reject(new BindingError('obj is not ProtoMessage'));
    }
    if (unsupportedBindings.has(ct)) {
      return Promise.reject(
        new BindingError(
          `binding: Content-Type ${ct} is not supported (JSON, XML, YAML, TOML, ProtoBuf, forms, multipart, query, URI and header are)`,
        ),
      );
    }
    return this.shouldBindForm(schema);
  }

  /** Parses the JSON body (`EOF` for an empty one) and validates it. gin: `c.ShouldBindJSON()`. */
  shouldBindJSON<S extends StandardSchemaV1>(schema: S): Promise<StandardSchemaV1.InferOutput<S>>;
  shouldBindJSON(): Promise<unknown>;
  shouldBindJSON(schema?: StandardSchemaV1): Promise<unknown> {
    return this.#bind(() => this.#jsonValue(false), schema);
  }

  /**
   * Like `shouldBindJSON` but keeps the body, so it can be bound again.
   * gin: `c.ShouldBindBodyWithJSON()`.
   */
  shouldBindBodyWithJSON<S extends StandardSchemaV1>(
    schema: S,
  ): Promise<StandardSchemaV1.InferOutput<S>> {
    return this.#bind(() => this.#jsonValue(true), schema) as Promise<
      StandardSchemaV1.InferOutput<S>
    >;
  }

  /** Binds the query string. gin: `c.ShouldBindQuery()`. */
  shouldBindQuery<S extends StandardSchemaV1>(schema: S): Promise<StandardSchemaV1.InferOutput<S>> {
    return this.#bind(async () => valuesToObject(this.#queryParams()), schema) as Promise<
      StandardSchemaV1.InferOutput<S>
    >;
  }

  /** Binds the form body plus the query string. gin: `c.ShouldBindWith(obj, binding.Form)`. */
  shouldBindForm<S extends StandardSchemaV1>(schema: S): Promise<StandardSchemaV1.InferOutput<S>> {
    return this.#bind(() => this.#formValue(), schema) as Promise<StandardSchemaV1.InferOutput<S>>;
  }

  /** Binds a multipart form's text fields. gin: `binding.FormMultipart`. */
  shouldBindMultipart<S extends StandardSchemaV1>(
    schema: S,
  ): Promise<StandardSchemaV1.InferOutput<S>> {
    return this.#bind(async () => {
      const mf = await this.multipartForm();
      const entries: [string, string][] = [];
      for (const [k, vs] of mf.value) for (const v of vs) entries.push([k, v]);
      return valuesToObject(entries);
    }, schema) as Promise<StandardSchemaV1.InferOutput<S>>;
  }

  /** Binds the path parameters. gin: `c.ShouldBindUri()`. */
  shouldBindUri<S extends StandardSchemaV1>(schema: S): Promise<StandardSchemaV1.InferOutput<S>> {
    return this.#bind(
      async () => valuesToObject(this.params.map((p) => [p.key, p.value] as [string, string])),
      schema,
    ) as Promise<StandardSchemaV1.InferOutput<S>>;
  }

  /** Binds the request header, keyed by canonical names (`X-Request-Id`). gin: `ShouldBindHeader`. */
  shouldBindHeader<S extends StandardSchemaV1>(
    schema: S,
  ): Promise<StandardSchemaV1.InferOutput<S>> {
    return this.#bind(async () => {
      const entries: [string, string][] = [];
      for (const [k, vs] of this.request.header) for (const v of vs) entries.push([k, v]);
      return valuesToObject(entries);
    }, schema) as Promise<StandardSchemaV1.InferOutput<S>>;
  }

  // A body format's bytes, bounded by maxMultipartMemory; `cache` keeps them for another bind
  // (gin's ShouldBindBodyWith).
  async #bodyBytes(cache: boolean): Promise<Uint8Array> {
    const limit = this.#engine.maxMultipartMemory;
    return cache ? this.#rawBody(limit) : readBodyLimited(this.request, limit);
  }

  /**
   * Parses the XML body (see the README's XML mapping: the root's children become keys, values
   * stay strings) and validates it. `EOF` for an empty body, as gin's decoder says.
   * gin: `c.ShouldBindXML()`.
   */
  shouldBindXML<S extends StandardSchemaV1>(
    schema: S,
    options?: XMLOptions,
  ): Promise<StandardSchemaV1.InferOutput<S>> {
    return this.#bind(
      async () => unmarshalXML(await this.#bodyBytes(false), options),
      schema,
    ) as Promise<StandardSchemaV1.InferOutput<S>>;
  }

  /** Parses the first YAML document of the body and validates it. gin: `c.ShouldBindYAML()`. */
  shouldBindYAML<S extends StandardSchemaV1>(schema: S): Promise<StandardSchemaV1.InferOutput<S>> {
    return this.#bind(async () => unmarshalYAML(await this.#bodyBytes(false)), schema) as Promise<
      StandardSchemaV1.InferOutput<S>
    >;
  }

  /** Parses the TOML body and validates it. gin: `c.ShouldBindTOML()`. */
  shouldBindTOML<S extends StandardSchemaV1>(schema: S): Promise<StandardSchemaV1.InferOutput<S>> {
    return this.#bind(async () => unmarshalTOML(await this.#bodyBytes(false)), schema) as Promise<
      StandardSchemaV1.InferOutput<S>
    >;
  }

  /** `shouldBindXML` that keeps the body for another bind. gin: `ShouldBindBodyWithXML`. */
  shouldBindBodyWithXML<S extends StandardSchemaV1>(
    schema: S,
    options?: XMLOptions,
  ): Promise<StandardSchemaV1.InferOutput<S>> {
    return this.#bind(
      async () => unmarshalXML(await this.#bodyBytes(true), options),
      schema,
    ) as Promise<StandardSchemaV1.InferOutput<S>>;
  }

  /** `shouldBindYAML` that keeps the body for another bind. gin: `ShouldBindBodyWithYAML`. */
  shouldBindBodyWithYAML<S extends StandardSchemaV1>(
    schema: S,
  ): Promise<StandardSchemaV1.InferOutput<S>> {
    return this.#bind(async () => unmarshalYAML(await this.#bodyBytes(true)), schema) as Promise<
      StandardSchemaV1.InferOutput<S>
    >;
  }

  /** `shouldBindTOML` that keeps the body for another bind. gin: `ShouldBindBodyWithTOML`. */
  shouldBindBodyWithTOML<S extends StandardSchemaV1>(
    schema: S,
  ): Promise<StandardSchemaV1.InferOutput<S>> {
    return this.#bind(async () => unmarshalTOML(await this.#bodyBytes(true)), schema) as Promise<
      StandardSchemaV1.InferOutput<S>
    >;
  }

  /**
   * Decodes a Protocol Buffers body with `decoder` (a protobufjs or protobuf-es v1 message class,
   * or `{ decode }`), then validates with `schema` when one is given — gin does not validate
   * protobuf messages. gin: `c.ShouldBindWith(msg, binding.ProtoBuf)`.
   * @throws {BindingError} with the decoder's message; {@link MaxBytesError}.
   */
  shouldBindProtoBuf<T>(decoder: ProtoDecoder<T>): Promise<T>;
  shouldBindProtoBuf<T, S extends StandardSchemaV1>(
    decoder: ProtoDecoder<T>,
    schema: S,
  ): Promise<StandardSchemaV1.InferOutput<S>>;
  shouldBindProtoBuf<T>(decoder: ProtoDecoder<T>, schema?: StandardSchemaV1): Promise<unknown> {
    return this.#bind(async () => decodeProto(await this.#bodyBytes(false), decoder), schema);
  }

  async #must<T>(p: Promise<T>): Promise<T | undefined> {
    try {
      return await p;
    } catch (err) {
      const code = err instanceof MaxBytesError ? 413 : 400;
      this.abortWithError(code, err).setType(ErrorTypeBind);
      return undefined;
    }
  }

  /**
   * `shouldBind` that, on failure, answers 400 (413 for a body too large), records the error
   * (type Bind), aborts and resolves to `undefined`. gin: `c.Bind()` via `MustBindWith`.
   */
  bind<S extends StandardSchemaV1>(
    schema: S,
  ): Promise<StandardSchemaV1.InferOutput<S> | undefined> {
    return this.#must(this.shouldBind(schema));
  }

  /** `shouldBindJSON` answering 400 on failure. gin: `c.BindJSON()`. */
  bindJSON<S extends StandardSchemaV1>(
    schema: S,
  ): Promise<StandardSchemaV1.InferOutput<S> | undefined> {
    return this.#must(this.shouldBindJSON(schema));
  }

  /** `shouldBindQuery` answering 400 on failure. gin: `c.BindQuery()`. */
  bindQuery<S extends StandardSchemaV1>(
    schema: S,
  ): Promise<StandardSchemaV1.InferOutput<S> | undefined> {
    return this.#must(this.shouldBindQuery(schema));
  }

  /** `shouldBindForm` answering 400 (413) on failure. gin: `c.MustBindWith(obj, binding.Form)`. */
  bindForm<S extends StandardSchemaV1>(
    schema: S,
  ): Promise<StandardSchemaV1.InferOutput<S> | undefined> {
    return this.#must(this.shouldBindForm(schema));
  }

  /** `shouldBindMultipart` answering 400 (413) on failure. */
  bindMultipart<S extends StandardSchemaV1>(
    schema: S,
  ): Promise<StandardSchemaV1.InferOutput<S> | undefined> {
    return this.#must(this.shouldBindMultipart(schema));
  }

  /** `shouldBindUri` answering 400 on failure. gin: `c.BindUri()`. */
  bindUri<S extends StandardSchemaV1>(
    schema: S,
  ): Promise<StandardSchemaV1.InferOutput<S> | undefined> {
    return this.#must(this.shouldBindUri(schema));
  }

  /** `shouldBindXML` answering 400 (413) on failure. gin: `c.BindXML()`. */
  bindXML<S extends StandardSchemaV1>(
    schema: S,
    options?: XMLOptions,
  ): Promise<StandardSchemaV1.InferOutput<S> | undefined> {
    return this.#must(this.shouldBindXML(schema, options));
  }

  /** `shouldBindYAML` answering 400 (413) on failure. gin: `c.BindYAML()`. */
  bindYAML<S extends StandardSchemaV1>(
    schema: S,
  ): Promise<StandardSchemaV1.InferOutput<S> | undefined> {
    return this.#must(this.shouldBindYAML(schema));
  }

  /** `shouldBindTOML` answering 400 (413) on failure. gin: `c.BindTOML()`. */
  bindTOML<S extends StandardSchemaV1>(
    schema: S,
  ): Promise<StandardSchemaV1.InferOutput<S> | undefined> {
    return this.#must(this.shouldBindTOML(schema));
  }

  /**
   * `shouldBindProtoBuf` answering 400 (413) on failure.
   * gin: `c.MustBindWith(msg, binding.ProtoBuf)`.
   */
  bindProtoBuf<T>(decoder: ProtoDecoder<T>): Promise<T | undefined>;
  bindProtoBuf<T, S extends StandardSchemaV1>(
    decoder: ProtoDecoder<T>,
    schema: S,
  ): Promise<StandardSchemaV1.InferOutput<S> | undefined>;
  bindProtoBuf<T>(decoder: ProtoDecoder<T>, schema?: StandardSchemaV1): Promise<unknown> {
    return this.#must(
      schema === undefined
        ? this.shouldBindProtoBuf(decoder)
        : this.shouldBindProtoBuf(decoder, schema),
    );
  }

  /** `shouldBindHeader` answering 400 on failure. gin: `c.BindHeader()`. */
  bindHeader<S extends StandardSchemaV1>(
    schema: S,
  ): Promise<StandardSchemaV1.InferOutput<S> | undefined> {
    return this.#must(this.shouldBindHeader(schema));
  }

  // ───────────────────────── response ─────────────────────────

  /** Sets the status (sent with the first byte or at the end). gin: `c.Status()`. */
  status(code: number): void {
    this.writer.writeHeader(code);
  }

  /** Sets a response header; an empty value deletes it. gin: `c.Header()`. */
  header(key: string, value: string): void {
    if (value === '') this.writer.header().delete(key);
    else this.writer.header().set(key, value);
  }

  /** The SameSite mode for `setCookie`. gin: `c.SetSameSite()`. */
  setSameSite(mode: number): void {
    this.#sameSite = mode;
  }

  /**
   * Adds a `Set-Cookie` header; the value is URL-escaped, the path defaults to `/`.
   * gin: `c.SetCookie()`.
   */
  setCookie(
    name: string,
    value: string,
    maxAge: number,
    path: string,
    domain: string,
    secure: boolean,
    httpOnly: boolean,
  ): void {
    this.setCookieData({
      name,
      value: queryEscape(value),
      maxAge,
      path,
      domain,
      secure,
      httpOnly,
    });
  }

  /** Adds a `Set-Cookie` for a full cookie. gin: `c.SetCookieData()`. */
  setCookieData(cookie: Cookie): void {
    const c = { ...cookie };
    if (!c.path) c.path = '/';
    if (c.sameSite === undefined || c.sameSite === 1) c.sameSite = this.#sameSite || undefined;
    this.writer.header().add('Set-Cookie', cookieString(c));
  }

  // gin's Context.Render up to the body: the status and the content type; false for a status
  // that allows no body, whose header is then sent.
  #begin(code: number, contentType: string): boolean {
    if (code > 0) this.status(code);
    writeContentType(this.writer, contentType);
    if (code > 0 && !bodyAllowedForStatus(code)) {
      this.writer.writeHeaderNow();
      return false;
    }
    return true;
  }

  // gin's Context.Render: a body that fails to render is recorded as an error and aborts.
  #render(
    code: number,
    contentType: string,
    body: () => string | Uint8Array,
  ): void | Promise<void> {
    if (!this.#begin(code, contentType)) return;
    let out: string | Uint8Array;
    try {
      out = body();
    } catch (err) {
      this.error(err);
      this.abort();
      return;
    }
    return this.writer.write(out);
  }

  /** `obj` as JSON (HTML characters escaped, as Go does). gin: `c.JSON()`. */
  json(code: number, obj: unknown): void | Promise<void> {
    return this.#render(code, jsonContentType, () => marshalJSON(obj));
  }

  /** Pretty JSON, 4-space indent. gin: `c.IndentedJSON()`. */
  indentedJSON(code: number, obj: unknown): void | Promise<void> {
    return this.#render(code, jsonContentType, () => marshalJSON(obj, true, '    '));
  }

  /** JSON prefixed by `while(1);` (the engine's prefix) when it is an array. gin: `SecureJSON`. */
  secureJSON(code: number, obj: unknown): void | Promise<void> {
    return this.#render(code, jsonContentType, () => {
      const s = marshalJSON(obj);
      return s.startsWith('[') && s.endsWith(']') ? this.#engine.secureJsonPrefix + s : s;
    });
  }

  /**
   * JSONP: `callback(json);` with the `callback` query value escaped for JavaScript; plain JSON
   * when there is no callback. gin: `c.JSONP()`.
   */
  jsonp(code: number, obj: unknown): void | Promise<void> {
    const callback = this.defaultQuery('callback', '');
    if (callback === '') return this.json(code, obj);
    return this.#render(
      code,
      'application/javascript; charset=utf-8',
      () => `${jsEscapeString(callback)}(${marshalJSON(obj)});`,
    );
  }

  /** JSON with every non-ASCII character as `\uXXXX`. gin: `c.AsciiJSON()`. */
  asciiJSON(code: number, obj: unknown): void | Promise<void> {
    return this.#render(code, 'application/json', () => asciiJSON(marshalJSON(obj)));
  }

  /** JSON without HTML escaping, newline-terminated (Go's Encoder). gin: `c.PureJSON()`. */
  pureJSON(code: number, obj: unknown): void | Promise<void> {
    return this.#render(code, jsonContentType, () => `${marshalJSON(obj, false)}\n`);
  }

  /**
   * `obj` as XML, `application/xml; charset=utf-8`, with no `<?xml?>` header (Go's encoder).
   * A plain object is the root `<map>` element (gin's `gin.H`), its keys child elements; see the
   * README for the mapping and `options` (root name, attribute prefix). A value with no XML form
   * is recorded in `c.errors` and aborts, as gin's render errors. gin: `c.XML()`.
   */
  xml(code: number, obj: unknown, options?: XMLOptions): void | Promise<void> {
    return this.#render(code, 'application/xml; charset=utf-8', () => marshalXML(obj, options));
  }

  /** `obj` as YAML, `application/yaml; charset=utf-8`. gin: `c.YAML()`. */
  yaml(code: number, obj: unknown): void | Promise<void> {
    return this.#render(code, 'application/yaml; charset=utf-8', () => marshalYAML(obj));
  }

  /**
   * `obj` (a table: a plain object) as TOML the way go-toml v2 writes it (`foo = 'bar'`),
   * `application/toml; charset=utf-8`. gin: `c.TOML()`.
   */
  toml(code: number, obj: unknown): void | Promise<void> {
    return this.#render(code, 'application/toml; charset=utf-8', () => marshalTOML(obj));
  }

  /**
   * A Protocol Buffers message, `application/x-protobuf`: `codec.encode(message)` (a protobufjs
   * class, or `{ encode }` for protobuf-es v2), else `message.toBinary()` (protobuf-es v1), else
   * the bytes of a `Uint8Array`. An encoding failure is recorded in `c.errors` and aborts.
   * gin: `c.ProtoBuf()`.
   */
  protoBuf<T>(code: number, message: T, codec?: ProtoEncoder<T>): void | Promise<void> {
    return this.#render(code, MIMEPROTOBUF, () => encodeProto(message, codec));
  }

  /**
   * The template `name` rendered by the engine's `htmlRender` with `data`,
   * `text/html; charset=utf-8`. gin: `c.HTML()`.
   * @throws {Error} when the engine has no `htmlRender` (gin dereferences a nil `HTMLRender`
   *   and panics; Recovery answers 500).
   */
  html(code: number, name: string, data: unknown): void | Promise<void> {
    const render = this.#engine.htmlRender;
    if (render === undefined) {
      throw new Error('gin: c.html() needs an htmlRender in the engine options');
    }
    return this.#render(code, 'text/html; charset=utf-8', () => render(name, data));
  }

  /**
   * Text: `format` as is, or formatted Go-style (`%s %d %v %q`) when `values` are given.
   * gin: `c.String()`.
   */
  string(code: number, format: string, ...values: unknown[]): void | Promise<void> {
    return this.#render(code, plainContentType, () =>
      values.length > 0 ? sprintf(format, ...values) : format,
    );
  }

  /** Raw bytes with a content type (and `Content-Length`). gin: `c.Data()`. */
  data(code: number, contentType: string, data: Uint8Array | string): void | Promise<void> {
    // Not through #render: nothing here can throw, and this is the hello-world of every
    // benchmark, where the body closure was an allocation per request.
    if (!this.#begin(code, contentType)) return;
    // Text goes out as text: counting its UTF-8 bytes is all the length needs, and the server
    // encodes it once, with the head, instead of a copy here and another in the writer.
    const size = typeof data === 'string' ? utf8Length(data) : data.length;
    if (size > 0) this.writer.header().set('Content-Length', String(size));
    return this.writer.write(data);
  }

  /**
   * Redirects with `code` (3xx, or 201) to `location`, as Go's `http.Redirect`.
   * @throws {Error} `gin: Cannot redirect with status code N` for another code (gin panics;
   *   Recovery turns it into a 500). gin: `c.Redirect()`.
   */
  redirect(code: number, location: string): void | Promise<void> {
    if ((code < 300 || code > 308) && code !== 201) {
      throw new Error(`gin: Cannot redirect with status code ${code}`);
    }
    return httpRedirect(this.writer, this.request, location, code);
  }

  /**
   * Serves a file from disk as Go's `http.ServeFile`: Content-Type by extension or sniffed,
   * `Last-Modified`, conditional requests (304/412), `Range` (206, multipart/byteranges, 416),
   * HEAD without a body, a directory as its index.html or a listing; 404/403/500 as Go words
   * them; 400 `invalid URL path` when the request path has a `..` segment. gin: `c.File()`.
   */
  file(filepath: string): Promise<void> {
    return serveFile(this, filepath);
  }

  /**
   * Serves `filepath` from `fs` as if it were the request path (Go's file server: canonical
   * redirects apply to it). gin: `c.FileFromFS()`.
   */
  fileFromFS(filepath: string, fs: FileSystem): Promise<void> {
    const name = filepath.startsWith('/') ? filepath : `/${filepath}`;
    return serveFrom(this, fs, goPathClean(name), name, true);
  }

  /**
   * Serves a file as a download named `filename` (RFC 6266 `filename*` for non-ASCII).
   * gin: `c.FileAttachment()`.
   */
  fileAttachment(filepath: string, filename: string): Promise<void> {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range test.
    const disposition = /^[\x00-\x7f]*$/.test(filename)
      ? `attachment; filename="${filename.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
      : `attachment; filename*=UTF-8''${queryEscape(filename)}`;
    this.writer.header().set('Content-Disposition', disposition);
    return serveFile(this, filepath);
  }

  /**
   * Sends one Server-Sent Event: `event:name\ndata:…\n\n` (objects as JSON), with
   * `Content-Type: text/event-stream` and `Cache-Control: no-cache`. gin: `c.SSEvent()`.
   */
  sseEvent(name: string, message: unknown): void | Promise<void> {
    const h = this.writer.header();
    h.set('Content-Type', 'text/event-stream');
    if (!h.has('Cache-Control')) h.set('Cache-Control', 'no-cache');
    let out = '';
    if (name !== '') out += `event:${name.replace(/\n/g, '\\n').replace(/\r/g, '\\r')}\n`;
    if (message !== null && typeof message === 'object') {
      out += `data:${marshalJSON(message)}\n\n`;
    } else {
      out += `data:${String(message).replace(/\n/g, '\ndata:').replace(/\r/g, '\\r')}\n\n`;
    }
    return this.writer.write(out);
  }

  /**
   * Calls `step` until it returns false or the client goes away (the request context is
   * cancelled), flushing after each step. Resolves to true when the client left first — a write
   * or flush failing because it left counts as leaving; rejects with any other error of `step`.
   * gin: `c.Stream()`.
   */
  async stream(step: (w: ResponseWriter) => boolean | Promise<boolean>): Promise<boolean> {
    const signal = this.request.context().signal;
    // Bounded by the client: each step writes, and a gone client aborts the signal.
    for (;;) {
      if (signal.aborted) return true;
      let keepOpen: boolean;
      try {
        keepOpen = await step(this.writer);
        const flushed = this.writer.flush();
        // A flush to a peer that hung up may never settle (seen with core-listener's Bun
        // backend); the aborted context ends the wait instead.
        if (flushed !== undefined) await untilAborted(flushed, signal);
      } catch (err) {
        // A write to a client that left fails; gin's Stream ignores the Write error and sees the
        // client gone on the next turn. Any other error is the step's own.
        if (signal.aborted) return true;
        throw err;
      }
      if (!keepOpen) return false;
    }
  }

  /**
   * Renders the first offered format the client accepts: `application/json`, `text/html`,
   * `application/xml`, `application/x-yaml`/`application/yaml`, `application/toml`,
   * `application/x-protobuf`. Anything else chosen (`text/xml`, `text/plain`, BSON, or no match)
   * is 406 with the error `the accepted formats are not offered by the server` in `c.errors`, as
   * gin. gin: `c.Negotiate()`.
   */
  negotiate(code: number, config: Negotiate): void | Promise<void> {
    switch (this.negotiateFormat(...config.offered)) {
      case MIMEJSON:
        return this.json(code, choose(config.jsonData, config.data));
      case MIMEHTML:
        return this.html(code, config.htmlName ?? '', choose(config.htmlData, config.data));
      case MIMEXML:
        return this.xml(code, choose(config.xmlData, config.data), config.xmlOptions);
      case MIMEYAML:
      case MIMEYAML2:
        return this.yaml(code, choose(config.yamlData, config.data));
      case MIMETOML:
        return this.toml(code, choose(config.tomlData, config.data));
      case MIMEPROTOBUF:
        return this.protoBuf(code, choose(config.protobufData, config.data), config.protobufCodec);
    }
    this.abortWithError(406, new Error('the accepted formats are not offered by the server'));
  }

  /**
   * The first offer matching the `Accept` header (`*` matches), `''` when none; the first offer
   * when there is no `Accept`. gin: `c.NegotiateFormat()`.
   * @throws {Error} when nothing is offered.
   */
  negotiateFormat(...offered: string[]): string {
    if (offered.length === 0) throw new Error('gin: you must provide at least one offer');
    if (this.accepted === undefined) {
      this.accepted = [];
      for (const part of this.getHeader('Accept').split(',')) {
        const semi = part.indexOf(';');
        const p = (semi > 0 ? part.slice(0, semi) : part).trim();
        if (p !== '') this.accepted.push(p);
      }
    }
    if (this.accepted.length === 0) return offered[0] as string;
    for (const accepted of this.accepted) {
      for (const offer of offered) {
        let i = 0;
        for (; i < accepted.length && i < offer.length; i++) {
          if (accepted[i] === '*' || offer[i] === '*') return offer;
          if (accepted[i] !== offer[i]) break;
        }
        if (i === accepted.length) return offer;
      }
    }
    return '';
  }

  /** Sets the accepted formats by hand. gin: `c.SetAccepted()`. */
  setAccepted(...formats: string[]): void {
    this.accepted = formats;
  }
}

// gin's chooseData: the format's own data unless it is nil (null or undefined here).
function choose(specific: unknown, fallback: unknown): unknown {
  return specific ?? fallback;
}

function untilAborted(p: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) {
    p.catch(() => {}); // the client is gone: a failed flush is expected, not an error
    return Promise.resolve();
  }
  return new Promise<void>((resolve, reject) => {
    const done = (): void => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done);
    p.then(done, (err: unknown) => {
      signal.removeEventListener('abort', done);
      if (signal.aborted) resolve();
      else reject(err);
    });
  });
}

function mapFromForm(entries: Iterable<[string, string]>, key: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of entries) {
    if (k.length < key.length + 3 || !k.startsWith(key) || k[key.length] !== '[') continue;
    const j = k.indexOf(']', key.length + 1);
    if (j > key.length + 1) out[k.slice(key.length + 1, j)] ??= v;
  }
  return out;
}
