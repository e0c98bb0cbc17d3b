import { afterAll, afterEach, describe, expect, test } from 'bun:test';
import { ErrContentLength, ErrNotSupported } from './errors.ts';
import {
  type ClientRequest,
  type ClientResponse,
  closeClientSessions,
  type DualServer,
  type Mode,
  request,
  startDual,
} from './h2.test-util.ts';
import type { HandlerLike } from './handler.ts';
import type { Request } from './request.ts';
import { type Flusher, ResponseController, type ResponseWriter } from './response.ts';
import { expectNothingOpen } from './settled.test-util.ts';

// One table of handler behaviours, run over HTTP/1.1 (clear and TLS) and HTTP/2 (TLS with ALPN
// h2, and h2c by prior knowledge), on both socket backends. What each row expects is what Go's
// net/http does on both protocols: server.go's response/chunkWriter for HTTP/1 and
// h2_bundle.go's responseWriterState.writeChunk for HTTP/2 (buffer, then Content-Length when
// the handler returns within the buffer; sniffed Content-Type; HEAD framed but bodiless;
// 1xx any number of times before the final status; trailers declared or `Trailer:`-prefixed).

const backends = ['bun', 'node'] as const;
const modes: Mode[] = ['h1', 'h1-tls', 'h2', 'h2c'];

const servers: DualServer[] = [];

afterEach(async () => {
  closeClientSessions();
  for (const d of servers.splice(0)) await d.srv.close();
});

afterAll(async () => {
  await expectNothingOpen(3000, 10);
});

async function dual(handler: HandlerLike, backend: 'bun' | 'node', opts = {}): Promise<DualServer> {
  const d = await startDual(handler, backend, opts);
  servers.push(d);
  return d;
}

const bigBody = 'x'.repeat(300 * 1024);

interface Row {
  name: string;
  handler: (w: ResponseWriter, r: Request) => void | Promise<void>;
  req?: ClientRequest;
  status: number;
  body?: string;
  bytes?: number;
  headers?: Record<string, string>;
  absent?: string[];
  trailers?: Record<string, string>;
  informational?: number[];
  continued?: boolean;
}

const rows: Row[] = [
  {
    name: 'status, header and body; Content-Length when the handler returns within the buffer',
    handler: (w) => {
      w.header().set('X-A', '1');
      w.writeHeader(201);
      w.write('made');
    },
    status: 201,
    body: 'made',
    headers: { 'x-a': '1', 'content-length': '4', 'content-type': 'text/plain; charset=utf-8' },
  },
  {
    // Go's WriteHeader clones the header (h2: rws.snapHeader): what the handler changes later
    // is not in the response, on either protocol.
    name: 'the header is taken at writeHeader: later changes are not sent',
    handler: (w) => {
      w.header().set('X-A', '1');
      w.header().set('Content-Type', 'application/json');
      w.writeHeader(202);
      w.header().set('X-A', '2');
      w.header().set('X-B', '3');
      w.header().del('Content-Type');
      w.write('{}');
    },
    status: 202,
    body: '{}',
    headers: { 'x-a': '1', 'content-type': 'application/json', 'content-length': '2' },
    absent: ['x-b'],
  },
  {
    name: 'Content-Type sniffed from the first bytes',
    handler: (w) => void w.write('<html><body>hi'),
    status: 200,
    headers: { 'content-type': 'text/html; charset=utf-8' },
  },
  {
    name: 'a Content-Type the handler set is kept',
    handler: (w) => {
      w.header().set('Content-Type', 'application/json');
      w.write('{}');
    },
    status: 200,
    body: '{}',
    headers: { 'content-type': 'application/json' },
  },
  {
    name: 'an empty handler is 200 with Content-Length 0 and no Content-Type',
    handler: () => {},
    status: 200,
    body: '',
    headers: { 'content-length': '0' },
    absent: ['content-type'],
  },
  {
    name: 'HEAD: framed as the GET would be, no body bytes',
    handler: (w) => void w.write('hello'),
    req: { method: 'HEAD' },
    status: 200,
    body: '',
    headers: { 'content-length': '5' },
  },
  {
    name: '204 has no body and no Content-Length',
    handler: (w) => w.writeHeader(204),
    status: 204,
    body: '',
    absent: ['content-length'],
  },
  {
    name: '103 Early Hints twice, then 200; the hints carry the header set so far',
    handler: (w) => {
      w.header().set('Link', '</a.css>; rel=preload');
      w.writeHeader(103);
      w.header().add('Link', '</b.js>; rel=preload');
      w.writeHeader(103);
      w.write('page');
    },
    status: 200,
    body: 'page',
    informational: [103, 103],
    headers: { link: '</a.css>; rel=preload, </b.js>; rel=preload' },
  },
  {
    name: 'trailers declared with the Trailer header',
    handler: (w) => {
      w.header().set('Trailer', 'X-Sum');
      w.write('body');
      w.header().set('X-Sum', '42');
    },
    status: 200,
    body: 'body',
    trailers: { 'x-sum': '42' },
  },
  {
    name: 'trailers set with the Trailer: prefix after the body (Go: TrailerPrefix)',
    handler: async (w) => {
      w.write('a');
      await (w as unknown as Flusher).flush();
      w.header().set('Trailer:X-Late', 'v');
    },
    status: 200,
    body: 'a',
    trailers: { 'x-late': 'v' },
  },
  {
    name: 'a body larger than the buffer streams without Content-Length',
    handler: async (w) => {
      for (let i = 0; i < 300; i++) await w.write(bigBody.slice(i * 1024, (i + 1) * 1024));
    },
    status: 200,
    bytes: bigBody.length,
    absent: ['content-length'],
  },
  {
    name: 'a declared Content-Length is sent as is',
    handler: async (w) => {
      w.header().set('Content-Length', String(bigBody.length));
      await w.write(bigBody);
    },
    status: 200,
    bytes: bigBody.length,
    headers: { 'content-length': String(bigBody.length) },
  },
  {
    name: 'the request body is streamed to the handler',
    handler: async (w, r) => {
      let n = 0;
      for await (const c of r) n += c.length;
      w.write(`${r.method} ${n} ${r.contentLength}`);
    },
    req: { method: 'POST', body: bigBody, headers: { 'content-length': String(bigBody.length) } },
    status: 200,
    body: `POST ${bigBody.length} ${bigBody.length}`,
  },
  {
    name: 'Expect: 100-continue — the 100 goes out when the handler reads the body',
    handler: async (w, r) => w.write(`got ${await r.text()}`),
    req: { method: 'PUT', body: 'payload', expectContinue: true },
    status: 200,
    body: 'got payload',
    continued: true,
  },
  {
    name: 'the request header reaches the handler; Host is r.host',
    handler: (w, r) =>
      void w.write(`${r.header.get('X-In')}|${r.header.has('Host')}|${r.host !== ''}`),
    req: { headers: { 'x-in': 'v1' } },
    status: 200,
    body: 'v1|false|true',
  },
  {
    name: 'path and query',
    handler: (w, r) => void w.write(`${r.url.path}?${r.url.query().get('q')}`),
    req: { path: '/a%20b?q=1' },
    status: 200,
    body: '/a b?1',
  },
];

function check(row: Row, res: ClientResponse): void {
  expect(res.status).toBe(row.status);
  if (row.body !== undefined) expect(res.body).toBe(row.body);
  if (row.bytes !== undefined) expect(res.bytes).toBe(row.bytes);
  if (row.headers !== undefined) expect(res.headers).toMatchObject(row.headers);
  for (const h of row.absent ?? []) expect(res.headers[h]).toBeUndefined();
  if (row.trailers !== undefined) expect(res.trailers).toMatchObject(row.trailers);
  if (row.informational !== undefined) {
    expect(res.informational.map((i) => i.status)).toEqual(row.informational);
    expect(res.informational[0]?.headers.link).toBe('</a.css>; rel=preload');
  }
  if (row.continued !== undefined) expect(res.continued).toBe(row.continued);
}

describe.each(backends)('%s backend', (backend) => {
  test.each(rows)('$name', async (row) => {
    const d = await dual(row.handler, backend);
    for (const mode of modes) {
      const res = await request(mode, d, row.req);
      try {
        check(row, res);
      } catch (err) {
        throw new Error(`${mode}: ${(err as Error).message}`);
      }
    }
  });

  test('r.proto, protoMajor, protoMinor and the negotiated protocol per mode', async () => {
    const d = await dual(
      (w, r) =>
        void w.write(
          `${r.proto} ${r.protoMajor}.${r.protoMinor} ${r.tls === undefined ? 'clear' : (r.tls.negotiatedProtocol ?? 'no ALPN')}`,
        ),
      backend,
    );
    const got: Record<string, string> = {};
    for (const mode of modes) got[mode] = (await request(mode, d)).body;
    expect(got).toEqual({
      h1: 'HTTP/1.1 1.1 clear',
      // node's https client offers no ALPN: HTTP/1.1, as Go serves a client without it.
      'h1-tls': 'HTTP/1.1 1.1 no ALPN',
      h2: 'HTTP/2.0 2.0 h2',
      h2c: 'HTTP/2.0 2.0 clear',
    });
  });

  test('flush sends what is buffered at once (SSE): the second event waits for the first', async () => {
    let gotFirst: () => void = () => {};
    const d = await dual(async (w) => {
      w.header().set('Content-Type', 'text/event-stream');
      w.write('data: 1\n\n');
      await new ResponseController(w).flush();
      const seen = new Promise<void>((resolve) => {
        gotFirst = resolve;
      });
      // Bounded: if flush did not send, the client never sees the first event.
      const ok = await Promise.race([seen.then(() => true), Bun.sleep(2000).then(() => false)]);
      w.write(ok ? 'data: 2\n\n' : 'data: timeout\n\n');
    }, backend);
    for (const mode of modes) {
      let first = true;
      const res = await request(mode, d, {
        onData: () => {
          if (first) gotFirst();
          first = false;
        },
      });
      expect(`${mode} ${res.body}`).toBe(`${mode} data: 1\n\ndata: 2\n\n`);
      expect(res.headers['content-length']).toBeUndefined();
    }
  });

  test("the request's AbortSignal fires when the client resets the stream or leaves", async () => {
    const aborted: string[] = [];
    let onAbort: () => void = () => {};
    const d = await dual(async (w, r) => {
      w.writeHeader(200);
      await (w as unknown as Flusher).flush();
      const signal = r.context().signal;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 3000);
        signal.addEventListener('abort', () => {
          clearTimeout(t);
          aborted.push(r.proto);
          resolve();
          onAbort();
        });
      });
    }, backend);
    for (const mode of modes) {
      const done = new Promise<void>((resolve) => {
        onAbort = resolve;
      });
      await request(mode, d, { abortAfterHead: true });
      await Promise.race([done, Bun.sleep(3000)]);
    }
    expect(aborted).toEqual(['HTTP/1.1', 'HTTP/1.1', 'HTTP/2.0', 'HTTP/2.0']);
  });

  test('hijack over HTTP/2 throws ErrNotSupported (Go: no Hijacker on http2responseWriter)', async () => {
    const d = await dual((w) => {
      let got = 'hijacked';
      try {
        new ResponseController(w).hijack().close();
      } catch (err) {
        got = err === ErrNotSupported ? 'ErrNotSupported' : String(err);
      }
      if (got !== 'hijacked') w.write(got);
    }, backend);
    expect((await request('h2', d)).body).toBe('ErrNotSupported');
    expect((await request('h2c', d)).body).toBe('ErrNotSupported');
  });

  // Text past the buffer is counted in code units (a lower bound) rather than UTF-8 bytes: the
  // body must still arrive whole, bytes and text joined, with no Content-Length (Go: none once
  // a write overflows the buffer before the handler returns), and a declared one still binds.
  test.each([
    { name: 'bytes then long non-ASCII text', declared: '', ok: true },
    { name: 'long non-ASCII text, Content-Length declared exactly', declared: '10001', ok: true },
    { name: 'long non-ASCII text past a declared Content-Length', declared: '9000', ok: false },
  ])('over HTTP/2: $name', async ({ declared, ok }) => {
    const text = 'é'.repeat(5000);
    let thrown: unknown;
    const d = await dual((w) => {
      if (declared !== '') w.header().set('Content-Length', declared);
      try {
        void w.write(new TextEncoder().encode('a'));
        void w.write(text);
      } catch (err) {
        thrown = err;
      }
    }, backend);
    const res = await request('h2', d).catch(() => undefined);
    if (!ok) {
      expect(thrown).toBe(ErrContentLength);
      return;
    }
    expect(thrown).toBeUndefined();
    expect(res?.body).toBe(`a${text}`);
    expect(res?.bytes).toBe(10_001);
    expect(res?.headers['content-length']).toBe(declared === '' ? undefined : declared);
  });

  test('writing past a declared Content-Length throws ErrContentLength over HTTP/2', async () => {
    let thrown: unknown;
    const d = await dual((w) => {
      w.header().set('Content-Length', '3');
      try {
        w.write('abcdef');
      } catch (err) {
        thrown = err;
      }
    }, backend);
    await request('h2', d).catch(() => undefined);
    expect(thrown).toBe(ErrContentLength);
  });

  test('a handler that throws resets its stream; the connection serves the next one', async () => {
    const d = await dual((w, r) => {
      if (r.url.path === '/boom') throw new Error('boom');
      w.write('fine');
    }, backend);
    for (const mode of ['h2', 'h2c'] as const) {
      const err = await request(mode, d, { path: '/boom' }).then(
        () => 'answered',
        (e: Error) => e.message,
      );
      expect(err).toMatch(/INTERNAL_ERROR|code 2/);
      expect((await request(mode, d, { path: '/ok' })).body).toBe('fine');
    }
    expect(d.logs.some((l) => l.includes('http2: panic serving') && l.includes('boom'))).toBe(true);
  });
});
