/**
 * `logger`: one line per request — method, path, matched pattern, status, bytes, duration,
 * request id — as text (chi's `middleware.Logger` shape) or JSON, to a pluggable sink.
 *
 * Design: the line is built after the handler returns, from the shared {@link wrapWriter}
 * counters; a sync handler costs no promise. Per request the logger reads the clock once on the
 * way in and once on the way out (`performance.now()`, not `Date.now()`, which costs several
 * times more): the entry's wall-clock `time` is derived from a (`Date.now()`, `performance.now()`)
 * pair re-taken at most once a second, and the `Date` object is only made if a sink reads
 * `entry.time` (the text line does not). The request id is read without touching the request's
 * context, which the server would otherwise have to build. The router sets `pattern` on the
 * request the logger passed down, so the entry names the matched route — unless a middleware in
 * between replaced the request with a copy (Go 1.22 behaves the same: an outer middleware never
 * sees `r.Pattern` set on a request made by `WithContext`).
 *
 * @module
 */
// Imported rather than read from the global: on Node.js 20 `globalThis.performance` is an accessor,
// and every `performance.now()` through it paid for a getter call on the hot path.
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import type { Handler, Request, ResponseWriter } from '@servehttp/core-listener';
import type { Middleware } from '../chain.ts';
import { MiddlewareOptionError } from '../errors.ts';
import { peekRequestID } from '../request-id/index.ts';
import { checkFunc } from '../util.ts';
import { type ResponseWriterWrapper, wrapWriter } from '../writer.ts';

/** What the logger knows about one finished request. */
export interface LogEntry {
  /** When the request arrived at the logger. */
  readonly time: Date;
  /** Request method. */
  readonly method: string;
  /** The request-target as received (path and query). */
  readonly uri: string;
  /** The pattern the router matched (`GET /items/{id}`), or `''`. */
  readonly pattern: string;
  /** `HTTP/1.1`. */
  readonly proto: string;
  /** The client address (after realIP, if it ran first). */
  readonly remoteAddr: string;
  /** Final status; 200 when the handler wrote nothing, 500 when it threw. */
  readonly status: number;
  /** Body bytes the handler wrote. */
  readonly bytes: number;
  /** Milliseconds in the handlers below. */
  readonly durationMs: number;
  /** The request id, or `''`. */
  readonly requestID: string;
}

/** Options of {@link logger}. */
export interface LoggerOptions {
  /** `text` (default) or `json` (one object per line). */
  format?: 'text' | 'json';
  /** Receives each formatted line (without newline) and its entry; default: stdout. */
  sink?: (line: string, entry: LogEntry) => void;
  /** ANSI colours in text lines; default: when the sink is stdout and stdout is a TTY. */
  color?: boolean;
}

// `x` (0 ≤ x < 1e8) rounded to one decimal, always printed with it. Integer arithmetic on int32
// values, because `toFixed` and double-to-string conversions showed up in the stack's profile.
function oneDecimal(x: number): string {
  const t = Math.round(x * 10) | 0;
  const whole = (t / 10) | 0;
  return `${whole}.${t - whole * 10}`;
}

/** Formats milliseconds the way Go prints a `time.Duration`: `812ns`, `21.3µs`, `4.1ms`, `1.2s`. */
export function formatDuration(ms: number): string {
  if (ms < 0.001) return `${Math.round(ms * 1e6)}ns`;
  if (ms < 1) return `${oneDecimal(ms * 1000)}µs`;
  if (ms < 1000) return `${oneDecimal(ms)}ms`;
  return `${(ms / 1000).toFixed(2)}s`;
}

// Wall-clock time of a `performance.now()` reading: an anchor pair (`Date.now()`,
// `performance.now()`) re-read when it is over a second old, so `Date.now()` runs at most once a
// second, and only when a sink reads `entry.time`. The error is the two clocks' drift between the
// reading and the anchor: microseconds when the sink reads the entry as it arrives.
let anchorPerf = Number.NEGATIVE_INFINITY;
let anchorWall = 0;

function wallClock(perfReading: number): number {
  const now = performance.now();
  if (now - anchorPerf >= 1000) {
    anchorWall = Date.now();
    anchorPerf = now;
  }
  return anchorWall + (perfReading - anchorPerf);
}

// One finished request. A class rather than a literal so that `time` is a getter: the `Date` is
// only built for sinks that read it.
class Entry implements LogEntry {
  readonly method: string;
  readonly uri: string;
  readonly pattern: string;
  readonly proto: string;
  readonly remoteAddr: string;
  readonly status: number;
  readonly bytes: number;
  readonly durationMs: number;
  readonly requestID: string;
  readonly #start: number;
  #time: Date | undefined;

  constructor(r: Request, status: number, bytes: number, start: number, end: number) {
    this.method = r.method;
    this.uri = r.requestURI;
    this.pattern = r.pattern;
    this.proto = r.proto;
    this.remoteAddr = r.remoteAddr;
    this.status = status;
    this.bytes = bytes;
    this.durationMs = end - start;
    this.requestID = peekRequestID(r);
    this.#start = start;
  }

  get time(): Date {
    this.#time ??= new Date(wallClock(this.#start));
    return this.#time;
  }

  // `JSON.stringify(entry)` in a sink still shows every field, `time` included.
  toJSON(): Omit<LogEntry, 'time'> & { time: Date } {
    return { ...this, time: this.time };
  }
}

function statusColor(s: number): string {
  if (s < 300) return '\x1b[32m';
  if (s < 400) return '\x1b[36m';
  if (s < 500) return '\x1b[33m';
  return '\x1b[31m';
}

function textLine(e: LogEntry, color: boolean): string {
  const id = e.requestID !== '' ? `[${e.requestID}] ` : '';
  const pattern = e.pattern !== '' ? ` (${e.pattern})` : '';
  const status = color ? `${statusColor(e.status)}${e.status}\x1b[0m` : String(e.status);
  return `${id}"${e.method} ${e.uri} ${e.proto}" from ${e.remoteAddr} - ${status} ${e.bytes}B in ${formatDuration(e.durationMs)}${pattern}`;
}

function jsonLine(e: LogEntry): string {
  return JSON.stringify({
    time: e.time.toISOString(),
    method: e.method,
    uri: e.uri,
    pattern: e.pattern,
    proto: e.proto,
    remote_addr: e.remoteAddr,
    status: e.status,
    bytes: e.bytes,
    duration_ms: Math.round(e.durationMs * 1000) / 1000,
    request_id: e.requestID,
  });
}

/**
 * Returns request-logging middleware. The entry is written after the handlers below finish (or
 * throw: then with status 500 unless one was written, and the error propagates).
 * @throws {MiddlewareOptionError} for an unknown format or a sink that is not a function.
 */
export function logger(options: LoggerOptions = {}): Middleware {
  const format = options.format ?? 'text';
  if (format !== 'text' && format !== 'json') {
    throw new MiddlewareOptionError(
      'logger',
      `format must be "text" or "json", got ${JSON.stringify(format)}`,
    );
  }
  checkFunc('logger', 'sink', options.sink);
  const sink =
    options.sink ??
    ((line: string) => {
      process.stdout.write(`${line}\n`);
    });
  const color = options.color ?? (options.sink === undefined && process.stdout.isTTY === true);

  const json = format === 'json';
  const emit = (r: Request, ww: ResponseWriterWrapper, start: number, threw: boolean): void => {
    const status = ww.status !== 0 ? ww.status : threw ? 500 : 200;
    const entry = new Entry(r, status, ww.bytesWritten, start, performance.now());
    sink(json ? jsonLine(entry) : textLine(entry, color), entry);
  };

  return (next: Handler) => ({
    serveHTTP(w: ResponseWriter, r: Request): void | Promise<void> {
      const ww = wrapWriter(w);
      // A wrapper made just now has read the clock already (one reading fewer per request: on
      // Node a performance.now() was 7% of the stack); a reused one may be older, so read again.
      const start = ww !== w ? ww.startedAt : performance.now();
      let p: void | Promise<void>;
      try {
        p = next.serveHTTP(ww, r);
      } catch (err) {
        emit(r, ww, start, true);
        throw err;
      }
      if (p === undefined) {
        emit(r, ww, start, false);
        return;
      }
      return p.then(
        () => emit(r, ww, start, false),
        (err: unknown) => {
          emit(r, ww, start, true);
          throw err;
        },
      );
    },
  });
}
