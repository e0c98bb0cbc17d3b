/**
 * `ResponseWriterWrapper`: the status-recording writer of seed 004, done so that wrapping never
 * hides a capability.
 *
 * Design: chi#544 taught that a wrapper which always declares `Flush`/`Hijack` lies when the inner
 * writer lacks them, and one that never declares them breaks SSE and WebSockets behind the
 * middleware. Go's httpsnoop answers with one concrete type per combination of capabilities; we do
 * the same with prototypes. Four capabilities are discovered by method (flush; hijack; the two
 * deadline setters; enableFullDuplex), giving a 4-bit mask; for each wrapper class and mask one
 * subclass is built on first use whose prototype carries exactly the methods the inner writer has.
 * Informational responses need no method: `writeHeader(1xx)` passes through untouched.
 *
 * Invariants: a wrapper has a capability method iff the writer it wraps has it; `unwrap()` always
 * returns the wrapped writer, so `ResponseController` reaches capabilities through any depth; a
 * variant class is built once per (class, mask), never per request.
 *
 * Example: wrapping a `ResponseRecorder` (mask `flush` = 1) yields an instance of the cached
 * `ResponseWriterWrapper` variant 1: `'flush' in w` is true, `'hijack' in w` is false, and
 * `new ResponseController(w).hijack()` throws `ErrNotSupported` exactly as on the bare recorder.
 */
// Imported rather than read from the global: on Node.js 20 `globalThis.performance` is an accessor,
// and every `performance.now()` through it paid for a getter call on the hot path.
import { performance } from 'node:perf_hooks';
import type {
  DeadlineSetter,
  Flusher,
  FullDuplexEnabler,
  Header,
  HijackedConn,
  Hijacker,
  ResponseWriter,
  Unwrapper,
} from '@servehttp/core-listener';
import { byteLength } from './util.ts';

const capFlush = 1;
const capHijack = 2;
const capDeadline = 4;
const capDuplex = 8;

interface MaybeCapable {
  flush?: unknown;
  hijack?: unknown;
  setReadDeadline?: unknown;
  setWriteDeadline?: unknown;
  enableFullDuplex?: unknown;
}

/** The capability mask of `w`; see the module note. */
function capabilitiesOf(w: ResponseWriter): number {
  // Named property reads, not `w[key]` through a helper: each site keeps its own inline cache,
  // and this runs once per request for every wrapping middleware.
  const c = w as MaybeCapable;
  let m = 0;
  if (typeof c.flush === 'function') m |= capFlush;
  if (typeof c.hijack === 'function') m |= capHijack;
  if (typeof c.setReadDeadline === 'function' && typeof c.setWriteDeadline === 'function') {
    m |= capDeadline;
  }
  if (typeof c.enableFullDuplex === 'function') m |= capDuplex;
  return m;
}

// biome-ignore lint/complexity/noBannedTypes: keyed by class objects of any constructor shape.
const variants = new WeakMap<Function, Function[]>();
// biome-ignore lint/complexity/noBannedTypes: the same class objects, for ResponseWriterWrapper.
const baseVariants: Function[] = [];
const kBase = Symbol('middleware-kit.variantOf');

/**
 * Wraps a {@link ResponseWriter} to record what went through it — final status, body bytes, when
 * the header went out, whether the connection was hijacked — while keeping every capability of the
 * writer it wraps. Go: chi's `middleware.WrapResponseWriter`, httpsnoop's `Wrap`.
 *
 * - Build instances with `SomeWrapperClass.variant(w)` then `new`, or {@link wrapWriter}: the
 *   variant class has `flush`, `hijack`, `setReadDeadline`/`setWriteDeadline` and
 *   `enableFullDuplex` only when `w` has them (chi#544: never advertise what is not there).
 * - `unwrap()` returns `w`, so `new ResponseController(wrapper)` finds any capability below.
 * - Subclass it to intercept writes (compress, etag, timeout do): override `writeHeader`/`write`,
 *   and `onFlush()` to flush your own buffers before the inner writer's flush.
 * - `status` is 0 until a final status is written (a 1xx is not final; 101 is); after the
 *   handler returns, 0 means the server will send 200.
 */
export class ResponseWriterWrapper implements ResponseWriter, Unwrapper {
  /** The final status written, or 0 before one was. */
  status = 0;
  /** Body bytes written through this wrapper (before any encoding below it). */
  bytesWritten = 0;
  /** Whether a final status (≥ 200, or 101) has been written. */
  wroteHeader = false;
  /** Whether the connection was taken over through this wrapper. */
  hijacked = false;
  /** `performance.now()` when the wrapper was made. */
  readonly startedAt: number;
  /** `performance.now()` when the final header was written; 0 before (time to first byte). */
  headerAt = 0;

  /** Present only when the wrapped writer can flush (see the class doc). */
  declare flush?: () => void | Promise<void>;
  /** Present only when the wrapped writer can be hijacked. */
  declare hijack?: () => HijackedConn;
  /** Present only when the wrapped writer supports deadlines. */
  declare setReadDeadline?: (deadline: Date | number) => void;
  /** Present only when the wrapped writer supports deadlines. */
  declare setWriteDeadline?: (deadline: Date | number) => void;
  /** Present only when the wrapped writer supports full duplex. */
  declare enableFullDuplex?: () => void;

  readonly #w: ResponseWriter;

  /**
   * Wraps `w`. Call it on the class returned by `variant(w)`, not on the class itself, unless
   * hiding every optional capability is intended.
   */
  constructor(w: ResponseWriter) {
    this.#w = w;
    this.startedAt = performance.now();
  }

  /**
   * The subclass of `this` whose prototype carries exactly the capabilities of `w`; built once per
   * class and capability mask, then cached.
   */
  // `this` is the subclass the call was made on: each wrapper class gets its own variants.
  // biome-ignore-start lint/complexity/noThisInStatic: polymorphic on purpose.
  static variant<T extends abstract new (...args: never[]) => ResponseWriterWrapper>(
    this: T,
    w: ResponseWriter,
  ): T {
    const mask = capabilitiesOf(w);
    if (mask === 0) return this;
    // The plain wrapper (recovery, logger, most middleware) skips the WeakMap: one lookup fewer
    // per request and wrapping middleware.
    let list = this === (ResponseWriterWrapper as unknown) ? baseVariants : variants.get(this);
    if (list === undefined) variants.set(this, (list = []));
    return (list[mask] ??= makeVariant(this, mask)) as T;
  }
  // biome-ignore-end lint/complexity/noThisInStatic: polymorphic on purpose.

  /** The writer's header map (the wrapped writer's own). */
  header(): Header {
    return this.#w.header();
  }

  /** Passes the status down, recording it when it is final. */
  writeHeader(statusCode: number): void {
    this.#w.writeHeader(statusCode);
    if (!this.wroteHeader && (statusCode >= 200 || statusCode === 101)) {
      this.status = statusCode;
      this.wroteHeader = true;
      this.headerAt = performance.now();
    }
  }

  /** Passes the chunk down (writing a 200 header first, through `this`, if needed), counting bytes. */
  write(chunk: string | Uint8Array): void | Promise<void> {
    if (!this.wroteHeader) this.writeHeader(200);
    this.bytesWritten += byteLength(chunk);
    return this.#w.write(chunk);
  }

  /** The wrapped writer. Go: the `Unwrap() http.ResponseWriter` convention of Go 1.20. */
  unwrap(): ResponseWriter {
    return this.#w;
  }

  /** Milliseconds since the wrapper was made. */
  duration(): number {
    return performance.now() - this.startedAt;
  }

  /**
   * What `flush()` does once the header is out: flush the wrapped writer. Override it to flush
   * buffers of your own first.
   */
  protected onFlush(): void | Promise<void> {
    return (this.#w as unknown as Flusher).flush();
  }
}

// The capability methods. They live on variant prototypes only; `this` is always a wrapper.
function flush(this: ResponseWriterWrapper): void | Promise<void> {
  if (!this.wroteHeader) this.writeHeader(200);
  return (this as unknown as { onFlush(): void | Promise<void> }).onFlush();
}

function hijack(this: ResponseWriterWrapper): HijackedConn {
  const conn = (this.unwrap() as unknown as Hijacker).hijack();
  this.hijacked = true;
  return conn;
}

function setReadDeadline(this: ResponseWriterWrapper, deadline: Date | number): void {
  (this.unwrap() as unknown as DeadlineSetter).setReadDeadline(deadline);
}

function setWriteDeadline(this: ResponseWriterWrapper, deadline: Date | number): void {
  (this.unwrap() as unknown as DeadlineSetter).setWriteDeadline(deadline);
}

function enableFullDuplex(this: ResponseWriterWrapper): void {
  (this.unwrap() as unknown as FullDuplexEnabler).enableFullDuplex();
}

function makeVariant(
  base: abstract new (...args: never[]) => ResponseWriterWrapper,
  mask: number,
  // biome-ignore lint/complexity/noBannedTypes: any constructor.
): Function {
  const Variant = class extends (base as unknown as typeof ResponseWriterWrapper) {};
  const proto = Variant.prototype as unknown as Record<string, unknown>;
  const define = (name: string, value: unknown): void => {
    Object.defineProperty(proto, name, { value, writable: true, configurable: true });
  };
  if (mask & capFlush) define('flush', flush);
  if (mask & capHijack) define('hijack', hijack);
  if (mask & capDeadline) {
    define('setReadDeadline', setReadDeadline);
    define('setWriteDeadline', setWriteDeadline);
  }
  if (mask & capDuplex) define('enableFullDuplex', enableFullDuplex);
  Object.defineProperty(Variant, kBase, { value: base });
  Object.defineProperty(Variant, 'name', { value: `${base.name}$${mask}` });
  return Variant;
}

/**
 * Returns a {@link ResponseWriterWrapper} for `w`: `w` itself when it already is a plain one (so a
 * stack of recovery ▸ logger ▸ … shares one wrapper and one set of counters instead of allocating a
 * layer each), else a new wrapper of the right capability variant. Subclasses that change what a
 * write means (compress, timeout, etag) are never reused: a new plain wrapper goes on top.
 */
export function wrapWriter(w: ResponseWriter): ResponseWriterWrapper {
  const c = (w as { constructor?: unknown }).constructor;
  if (
    c === ResponseWriterWrapper ||
    (c !== undefined && (c as Record<symbol, unknown>)[kBase] === ResponseWriterWrapper)
  ) {
    return w as ResponseWriterWrapper;
  }
  const Variant = ResponseWriterWrapper.variant(w);
  return new Variant(w);
}
