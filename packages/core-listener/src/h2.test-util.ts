/**
 * Test helpers for HTTP/2: one `Server` on a TLS port (ALPN `h2`, `http/1.1`) and a plain port
 * (h2c by prior knowledge on), and clients that answer in one shape for HTTP/1.1 (`node:http`,
 * `node:https`) and HTTP/2 (`node:http2`), so one table of behaviours runs over both.
 */
import * as http from 'node:http';
import * as http2 from 'node:http2';
import * as https from 'node:https';
import type { HandlerLike } from './handler.ts';
import { listen } from './net.ts';
import { Server, type ServerOptions } from './server.ts';
import { testCertificate, testKey } from './testcert.ts';

/** A server listening on a TLS port and a plain port. */
export interface DualServer {
  srv: Server;
  tlsPort: number;
  plainPort: number;
  logs: string[];
  served: Promise<unknown>[];
}

/** Starts `handler` on 127.0.0.1 twice over (TLS and clear); close it with `srv.close()`. */
export async function startDual(
  handler: HandlerLike,
  backend: 'bun' | 'node',
  opts: ServerOptions = {},
): Promise<DualServer> {
  const logs: string[] = [];
  const srv = new Server({
    handler,
    errorLog: (m) => logs.push(m),
    protocols: { unencryptedHTTP2: true },
    ...opts,
  });
  const alpn = [
    ...(srv.protocols.http2 !== false ? ['h2'] : []),
    ...(srv.protocols.http1 !== false ? ['http/1.1'] : []),
  ];
  const tl = await listen('tcp', '127.0.0.1:0', {
    backend,
    tls: { cert: testCertificate, key: testKey, alpnProtocols: alpn },
  });
  const pl = await listen('tcp', '127.0.0.1:0', { backend });
  const served = [srv.serve(tl).catch((e: unknown) => e), srv.serve(pl).catch((e: unknown) => e)];
  return { srv, tlsPort: tl.addr().port, plainPort: pl.addr().port, logs, served };
}

/** The protocols a behaviour row is run over. */
export type Mode = 'h1' | 'h1-tls' | 'h2' | 'h2c';

/** What a client request sends. */
export interface ClientRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
  /** Send `Expect: 100-continue` and the body only after the 100. */
  expectContinue?: boolean;
  /** Called with each body chunk as it arrives. */
  onData?: (chunk: Uint8Array) => void;
  /** Abort the request once the response head has arrived. */
  abortAfterHead?: boolean;
}

/** A response, the same shape for both protocols. */
export interface ClientResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  bytes: number;
  trailers: Record<string, string>;
  informational: { status: number; headers: Record<string, string> }[];
  continued: boolean;
  httpVersion: string;
}

function flat(h: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (k.startsWith(':') || v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  return out;
}

const sessions = new Map<string, http2.ClientHttp2Session>();

/** Closes the HTTP/2 client sessions the helpers opened. */
export function closeClientSessions(): void {
  for (const s of sessions.values()) s.destroy();
  sessions.clear();
}

function session(mode: 'h2' | 'h2c', port: number): http2.ClientHttp2Session {
  const key = `${mode}:${port}`;
  const have = sessions.get(key);
  if (have !== undefined && !have.closed && !have.destroyed) return have;
  const s =
    mode === 'h2'
      ? http2.connect(`https://127.0.0.1:${port}`, { ca: testCertificate, servername: 'localhost' })
      : http2.connect(`http://127.0.0.1:${port}`);
  s.on('error', () => {});
  sessions.set(key, s);
  return s;
}

/** Sends one request over `mode` and collects the response; rejects on a stream error. */
export function request(
  mode: Mode,
  d: DualServer,
  req: ClientRequest = {},
  timeout = 5000,
): Promise<ClientResponse> {
  const run = mode === 'h2' || mode === 'h2c' ? h2request(mode, d, req) : h1request(mode, d, req);
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${mode} request timed out`)), timeout);
    run.then(
      (r) => {
        clearTimeout(t);
        resolve(r);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}

function h2request(mode: 'h2' | 'h2c', d: DualServer, req: ClientRequest): Promise<ClientResponse> {
  return new Promise((resolve, reject) => {
    const s = session(mode, mode === 'h2' ? d.tlsPort : d.plainPort);
    const headers: http2.OutgoingHttpHeaders = {
      ':method': req.method ?? 'GET',
      ':path': req.path ?? '/',
      ...req.headers,
    };
    if (req.expectContinue === true) headers.expect = '100-continue';
    const hasBody = req.body !== undefined;
    const st = s.request(headers, { endStream: !hasBody });
    const res: ClientResponse = {
      status: 0,
      headers: {},
      body: '',
      bytes: 0,
      trailers: {},
      informational: [],
      continued: false,
      httpVersion: '2.0',
    };
    const chunks: Uint8Array[] = [];
    st.on('headers', (h) => {
      res.informational.push({ status: Number(h[':status']), headers: flat(h) });
    });
    st.on('continue', () => {
      res.continued = true;
      st.end(req.body);
    });
    st.on('response', (h) => {
      res.status = Number(h[':status']);
      res.headers = flat(h);
      if (req.abortAfterHead === true) {
        st.close(http2.constants.NGHTTP2_CANCEL);
        resolve(res);
      }
    });
    st.on('trailers', (t) => {
      res.trailers = flat(t);
    });
    st.on('data', (c: Uint8Array) => {
      chunks.push(c);
      res.bytes += c.length;
      req.onData?.(c);
    });
    st.on('end', () => {
      if (res.status === 0) return;
      res.body = Buffer.concat(chunks).toString('utf8');
      resolve(res);
    });
    st.on('error', reject);
    st.on('close', () => {
      if (res.status === 0) reject(new Error(`stream closed with code ${st.rstCode}`));
    });
    if (hasBody && req.expectContinue !== true) st.end(req.body);
  });
}

function h1request(
  mode: 'h1' | 'h1-tls',
  d: DualServer,
  req: ClientRequest,
): Promise<ClientResponse> {
  return new Promise((resolve, reject) => {
    const opts = {
      host: '127.0.0.1',
      port: mode === 'h1-tls' ? d.tlsPort : d.plainPort,
      method: req.method ?? 'GET',
      path: req.path ?? '/',
      headers: {
        ...req.headers,
        ...(req.expectContinue === true ? { expect: '100-continue' } : {}),
      },
      agent: false,
      ...(mode === 'h1-tls' ? { ca: testCertificate, servername: 'localhost' } : {}),
    };
    const res: ClientResponse = {
      status: 0,
      headers: {},
      body: '',
      bytes: 0,
      trailers: {},
      informational: [],
      continued: false,
      httpVersion: '',
    };
    const r = (mode === 'h1-tls' ? https : http).request(opts, (m) => {
      res.status = m.statusCode ?? 0;
      res.headers = flat(m.headers);
      res.httpVersion = m.httpVersion;
      if (req.abortAfterHead === true) {
        r.destroy();
        resolve(res);
        return;
      }
      const chunks: Uint8Array[] = [];
      m.on('data', (c: Uint8Array) => {
        chunks.push(c);
        res.bytes += c.length;
        req.onData?.(c);
      });
      m.on('end', () => {
        res.body = Buffer.concat(chunks).toString('utf8');
        res.trailers = flat(m.trailers);
        resolve(res);
      });
      m.on('error', reject);
    });
    r.on('information', (i) => {
      if (i.statusCode === 100) return;
      res.informational.push({ status: i.statusCode, headers: flat(i.headers) });
    });
    r.on('continue', () => {
      res.continued = true;
      r.end(req.body);
    });
    r.on('error', (e) => {
      if (req.abortAfterHead !== true) reject(e);
    });
    if (req.expectContinue === true) r.flushHeaders();
    else r.end(req.body);
  });
}

// ── hand-made frames, for the attacks no well-behaved client sends ─────────────────────────

/** Frame types (RFC 9113 §6). */
export const F = {
  DATA: 0,
  HEADERS: 1,
  RST_STREAM: 3,
  SETTINGS: 4,
  PING: 6,
  GOAWAY: 7,
  WINDOW_UPDATE: 8,
  CONTINUATION: 9,
} as const;

/** One frame: the 9-byte header and the payload. */
export function frame(type: number, flags: number, stream: number, payload: Uint8Array): Buffer {
  const b = Buffer.alloc(9 + payload.length);
  b.writeUIntBE(payload.length, 0, 3);
  b[3] = type;
  b[4] = flags;
  b.writeUInt32BE(stream & 0x7fffffff, 5);
  b.set(payload, 9);
  return b;
}

// An HPACK integer with an n-bit prefix (RFC 7541 §5.1).
function hpackInt(v: number, n: number, first: number): number[] {
  const max = (1 << n) - 1;
  if (v < max) return [first | v];
  const out = [first | max];
  v -= max;
  while (v >= 128) {
    out.push((v % 128) + 128);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

/** A header block of literal fields without indexing and without Huffman coding. */
export function hpack(fields: [string, string][]): Buffer {
  const out: number[] = [];
  for (const [k, v] of fields) {
    out.push(0x00, ...hpackInt(k.length, 7, 0), ...Buffer.from(k, 'latin1'));
    out.push(...hpackInt(v.length, 7, 0), ...Buffer.from(v, 'latin1'));
  }
  return Buffer.from(out);
}

/** The request pseudo-fields of a GET over h2c. */
export function getFields(path = '/'): [string, string][] {
  return [
    [':method', 'GET'],
    [':scheme', 'http'],
    [':path', path],
    [':authority', 'localhost'],
  ];
}

/** What a raw client saw from the server. */
export interface RawSeen {
  frames: { type: number; flags: number; stream: number; payload: Buffer }[];
  goaway: number | undefined;
  rst: Map<number, number>;
  closed: boolean;
  bytes: number;
}

/**
 * A raw h2c connection (h2 over TLS with ALPN when `tls`): sends the preface and SETTINGS, then
 * records every frame. With `pong` it answers PINGs as real clients do; without, it stays silent.
 */
export async function rawH2(
  port: number,
  settings: Uint8Array = new Uint8Array(0),
  tls = false,
  pong = false,
): Promise<{
  sock: import('node:net').Socket;
  seen: RawSeen;
  send: (b: Uint8Array) => boolean;
  until: (pred: (s: RawSeen) => boolean, ms: number) => Promise<boolean>;
}> {
  let sock: import('node:net').Socket;
  if (tls) {
    const { connect } = await import('node:tls');
    sock = connect({ port, host: '127.0.0.1', ALPNProtocols: ['h2'], rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      sock.once('secureConnect', resolve);
      sock.once('error', reject);
    });
  } else {
    const { connect } = await import('node:net');
    sock = connect({ port, host: '127.0.0.1' });
    await new Promise<void>((resolve, reject) => {
      sock.once('connect', resolve);
      sock.once('error', reject);
    });
  }
  const seen: RawSeen = { frames: [], goaway: undefined, rst: new Map(), closed: false, bytes: 0 };
  let buf = Buffer.alloc(0);
  const waiters = new Set<() => void>();
  const wake = (): void => {
    for (const w of waiters) w();
  };
  sock.on('data', (d: Buffer) => {
    seen.bytes += d.length;
    buf = Buffer.concat([buf, d]);
    while (buf.length >= 9) {
      const len = buf.readUIntBE(0, 3);
      if (buf.length < 9 + len) break;
      const f = {
        type: buf[3] as number,
        flags: buf[4] as number,
        stream: buf.readUInt32BE(5) & 0x7fffffff,
        payload: buf.subarray(9, 9 + len),
      };
      buf = buf.subarray(9 + len);
      // Frames are kept only while few: a flood test must not grow the client without bound.
      if (seen.frames.length < 10_000) seen.frames.push(f);
      if (f.type === F.GOAWAY) seen.goaway = f.payload.readUInt32BE(4);
      if (f.type === F.RST_STREAM) seen.rst.set(f.stream, f.payload.readUInt32BE(0));
      if (pong && f.type === F.PING && (f.flags & 0x1) === 0)
        sock.write(frame(F.PING, 0x1, 0, f.payload));
    }
    wake();
  });
  sock.on('error', () => {});
  sock.on('close', () => {
    seen.closed = true;
    wake();
  });
  sock.write('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
  sock.write(frame(F.SETTINGS, 0, 0, settings));
  const until = (pred: (s: RawSeen) => boolean, ms: number): Promise<boolean> =>
    new Promise((resolve) => {
      if (pred(seen)) {
        resolve(true);
        return;
      }
      const done = (v: boolean): void => {
        waiters.delete(check);
        clearTimeout(t);
        resolve(v);
      };
      const check = (): void => {
        if (pred(seen)) done(true);
        else if (seen.closed) done(pred(seen));
      };
      const t = setTimeout(() => done(pred(seen)), ms);
      waiters.add(check);
    });
  return { sock, seen, send: (b) => sock.write(b), until };
}
