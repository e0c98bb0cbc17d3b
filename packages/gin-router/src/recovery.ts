/**
 * The Recovery middleware: a handler that throws (or rejects) answers 500 instead of taking the
 * connection down, and the error is logged with the request. gin: `recovery.go`.
 */
import { ErrAbortHandler, type Request } from '@servehttp/core-listener';
import type { Context, HandlerFunc } from './context.ts';
import { timeFormat } from './logger.ts';
import { defaultErrorWriter, isDebugging, type Writer } from './mode.ts';

/** What to do with a recovered error. gin: `RecoveryFunc`. */
export type RecoveryFunc = (c: Context, err: unknown) => void | Promise<void>;

function requestDump(r: Request): string {
  // gin's secureRequestDump: the request head with Authorization masked.
  const lines = [`${r.method} ${r.requestURI} ${r.proto}`, `Host: ${r.host}`];
  for (const [k, vs] of r.header) {
    for (const v of vs) lines.push(k === 'Authorization' ? 'Authorization: *' : `${k}: ${v}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

function stdDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}/${p(d.getMonth() + 1)}/${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** gin's default: record the error and answer 500. gin: `defaultHandleRecovery`. */
export const defaultHandleRecovery: RecoveryFunc = (c, err) => {
  c.error(err instanceof Error ? err : new Error(String(err)));
  c.abortWithStatus(500);
};

/** Recovery writing to the default error writer. gin: `Recovery()`. */
export function recovery(): HandlerFunc {
  return customRecoveryWithWriter(undefined, defaultHandleRecovery);
}

/** Recovery with a custom handler. gin: `CustomRecovery`. */
export function customRecovery(handle: RecoveryFunc): HandlerFunc {
  return customRecoveryWithWriter(undefined, handle);
}

/** Recovery logging to `out` (`null`: no log). gin: `RecoveryWithWriter`. */
export function recoveryWithWriter(out: Writer | null, handle?: RecoveryFunc): HandlerFunc {
  return customRecoveryWithWriter(out, handle ?? defaultHandleRecovery);
}

/**
 * The Recovery middleware. {@link ErrAbortHandler} (a broken pipe in gin's words) is recorded
 * and aborts without calling `handle`; anything else is logged (request dump in debug mode) and
 * passed to `handle`. gin: `CustomRecoveryWithWriter`.
 */
export function customRecoveryWithWriter(
  out: Writer | null | undefined,
  handle: RecoveryFunc,
): HandlerFunc {
  const onError = (c: Context, err: unknown): void | Promise<void> => {
    const w = out === undefined ? defaultErrorWriter() : out;
    const brokenPipe = err === ErrAbortHandler;
    if (w !== null) {
      const prefix = `\n\n\x1b[31m${stdDate(new Date())} `;
      const text = err instanceof Error ? err.message : String(err);
      const stack = err instanceof Error ? (err.stack ?? '') : '';
      if (brokenPipe) w.write(`${prefix}${text}\n${requestDump(c.request)}\x1b[0m\n`);
      else if (isDebugging()) {
        w.write(
          `${prefix}[Recovery] ${timeFormat(new Date())} panic recovered:\n${requestDump(c.request)}\n${text}\n${stack}\x1b[0m\n`,
        );
      } else {
        w.write(
          `${prefix}[Recovery] ${timeFormat(new Date())} panic recovered:\n${text}\n${stack}\x1b[0m\n`,
        );
      }
    }
    if (brokenPipe) {
      c.error(err);
      c.abort();
      return;
    }
    return handle(c, err);
  };
  return function recovery(c: Context): void | Promise<void> {
    let r: void | Promise<void>;
    try {
      r = c.next();
    } catch (err) {
      return onError(c, err);
    }
    if (r !== undefined) return r.then(undefined, (err: unknown) => onError(c, err));
  };
}
