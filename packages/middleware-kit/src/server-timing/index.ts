/**
 * `trace`, `serverTiming`, `traced`: record how long each stage of a request took — each wrapped
 * middleware, routing, the handler, time to first byte — with bytes and status, emit a
 * `Server-Timing` header (W3C Server Timing; Hono's `timing` middleware) and hand each finished
 * trace to a sink (the demo draws them).
 *
 * Design: `trace()` puts a {@link Trace} in the request context and wraps the writer. Stages are
 * spans opened and closed by `traced(name, mw)` / `tracedHandler(name, h)` wrappers (composed at
 * build time; a request without a trace pays one context lookup) or by `startSpan(r, name)` from
 * any code, a router included. Spans nest and so overlap: each is the wall time between entering
 * and leaving its stage, everything below included.
 *
 * `Server-Timing` must be in the header, and the header is fixed when the status is written, so
 * the emitted metrics describe the time up to the first byte: finished spans with their duration,
 * still-open ones (the handler, usually) with the time so far, and `ttfb`. The complete picture —
 * end times, total duration, bytes — goes to the sink after the response.
 *
 * Example: `chain(h, trace({ sink }), traced('auth', auth()))` on a request whose handler writes
 * after 3 ms: header `Server-Timing: auth;dur=3.1, ttfb;dur=3.2`; the sink then receives
 * `{ spans: [{ name: 'auth', start: 0.05, dur: 3.9 }], ttfb: 3.2, duration: 4.0, bytes: 12, … }`.
 *
 * @module
 */
import { performance } from 'node:perf_hooks';
import {
  type ContextKey,
  createKey,
  type Handler,
  type HandlerLike,
  type Request,
  type ResponseWriter,
  toHandler,
} from '@servehttp/core-listener';
import type { Middleware } from '../chain.ts';
import { MiddlewareOptionError } from '../errors.ts';
import { checkFunc } from '../util.ts';
import { ResponseWriterWrapper } from '../writer.ts';

/** One timed stage; times in ms relative to the trace start. */
export interface Span {
  /** Stage name (a token, as Server-Timing requires). */
  readonly name: string;
  /** When the stage began. */
  readonly start: number;
  /** How long it took; -1 while open. */
  dur: number;
}

/** A finished (or in-progress) request trace. */
export class Trace {
  /** Request method. */
  readonly method: string;
  /** Request-target. */
  readonly uri: string;
  /** Pattern the router matched, filled in at the end. */
  pattern = '';
  /** Epoch ms when the trace began. */
  readonly startedAt: number;
  /** Stages in the order they began. */
  readonly spans: Span[] = [];
  /** Ms to the first byte (header written); -1 if none was. */
  ttfb = -1;
  /** Ms for the whole request below `trace()`. */
  duration = -1;
  /** Body bytes written. */
  bytes = 0;
  /** Final status (200 when nothing was written). */
  status = 0;
  /**
   * `performance.now()` when the trace began: span times are relative to it. Read it rather
   * than `performance.now() - elapsed()`, two clock readings that a preemption can pull apart.
   */
  readonly origin: number;

  /** Starts a trace for `r`. */
  constructor(r: Request) {
    this.method = r.method;
    this.uri = r.requestURI;
    this.startedAt = Date.now();
    this.origin = performance.now();
  }

  /** Ms since the trace began. */
  elapsed(): number {
    return performance.now() - this.origin;
  }

  /** Opens a span; call the returned function to close it (idempotent). */
  begin(name: string): () => void {
    const span: Span = { name, start: this.elapsed(), dur: -1 };
    this.spans.push(span);
    return () => {
      if (span.dur < 0) span.dur = this.elapsed() - span.start;
    };
  }

  /** The `Server-Timing` value for what is known now (see the module note). */
  serverTiming(): string {
    const now = this.elapsed();
    const parts: string[] = [];
    for (const s of this.spans)
      parts.push(`${s.name};dur=${(s.dur >= 0 ? s.dur : now - s.start).toFixed(1)}`);
    parts.push(`ttfb;dur=${now.toFixed(1)}`);
    return parts.join(', ');
  }
}

/** The context key of the request's {@link Trace}. */
export const traceKey: ContextKey<Trace> = createKey<Trace>('trace');

const noop = (): void => {};
const tokenRe = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function checkName(name: string): void {
  if (typeof name !== 'string' || !tokenRe.test(name)) {
    throw new MiddlewareOptionError(
      'serverTiming',
      `span name ${JSON.stringify(name)} must be a token (letters, digits, -_.)`,
    );
  }
}

/** Opens a span on the request's trace; a no-op closer when the request is not traced. */
export function startSpan(r: Request, name: string): () => void {
  const t = r.context().value(traceKey);
  return t === undefined ? noop : t.begin(name);
}

function timed(name: string, h: Handler): Handler {
  return {
    serveHTTP(w: ResponseWriter, r: Request): void | Promise<void> {
      const t = r.context().value(traceKey);
      if (t === undefined) return h.serveHTTP(w, r);
      const end = t.begin(name);
      let p: void | Promise<void>;
      try {
        p = h.serveHTTP(w, r);
      } catch (err) {
        end();
        throw err;
      }
      if (p === undefined) return end();
      return p.finally(end);
    },
  };
}

/** Wraps a middleware so its stage (itself and everything below) is a span named `name`. */
export function traced(name: string, mw: Middleware): Middleware {
  checkName(name);
  if (typeof mw !== 'function')
    throw new MiddlewareOptionError('serverTiming', 'traced(name, mw): mw must be a middleware');
  return (next: Handler) => timed(name, mw(next));
}

/** Wraps a handler (or a router) so it is a span named `name`. */
export function tracedHandler(name: string, h: HandlerLike): Handler {
  checkName(name);
  return timed(name, toHandler(h));
}

class TimingWriter extends ResponseWriterWrapper {
  trace!: Trace;
  emit = false;

  override writeHeader(statusCode: number): void {
    if (!this.wroteHeader && (statusCode >= 200 || statusCode === 101)) {
      this.trace.ttfb = this.trace.elapsed();
      if (this.emit) this.header().set('Server-Timing', this.trace.serverTiming());
    }
    super.writeHeader(statusCode);
  }
}

/** Options of {@link trace}. */
export interface TraceOptions {
  /** Receives each finished trace. */
  sink?: (t: Trace) => void;
  /** Emit the `Server-Timing` header; default true. */
  serverTiming?: boolean;
}

/**
 * Returns middleware that traces each request (see the module note). Put it outermost, so its
 * duration covers the rest.
 * @throws {MiddlewareOptionError} for a sink that is not a function.
 */
export function trace(options: TraceOptions = {}): Middleware {
  checkFunc('serverTiming', 'sink', options.sink);
  const sink = options.sink;
  const emit = options.serverTiming ?? true;
  const finish = (t: Trace, tw: TimingWriter, r: Request): void => {
    t.duration = t.elapsed();
    t.bytes = tw.bytesWritten;
    t.status = tw.status !== 0 ? tw.status : 200;
    t.pattern = r.pattern;
    sink?.(t);
  };
  return (next: Handler) => ({
    serveHTTP(w: ResponseWriter, r: Request): void | Promise<void> {
      const t = new Trace(r);
      const tw = new (TimingWriter.variant(w))(w);
      tw.trace = t;
      tw.emit = emit;
      const r2 = r.withContext(r.context().withValue(traceKey, t));
      const p = next.serveHTTP(tw, r2);
      if (p === undefined) return finish(t, tw, r2);
      return p.then(() => finish(t, tw, r2));
    },
  });
}

/** `trace()` with the header on; the name Hono and the W3C spec use. */
export function serverTiming(options: Omit<TraceOptions, 'serverTiming'> = {}): Middleware {
  return trace({ ...options, serverTiming: true });
}
