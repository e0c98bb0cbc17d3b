import { afterAll, afterEach, describe, expect, test } from 'bun:test';
import { spawn } from 'node:child_process';
import * as http2 from 'node:http2';
import { resolve } from 'node:path';
import type { ConnState } from './conn.ts';
import {
  closeClientSessions,
  type DualServer,
  F,
  frame,
  getFields,
  hpack,
  rawH2,
  request,
  startDual,
} from './h2.test-util.ts';
import { http2Defaults } from './h2.ts';
import type { HandlerLike } from './handler.ts';
import { listen } from './net.ts';
import { ResponseController } from './response.ts';
import { Server, type ServerOptions } from './server.ts';
import { testCertificate, testKey } from './testcert.ts';
import { runTool } from './tools.test-util.ts';

// Server-level HTTP/2: ALPN defaults, the protocol switches, HTTP2Config as SETTINGS on the
// wire, timeouts, shutdown/close, and real clients (curl, nghttp) and Node.js as the runtime.

const backends = ['bun', 'node'] as const;
const servers: DualServer[] = [];
const others: Server[] = [];

afterEach(async () => {
  closeClientSessions();
  for (const d of servers.splice(0)) await d.srv.close();
  for (const s of others.splice(0)) await s.close();
});

async function dual(
  handler: HandlerLike,
  backend: 'bun' | 'node',
  opts: ServerOptions = {},
): Promise<DualServer> {
  const d = await startDual(handler, backend, opts);
  servers.push(d);
  return d;
}

async function freePort(): Promise<number> {
  const l = await listen('tcp', '127.0.0.1:0');
  const p = l.addr().port;
  await l.close();
  return p;
}

// A tool's output, stdout then stderr, killed after 10 s. Asynchronous: the server under test
// runs in this process, so a blocking spawn would stall it.
async function run(cmd: string, args: string[]): Promise<{ out: string; code: number | null }> {
  const r = await runTool(cmd, args, { timeoutMs: 10_000 });
  return { out: r.out + r.err, code: r.code };
}

// A frame's SETTINGS as id → value.
function settingsOf(payload: Buffer): Record<number, number> {
  const out: Record<number, number> = {};
  for (let i = 0; i + 6 <= payload.length; i += 6) {
    out[payload.readUInt16BE(i)] = payload.readUInt32BE(i + 2);
  }
  return out;
}

describe('ALPN and the protocol switches (Go 1.24 Server.Protocols)', () => {
  const alpnRows = [
    { name: 'default: h2 then http/1.1', protocols: undefined, curl: '2' },
    { name: 'HTTP/2 off: http/1.1 only', protocols: { http2: false }, curl: '1.1' },
  ];
  test.each(alpnRows)('listenAndServeTLS, $name', async ({ protocols, curl }) => {
    const port = await freePort();
    const srv = new Server({
      addr: `127.0.0.1:${port}`,
      handler: (w, r) => void w.write(r.proto),
      tlsConfig: { cert: testCertificate, key: testKey },
      ...(protocols !== undefined ? { protocols } : {}),
      errorLog: () => {},
    });
    others.push(srv);
    void srv.listenAndServeTLS().catch(() => {});
    let r = { out: '', code: null as number | null };
    for (let i = 0; i < 50; i++) {
      r = await run('curl', [
        '-sk',
        '--http2',
        '--max-time',
        '3',
        '-w',
        ' %{http_version}',
        `https://127.0.0.1:${port}/`,
      ]);
      if (r.code === 0) break;
      await Bun.sleep(20);
    }
    expect(r.out).toBe(curl === '2' ? 'HTTP/2.0 2' : 'HTTP/1.1 1.1');
  });

  test('h2c is off by default: the preface on a plain port is not served as HTTP/2', async () => {
    const d = await dual((w) => void w.write('ok'), 'bun', { protocols: {} });
    const r = await run('curl', [
      '-s',
      '--http2-prior-knowledge',
      '--max-time',
      '3',
      `http://127.0.0.1:${d.plainPort}/`,
    ]);
    expect(r.out).not.toContain('ok');
    // HTTP/1 on the same port is untouched.
    expect(
      (await run('curl', ['-s', '--max-time', '3', `http://127.0.0.1:${d.plainPort}/`])).out,
    ).toBe('ok');
  });

  test('HTTP/1 off: an HTTP/1 client on the TLS port is closed, HTTP/2 is served', async () => {
    const d = await dual((w) => void w.write('ok'), 'bun', {
      protocols: { http1: false, http2: true, unencryptedHTTP2: true },
    });
    const h1 = await run('curl', [
      '-sk',
      '--http1.1',
      '--max-time',
      '3',
      `https://127.0.0.1:${d.tlsPort}/`,
    ]);
    expect(h1.out).not.toContain('ok');
    expect((await request('h2', d)).body).toBe('ok');
    expect((await request('h2c', d)).body).toBe('ok');
  });
});

describe.each(backends)('%s backend', (backend) => {
  test("HTTP2Config becomes the server's SETTINGS and connection window (Go's defaults)", async () => {
    const rows = [
      { config: {}, maxHeaderBytes: undefined },
      {
        config: {
          maxConcurrentStreams: 7,
          maxReadFrameSize: 32_768,
          maxReceiveBufferPerStream: 100_000,
          maxReceiveBufferPerConnection: 2_000_000,
        },
        maxHeaderBytes: 8192,
      },
    ];
    for (const row of rows) {
      const d = await dual((w) => void w.write('ok'), backend, {
        http2: row.config,
        ...(row.maxHeaderBytes !== undefined ? { maxHeaderBytes: row.maxHeaderBytes } : {}),
      });
      const c = await rawH2(d.plainPort);
      expect(await c.until((s) => s.frames.some((f) => f.type === F.WINDOW_UPDATE), 2000)).toBe(
        true,
      );
      const first = c.seen.frames.find((f) => f.type === F.SETTINGS && f.flags === 0);
      const s = settingsOf(first?.payload ?? Buffer.alloc(0));
      const want = { ...http2Defaults, ...row.config };
      // Go: MaxHeaderBytes plus 32 bytes for each of ten typical fields.
      expect(s).toMatchObject({
        3: want.maxConcurrentStreams,
        4: want.maxReceiveBufferPerStream,
        5: want.maxReadFrameSize,
        6: (row.maxHeaderBytes ?? 1 << 20) + 320,
      });
      const wu = c.seen.frames.find((f) => f.type === F.WINDOW_UPDATE && f.stream === 0);
      expect(wu?.payload.readUInt32BE(0)).toBe(want.maxReceiveBufferPerConnection - 65_535);
      c.sock.destroy();
    }
  });

  test('shutdown sends GOAWAY, lets the open stream finish, then resolves', async () => {
    let release: () => void = () => {};
    const started = Promise.withResolvers<void>();
    const d = await dual(async (w) => {
      started.resolve();
      await new Promise<void>((r) => {
        release = r;
      });
      w.write('finished');
    }, backend);
    const s = http2.connect(`http://127.0.0.1:${d.plainPort}`);
    s.on('error', () => {});
    const goaway = new Promise<number>((r) => s.on('goaway', (code) => r(code)));
    const st = s.request({ ':path': '/slow' });
    let body = '';
    st.setEncoding('utf8');
    st.on('data', (c: string) => {
      body += c;
    });
    const ended = new Promise<void>((r) => st.on('end', () => r()));
    await started.promise;
    let shutDown = false;
    const sd = d.srv.shutdown().then(() => {
      shutDown = true;
    });
    expect(await goaway).toBe(0);
    expect(shutDown).toBe(false);
    release();
    await ended;
    expect(body).toBe('finished');
    await Promise.race([sd, Bun.sleep(3000)]);
    expect(shutDown).toBe(true);
    s.destroy();
  });

  test('close ends an open HTTP/2 connection now', async () => {
    const d = await dual(async (w, r) => {
      await new Promise<void>((res) => r.context().signal.addEventListener('abort', () => res()));
      w.write('late');
    }, backend);
    const s = http2.connect(`http://127.0.0.1:${d.plainPort}`);
    s.on('error', () => {});
    const closed = new Promise<void>((r) => s.on('close', () => r()));
    const st = s.request({ ':path': '/' });
    st.on('error', () => {});
    await new Promise((r) => setTimeout(r, 50));
    await d.srv.close();
    expect(await Promise.race([closed.then(() => true), Bun.sleep(2000).then(() => false)])).toBe(
      true,
    );
  });

  test('connState: new, active, idle, closed for an HTTP/2 connection', async () => {
    const states: ConnState[] = [];
    const d = await dual((w) => void w.write('ok'), backend, {
      connState: (_c, s) => states.push(s),
    });
    expect((await request('h2c', d)).body).toBe('ok');
    closeClientSessions();
    const deadline = Date.now() + 2000;
    while (!states.includes('closed') && Date.now() < deadline) await Bun.sleep(10);
    expect(states).toEqual(['new', 'active', 'idle', 'closed']);
  });

  test('OPTIONS * is answered by the server (Go: globalOptionsHandler), unless disabled', async () => {
    for (const disable of [false, true]) {
      const d = await dual((w) => void w.write('handler'), backend, {
        disableGeneralOptionsHandler: disable,
      });
      const r = await request('h2c', d, { method: 'OPTIONS', path: '*' });
      expect(r.status).toBe(200);
      expect(r.body).toBe(disable ? 'handler' : '');
      if (!disable) expect(r.headers['content-length']).toBe('0');
      closeClientSessions();
    }
  });

  test('keep-alives off: the connection goes away once its stream is done', async () => {
    const d = await dual((w) => void w.write('ok'), backend);
    d.srv.setKeepAlivesEnabled(false);
    const s = http2.connect(`http://127.0.0.1:${d.plainPort}`);
    s.on('error', () => {});
    const goaway = new Promise<number>((r) => s.on('goaway', (code) => r(code)));
    const st = s.request({ ':path': '/' });
    st.resume();
    await new Promise<void>((r) => st.on('end', () => r()));
    expect(await Promise.race([goaway, Bun.sleep(2000).then(() => -1)])).toBe(0);
    s.destroy();
  });

  test('ResponseController.setReadDeadline bounds a body read over HTTP/2', async () => {
    const d = await dual(async (w, r) => {
      new ResponseController(w).setReadDeadline(Date.now() + 100);
      try {
        await r.text();
        w.write('read');
      } catch (err) {
        w.writeHeader(408);
        w.write((err as Error).message);
      }
    }, backend);
    const s = http2.connect(`http://127.0.0.1:${d.plainPort}`);
    s.on('error', () => {});
    // A body is announced and never sent.
    const st = s.request({ ':method': 'POST', ':path': '/' }, { endStream: false });
    let status = 0;
    let body = '';
    st.on('response', (h) => {
      status = Number(h[':status']);
    });
    st.setEncoding('utf8');
    st.on('data', (c: string) => {
      body += c;
    });
    await new Promise<void>((r) => {
      st.on('end', () => r());
      st.on('close', () => r());
    });
    expect(status).toBe(408);
    expect(body).toBe('context deadline exceeded');
    s.destroy();
  });

  test('idleTimeout: an HTTP/2 connection without streams gets GOAWAY and is closed', async () => {
    const d = await dual((w) => void w.write('ok'), backend, { idleTimeout: 150 });
    const c = await rawH2(d.plainPort);
    expect(await c.until((s) => s.goaway !== undefined, 2000)).toBe(true);
    expect(c.seen.goaway).toBe(0);
    c.sock.destroy();
  });

  // Go (serverConn.wroteFrame): once the response has ended, a stream whose client side is still
  // open (stateOpen) is reset with NO_ERROR so the client stops sending its body; one the client
  // had already ended (END_STREAM on its HEADERS) is simply done, with no RST_STREAM.
  const unreadRows = [
    { name: 'GET, END_STREAM on HEADERS', method: 'GET', endStream: true, rst: undefined },
    { name: 'POST, body still open and never read', method: 'POST', endStream: false, rst: 0 },
    {
      name: 'POST, whole body sent (END_STREAM on DATA), never read',
      method: 'POST',
      endStream: false,
      body: 'hello',
      rst: undefined,
    },
  ];
  for (const row of unreadRows) {
    test(`after the response: ${row.name} → RST_STREAM ${row.rst ?? 'none'}`, async () => {
      const d = await dual((w) => void w.write('ok'), backend);
      const c = await rawH2(d.plainPort);
      const fields = getFields('/');
      fields[0] = [':method', row.method];
      const END_HEADERS = 0x4;
      const head = frame(F.HEADERS, END_HEADERS | (row.endStream ? 0x1 : 0), 1, hpack(fields));
      // The body in the same write as the head: it has arrived before the response ends.
      const body = row.body === undefined ? [] : [frame(F.DATA, 0x1, 1, Buffer.from(row.body))];
      c.send(Buffer.concat([head, ...body]));
      const ended = (s: import('./h2.test-util.ts').RawSeen): boolean =>
        s.frames.some((f) => f.stream === 1 && (f.flags & 0x1) !== 0 && f.type !== F.RST_STREAM);
      expect(await c.until(ended, 2000)).toBe(true);
      // A reset, when Go sends one, follows the last frame of the response at once.
      await c.until((s) => s.rst.has(1), 200);
      expect(c.seen.rst.get(1)).toBe(row.rst);
      c.sock.destroy();
    });
  }

  // Go: a graceful shutdown lets open streams finish; bytes already accepted for a client that
  // is not reading are written out before the connection ends, never cut off. (Where the
  // runtime's session writes to the socket itself — Bun's lent socket, node's own TLS socket —
  // it drops what it still holds when destroyed: the session closes only once a PING sent after
  // the response has come back, which this client answers as real ones do.)
  const pausedRows = [
    { name: '16 MiB waits in the socket, then arrives whole and in order', shutdown: false },
    { name: 'the same while the server shuts down gracefully', shutdown: true },
    { name: 'the same over TLS', shutdown: false, tls: true },
    { name: 'the same over TLS while the server shuts down', shutdown: true, tls: true },
  ];
  for (const row of pausedRows) {
    test(`a client that stops reading: ${row.name}`, async () => {
      const part = 64 * 1024;
      const parts = 256;
      const whole = new Uint8Array(part * parts);
      for (let i = 0; i < parts; i++) whole.fill(i % 251, i * part, (i + 1) * part);
      // One write: after it nothing but the socket's drain can move the rest along.
      // The shutdown rows also run with an idle timeout shorter than the pause, whose timer is
      // armed when the stream is done, while the client still has to read.
      const d = await dual(
        (w) => void w.write(whole),
        backend,
        row.shutdown ? { idleTimeout: 100 } : {},
      );
      // Windows wide open, so only the socket can hold the server back.
      const wide = 1 << 30;
      const settings = Buffer.alloc(6);
      settings.writeUInt16BE(4, 0); // SETTINGS_INITIAL_WINDOW_SIZE
      settings.writeUInt32BE(wide, 2);
      const tls = row.tls === true;
      const c = await rawH2(tls ? d.tlsPort : d.plainPort, settings, tls, true);
      const inc = Buffer.alloc(4);
      inc.writeUInt32BE(wide - 65535, 0);
      c.send(frame(F.WINDOW_UPDATE, 0, 0, inc));
      c.sock.pause();
      c.send(frame(F.HEADERS, 0x4 | 0x1, 1, hpack(getFields('/big'))));
      await Bun.sleep(150);
      const stopped = row.shutdown ? d.srv.shutdown() : undefined;
      await Bun.sleep(150);
      c.sock.resume();
      const done = (s: import('./h2.test-util.ts').RawSeen): boolean =>
        s.frames.some((f) => f.stream === 1 && f.type === F.DATA && (f.flags & 0x1) !== 0);
      expect(await c.until(done, 5000)).toBe(true);
      const body = Buffer.concat(
        c.seen.frames.filter((f) => f.stream === 1 && f.type === F.DATA).map((f) => f.payload),
      );
      expect(body.length).toBe(part * parts);
      for (let i = 0; i < parts; i++) expect(body[i * part + part - 1]).toBe(i % 251);
      // The shutdown finishes once the connection has written everything and closed. (Its
      // GOAWAY can be missing here: the runtime's session drops frames it still holds for a full
      // socket when it is destroyed.)
      if (stopped !== undefined) await stopped;
      c.sock.destroy();
    });
  }

  test('shutdown: GOAWAY names the last stream served; one opened after it is not served (Go ignores it)', async () => {
    const served: string[] = [];
    const d = await dual(async (w, r) => {
      served.push(r.url.path);
      await Bun.sleep(200);
      w.write('ok');
    }, backend);
    const c = await rawH2(d.plainPort, new Uint8Array(0), false, true);
    c.send(frame(F.HEADERS, 0x5, 1, hpack(getFields('/first'))));
    await Bun.sleep(50);
    const stopped = d.srv.shutdown();
    expect(await c.until((s) => s.goaway !== undefined, 2000)).toBe(true);
    const goaway = c.seen.frames.find((f) => f.type === F.GOAWAY);
    expect(goaway?.payload.readUInt32BE(0)).toBe(1);
    c.send(frame(F.HEADERS, 0x5, 3, hpack(getFields('/late'))));
    await stopped;
    expect(served).toEqual(['/first']);
    // Stream 1 was answered in full.
    expect(
      c.seen.frames.some((f) => f.stream === 1 && f.type === F.DATA && (f.flags & 1) !== 0),
    ).toBe(true);
    c.sock.destroy();
  });

  // On Bun the handlers of streams that arrive together run together once the reads are done,
  // so their responses leave in one write (h2.ts, runSoon). Nothing may be lost or reordered.
  test.each([
    { tls: false, name: 'h2c' },
    { tls: true, name: 'h2 over TLS' },
  ])(
    'ten streams in one write ($name): every handler runs, in stream order, and each is answered',
    async ({ tls }) => {
      const started: string[] = [];
      let allStarted: () => void = () => {};
      const gate = new Promise<void>((r) => {
        allStarted = r;
      });
      const d = await dual(async (w, r) => {
        started.push(r.url.path);
        // Each handler waits for all ten: they run side by side, as goroutines do in Go.
        if (started.length === 10) allStarted();
        await gate;
        w.write(`answer ${r.url.path}`);
      }, backend);
      const c = await rawH2(tls ? d.tlsPort : d.plainPort, new Uint8Array(0), tls, true);
      const ids = Array.from({ length: 10 }, (_, i) => 2 * i + 1);
      c.send(
        Buffer.concat(ids.map((id) => frame(F.HEADERS, 0x5, id, hpack(getFields(`/s${id}`))))),
      );
      const ended = (s: typeof c.seen, id: number): boolean =>
        s.frames.some((f) => f.stream === id && f.type === F.DATA && (f.flags & 1) !== 0);
      expect(await c.until((s) => ids.every((id) => ended(s, id)), 5000)).toBe(true);
      expect(started).toEqual(ids.map((id) => `/s${id}`));
      for (const id of ids) {
        const body = Buffer.concat(
          c.seen.frames.filter((f) => f.stream === id && f.type === F.DATA).map((f) => f.payload),
        );
        expect(body.toString()).toBe(`answer /s${id}`);
      }
      c.sock.destroy();
    },
  );

  // Go's ReadIdleTimeout: a PING only after that long without a frame from the peer.
  test.each([
    { tls: false, name: 'h2c' },
    { tls: true, name: 'h2 over TLS' },
  ])('sendPingTimeout: a peer that keeps sending is not pinged ($name)', async ({ tls }) => {
    const d = await dual((w) => void w.write('ok'), backend, {
      http2: { sendPingTimeout: 150, pingTimeout: 1000 },
    });
    const c = await rawH2(tls ? d.tlsPort : d.plainPort, new Uint8Array(0), tls, true);
    for (let i = 0; i < 12; i++) {
      c.send(frame(F.HEADERS, 0x5, 2 * i + 1, hpack(getFields(`/n${i}`))));
      await Bun.sleep(50);
    }
    expect(c.seen.frames.filter((f) => f.type === F.PING && (f.flags & 1) === 0)).toEqual([]);
    expect(c.seen.closed).toBe(false);
    c.sock.destroy();
  });

  test('sendPingTimeout/pingTimeout: a silent peer is pinged, and closed when it does not answer', async () => {
    const d = await dual((w) => void w.write('ok'), backend, {
      http2: { sendPingTimeout: 100, pingTimeout: 150 },
    });
    const c = await rawH2(d.plainPort);
    expect(await c.until((s) => s.frames.some((f) => f.type === F.PING), 2000)).toBe(true);
    expect(await c.until((s) => s.closed, 2000)).toBe(true);
  });
});

describe('real clients: curl and nghttp', () => {
  const handler: HandlerLike = async (w, r) => {
    if (r.url.path === '/hints') {
      w.header().set('Link', '</a.css>; rel=preload');
      w.writeHeader(103);
    }
    if (r.url.path === '/trailer') w.header().set('Trailer', 'X-Sum');
    w.header().set('X-Proto', r.proto);
    w.write(`${r.method} ${r.url.path} ${r.method === 'POST' ? await r.text() : ''}`);
    if (r.url.path === '/trailer') w.header().set('X-Sum', '7');
  };
  const rows = [
    {
      name: 'curl --http2 over TLS',
      args: (d: DualServer) => ['-sik', '--http2', `https://127.0.0.1:${d.tlsPort}/a`],
      want: ['HTTP/2 200', 'x-proto: HTTP/2.0', 'content-length: 7', 'GET /a '],
    },
    {
      name: 'curl --http2-prior-knowledge (h2c)',
      args: (d: DualServer) => [
        '-si',
        '--http2-prior-knowledge',
        `http://127.0.0.1:${d.plainPort}/b`,
      ],
      want: ['HTTP/2 200', 'x-proto: HTTP/2.0', 'GET /b '],
    },
    {
      name: 'curl: HEAD over h2',
      args: (d: DualServer) => ['-sIk', '--http2', `https://127.0.0.1:${d.tlsPort}/h`],
      want: ['HTTP/2 200', 'content-length: 8'],
    },
    {
      name: 'curl: 103 Early Hints then 200 over h2',
      args: (d: DualServer) => ['-sik', '--http2', `https://127.0.0.1:${d.tlsPort}/hints`],
      want: ['HTTP/2 103', 'link: </a.css>; rel=preload', 'HTTP/2 200'],
    },
    {
      name: 'curl: POST body over h2c',
      args: (d: DualServer) => [
        '-s',
        '--http2-prior-knowledge',
        '--data-binary',
        'payload',
        `http://127.0.0.1:${d.plainPort}/p`,
      ],
      want: ['POST /p payload'],
    },
    {
      name: 'nghttp over h2c: trailers after the body',
      cmd: 'nghttp',
      args: (d: DualServer) => ['-v', `http://127.0.0.1:${d.plainPort}/trailer`],
      want: ['recv (stream_id=', ':status: 200', 'x-sum: 7', 'GET /trailer'],
    },
    {
      name: 'nghttp over TLS (ALPN h2)',
      cmd: 'nghttp',
      args: (d: DualServer) => ['-v', `https://127.0.0.1:${d.tlsPort}/n`],
      want: ['negotiated protocol: h2', ':status: 200', 'GET /n'],
    },
  ];
  describe.each(backends)('%s backend', (backend) => {
    test.each(rows)('$name', async (row) => {
      const d = await dual(handler, backend);
      const r = await run(row.cmd ?? 'curl', row.args(d));
      for (const w of row.want) expect(r.out).toContain(w);
    });
  });
});

// Node.js as the runtime: the built dist, its node:net backend and node's own http2 (nghttp2).
describe('on Node.js (dist)', () => {
  const root = resolve(import.meta.dir, '..');
  const children: ReturnType<typeof spawn>[] = [];
  afterAll(() => {
    for (const c of children) if (c.pid !== undefined && c.exitCode === null) process.kill(c.pid);
  });
  // On Node an h2 TLS connection is handed to node's http2 as its own TLS socket; with PINGs
  // configured it goes through the JavaScript duplex instead. Both must behave the same.
  test.each([
    { path: 'the TLS socket handed over natively', http2: '{ maxConcurrentStreams: 10 }' },
    {
      path: 'the duplex (PINGs on)',
      http2: '{ maxConcurrentStreams: 10, sendPingTimeout: 60000 }',
    },
  ])(
    'the behaviour rows hold with node as the server runtime: $path',
    async ({ http2 }) => {
      const build = await run(resolve(root, '../../node_modules/.bin/tsc'), ['-b', root]);
      expect(build.code).toBe(0);
      const script = `
      import { Server, listen } from ${JSON.stringify(resolve(root, 'dist/index.js'))};
      import { testCertificate, testKey } from ${JSON.stringify(resolve(root, 'dist/testcert.js'))};
      const srv = new Server({ protocols: { unencryptedHTTP2: true }, http2: ${http2}, handler: async (w, r) => {
        if (r.url.path === '/slow') { await new Promise((res) => setTimeout(res, 300)); return; }
        if (r.url.path === '/hints') { w.header().set('Link', '</a>'); w.writeHeader(103); }
        w.header().set('Trailer', 'X-Sum');
        w.write(r.proto + ' ' + r.method + ' ' + (await r.text()) + ' ' + process.release.name);
        w.header().set('X-Sum', '9');
      } });
      const t = await listen('tcp', '127.0.0.1:0', { tls: { cert: testCertificate, key: testKey, alpnProtocols: ['h2', 'http/1.1'] } });
      const p = await listen('tcp', '127.0.0.1:0');
      srv.serve(t).catch(() => {}); srv.serve(p).catch(() => {});
      console.log(JSON.stringify({ tlsPort: t.addr().port, plainPort: p.addr().port }));
    `;
      const child = spawn('node', ['--input-type=module', '-e', script], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      const ports = await new Promise<{ tlsPort: number; plainPort: number }>((res, rej) => {
        const t = setTimeout(() => rej(new Error('node did not start')), 10_000);
        child?.stdout?.once('data', (b: Buffer) => {
          clearTimeout(t);
          res(JSON.parse(b.toString()) as { tlsPort: number; plainPort: number });
        });
      });
      const d = { ...ports, srv: undefined as unknown as Server, logs: [], served: [] };
      const h2 = await request('h2', d, { method: 'POST', body: 'x' });
      expect(h2.body).toBe('HTTP/2.0 POST x node');
      expect(h2.trailers).toEqual({ 'x-sum': '9' });
      const h2c = await request('h2c', d, { path: '/hints' });
      expect(h2c.informational.map((i) => i.status)).toEqual([103]);
      expect(h2c.body).toBe('HTTP/2.0 GET  node');
      expect((await request('h1-tls', d)).body).toBe('HTTP/1.1 GET  node');
      expect((await request('h1', d)).body).toBe('HTTP/1.1 GET  node');
      const curl = await run('curl', ['-sk', '--http2', `https://127.0.0.1:${ports.tlsPort}/`]);
      expect(curl.out).toBe('HTTP/2.0 GET  node');
      // Rapid reset against node's own http2: our handler limit answers ENHANCE_YOUR_CALM there too.
      const c = await rawH2(ports.plainPort);
      const block = hpack(getFields('/slow'));
      for (let id = 1; id < 400; id += 2) {
        c.send(frame(F.HEADERS, 0x5, id, block));
        c.send(frame(F.RST_STREAM, 0, id, Buffer.from([0, 0, 0, 8])));
      }
      expect(await c.until((s) => s.goaway !== undefined || s.closed, 3000)).toBe(true);
      expect(c.seen.goaway).toBe(0xb);
      c.sock.destroy();
      closeClientSessions();
      expect((await request('h2c', d)).body).toBe('HTTP/2.0 GET  node');
      closeClientSessions();
    },
    30_000,
  );
});
