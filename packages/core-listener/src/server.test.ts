import { afterEach, describe, expect, test } from 'bun:test';
import { connect, type Socket } from 'node:net';
import type { ConnState } from './conn.ts';
import { Context, createKey } from './context.ts';
import { ErrAbortHandler, ErrServerClosed } from './errors.ts';
import type { HandlerLike } from './handler.ts';
import { Header } from './header.ts';
import { listen } from './net.ts';
import type { Request } from './request.ts';
import {
  type Flusher,
  type Hijacker,
  ResponseController,
  type ResponseWriter,
} from './response.ts';
import {
  acceptBackoff,
  isTemporary,
  LocalAddrContextKey,
  Server,
  ServerContextKey,
  type ServerOptions,
} from './server.ts';
import { expectNothingOpen } from './settled.test-util.ts';

// One wire-level suite over both socket backends (Go's run(t, f, modes)), raw bytes in and out,
// with a check after each test that no listener or connection is left open (Go's afterTest).
const backends = ['bun', 'node'] as const;
const servers: Server[] = [];
const sockets: Socket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const s of servers.splice(0)) await s.close();
  await expectNothingOpen();
});

async function start(backend: 'bun' | 'node', handler: HandlerLike, opts: ServerOptions = {}) {
  const logs: string[] = [];
  const srv = new Server({ handler, errorLog: (m) => logs.push(m), ...opts });
  servers.push(srv);
  const l = await listen('tcp', '127.0.0.1:0', { backend });
  const served = srv.serve(l).catch((e: unknown) => e);
  return { srv, port: l.addr().port, logs, served };
}

/** A raw client: write bytes, read until a predicate holds or the peer closes. */
function client(port: number): Promise<{
  s: Socket;
  read: (until?: (s: string) => boolean) => Promise<string>;
  closed: Promise<void>;
}> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1' });
    sockets.push(s);
    let buf = '';
    let waiter: (() => void) | undefined;
    let ended = false;
    const closed = new Promise<void>((r) => s.once('close', () => r()));
    s.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      waiter?.();
    });
    // A hard close (no FIN first) shows as 'close' without 'end'.
    for (const ev of ['end', 'close']) {
      s.on(ev, () => {
        ended = true;
        waiter?.();
      });
    }
    s.on('error', () => {});
    const read = (until: (x: string) => boolean = () => false): Promise<string> =>
      new Promise((res, rej) => {
        const timer = setTimeout(() => rej(new Error(`timeout; got ${JSON.stringify(buf)}`)), 5000);
        const check = (): void => {
          if (until(buf) || ended) {
            clearTimeout(timer);
            waiter = undefined;
            const out = buf;
            buf = '';
            res(out);
          }
        };
        waiter = check;
        check();
      });
    s.once('connect', () => resolve({ s, read, closed }));
    s.once('error', reject);
  });
}

const mask = (s: string): string => s.replace(/Date: [^\r]+\r\n/g, 'Date: D\r\n');
const completeResponses = (n: number) => (s: string) => {
  // Count responses whose Content-Length bodies are complete.
  let at = 0;
  let count = 0;
  for (;;) {
    const h = s.indexOf('\r\n\r\n', at);
    if (h === -1) return count >= n;
    const head = s.slice(at, h);
    const cl = /Content-Length: (\d+)/.exec(head);
    const end = h + 4 + (cl ? Number(cl[1]) : 0);
    if (end > s.length) return count >= n;
    count++;
    at = end;
    if (count >= n) return true;
  }
};

const hello = (w: ResponseWriter) => void w.write('Hello, World!');

describe.each(backends)('%s backend: one connection (Go conn.serve)', (backend) => {
  test('GET is answered like Go answers it, and the connection is kept alive', async () => {
    const { port } = await start(backend, hello);
    const c = await client(port);
    c.s.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(mask(await c.read(completeResponses(1)))).toBe(
      'HTTP/1.1 200 OK\r\nDate: D\r\nContent-Length: 13\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello, World!',
    );
    c.s.write('GET /again HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await c.read(completeResponses(1))).toEndWith('Hello, World!');
  });

  test('an idle keep-alive connection holds nothing of its last request (memory under load)', async () => {
    // A collection while connections wait must find their last requests dead: promoted instead,
    // they grew the heap of a server under wrk by megabytes. Twenty connections, so that the
    // conservative stack scan keeping one or two alive cannot decide the result.
    const refs: WeakRef<object>[] = [];
    const { port } = await start(backend, (w: ResponseWriter, r: Request) => {
      refs.push(new WeakRef(r), new WeakRef(w));
      w.header().set('X-Seen', r.header.get('X-Pad'));
      void w.write('ok');
    });
    const clients = [];
    for (let i = 0; i < 20; i++) {
      const c = await client(port);
      c.s.write(`GET /${i} HTTP/1.1\r\nHost: x\r\nX-Pad: ${'p'.repeat(200)}\r\n\r\n`);
      clients.push(c);
    }
    for (const c of clients) expect(await c.read(completeResponses(1))).toEndWith('\r\n\r\nok');
    await Bun.sleep(10);
    Bun.gc(true);
    expect(refs).toHaveLength(40);
    expect(refs.filter((ref) => ref.deref() !== undefined).length).toBeLessThan(8);
    // Still open and serving.
    clients[0]?.s.write('GET /again HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await clients[0]?.read(completeResponses(1))).toEndWith('ok');
  });

  // Go conn.readRequest: `delete(req.Header, "Host")` after `req.Host` took it (from the
  // target when it is absolute-form, RFC 9112 §3.2.2); every other field stays, duplicates too.
  const hostRows: { name: string; request: string; want: string }[] = [
    {
      name: 'origin-form: Host moves to r.host',
      request: 'GET /a HTTP/1.1\r\nhost: Example.COM:8080\r\nX-A: 1\r\nx-a: 2\r\n\r\n',
      want: 'host=Example.COM:8080 hasHost=false X-A=1,2 copy=Example.COM:8080 replaced=Example.COM:8080',
    },
    {
      name: 'absolute-form: the target wins over the field',
      request: 'GET http://target.example/a HTTP/1.1\r\nHost: field.example\r\n\r\n',
      want: 'host=target.example hasHost=false X-A= copy=target.example replaced=target.example',
    },
    {
      name: 'HTTP/1.0 without Host: empty',
      request: 'GET /a HTTP/1.0\r\nX-A: z\r\n\r\n',
      want: 'host= hasHost=false X-A=z copy= replaced=',
    },
  ];
  test.each(hostRows)('$name', async ({ request, want }) => {
    const { port } = await start(backend, (w: ResponseWriter, r: Request) => {
      const copy = r.withContext(r.context());
      const seen = `host=${r.host} hasHost=${r.header.has('Host')} X-A=${r.header.values('X-A').join(',')}`;
      const other = r.clone(r.context());
      other.header = new Header();
      void w.write(`${seen} copy=${copy.host} replaced=${other.host}`);
    });
    const c = await client(port);
    c.s.write(request);
    expect(await c.read(completeResponses(1))).toEndWith(`\r\n\r\n${want}`);
  });

  // Go writes header values as the bytes they hold (a Go string is bytes); here values are
  // latin1 strings, so U+00E9 goes out as the single octet 0xE9, while the body is UTF-8.
  // A value deleted again must not leave the head mis-encoded either.
  // A body with bytes in it takes the other way out (one buffer for the batch), so each row runs
  // with a text body and with bytes before the text.
  test.each([
    {
      name: 'obs-text value in the head, UTF-8 body',
      value: 'caf\u00e9',
      keep: true,
      bytes: false,
    },
    {
      name: 'obs-text value deleted before the head',
      value: 'caf\u00e9',
      keep: false,
      bytes: false,
    },
    { name: 'ASCII value', value: 'plain', keep: true, bytes: false },
    { name: 'obs-text value, bytes then UTF-8 body', value: 'caf\u00e9', keep: true, bytes: true },
    { name: 'obs-text value deleted, bytes body', value: 'caf\u00e9', keep: false, bytes: true },
    { name: 'ASCII value, bytes then UTF-8 body', value: 'plain', keep: true, bytes: true },
  ])('head bytes: $name', async ({ value, keep, bytes }) => {
    const { port } = await start(backend, (w: ResponseWriter) => {
      w.header().set('X-Val', value);
      if (!keep) w.header().delete('X-Val');
      w.header().set('Content-Type', 'text/plain; charset=utf-8');
      if (bytes) void w.write(new Uint8Array([0x41, 0xff]));
      void w.write('\u00e9');
    });
    const c = await client(port);
    c.s.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    const out = await c.read(completeResponses(1));
    // The client decodes latin1: one char per octet.
    expect(out.includes(`\r\nX-Val: ${value}\r\n`)).toBe(keep);
    expect(out).toEndWith(
      bytes
        ? 'Content-Length: 4\r\n\r\nA\u00ff\u00c3\u00a9'
        : 'Content-Length: 2\r\n\r\n\u00c3\u00a9',
    );
  });

  // Go's accept loop may run behind the kernel (a busy server, a backoff): a connection whose
  // request, and even its FIN, arrived before accept() must still be served. (The bytes were
  // once queued where the connection loop never looked: the client waited forever.)
  test.each([
    { name: 'request before accept', end: false },
    { name: 'request and FIN before accept', end: true },
  ])('$name is served', async ({ end }) => {
    const srv = new Server({ handler: hello, errorLog: () => {} });
    servers.push(srv);
    const l = await listen('tcp', '127.0.0.1:0', { backend });
    const c = await client(l.addr().port);
    const req = 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';
    if (end) c.s.end(req);
    else c.s.write(req);
    await Bun.sleep(50);
    void srv.serve(l).catch(() => {});
    expect(await c.read(completeResponses(1))).toEndWith('Hello, World!');
  });

  test('pipelined requests are answered in order, in one write', async () => {
    const seen: string[] = [];
    const { port } = await start(backend, (w: ResponseWriter, r: Request) => {
      seen.push(r.url.path);
      void w.write(r.url.path);
    });
    const c = await client(port);
    c.s.write(
      'GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\nGET /3 HTTP/1.1\r\nHost: x\r\n\r\n',
    );
    const out = await c.read(completeResponses(3));
    expect(seen).toEqual(['/1', '/2', '/3']);
    expect(out.match(/\r\n\r\n\/\d/g)).toEqual(['\r\n\r\n/1', '\r\n\r\n/2', '\r\n\r\n/3']);
  });

  test('UTF-8 text to a client that pauses arrives whole: short writes keep their rest', async () => {
    // 600 writes of 12 KB text (two bytes per character, under the size that is encoded
    // before writing) while the client reads nothing: the socket buffers fill, text writes come
    // up short, and what is kept must be measured in bytes, not characters.
    const n = 600;
    const piece = (i: number): string => `<${i}:${'é'.repeat(6000)}>`;
    const { port } = await start(backend, async (w: ResponseWriter) => {
      for (let i = 0; i < n; i++) await w.write(piece(i));
    });
    const s = connect({ port, host: '127.0.0.1' });
    sockets.push(s);
    await new Promise<void>((r) => s.once('connect', () => r()));
    const chunks: Buffer[] = [];
    s.on('data', (d: Buffer) => chunks.push(d));
    s.pause();
    s.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    await Bun.sleep(300);
    s.resume();
    await new Promise<void>((r) => s.once('close', () => r()));
    const raw = Buffer.concat(chunks);
    // Undo the chunked framing by its byte counts.
    let at = raw.indexOf('\r\n\r\n') + 4;
    const body: Buffer[] = [];
    for (;;) {
      const eol = raw.indexOf('\r\n', at);
      const size = Number.parseInt(raw.subarray(at, eol).toString('latin1'), 16);
      if (!(size > 0)) break;
      body.push(raw.subarray(eol + 2, eol + 2 + size));
      at = eol + 2 + size + 2;
    }
    const got = Buffer.concat(body).toString('utf8');
    const want = Array.from({ length: n }, (_, i) => piece(i)).join('');
    expect(got.length).toBe(want.length);
    expect(got === want).toBe(true);
  });

  const bodies: [name: string, request: string][] = [
    ['Content-Length', 'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world'],
    [
      'chunked',
      'POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n',
    ],
  ];
  test.each(bodies)('a %s body is read by the handler', async (_name, request) => {
    const { port } = await start(backend, async (w: ResponseWriter, r: Request) => {
      void w.write(`got:${await r.text()}`);
    });
    const c = await client(port);
    c.s.write(request);
    expect(await c.read(completeResponses(1))).toEndWith('got:hello world');
  });

  test('a body the handler did not read is skipped, and the next request is served', async () => {
    const { port } = await start(
      backend,
      (w: ResponseWriter, r: Request) => void w.write(r.method),
    );
    const c = await client(port);
    c.s.write(
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nabcdeGET / HTTP/1.1\r\nHost: x\r\n\r\n',
    );
    const out = await c.read(completeResponses(2));
    expect(out.match(/\r\n\r\n(POST|GET)/g)).toEqual(['\r\n\r\nPOST', '\r\n\r\nGET']);
  });

  test('an unread body over 256 KiB closes the connection (Go maxPostHandlerReadBytes)', async () => {
    const { port } = await start(backend, hello);
    const c = await client(port);
    c.s.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${300 * 1024}\r\n\r\n`);
    const out = await c.read(completeResponses(1));
    expect(out).toContain('Connection: close\r\n');
    await c.closed;
  });

  const badRequests: [name: string, request: string, status: string][] = [
    [
      'a header name with a space',
      'GET / HTTP/1.1\r\nHost: x\r\nBad Name: v\r\n\r\n',
      '400 Bad Request',
    ],
    ['HTTP/1.1 without Host', 'GET / HTTP/1.1\r\n\r\n', '400 Bad Request'],
    [
      'Content-Length with Transfer-Encoding',
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n',
      '400 Bad Request',
    ],
    [
      'an unknown transfer coding',
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n',
      '501 Not Implemented',
    ],
    [
      'HTTP/2.0 on the request line',
      'GET / HTTP/2.0\r\nHost: x\r\n\r\n',
      '505 HTTP Version Not Supported',
    ],
  ];
  test.each(badRequests)(
    '%s → %s with Connection: close, then close',
    async (_name, request, status) => {
      const { port } = await start(backend, hello);
      const c = await client(port);
      c.s.write(request);
      const out = await c.read();
      expect(
        out.startsWith(
          `HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n`,
        ),
      ).toBe(true);
      await c.closed;
    },
  );

  test('a head over maxHeaderBytes is 431', async () => {
    const { port } = await start(backend, hello, { maxHeaderBytes: 1024 });
    const c = await client(port);
    c.s.write(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(2000)}\r\n\r\n`);
    expect(await c.read()).toStartWith('HTTP/1.1 431 Request Header Fields Too Large\r\n');
  });

  test('a handler that throws is logged, its connection closed, and the server serves on', async () => {
    const { port, logs } = await start(backend, (w: ResponseWriter, r: Request) => {
      if (r.url.path === '/boom') throw new Error('kaboom');
      if (r.url.path === '/abort') throw ErrAbortHandler;
      void w.write('fine');
    });
    const c1 = await client(port);
    c1.s.write('GET /boom HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await c1.read()).toBe('');
    await c1.closed;
    const c2 = await client(port);
    c2.s.write('GET /abort HTTP/1.1\r\nHost: x\r\n\r\n');
    await c2.closed;
    const c3 = await client(port);
    c3.s.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await c3.read(completeResponses(1))).toEndWith('fine');
    expect(logs.length).toBe(1);
    expect(logs[0]).toStartWith('http: panic serving 127.0.0.1:');
    expect(logs[0]).toContain('kaboom');
  });

  test('OPTIONS * is answered by the server: 200, Content-Length: 0 (Go globalOptionsHandler)', async () => {
    let called = false;
    const { port } = await start(backend, () => {
      called = true;
    });
    const c = await client(port);
    c.s.write('OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(mask(await c.read(completeResponses(1)))).toBe(
      'HTTP/1.1 200 OK\r\nContent-Length: 0\r\nDate: D\r\n\r\n',
    );
    expect(called).toBe(false);
  });

  test('Expect: 100-continue gets 100 Continue only when the handler reads the body', async () => {
    const { port } = await start(backend, async (w: ResponseWriter, r: Request) => {
      if (r.url.path === '/read') void w.write(await r.text());
      else void w.write('no read');
    });
    const c = await client(port);
    c.s.write(
      'POST /read HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n',
    );
    expect(await c.read((s) => s.includes('\r\n\r\n'))).toBe('HTTP/1.1 100 Continue\r\n\r\n');
    c.s.write('ok');
    expect(await c.read(completeResponses(1))).toEndWith('\r\n\r\nok');
    const c2 = await client(port);
    c2.s.write(
      'POST /skip HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n',
    );
    const out = await c2.read(completeResponses(1));
    expect(out).not.toContain('100 Continue');
    // The body may still come later: the connection cannot be reused (Go issue 11549).
    expect(out).toContain('Connection: close');
  });

  // Go conn.serve: `expectsContinue()` (the token 100-continue) is honoured on 1.1 and ignored
  // on 1.0; any other non-empty Expect gets sendExpectationFailed — 417, `Connection: close`,
  // no handler call. An empty value is no expectation at all.
  test.each([
    {
      name: 'an unknown expectation: 417 and close, handler not called',
      head: 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 200-ok\r\n\r\nhi',
      want: 'HTTP/1.1 417 Expectation Failed\r\nConnection: close\r\nDate: D\r\nContent-Length: 0\r\n\r\n',
      called: false,
    },
    {
      name: '100-continue on HTTP/1.0 is ignored: no 100, the handler runs',
      head: 'POST / HTTP/1.0\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\nhi',
      want: 'HTTP/1.0 200 OK\r\nDate: D\r\nContent-Length: 2\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhi',
      called: true,
    },
    {
      name: 'an empty Expect is no expectation',
      head: 'GET / HTTP/1.1\r\nHost: x\r\nExpect: \r\nConnection: close\r\n\r\n',
      want: 'HTTP/1.1 200 OK\r\nDate: D\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
      called: true,
    },
  ])('Expect: $name', async ({ head, want, called }) => {
    let calls = 0;
    const { port } = await start(backend, async (w: ResponseWriter, r: Request) => {
      calls++;
      const body = await r.text();
      if (body !== '') void w.write(body);
    });
    const c = await client(port);
    c.s.write(head);
    expect(mask(await c.read())).toBe(want);
    expect(calls).toBe(called ? 1 : 0);
  });

  // Go conn.serve: a read that ends with io.EOF before any byte is a silent close; a head cut
  // short (ErrUnexpectedEOF) is not a "common net read error", so it gets the 400 reply.
  test.each([
    { name: 'nothing sent: silent close', send: '', want: '' },
    {
      name: 'a head cut short: 400',
      send: 'GET / HTTP/1.1\r\nHost: x\r\n',
      want: 'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request',
    },
    {
      name: 'a whole request then a partial one: the answer, then 400',
      send: 'GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HT',
      want: 'HTTP/1.1 200 OK\r\nDate: D\r\nContent-Length: 13\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello, World!HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request',
    },
  ])('end of stream: $name', async ({ send, want }) => {
    const { port } = await start(backend, hello);
    const c = await client(port);
    c.s.end(send);
    expect(mask(await c.read())).toBe(want);
  });

  test('HTTP/1.0 closes after the response unless keep-alive was asked for', async () => {
    const { port } = await start(backend, hello);
    const c = await client(port);
    c.s.write('GET / HTTP/1.0\r\n\r\n');
    expect(await c.read()).toStartWith('HTTP/1.0 200 OK\r\n');
    await c.closed;
    const k = await client(port);
    k.s.write('GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    expect(await k.read(completeResponses(1))).toContain('Connection: keep-alive\r\n');
    k.s.write('GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    expect(await k.read(completeResponses(1))).toEndWith('Hello, World!');
  });

  test('Connection: close from the client is honoured', async () => {
    const { port } = await start(backend, hello);
    const c = await client(port);
    c.s.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(await c.read()).toContain('Connection: close\r\n');
    await c.closed;
  });

  test('flush streams: the client sees each event before the handler ends', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const { port } = await start(backend, async (w: ResponseWriter) => {
      w.header().set('Content-Type', 'text/event-stream');
      void w.write('data: one\n\n');
      await (w as unknown as Flusher).flush();
      await gate;
      void w.write('data: two\n\n');
    });
    const c = await client(port);
    c.s.write('GET /events HTTP/1.1\r\nHost: x\r\n\r\n');
    const first = await c.read((s) => s.includes('data: one'));
    expect(first).toContain('Transfer-Encoding: chunked\r\n');
    expect(first).not.toContain('two');
    release();
    expect(await c.read((s) => s.includes('0\r\n\r\n'))).toBe('b\r\ndata: two\n\n\r\n0\r\n\r\n');
  });

  test('the request context aborts when the handler returns and when the client leaves', async () => {
    let afterReturn: AbortSignal | undefined;
    let leftEarly: Promise<unknown> | undefined;
    const { port } = await start(backend, async (w: ResponseWriter, r: Request) => {
      const signal = r.context().signal;
      if (r.url.path === '/wait') {
        leftEarly = new Promise((resolve) =>
          signal.addEventListener('abort', () => resolve(signal.reason)),
        );
        await leftEarly;
        return;
      }
      afterReturn = signal;
      void w.write('x');
    });
    const c = await client(port);
    c.s.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await c.read(completeResponses(1));
    expect(afterReturn?.aborted).toBe(true);
    const c2 = await client(port);
    c2.s.write('GET /wait HTTP/1.1\r\nHost: x\r\n\r\n');
    await Bun.sleep(20);
    c2.s.destroy();
    expect(await leftEarly).toBeInstanceOf(Error);
  });

  test('hijack hands over the raw connection and the bytes read ahead', async () => {
    const { port } = await start(backend, async (w: ResponseWriter) => {
      const raw = (w as unknown as Hijacker).hijack();
      await raw.write(
        `HTTP/1.1 101 Switching Protocols\r\n\r\nbuffered=${new TextDecoder().decode(raw.buffered)}`,
      );
      for await (const chunk of raw) {
        await raw.write(`echo:${new TextDecoder().decode(chunk)}`);
        break;
      }
      raw.close();
    });
    const c = await client(port);
    c.s.write('GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\nearly');
    expect(await c.read((s) => s.includes('buffered='))).toBe(
      'HTTP/1.1 101 Switching Protocols\r\n\r\nbuffered=early',
    );
    c.s.write('ping');
    expect(await c.read((s) => s.includes('echo:'))).toBe('echo:ping');
    await c.closed;
  });

  // A write past the buffer leaves a microtask later (one socket write with what follows it);
  // a hijack in between must not overtake it: Go's Hijack flushes its chunk writer first.
  test('hijack after a write past the buffer: the response goes out before the hijacker writes', async () => {
    const body = 'a'.repeat(3000);
    const { port } = await start(backend, (w: ResponseWriter) => {
      w.header().set('Content-Length', String(body.length));
      void w.write(body);
      const raw = (w as unknown as Hijacker).hijack();
      void raw.write('AFTER').then(() => raw.close());
    });
    const c = await client(port);
    c.s.write('GET /ws HTTP/1.1\r\nHost: x\r\n\r\n');
    const out = await c.read((s) => s.endsWith('AFTER'));
    expect(out.startsWith('HTTP/1.1 200 OK\r\n')).toBe(true);
    expect(out.endsWith(`\r\n\r\n${body}AFTER`)).toBe(true);
  });

  test('a client that stops reading stalls the handler, not server memory (backpressure)', async () => {
    const chunk = new Uint8Array(64 * 1024).fill(0x61);
    const total = 256; // chunks: 16 MiB in all, far more than the kernel buffers hold
    let written = 0;
    let finished = false;
    const { port } = await start(backend, async (w: ResponseWriter) => {
      w.header().set('Content-Length', String(total * chunk.length));
      for (let i = 0; i < total; i++) {
        await w.write(chunk);
        written++;
      }
      finished = true;
    });
    const c = await client(port);
    c.s.pause();
    c.s.write('GET /big HTTP/1.1\r\nHost: x\r\n\r\n');
    await Bun.sleep(300);
    // Kernel buffers on both sides hold some of it; the rest must wait for the client.
    expect(finished).toBe(false);
    expect(written).toBeLessThan(total);
    c.s.resume();
    const out = await c.read((s) => s.length >= total * chunk.length);
    expect(finished).toBe(true);
    expect(out.endsWith('a'.repeat(1000))).toBe(true);
  });

  test('ResponseController deadlines: a late response is cut, a slow body read fails', async () => {
    const { port } = await start(backend, async (w: ResponseWriter, r: Request) => {
      const rc = new ResponseController(w);
      rc.enableFullDuplex();
      if (r.url.path === '/write') {
        rc.setWriteDeadline(Date.now() + 50);
        await Bun.sleep(200);
        void w.write('too late');
        return;
      }
      rc.setReadDeadline(Date.now() + 50);
      try {
        await r.text();
        void w.write('read it all');
      } catch (err) {
        w.writeHeader(408);
        void w.write(err instanceof Error ? err.message : 'error');
      }
    });
    const c = await client(port);
    c.s.write('GET /write HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await c.read()).toBe('');
    await c.closed;
    const c2 = await client(port);
    // Declares 10 bytes, sends 2, then nothing.
    c2.s.write('POST /read HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nab');
    const out = await c2.read(completeResponses(1));
    expect(out).toStartWith('HTTP/1.1 408 Request Timeout\r\n');
    expect(out).toContain('Connection: close\r\n');
    expect(out).toEndWith('http: i/o timeout reading request body');
  });

  test('writes and flushes after the client left resolve (never reject), and the context aborts', async () => {
    let outcome: Promise<string> = Promise.resolve('not run');
    const { port } = await start(backend, (w: ResponseWriter, r: Request) => {
      outcome = (async () => {
        try {
          for (let i = 0; i < 200; i++) {
            if (r.context().signal.aborted) return `aborted after ${i}`;
            await w.write(`tick ${i}\n`);
            await Bun.sleep(5);
            await new ResponseController(w).flush();
          }
          return 'never aborted';
        } catch (err) {
          return `rejected: ${err instanceof Error ? err.message : String(err)}`;
        }
      })();
      return outcome.then(() => {});
    });
    const c = await client(port);
    c.s.write('GET /ticks HTTP/1.1\r\nHost: x\r\n\r\n');
    await c.read((s) => s.includes('tick 0'));
    c.s.destroy();
    expect(await outcome).toMatch(/^aborted after \d+$/);
  });

  test('connState reports new → active → idle → closed', async () => {
    const states: ConnState[] = [];
    const { port } = await start(backend, hello, { connState: (_c, s) => states.push(s) });
    const c = await client(port);
    c.s.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await c.read(completeResponses(1));
    await Bun.sleep(10);
    c.s.end();
    await c.closed;
    const deadline = Date.now() + 2000;
    while (states.at(-1) !== 'closed' && Date.now() < deadline) await Bun.sleep(5);
    expect(states).toEqual(['new', 'active', 'idle', 'closed']);
  });

  test('fetch() from the runtime talks to it', async () => {
    const { port } = await start(backend, async (w: ResponseWriter, r: Request) => {
      w.header().set('Content-Type', 'application/json');
      void w.write(JSON.stringify({ method: r.method, body: await r.text(), host: r.host }));
    });
    const res = await fetch(`http://127.0.0.1:${port}/p`, { method: 'PUT', body: 'data' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ method: 'PUT', body: 'data', host: `127.0.0.1:${port}` });
  });
});

describe.each(backends)('%s backend: the Server (Go Server)', (backend) => {
  // Go: a request's context descends from BaseContext(listener), then ConnContext(ctx, conn),
  // and carries ServerContextKey (the *Server) and LocalAddrContextKey (the local address).
  test('baseContext and connContext are the ancestors of every request context', async () => {
    const base = createKey<string>('base');
    const perConn = createKey<string>('conn');
    const seenListeners: unknown[] = [];
    const { srv, port } = await start(
      backend,
      (w: ResponseWriter, r: Request) => {
        const ctx = r.context();
        void w.write(
          [
            ctx.value(base),
            ctx.value(perConn),
            ctx.value(ServerContextKey) === srv,
            ctx.value(LocalAddrContextKey),
          ].join('|'),
        );
      },
      {
        baseContext: (l) => {
          seenListeners.push(l);
          return Context.background().withValue(base, 'from-base');
        },
        connContext: (ctx, conn) => ctx.withValue(perConn, `conn ${conn.remoteAddr}`),
      },
    );
    const c = await client(port);
    c.s.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const out = await c.read(completeResponses(1));
    const local = `127.0.0.1:${port}`;
    const remote = `127.0.0.1:${c.s.localPort}`;
    expect(out).toEndWith(`from-base|conn ${remote}|true|${local}`);
    expect(seenListeners).toHaveLength(1);
  });

  test('a baseContext that returns no Context makes serve() reject and close the listener', async () => {
    const { port, served } = await start(backend, () => {}, {
      baseContext: () => ({}) as unknown as Context,
    });
    const err = await served;
    const refused = await new Promise<boolean>((resolve) => {
      const s = connect({ port, host: '127.0.0.1' });
      s.once('connect', () => {
        s.destroy();
        resolve(false);
      });
      s.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).message).toBe(
      'http: Server.baseContext returned something that is not a Context',
    );
  });

  test('a connContext that returns no Context ends serve() and closes that connection', async () => {
    const { port, served } = await start(backend, () => {}, {
      connContext: () => null as unknown as Context,
    });
    const c = await client(port);
    c.s.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await c.read()).toBe('');
    await c.closed;
    const err = await served;
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).message).toBe(
      'http: Server.connContext returned something that is not a Context',
    );
  });

  // Go: RegisterOnShutdown's functions run (each in its own goroutine) when Shutdown starts.
  test('registerOnShutdown: each function runs once when shutdown starts', async () => {
    const { srv } = await start(backend, () => {});
    const calls: string[] = [];
    srv.registerOnShutdown(() => calls.push('a'));
    srv.registerOnShutdown(() => calls.push('b'));
    expect(calls).toEqual([]);
    await srv.shutdown();
    expect(calls.sort()).toEqual(['a', 'b']);
    expect(() => srv.registerOnShutdown(42 as unknown as () => void)).toThrow(
      new TypeError('http: registerOnShutdown needs a function'),
    );
  });

  test('shutdown closes idle connections, lets active ones finish, and serve rejects ErrServerClosed', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const { srv, port, served } = await start(backend, async (w: ResponseWriter, r: Request) => {
      if (r.url.path === '/slow') await gate;
      void w.write('done');
    });
    const idle = await client(port);
    idle.s.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await idle.read(completeResponses(1));
    const busy = await client(port);
    busy.s.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n');
    await Bun.sleep(20);
    let finished = false;
    const down = srv.shutdown().then(() => {
      finished = true;
    });
    await idle.closed;
    await Bun.sleep(20);
    expect(finished).toBe(false);
    release();
    const out = await busy.read();
    expect(out).toContain('Connection: close\r\n');
    expect(out).toEndWith('done');
    await down;
    expect(await served).toBe(ErrServerClosed);
    // No new connections after shutdown.
    await expect(client(port)).rejects.toThrow();
  });

  test('graceful shutdown under load: every request the server started is answered whole', async () => {
    let handled = 0;
    const { srv, port } = await start(backend, async (w: ResponseWriter) => {
      handled++;
      await Bun.sleep(2);
      void w.write('x'.repeat(100));
    });
    let completed = 0;
    const stop = Date.now() + 3000;
    // Twenty keep-alive clients, each sending the next request as soon as a response is whole.
    const clients = Array.from({ length: 20 }, async () => {
      const c = await client(port).catch(() => undefined);
      if (c === undefined) return;
      while (Date.now() < stop) {
        c.s.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
        const out = await c.read(completeResponses(1)).catch(() => '');
        if (!out.endsWith('x'.repeat(100))) return; // closed by the shutdown before a request
        completed++;
        if (out.includes('Connection: close')) return;
      }
    });
    await Bun.sleep(150);
    await srv.shutdown();
    await Promise.all(clients);
    expect(handled).toBeGreaterThan(20);
    expect(completed).toBe(handled);
  });

  test('shutdown rejects when its signal aborts first, and close() ends everything', async () => {
    const { srv, port } = await start(backend, () => new Promise<void>(() => {}));
    const c = await client(port);
    c.s.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await Bun.sleep(20);
    const ac = new AbortController();
    const down = srv.shutdown(ac.signal);
    ac.abort(new Error('deadline'));
    await expect(down).rejects.toThrow('deadline');
    await srv.close();
    await c.closed;
  });

  test('a slow or partial head is cut off by readHeaderTimeout (Slowloris)', async () => {
    const { port } = await start(backend, hello, { readHeaderTimeout: 100 });
    const c = await client(port);
    const t0 = Date.now();
    c.s.write('GET / HTTP/1.1\r\nHost: x\r\n'); // no end of head, ever
    await c.closed;
    const waited = Date.now() - t0;
    expect(waited).toBeGreaterThanOrEqual(90);
    expect(waited).toBeLessThan(2000);
  });

  test('an idle keep-alive connection is closed after idleTimeout', async () => {
    const { port } = await start(backend, hello, { idleTimeout: 100, readHeaderTimeout: 5000 });
    const c = await client(port);
    c.s.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await c.read(completeResponses(1));
    const t0 = Date.now();
    await c.closed;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(90);
  });

  test('disableKeepAlives closes after each response', async () => {
    const { port } = await start(backend, hello, { disableKeepAlives: true });
    const c = await client(port);
    c.s.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await c.read()).toContain('Connection: close\r\n');
    await c.closed;
  });
});

describe('Server without the network', () => {
  test('a server without a handler says what to do', async () => {
    const srv = new Server({ addr: '127.0.0.1:0' });
    await expect(srv.listenAndServe()).rejects.toThrow(
      'http: Server has no handler; pass { handler } (servemux.listenAndServe serves DefaultServeMux)',
    );
  });

  test('a handler that is neither a function nor a Handler is a TypeError naming it', () => {
    expect(() => new Server({ handler: 42 as unknown as HandlerLike })).toThrow(
      'http: Server handler must be a function (w, r) => … or an object with serveHTTP(w, r), got number 42',
    );
  });

  // Go's Serve: tempDelay 5 ms, doubled, capped at 1 s; net.Error.Temporary() covers the
  // resource-exhaustion errnos and ECONNABORTED (a peer gone before accept).
  test.each([
    [0, 5],
    [5, 10],
    [320, 640],
    [640, 1000],
    [1000, 1000],
  ])('the back-off after %p ms is %p ms', (last, next) => {
    expect(acceptBackoff(last)).toBe(next);
  });

  test.each([
    ['EMFILE', true],
    ['ENFILE', true],
    ['ENOBUFS', true],
    ['ENOMEM', true],
    ['ECONNABORTED', true],
    ['EAGAIN', true],
    ['EINVAL', false],
    ['EBADF', false],
    [undefined, false],
  ])('accept error %p is temporary: %p', (code, temporary) => {
    expect(isTemporary(Object.assign(new Error('accept'), { code }))).toBe(temporary);
  });

  test('temporary accept errors back off 5 ms doubling to 1 s, logged like Go', async () => {
    const logs: string[] = [];
    const srv = new Server({ handler: hello, errorLog: (m) => logs.push(m) });
    let calls = 0;
    const err = Object.assign(new Error('accept: too many open files'), { code: 'EMFILE' });
    const fatal = Object.assign(new Error('accept: invalid argument'), { code: 'EINVAL' });
    const times: number[] = [];
    const fake = {
      accept: async () => {
        times.push(Date.now());
        calls++;
        throw calls <= 4 ? err : fatal;
      },
      close: async () => {},
      addr: () => ({
        network: 'tcp' as const,
        host: '127.0.0.1',
        port: 1,
        toString: () => '127.0.0.1:1',
      }),
    };
    await expect(srv.serve(fake)).rejects.toBe(fatal);
    expect(logs).toEqual([
      'http: Accept error: accept: too many open files; retrying in 5ms',
      'http: Accept error: accept: too many open files; retrying in 10ms',
      'http: Accept error: accept: too many open files; retrying in 20ms',
      'http: Accept error: accept: too many open files; retrying in 40ms',
    ]);
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
    const waited = [5, 10, 20, 40];
    // Each retry came no sooner than its back-off (1 ms of timer slack allowed).
    expect(gaps.map((g, i) => g >= (waited[i] ?? 0) - 1)).toEqual([true, true, true, true]);
  });
});
