/**
 * `etag`: adds an `ETag` (SHA-1 of the body) to `200` responses to GET/HEAD and answers a
 * matching `If-None-Match` with `304 Not Modified`. Hono's `etag` middleware; the 304 follows Go's
 * `writeNotModified` (drops Content-Type, Content-Length, Content-Encoding, Last-Modified).
 *
 * Design: the body must be complete to hash it, so a {@link ResponseWriterWrapper} subclass holds
 * the status and body back until the handler returns. A `flush()` or `hijack()` gives up
 * (streaming responses get no ETag) and releases what was held. A handler-set ETag is kept and
 * only compared. Matching is RFC 9110 weak comparison over the comma list, and `*`.
 *
 * @module
 */

import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  type Handler,
  type Request,
  type ResponseWriter,
  StatusNotModified,
} from '@servehttp/core-listener';
import type { Middleware } from '../chain.ts';
import { ResponseWriterWrapper } from '../writer.ts';

/** Options of {@link etag}. */
export interface ETagOptions {
  /** Emit weak validators (`W/"…"`); default false (strong, as Hono). */
  weak?: boolean;
}

const encoder = new TextEncoder();

class ETagWriter extends ResponseWriterWrapper {
  #held = true;
  #code = 0;
  #buf: Uint8Array[] = [];

  override writeHeader(statusCode: number): void {
    if (
      !this.#held ||
      this.wroteHeader ||
      (statusCode >= 100 && statusCode <= 199 && statusCode !== 101)
    ) {
      if (!this.#held) super.writeHeader(statusCode);
      else this.unwrap().writeHeader(statusCode);
      return;
    }
    if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 999)
      this.unwrap().writeHeader(statusCode);
    this.status = this.#code = statusCode;
    this.wroteHeader = true;
    this.headerAt = performance.now();
  }

  override write(chunk: string | Uint8Array): void | Promise<void> {
    if (!this.#held) return super.write(chunk);
    if (!this.wroteHeader) this.writeHeader(200);
    const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk.slice();
    this.bytesWritten += bytes.length;
    this.#buf.push(bytes);
  }

  release(): void | Promise<void> {
    if (!this.#held) return;
    this.#held = false;
    if (!this.wroteHeader) return;
    const inner = this.unwrap();
    inner.writeHeader(this.#code);
    let last: void | Promise<void> | undefined;
    for (const c of this.#buf) last = inner.write(c);
    this.#buf = [];
    return last;
  }

  protected override async onFlush(): Promise<void> {
    await this.release();
    await super.onFlush();
  }

  finish(r: Request, weak: boolean): void | Promise<void> {
    if (!this.#held || this.hijacked) return;
    const code = this.wroteHeader ? this.#code : 200;
    if (code !== 200) return this.release();
    const h = this.header();
    let tag = h.get('ETag');
    if (tag === '') {
      const hash = createHash('sha1');
      for (const c of this.#buf) hash.update(c);
      tag = `${weak ? 'W/' : ''}"${hash.digest('base64url')}"`;
      h.set('ETag', tag);
    }
    if (noneMatch(r.header.values('If-None-Match'), tag)) {
      this.#held = false;
      for (const k of ['Content-Type', 'Content-Length', 'Content-Encoding', 'Last-Modified'])
        h.delete(k);
      this.unwrap().writeHeader(StatusNotModified);
      return;
    }
    if (!this.wroteHeader) {
      this.#code = 200;
      this.wroteHeader = true;
    }
    return this.release();
  }
}

function opaque(tag: string): string {
  const t = tag.trim();
  return t.startsWith('W/') ? t.slice(2) : t;
}

/** RFC 9110 §13.1.2: weak comparison of `tag` against each listed entity tag, or `*`. */
export function noneMatch(values: readonly string[], tag: string): boolean {
  const want = opaque(tag);
  for (const v of values) {
    for (const part of v.split(',')) {
      const p = part.trim();
      if (p === '*' || (p !== '' && opaque(p) === want)) return true;
    }
  }
  return false;
}

/** Returns ETag/conditional-GET middleware (see the module note). Never throws. */
export function etag(options: ETagOptions = {}): Middleware {
  const weak = options.weak === true;
  return (next: Handler) => ({
    async serveHTTP(w: ResponseWriter, r: Request): Promise<void> {
      if (r.method !== 'GET' && r.method !== 'HEAD') return next.serveHTTP(w, r);
      const ew = new (ETagWriter.variant(w))(w);
      await next.serveHTTP(ew, r);
      await ew.finish(r, weak);
    },
  });
}
