/**
 * Small helpers the middleware share: Go's `http.Error`, option checks that throw
 * {@link MiddlewareOptionError}, and a byte count for strings that does not encode them.
 */
import { type Header, type ResponseWriter, utf8Length } from '@servehttp/core-listener';
import { MiddlewareOptionError } from './errors.ts';

/**
 * Replies with `message` as plain text and status `code`, as Go's `http.Error` does: it drops
 * `Content-Length` (the body is not the handler's any more), sets `Content-Type: text/plain;
 * charset=utf-8` and `X-Content-Type-Options: nosniff`, and ends the body with a newline.
 */
export function httpError(w: ResponseWriter, message: string, code: number): void {
  const h = w.header();
  h.delete('Content-Length');
  h.set('Content-Type', 'text/plain; charset=utf-8');
  h.set('X-Content-Type-Options', 'nosniff');
  w.writeHeader(code);
  void w.write(`${message}\n`);
}

/** UTF-8 length of a chunk; strings are measured, never encoded (no copy per write). */
export function byteLength(chunk: string | Uint8Array): number {
  return typeof chunk === 'string' ? utf8Length(chunk) : chunk.length;
}

/** Throws unless `v` is an integer in [min, max]; `what` names the option in the message. */
export function checkInt(mw: string, what: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new MiddlewareOptionError(
      mw,
      `${what} must be an integer in [${min}, ${max}], got ${typeof v === 'number' ? v : typeof v}`,
    );
  }
  return v;
}

/** Throws unless `v` is a function (or undefined when `optional`). */
export function checkFunc(mw: string, what: string, v: unknown, optional = true): void {
  if (v === undefined && optional) return;
  if (typeof v !== 'function') {
    throw new MiddlewareOptionError(mw, `${what} must be a function, got ${typeof v}`);
  }
}

/** Throws unless `h` accepts `name` and `value` as a header field (checked with a scratch map). */
export function checkHeaderField(
  mw: string,
  what: string,
  scratch: Header,
  name: string,
  value: string,
): void {
  try {
    scratch.set(name, value);
  } catch (err) {
    throw new MiddlewareOptionError(
      mw,
      `${what}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/** The host part of `ip:port`, `[v6]:port` or a bare address. */
export function hostOf(addr: string): string {
  if (addr.charCodeAt(0) === 0x5b) {
    const end = addr.indexOf(']');
    return end === -1 ? addr : addr.slice(1, end);
  }
  const colon = addr.lastIndexOf(':');
  // A bare IPv6 address has several colons and no port.
  if (colon === -1 || addr.indexOf(':') !== colon) return addr;
  return addr.slice(0, colon);
}
