/**
 * `compress`: gzip, br or deflate response bodies, chosen by the client's `Accept-Encoding`
 * q-values. Negotiation is the `negotiator` package (the one Express/`compression` use: RFC 9110
 * q-values, `*`, `identity;q=0`), with our preference br > gzip > deflate among equal q.
 * Compression is `node:zlib`, present on Node and Bun.
 *
 * Design: a {@link ResponseWriterWrapper} subclass holds the status back and buffers body bytes
 * until it can decide:
 * - from the header alone it passes through: HEAD, statuses without a body, 206, an existing
 *   `Content-Encoding`, `Cache-Control: no-transform`, `text/event-stream` (SSE must reach the
 *   client event by event), a non-compressible `Content-Type`, a `Content-Length` below the
 *   threshold, or no acceptable encoding;
 * - otherwise it buffers until `threshold` bytes (default 1024, Hono's) arrive — then compresses —
 *   or the handler ends first — then sends them as they are (compressing a tiny body costs more
 *   than it saves). A `flush()` decides at once, so streaming works.
 * When compressing it sets `Content-Encoding`, drops `Content-Length`, adds
 * `Vary: Accept-Encoding`, and fixes `Content-Type` by sniffing the uncompressed bytes first
 * (the server would otherwise sniff the compressed ones).
 *
 * @module
 */
import { performance } from 'node:perf_hooks';
import zlib from 'node:zlib';
import {
  bodyAllowedForStatus,
  detectContentType,
  type Handler,
  type Request,
  type ResponseWriter,
} from '@servehttp/core-listener';
import Negotiator from 'negotiator';
import type { Middleware } from '../chain.ts';
import { MiddlewareOptionError } from '../errors.ts';
import { checkInt } from '../util.ts';
import { ResponseWriterWrapper } from '../writer.ts';

/** An encoding compress can produce. */
export type Encoding = 'br' | 'gzip' | 'deflate';

/** Options of {@link compress}. */
export interface CompressOptions {
  /** Encodings offered, in server preference for equal q; default `['br', 'gzip', 'deflate']`. */
  encodings?: readonly Encoding[];
  /** Bodies shorter than this are sent uncompressed; default 1024. */
  threshold?: number;
  /** zlib level for gzip/deflate (1–9, default 6) — brotli uses quality 4 (fast, close to gzip 9). */
  level?: number;
  /** Which media types to compress (lower-case, no parameters); default text, JSON, JS, XML, SVG. */
  compressible?: (mediaType: string) => boolean;
}

const defaultCompressible = (t: string): boolean =>
  (t.startsWith('text/') && t !== 'text/event-stream') ||
  t === 'application/json' ||
  t === 'application/javascript' ||
  t === 'application/xml' ||
  t === 'application/wasm' ||
  t === 'image/svg+xml' ||
  t.endsWith('+json') ||
  t.endsWith('+xml');

const encoder = new TextEncoder();

function mediaType(ct: string): string {
  const semi = ct.indexOf(';');
  return (semi === -1 ? ct : ct.slice(0, semi)).trim().toLowerCase();
}

interface Config {
  threshold: number;
  level: number;
  compressible: (t: string) => boolean;
}

type Mode = 'pending' | 'pass' | 'compress';

class CompressWriter extends ResponseWriterWrapper {
  #cfg!: Config;
  #encoding!: Encoding | '';
  #head!: boolean;
  #mode: Mode = 'pending';
  #code = 0;
  #buf: Uint8Array[] = [];
  #bufLen = 0;
  #z: zlib.Gzip | zlib.Deflate | zlib.BrotliCompress | undefined;
  #ended: Promise<void> | undefined;

  init(cfg: Config, encoding: Encoding | '', head: boolean): this {
    this.#cfg = cfg;
    this.#encoding = encoding;
    this.#head = head;
    return this;
  }

  override writeHeader(statusCode: number): void {
    const inner = this.unwrap();
    if (this.wroteHeader || (statusCode >= 100 && statusCode <= 199 && statusCode !== 101)) {
      inner.writeHeader(statusCode);
      return;
    }
    if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 999)
      inner.writeHeader(statusCode);
    this.status = this.#code = statusCode;
    this.wroteHeader = true;
    this.headerAt = performance.now();
    // Nothing is buffered yet, so passing through cannot return a pending write.
    if (!this.#eligibleByHeader()) void this.#pass();
  }

  #eligibleByHeader(): boolean {
    const code = this.#code;
    const h = this.header();
    if (this.#head || !bodyAllowedForStatus(code) || code === 206 || code === 101) return false;
    if (h.has('Content-Encoding')) return false;
    if (/(^|,)\s*no-transform\s*(,|$)/i.test(h.get('Cache-Control'))) return false;
    const ct = h.get('Content-Type');
    if (ct !== '') {
      const t = mediaType(ct);
      if (t === 'text/event-stream' || !this.#cfg.compressible(t)) return false;
      // The response now depends on Accept-Encoding, whatever this client accepted.
      h.add('Vary', 'Accept-Encoding');
    }
    if (this.#encoding === '') return false;
    const cl = h.get('Content-Length');
    if (cl !== '' && Number(cl) < this.#cfg.threshold) return false;
    return true;
  }

  #pass(): void | Promise<void> {
    this.#mode = 'pass';
    const inner = this.unwrap();
    inner.writeHeader(this.#code);
    let last: void | Promise<void> | undefined;
    for (const c of this.#buf) last = inner.write(c);
    this.#buf = [];
    return last;
  }

  #start(): void | Promise<void> {
    const h = this.header();
    if (!h.has('Content-Type')) {
      // Decide (and pin) the type from the plain bytes before they are encoded.
      const t = detectContentType(concat(this.#buf, this.#bufLen).subarray(0, 512));
      if (!this.#cfg.compressible(mediaType(t))) return this.#pass();
      h.set('Content-Type', t);
      h.add('Vary', 'Accept-Encoding');
    }
    this.#mode = 'compress';
    h.set('Content-Encoding', this.#encoding);
    h.delete('Content-Length');
    const inner = this.unwrap();
    inner.writeHeader(this.#code);
    const z =
      this.#encoding === 'br'
        ? zlib.createBrotliCompress({ params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } })
        : this.#encoding === 'gzip'
          ? zlib.createGzip({ level: this.#cfg.level })
          : zlib.createDeflate({ level: this.#cfg.level });
    z.on('data', (d: Uint8Array) => {
      const p = inner.write(d);
      if (p !== undefined) {
        z.pause();
        void p.then(() => z.resume());
      }
    });
    this.#ended = new Promise<void>((resolve, reject) => {
      z.once('end', resolve);
      z.once('error', reject);
    });
    this.#z = z;
    for (const c of this.#buf) z.write(c);
    this.#buf = [];
  }

  override write(chunk: string | Uint8Array): void | Promise<void> {
    if (!this.wroteHeader) this.writeHeader(200);
    const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
    this.bytesWritten += bytes.length;
    if (this.#mode === 'pass') return this.unwrap().write(bytes);
    if (!bodyAllowedForStatus(this.#code)) return this.unwrap().write(bytes); // throws ErrBodyNotAllowed
    if (this.#mode === 'compress') {
      (this.#z as zlib.Gzip).write(bytes);
      return;
    }
    if (bytes.length === 0) return;
    // The caller may reuse its buffer once write returns.
    this.#buf.push(typeof chunk === 'string' ? bytes : bytes.slice());
    this.#bufLen += bytes.length;
    if (this.#bufLen >= this.#cfg.threshold) return this.#start();
  }

  protected override async onFlush(): Promise<void> {
    if (this.#mode === 'pending') {
      const h = this.header();
      if (this.#bufLen > 0 || h.has('Content-Type')) await this.#start();
      else await this.#pass();
    }
    const z = this.#z;
    if (this.#mode === 'compress' && z !== undefined) {
      await new Promise<void>((resolve) => z.flush(() => resolve()));
    }
    await super.onFlush();
  }

  /** Called after the handler: ends the stream or sends what is buffered. */
  async finish(): Promise<void> {
    if (this.hijacked) return;
    if (this.#mode === 'pending') {
      if (!this.wroteHeader) return; // nothing written: the server sends its empty 200
      await this.#pass();
      return;
    }
    if (this.#mode === 'compress') {
      (this.#z as zlib.Gzip).end();
      await this.#ended;
    }
  }
}

function concat(chunks: readonly Uint8Array[], n: number): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const out = new Uint8Array(n);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * Picks the encoding for an `Accept-Encoding` value: highest q first, then our order among
 * equals; `''` when none is acceptable. Malformed values never throw (negotiator skips them).
 */
export function negotiateEncoding(
  acceptEncoding: string,
  offered: readonly Encoding[],
): Encoding | '' {
  if (acceptEncoding === '') return '';
  const n = new Negotiator({ headers: { 'accept-encoding': acceptEncoding } }) as Negotiator & {
    encoding(
      available: readonly string[],
      opts: { preferred: readonly string[] },
    ): string | undefined;
  };
  return (n.encoding(offered, { preferred: offered }) as Encoding | undefined) ?? '';
}

/**
 * Returns response-compression middleware (see the module note for when it compresses).
 * @throws {MiddlewareOptionError} for an unknown encoding, a negative threshold or a level
 * outside 1–9.
 */
export function compress(options: CompressOptions = {}): Middleware {
  const offered = options.encodings ?? ['br', 'gzip', 'deflate'];
  if (
    !Array.isArray(offered) ||
    offered.length === 0 ||
    offered.some((e) => e !== 'br' && e !== 'gzip' && e !== 'deflate')
  ) {
    throw new MiddlewareOptionError(
      'compress',
      'encodings must be a non-empty list of "br", "gzip", "deflate"',
    );
  }
  const cfg: Config = {
    threshold: checkInt(
      'compress',
      'threshold',
      options.threshold ?? 1024,
      0,
      Number.MAX_SAFE_INTEGER,
    ),
    level: checkInt('compress', 'level', options.level ?? 6, 1, 9),
    compressible: options.compressible ?? defaultCompressible,
  };
  return (next: Handler) => ({
    async serveHTTP(w: ResponseWriter, r: Request): Promise<void> {
      const enc = negotiateEncoding(r.header.get('Accept-Encoding'), offered);
      const cw = new (CompressWriter.variant(w))(w).init(cfg, enc, r.method === 'HEAD');
      await next.serveHTTP(cw, r);
      await cw.finish();
    },
  });
}
