/**
 * The request logger middleware and its line format. gin: `logger.go`.
 *
 * `[GIN] 2006/01/02 - 15:04:05 | 200 |     1.234ms |       192.0.2.1 | GET      "/ping"`
 */
import type { Context, HandlerFunc } from './context.ts';
import { ErrorTypePrivate } from './errors.ts';
import { defaultWriter, isTerminal, type Writer } from './mode.ts';

/** What a log formatter receives. gin: `LogFormatterParams`. */
export interface LogFormatterParams {
  /** The request's context. */
  readonly context: Context;
  /** When the request finished. */
  readonly timeStamp: Date;
  /** The response status. */
  readonly statusCode: number;
  /** Time spent, in nanoseconds. */
  readonly latency: number;
  /** `c.clientIP()`. */
  readonly clientIP: string;
  /** The method. */
  readonly method: string;
  /** Path plus `?query`. */
  readonly path: string;
  /** The private errors, gin's text form. */
  readonly errorMessage: string;
  /** Body bytes written. */
  readonly bodySize: number;
  /** Whether to colour the output. */
  readonly isOutputColor: boolean;
  /** The keys the handlers set. */
  readonly keys: ReadonlyMap<unknown, unknown>;
}

/** Turns one request into a log line. gin: `LogFormatter`. */
export type LogFormatter = (params: LogFormatterParams) => string;

/** Logger settings. gin: `LoggerConfig`. */
export interface LoggerConfig {
  /** The line format; default gin's. */
  formatter?: LogFormatter;
  /** Where lines go; default the default writer (standard output). */
  output?: Writer;
  /** Paths not logged. */
  skipPaths?: string[];
  /** Requests not logged. */
  skip?: (c: Context) => boolean;
  /** Log the path without its query. */
  skipQueryString?: boolean;
}

let colorMode: 'auto' | 'off' | 'force' = 'auto';
/** Never colour log lines. gin: `DisableConsoleColor`. */
export function disableConsoleColor(): void {
  colorMode = 'off';
}
/** Always colour log lines. gin: `ForceConsoleColor`. */
export function forceConsoleColor(): void {
  colorMode = 'force';
}

const green = '\x1b[97;42m';
const white = '\x1b[90;47m';
const yellow = '\x1b[90;43m';
const red = '\x1b[97;41m';
const blue = '\x1b[97;44m';
const magenta = '\x1b[97;45m';
const cyan = '\x1b[97;46m';
const reset = '\x1b[0m';

function statusColor(code: number): string {
  if (code >= 100 && code < 200) return white;
  if (code >= 200 && code < 300) return green;
  if (code >= 300 && code < 400) return white;
  if (code >= 400 && code < 500) return yellow;
  return red;
}

function methodColor(m: string): string {
  switch (m) {
    case 'GET':
      return blue;
    case 'POST':
      return cyan;
    case 'PUT':
      return yellow;
    case 'DELETE':
      return red;
    case 'PATCH':
      return green;
    case 'HEAD':
      return magenta;
    case 'OPTIONS':
      return white;
    default:
      return reset;
  }
}

function latencyColor(ns: number): string {
  const ms = ns / 1e6;
  if (ms < 100) return white;
  if (ms < 200) return green;
  if (ms < 300) return cyan;
  if (ms < 500) return blue;
  if (ms < 1000) return yellow;
  if (ms < 2000) return magenta;
  return red;
}

function fmtFrac(v: number, prec: number): string {
  // Go prints the fraction without trailing zeros.
  let s = v.toFixed(prec);
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s;
}

/** A duration in nanoseconds as Go's `time.Duration.String()` prints it. */
export function durationString(ns: number): string {
  const n = Math.trunc(ns);
  if (n === 0) return '0s';
  const sign = n < 0 ? '-' : '';
  const a = Math.abs(n);
  if (a < 1e3) return `${sign}${a}ns`;
  if (a < 1e6) return `${sign}${fmtFrac(a / 1e3, 3)}µs`;
  if (a < 1e9) return `${sign}${fmtFrac(a / 1e6, 6)}ms`;
  const totalSec = a / 1e9;
  const h = Math.floor(totalSec / 3600);
  const m = Math.floor((totalSec - h * 3600) / 60);
  const s = fmtFrac(totalSec - h * 3600 - m * 60, 9);
  if (h > 0) return `${sign}${h}h${m}m${s}s`;
  if (m > 0) return `${sign}${m}m${s}s`;
  return `${sign}${s}s`;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** gin's `2006/01/02 - 15:04:05` in local time. */
export function timeFormat(d: Date): string {
  return `${d.getFullYear()}/${pad2(d.getMonth() + 1)}/${pad2(d.getDate())} - ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** gin's default line. gin: `defaultLogFormatter`. */
export const defaultLogFormatter: LogFormatter = (p) => {
  const color = p.isOutputColor;
  let latency = p.latency;
  if (latency > 60e9) latency -= latency % 10e9;
  else if (latency > 1e9) latency -= latency % 10e6;
  else if (latency > 1e6) latency -= latency % 10e3;
  const sc = color ? statusColor(p.statusCode) : '';
  const mc = color ? methodColor(p.method) : '';
  const lc = color ? latencyColor(p.latency) : '';
  const rs = color ? reset : '';
  return `[GIN] ${timeFormat(p.timeStamp)} |${sc} ${String(p.statusCode).padStart(3)} ${rs}|${lc} ${durationString(latency).padStart(8)} ${rs}| ${p.clientIP.padStart(15)} |${mc} ${p.method.padEnd(7)} ${rs} ${JSON.stringify(p.path)}\n${p.errorMessage}`;
};

/** The Logger middleware with gin's defaults. gin: `Logger()`. */
export function logger(): HandlerFunc {
  return loggerWithConfig({});
}

/** A Logger writing to `out`. gin: `LoggerWithWriter`. */
export function loggerWithWriter(out: Writer, ...notLogged: string[]): HandlerFunc {
  return loggerWithConfig({ output: out, skipPaths: notLogged });
}

/** A Logger with a custom line format. gin: `LoggerWithFormatter`. */
export function loggerWithFormatter(formatter: LogFormatter): HandlerFunc {
  return loggerWithConfig({ formatter });
}

/** The Logger middleware. gin: `LoggerWithConfig`. */
export function loggerWithConfig(conf: LoggerConfig): HandlerFunc {
  const formatter = conf.formatter ?? defaultLogFormatter;
  const skip = new Set(conf.skipPaths ?? []);
  const fixedOut = conf.output;
  return function logger(c: Context): void | Promise<void> {
    const start = performance.now();
    const path = c.request.url.path;
    const raw = c.request.url.rawQuery;
    const log = (): void => {
      if (skip.has(path) || conf.skip?.(c)) return;
      const out = fixedOut ?? defaultWriter();
      const end = performance.now();
      out.write(
        formatter({
          context: c,
          timeStamp: new Date(),
          statusCode: c.writer.status,
          latency: Math.round((end - start) * 1e6),
          clientIP: c.clientIP(),
          method: c.request.method,
          path: raw !== '' && !conf.skipQueryString ? `${path}?${raw}` : path,
          errorMessage: c.errors.byType(ErrorTypePrivate).toString(),
          bodySize: c.writer.size,
          isOutputColor: colorMode === 'force' || (colorMode === 'auto' && isTerminal(out)),
          keys: c.keys,
        }),
      );
    };
    const r = c.next();
    if (r === undefined) return log();
    return r.then(log);
  };
}
