import { afterAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listen, Server } from '@servehttp/core-listener';
import { z } from 'zod';
import type { Context } from './context.ts';
import { Engine } from './engine.ts';
import './gin.test-util.ts';

// What only the wire can prove, over both socket backends of core-listener's real server:
// file serving with Range and conditional requests, c.stream/SSE flushing and client-gone,
// hijack, the streaming multipart limit on a chunked body, and Content-Length of c.data.
const root = mkdtempSync(join(tmpdir(), 'gin-wire-'));
const big = new Uint8Array(300_000).map((_, i) => (i * 7) % 251);
writeFileSync(join(root, 'a.txt'), '0123456789abcdefghij');
writeFileSync(join(root, 'big.bin'), big);
const modtime = new Date('2024-01-02T03:04:05Z');
utimesSync(join(root, 'a.txt'), modtime, modtime);
const lastModified = 'Tue, 02 Jan 2024 03:04:05 GMT';

function app() {
  let releaseSSE: () => void = () => {};
  const sseGate = new Promise<void>((r) => {
    releaseSSE = r;
  });
  let streamGone: (gone: boolean) => void = () => {};
  const streamResult = new Promise<boolean>((r) => {
    streamGone = r;
  });
  const r = new Engine({ maxMultipartMemory: 1024 });
  r.static('/static', root);
  r.get('/events', async (c) => {
    await c.sseEvent('first', 'one');
    await c.writer.flush();
    await sseGate;
    await c.sseEvent('second', { n: 2 });
  });
  r.get('/forever', async (c) => {
    let i = 0;
    // Bounded by the client: it hangs up after the first chunk, which aborts the context.
    streamGone(
      await c.stream(async (w) => {
        await w.write(`tick ${i++}\n`);
        await new Promise((res) => setTimeout(res, 5));
        return i < 2000;
      }),
    );
  });
  r.get('/upgrade', async (c: Context) => {
    const raw = c.writer.hijack();
    await raw.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n',
    );
    const chunk =
      raw.buffered.length > 0 ? raw.buffered : (await raw[Symbol.asyncIterator]().next()).value;
    await raw.write(chunk ?? new Uint8Array());
    raw.close();
  });
  r.post('/upload', async (c) => {
    const v = await c.bind(z.object({ name: z.string() }));
    if (v !== undefined) await c.string(200, 'bound %s', v.name);
  });
  // binding.Default picks the decoder from Content-Type; Negotiate picks the encoder from Accept.
  r.post('/echo', async (c) => {
    const v = await c.bind(z.object({ name: z.string() }));
    if (v === undefined) return;
    await c.negotiate(200, {
      offered: ['application/json', 'application/xml', 'application/x-yaml', 'application/toml'],
      data: v,
    });
  });
  r.get('/data', (c) =>
    c.data(200, 'application/octet-stream', new Uint8Array(Number(c.query('size')))),
  );
  return { engine: r, releaseSSE, streamResult };
}

/** A raw client: write bytes, read until a predicate holds or the peer closes. */
function client(port: number) {
  return new Promise<{ s: Socket; read: (until: (s: string) => boolean) => Promise<string> }>(
    (resolve, reject) => {
      const s = connect({ port, host: '127.0.0.1' });
      let buf = '';
      let ended = false;
      let waiter: (() => void) | undefined;
      s.on('data', (d: Buffer) => {
        buf += d.toString('latin1');
        waiter?.();
      });
      s.on('end', () => {
        ended = true;
        waiter?.();
      });
      s.on('error', () => {});
      const read = (until: (x: string) => boolean) =>
        new Promise<string>((res, rej) => {
          const timer = setTimeout(
            () => rej(new Error(`timeout; got ${JSON.stringify(buf)}`)),
            3000,
          );
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
      s.once('connect', () => resolve({ s, read }));
      s.once('error', reject);
    },
  );
}

const head = (s: string) => s.slice(0, s.indexOf('\r\n\r\n'));
const headerOf = (s: string, name: string): string =>
  new RegExp(`\r\n${name}: ([^\r]*)`, 'i').exec(head(s))?.[1] ?? '';
const complete = (s: string) => {
  const i = s.indexOf('\r\n\r\n');
  if (i === -1) return false;
  const cl = headerOf(s, 'Content-Length');
  return cl !== '' ? s.length - i - 4 >= Number(cl) : s.endsWith('0\r\n\r\n');
};

for (const backend of ['bun', 'node'] as const) {
  describe(`gin-router on the wire (${backend} backend)`, () => {
    let port = 0;
    let srv: Server;
    const { engine, releaseSSE, streamResult } = app();
    const sockets: Socket[] = [];
    const ready = (async () => {
      srv = new Server({ handler: engine, errorLog: () => {} });
      const l = await listen('tcp', '127.0.0.1:0', { backend });
      port = l.addr().port;
      void srv.serve(l).catch(() => {});
    })();
    afterAll(async () => {
      for (const s of sockets) s.destroy();
      await srv.close();
    });
    const open = async () => {
      await ready;
      const c = await client(port);
      sockets.push(c.s);
      return c;
    };
    const get = async (path: string, headers: Record<string, string> = {}, method = 'GET') => {
      const { s, read } = await open();
      const extra = Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('');
      s.write(`${method} ${path} HTTP/1.1\r\nHost: x\r\n${extra}Connection: close\r\n\r\n`);
      const res = await read(() => false);
      return {
        res,
        status: Number(res.slice(9, 12)),
        body: res.slice(res.indexOf('\r\n\r\n') + 4),
      };
    };

    // Go fs_test.go TestServeFile… over the wire.
    const fileRows: {
      name: string;
      method?: string;
      path: string;
      headers?: Record<string, string>;
      status: number;
      body?: string;
      header?: Record<string, string>;
    }[] = [
      {
        name: 'whole file',
        path: '/static/a.txt',
        status: 200,
        body: '0123456789abcdefghij',
        header: { 'Content-Length': '20', 'Accept-Ranges': 'bytes', 'Last-Modified': lastModified },
      },
      {
        name: 'Range',
        path: '/static/a.txt',
        headers: { Range: 'bytes=2-5' },
        status: 206,
        body: '2345',
        header: { 'Content-Range': 'bytes 2-5/20', 'Content-Length': '4' },
      },
      {
        name: 'unsatisfiable Range',
        path: '/static/a.txt',
        headers: { Range: 'bytes=99-' },
        status: 416,
        body: 'invalid range: failed to overlap\n',
        header: { 'Content-Range': 'bytes */20' },
      },
      {
        name: 'If-Modified-Since',
        path: '/static/a.txt',
        headers: { 'If-Modified-Since': lastModified },
        status: 304,
        body: '',
        header: { 'Content-Length': '', 'Last-Modified': lastModified },
      },
      {
        name: 'If-Range matching the date',
        path: '/static/a.txt',
        headers: { Range: 'bytes=0-0', 'If-Range': lastModified },
        status: 206,
        body: '0',
      },
      {
        name: 'HEAD',
        method: 'HEAD',
        path: '/static/a.txt',
        status: 200,
        body: '',
        header: { 'Content-Length': '20' },
      },
      { name: 'missing: 404 through noRoute', path: '/static/nope', status: 404, body: '' },
    ];
    test.each(fileRows)('file: $name', async (row) => {
      const { res, status, body } = await get(row.path, row.headers, row.method);
      expect(status).toBe(row.status);
      if (row.body !== undefined) expect(body).toBe(row.body);
      for (const [k, v] of Object.entries(row.header ?? {}))
        expect([k, headerOf(res, k)]).toEqual([k, v]);
    });

    test('file: a 300 kB file and a range of it arrive intact', async () => {
      await ready;
      const whole = new Uint8Array(
        await (await fetch(`http://127.0.0.1:${port}/static/big.bin`)).arrayBuffer(),
      );
      expect(whole).toEqual(big);
      const part = await fetch(`http://127.0.0.1:${port}/static/big.bin`, {
        headers: { Range: 'bytes=100000-100099' },
      });
      expect(part.status).toBe(206);
      expect(new Uint8Array(await part.arrayBuffer())).toEqual(big.subarray(100000, 100100));
    });

    test('file: several ranges are one multipart/byteranges body of the announced length', async () => {
      const { res, status, body } = await get('/static/a.txt', { Range: 'bytes=0-1,18-' });
      expect(status).toBe(206);
      const boundary = /boundary=(\w+)/.exec(headerOf(res, 'Content-Type'))?.[1] ?? '';
      expect(Number(headerOf(res, 'Content-Length'))).toBe(body.length);
      expect(body).toBe(
        `--${boundary}\r\nContent-Range: bytes 0-1/20\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n01\r\n` +
          `--${boundary}\r\nContent-Range: bytes 18-19/20\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nij\r\n--${boundary}--\r\n`,
      );
    });

    // context_test.go TestContextRenderSSE + Stream: the first event is on the wire while the
    // handler is still waiting.
    test('sseEvent + flush: the first event arrives before the handler ends', async () => {
      const { s, read } = await open();
      s.write('GET /events HTTP/1.1\r\nHost: x\r\n\r\n');
      const first = await read((b) => b.includes('data:one\n\n'));
      expect(head(first)).toContain('Content-Type: text/event-stream');
      expect(head(first)).toContain('Cache-Control: no-cache');
      expect(head(first)).toContain('Transfer-Encoding: chunked');
      releaseSSE();
      const rest = await read((b) => b.endsWith('0\r\n\r\n'));
      expect(rest).toContain('event:second\ndata:{"n":2}\n\n');
    });

    // TestContextStreamWithClientGone: a client that hangs up stops the stream with `true`.
    test('stream: the client hanging up ends the loop with true', async () => {
      const { s, read } = await open();
      s.write('GET /forever HTTP/1.1\r\nHost: x\r\n\r\n');
      await read((b) => b.includes('tick 0'));
      s.destroy();
      const gone = await Promise.race([
        streamResult,
        Bun.sleep(3000).then(() => 'still streaming'),
      ]);
      expect(gone).toBe(true);
    });

    // response_writer_test.go Hijack on a writer that can: the connection is the handler's.
    test('hijack: a raw 101 and an echo', async () => {
      const { s, read } = await open();
      s.write('GET /upgrade HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n');
      const got101 = await read((b) => b.includes('\r\n\r\n'));
      expect(got101.startsWith('HTTP/1.1 101 Switching Protocols\r\n')).toBe(true);
      s.write('ping');
      expect(await read((b) => b.includes('ping'))).toBe('ping');
    });

    // The "oversized multipart is 413": a chunked body announces no length, so the limit
    // (maxMultipartMemory = 1 KiB here) is enforced while reading.
    test('multipart: a chunked body past maxMultipartMemory is 413; a small one binds', async () => {
      const part = (n: number) =>
        `--B\r\nContent-Disposition: form-data; name="name"\r\n\r\n${'x'.repeat(n)}\r\n--B--\r\n`;
      const chunked = (body: string) => {
        let out = '';
        for (let i = 0; i < body.length; i += 500) {
          const c = body.slice(i, i + 500);
          out += `${c.length.toString(16)}\r\n${c}\r\n`;
        }
        return `${out}0\r\n\r\n`;
      };
      for (const [n, want, text] of [
        [4000, 413, ''],
        [10, 200, `bound ${'x'.repeat(10)}`],
      ] as const) {
        const { s, read } = await open();
        s.write(
          `POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=B\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${chunked(part(n))}`,
        );
        const res = await read(complete);
        expect([Number(res.slice(9, 12)), res.slice(res.indexOf('\r\n\r\n') + 4)]).toEqual([
          want,
          text,
        ]);
      }
    });

    // The formats end to end: a body in each format binds, and Accept picks the answer's format.
    test.each([
      { ct: 'application/xml', body: '<user><name>gin</name></user>', accept: 'application/toml' },
      { ct: 'text/xml', body: '<u><name>gin</name></u>', accept: 'application/x-yaml' },
      { ct: 'application/yaml', body: 'name: gin', accept: 'application/xml' },
      { ct: 'application/toml', body: "name = 'gin'", accept: '*/*' },
      {
        ct: 'application/xml',
        body: '<!DOCTYPE u [<!ENTITY a "gin">]><u><name>&a;</name></u>',
        accept: '*/*',
      },
    ])('formats: $ct in, Accept $accept out', async (row) => {
      await ready;
      const res = await fetch(`http://127.0.0.1:${port}/echo`, {
        method: 'POST',
        headers: { 'Content-Type': row.ct, Accept: row.accept },
        body: row.body,
      });
      const expected: Record<string, [number, string, string]> = {
        'application/toml': [200, 'application/toml; charset=utf-8', "name = 'gin'\n"],
        'application/x-yaml': [200, 'application/yaml; charset=utf-8', 'name: gin\n'],
        'application/xml': [200, 'application/xml; charset=utf-8', '<map><name>gin</name></map>'],
        '*/*': [200, 'application/json; charset=utf-8', '{"name":"gin"}'],
      };
      // A DTD entity is never expanded: gin (Go's decoder) answers 400 with an empty body, and
      // an empty body gets no sniffed Content-Type.
      const want = row.body.includes('ENTITY') ? [400, '', ''] : expected[row.accept];
      expect([res.status, res.headers.get('Content-Type') ?? '', await res.text()]).toEqual(
        want as [number, string, string],
      );
    });

    // render_test.go TestRenderDataContentLength: the length is announced for every size.
    test.each([0, 1, 100, 100_000])('data: Content-Length for %d bytes', async (size) => {
      await ready;
      const res = await fetch(`http://127.0.0.1:${port}/data?size=${size}`);
      expect(res.headers.get('Content-Type')).toBe('application/octet-stream');
      expect(res.headers.get('Content-Length')).toBe(String(size));
      expect((await res.arrayBuffer()).byteLength).toBe(size);
    });
  });
}

afterAll(() => rmSync(root, { recursive: true, force: true }));
