/**
 * `logger`: one line per request — method, path, matched pattern, status, bytes, duration,
 * request id — as text (chi's `middleware.Logger` shape) or JSON, to a pluggable sink.
 *
 * Design: the line is built after the handler returns, from the shared {@link wrapWriter}
 * counters; a sync handler costs no promise. Put `requestID` outside the logger (it copies the
 * request, and the router sets `pattern` on the copy it receives — the same as Go 1.22, where an
 * outer middleware never sees `r.Pattern` set on a request made by `WithContext`).
 *
 * @module
 */
import process from 'node:process';
import type { Handler, Request, ResponseWriter } from '@servehttp/core-listener';
import type { Middleware } from '../chain.ts';
import { MiddlewareOptionError } from '../errors.ts';
import { getRequestID } from '../request-id/index.ts';
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

/** Formats milliseconds the way Go prints a `time.Duration`: `812ns`, `21.3µs`, `4.1ms`, `1.2s`. */
export function formatDuration(ms: number): string {
  if (ms < 0.001) return `${Math.round(ms * 1e6)}ns`;
  if (ms < 1) return `${(ms * 1000).toFixed(1)}µs`;
  if (ms < 1000) return `${ms.toFixed(1)}ms`;
  return `${(ms / 1000).toFixed(2)}s`;
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

  const emit = (
    r: Request,
    ww: ResponseWriterWrapper,
    start: number,
    time: number,
    threw: boolean,
  ): void => {
    const entry: LogEntry = {
      time: new Date(time),
      method: r.method,
      uri: r.requestURI,
      pattern: r.pattern,
      proto: r.proto,
      remoteAddr: r.remoteAddr,
      status: ww.status !== 0 ? ww.status : threw ? 500 : 200,
      bytes: ww.bytesWritten,
      durationMs: performance.now() - start,
      requestID: getRequestID(r),
    };
    sink(format === 'json' ? jsonLine(entry) : textLine(entry, color), entry);
  };

  return (next: Handler) => ({
    serveHTTP(w: ResponseWriter, r: Request): void | Promise<void> {
      const ww = wrapWriter(w);
      const time = Date.now();
      const start = performance.now();
      let p: void | Promise<void>;
      try {
        p = next.serveHTTP(ww, r);
      } catch (err) {
        emit(r, ww, start, time, true);
        throw err;
      }
      if (p === undefined) {
        emit(r, ww, start, time, false);
        return;
      }
      return p.then(
        () => emit(r, ww, start, time, false),
        (err: unknown) => {
          emit(r, ww, start, time, true);
          throw err;
        },
      );
    },
  });
}
