import { afterEach, describe, expect, test } from 'bun:test';
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
import type { HandlerLike } from './handler.ts';
import type { ServerOptions } from './server.ts';

// The HTTP/2 denial-of-service families, each sent by hand over h2c (the TLS path reaches the
// same session code once ALPN picked h2). For each: the connection gets GOAWAY or the stream
// RST_STREAM with the code Go's server sends, the server's work stays bounded, and a fresh
// connection is served afterwards. Error codes: RFC 9113 §7.
const PROTOCOL_ERROR = 0x1;
const INTERNAL_ERROR = 0x2;
const ENHANCE_YOUR_CALM = 0xb;
const CANCEL = 0x8;
const FLOW_CONTROL_ERROR = 0x3;

const backends = ['bun', 'node'] as const;
const servers: DualServer[] = [];
const socks: { destroy(): void }[] = [];

afterEach(async () => {
  closeClientSessions();
  for (const s of socks.splice(0)) s.destroy();
  for (const d of servers.splice(0)) await d.srv.close();
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

async function raw(d: DualServer, settings?: Uint8Array) {
  const c = await rawH2(d.plainPort, settings);
  socks.push(c.sock);
  return c;
}

// Another client is still served: the attack cost one connection, not the server.
async function stillServes(d: DualServer): Promise<void> {
  closeClientSessions();
  expect((await request('h2c', d, { path: '/after' })).status).toBe(200);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

describe.each(backends)('%s backend', (backend) => {
  test('rapid reset (CVE-2023-44487): handlers beyond the stream limit queue; past 4× the limit, GOAWAY ENHANCE_YOUR_CALM', async () => {
    let running = 0;
    let maxRunning = 0;
    let started = 0;
    const d = await dual(
      async (w, r) => {
        started++;
        running++;
        maxRunning = Math.max(maxRunning, running);
        // A handler that outlives its stream, as a slow backend call would.
        await new Promise((resolve) => setTimeout(resolve, r.url.path === '/after' ? 0 : 300));
        running--;
        w.write('ok');
      },
      backend,
      { http2: { maxConcurrentStreams: 10 } },
    );
    const c = await raw(d);
    const block = hpack(getFields('/slow'));
    // Go's rule (server.go, CVE-2023-44487 fix): at most maxConcurrentStreams handlers run;
    // others wait; more than 4× that waiting is ENHANCE_YOUR_CALM.
    for (let id = 1; id < 2 * 200; id += 2) {
      c.send(frame(F.HEADERS, 0x5, id, block));
      c.send(frame(F.RST_STREAM, 0, id, u32(CANCEL)));
    }
    expect(await c.until((s) => s.goaway !== undefined || s.closed, 3000)).toBe(true);
    expect(c.seen.goaway).toBe(ENHANCE_YOUR_CALM);
    expect(maxRunning).toBeLessThanOrEqual(10);
    expect(started).toBeLessThanOrEqual(10);
    await stillServes(d);
  });

  test('CONTINUATION flood (CVE-2024-27316): a header block past the limit ends the connection', async () => {
    const d = await dual((w) => void w.write('ok'), backend, { maxHeaderBytes: 4096 });
    const c = await raw(d);
    c.send(frame(F.HEADERS, 0x0, 1, hpack(getFields('/'))));
    const junk = hpack([['x-junk', 'j'.repeat(1000)]]);
    let sent = 0;
    // Bounded: 20 MB of CONTINUATION frames at most, stopping as soon as the server reacts.
    for (let i = 0; i < 20_000 && !c.seen.closed && c.seen.goaway === undefined; i++) {
      c.send(frame(F.CONTINUATION, 0x0, 1, junk));
      sent += junk.length;
      if (i % 500 === 499) await c.until((s) => s.closed || s.goaway !== undefined, 5);
    }
    const reacted = await c.until((s) => s.closed || s.goaway !== undefined || s.rst.has(1), 3000);
    expect(reacted).toBe(true);
    // Well before the 20 MB the loop allowed.
    expect(sent).toBeLessThan(20_000 * junk.length);
    await stillServes(d);
  });

  test('an oversized HEADERS block: refused (431, RST_STREAM or GOAWAY), the next connection served', async () => {
    const d = await dual((w) => void w.write('ok'), backend, { maxHeaderBytes: 4096 });
    const c = await raw(d);
    const big = hpack([...getFields('/'), ['x-big', 'b'.repeat(8000)]]);
    c.send(frame(F.HEADERS, 0x5, 1, big));
    const reacted = await c.until(
      (s) =>
        s.closed ||
        s.goaway !== undefined ||
        s.rst.has(1) ||
        s.frames.some((f) => f.type === F.HEADERS && f.stream === 1),
      3000,
    );
    expect(reacted).toBe(true);
    const answered = c.seen.frames.find((f) => f.type === F.HEADERS && f.stream === 1);
    // When answered at all, never with a 200: the handler must not see the request.
    if (answered !== undefined) expect(answered.payload.includes(Buffer.from('ok'))).toBe(false);
    await stillServes(d);
  });

  // A server that keeps queueing ACKs for a client that never reads is what these must not find.
  test.each([
    {
      name: 'SETTINGS',
      frame: () => frame(F.SETTINGS, 0, 0, new Uint8Array(0)),
      goaways: [ENHANCE_YOUR_CALM, PROTOCOL_ERROR] as number[],
    },
    {
      name: 'PING',
      frame: () => frame(F.PING, 0, 0, new Uint8Array(8)),
      goaways: undefined as number[] | undefined,
    },
  ])(
    '$name flood from a client that does not read: bounded, the connection is ended',
    async ({ frame: make, goaways }) => {
      const d = await dual((w) => void w.write('ok'), backend);
      const c = await raw(d);
      c.sock.pause();
      const f = make();
      const batch = Buffer.concat(Array.from({ length: 1000 }, () => f));
      let sent = 0;
      const deadline = Date.now() + 5000;
      // Bounded: 200k frames or 5 s, whichever first.
      while (sent < 200_000 && Date.now() < deadline && !c.seen.closed) {
        if (!c.send(batch)) await new Promise((r) => setTimeout(r, 5));
        sent += 1000;
      }
      c.sock.resume();
      const reacted = await c.until((s) => s.closed || s.goaway !== undefined, 5000);
      expect(reacted).toBe(true);
      if (goaways !== undefined && c.seen.goaway !== undefined)
        expect(goaways).toContain(c.seen.goaway);
      await stillServes(d);
    },
  );

  test('a stream that never sends its body: the read fails at readTimeout, the handler answers', async () => {
    let readErr = '';
    const d = await dual(
      async (w, r) => {
        if (r.method === 'POST') {
          try {
            await r.text();
          } catch (err) {
            readErr = (err as Error).message;
            w.writeHeader(408);
            return;
          }
        }
        w.write('ok');
      },
      backend,
      { readTimeout: 200 },
    );
    const c = await raw(d);
    c.send(
      frame(
        F.HEADERS,
        0x4,
        1,
        hpack([
          [':method', 'POST'],
          [':scheme', 'http'],
          [':path', '/upload'],
          [':authority', 'localhost'],
          ['content-length', '100'],
        ]),
      ),
    );
    const answered = await c.until(
      (s) => s.frames.some((f) => f.type === F.HEADERS && f.stream === 1),
      3000,
    );
    expect(answered).toBe(true);
    expect(readErr).toBe('context deadline exceeded');
    await stillServes(d);
  });

  test('a window that never opens: the write waits (memory bounded), writeTimeout resets the stream', async () => {
    let finished = false;
    let pendingAtEnd = -1;
    const d = await dual(
      async (w, r) => {
        if (r.url.path === '/after') {
          w.write('ok');
          return;
        }
        const chunk = new Uint8Array(64 * 1024);
        let waits = 0;
        // At most 16 MiB offered; a writer that never waits would push all of it into memory.
        for (let i = 0; i < 256; i++) {
          const p = w.write(chunk);
          if (p !== undefined) {
            waits++;
            await p;
          }
        }
        pendingAtEnd = waits;
        finished = true;
      },
      backend,
      { writeTimeout: 500 },
    );
    // SETTINGS_INITIAL_WINDOW_SIZE = 0: the server may send no DATA on any stream.
    const settings = Buffer.from([0x00, 0x04, 0, 0, 0, 0]);
    const c = await raw(d, settings);
    c.send(frame(F.SETTINGS, 0x1, 0, new Uint8Array(0)));
    c.send(frame(F.HEADERS, 0x5, 1, hpack(getFields('/big'))));
    const reset = await c.until((s) => s.rst.has(1) || s.closed, 4000);
    expect(reset).toBe(true);
    expect(c.seen.rst.get(1)).toBe(INTERNAL_ERROR);
    const deadline = Date.now() + 2000;
    while (!finished && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(finished).toBe(true);
    // The handler was made to wait: the stream buffered a little, never the 16 MiB.
    expect(pendingAtEnd).toBeGreaterThan(0);
    await stillServes(d);
  });

  test('a handler that does not read its body: the window is not reopened until it reads', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const d = await dual(
      async (w, r) => {
        await gate;
        let n = 0;
        for await (const c of r) n += c.length;
        w.write(String(n));
      },
      backend,
      { http2: { maxReceiveBufferPerStream: 65_536 } },
    );
    const c = await raw(d);
    c.send(
      frame(
        F.HEADERS,
        0x4,
        1,
        hpack([
          [':method', 'POST'],
          [':scheme', 'http'],
          [':path', '/up'],
          [':authority', 'localhost'],
        ]),
      ),
    );
    // The whole stream window (65,536 bytes), in 16 KiB DATA frames: all a client may send.
    const chunk = new Uint8Array(16_384);
    for (let i = 0; i < 4; i++) c.send(frame(F.DATA, 0, 1, chunk));
    const streamUpdate = (s: { frames: { type: number; stream: number }[] }): boolean =>
      s.frames.some((f) => f.type === F.WINDOW_UPDATE && f.stream === 1);
    // While the handler does not read, the server does not ask for more.
    expect(await c.until(streamUpdate, 300)).toBe(false);
    release();
    c.send(frame(F.DATA, 0x1, 1, new Uint8Array(0)));
    expect(
      await c.until((s) => s.frames.some((f) => f.type === F.DATA && f.stream === 1), 2000),
    ).toBe(true);
    const data = c.seen.frames.find((f) => f.type === F.DATA && f.stream === 1);
    expect(data?.payload.toString()).toBe('65536');
  });

  test('a client that sends past the stream window: FLOW_CONTROL_ERROR, the handler never sees it', async () => {
    let read = 0;
    const d = await dual(
      async (w, r) => {
        await new Promise((res) => setTimeout(res, 200));
        try {
          for await (const c of r) read += c.length;
        } catch {
          // The stream was reset.
        }
        w.write('done');
      },
      backend,
      { http2: { maxReceiveBufferPerStream: 65_536 } },
    );
    const c = await raw(d);
    c.send(
      frame(
        F.HEADERS,
        0x4,
        1,
        hpack([
          [':method', 'POST'],
          [':scheme', 'http'],
          [':path', '/up'],
          [':authority', 'localhost'],
        ]),
      ),
    );
    const chunk = new Uint8Array(16_384);
    // Twice the window: a server that took it all would be buffering for a lying client.
    for (let i = 0; i < 8; i++) c.send(frame(F.DATA, 0, 1, chunk));
    const refused = await c.until((s) => s.rst.has(1) || s.goaway !== undefined || s.closed, 3000);
    expect(refused).toBe(true);
    expect(c.seen.rst.get(1)).toBe(FLOW_CONTROL_ERROR);
    expect(read).toBeLessThanOrEqual(65_536);
    await stillServes(d);
  });

  test('HTTP/2 sent to a server with HTTP/2 off: a clean close or a 400, never a hang', async () => {
    const d = await dual((w) => void w.write('ok'), backend, { protocols: { http2: false } });
    const { connect } = await import('node:net');
    const s = connect({ port: d.plainPort, host: '127.0.0.1' });
    socks.push(s);
    let got = '';
    const closed = new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), 3000);
      s.on('data', (b: Buffer) => {
        got += b.toString('latin1');
      });
      s.on('close', () => {
        clearTimeout(t);
        resolve(true);
      });
      s.on('error', () => {});
    });
    s.write('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
    s.write(frame(F.SETTINGS, 0, 0, new Uint8Array(0)));
    expect(await closed).toBe(true);
    expect(got === '' || got.startsWith('HTTP/1.1 400') || got.startsWith('HTTP/1.1 505')).toBe(
      true,
    );
    expect(d.srv.protocols.http2).toBe(false);
  });
});
