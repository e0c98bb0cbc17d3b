import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listen } from '../net.ts';
import type { Request } from '../request.ts';
import { ResponseController, type ResponseWriter } from '../response.ts';
import { Server } from '../server.ts';
import { expectNothingOpen } from '../settled.test-util.ts';
import { have, runTool } from '../tools.test-util.ts';
import { type ClientReport, goClient, nodeClient, pythonClient } from './clients.test-util.ts';

// The clients people point at a server, run against it over both socket backends: curl,
// ApacheBench, wrk, h2load (HTTP/1.1, pipelined), Python's http.client, Go's net/http client,
// Node's http client and fetch. Each must get what it asked for, with keep-alive, Expect:
// 100-continue, chunked uploads and chunked (flushed) answers. A tool that is not installed
// skips its rows with the reason (scripts/system-deps.sh installs them in CI).

const backends = ['bun', 'node'] as const;
const servers: Server[] = [];

afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  await expectNothingOpen();
});

// 300 KiB of every byte value: more than one read and one socket buffer, not text.
const upload = Buffer.alloc(300 * 1024);
for (let i = 0; i < upload.length; i++) upload[i] = (i * 7 + (i >> 10)) & 0xff;
const echoed = `${upload.length} ${createHash('sha256').update(upload).digest('hex')}`;
const big = 'x'.repeat(1 << 20);

let dir = '';
let bodyFile = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'servehttp-clients-'));
  bodyFile = join(dir, 'body.bin');
  await writeFile(bodyFile, upload);
  await writeFile(join(dir, 'client.go'), goClient);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function handler(w: ResponseWriter, r: Request): Promise<void> {
  switch (r.url.path) {
    case '/hello':
      w.header().set('Content-Type', 'text/plain; charset=utf-8');
      await w.write('Hello, World!');
      return;
    case '/echo': {
      const b = await r.bytes();
      await w.write(`${b.length} ${createHash('sha256').update(b).digest('hex')}`);
      return;
    }
    case '/stream': {
      w.header().set('Content-Type', 'text/plain; charset=utf-8');
      const rc = new ResponseController(w);
      for (const part of ['a', 'b', 'c']) {
        await w.write(part);
        await rc.flush();
      }
      return;
    }
    case '/big':
      await w.write(big);
      return;
    default:
      w.writeHeader(404);
  }
}

async function start(backend: 'bun' | 'node') {
  const logs: string[] = [];
  const srv = new Server({ handler, errorLog: (m) => logs.push(m) });
  servers.push(srv);
  const l = await listen('tcp', '127.0.0.1:0', { backend });
  void srv.serve(l).catch(() => {});
  const port = l.addr().port;
  return { port, base: `http://127.0.0.1:${port}`, logs };
}

// What every scripted client must have seen (Go also reports the 100 Continue).
const expected: ClientReport = {
  hello: ['Hello, World!', 'Hello, World!', 'Hello, World!'],
  reused: true,
  echoLength: echoed,
  echoChunked: echoed,
  streamTE: 'chunked',
  stream: 'abc',
  head: [200, '13', 0],
  big: 1 << 20,
};

const hasCurl = have('curl');
const hasAB = have('ab');
const hasWrk = have('wrk');
const hasH2load = have('h2load');
const hasPython = have('python3');
const hasGo = have('go');
const hasNode = have('node');

describe.each(backends)('%s backend', (backend) => {
  describe.skipIf(!hasCurl)('curl', () => {
    test('GET: status line, Content-Length, body', async () => {
      const { base, logs } = await start(backend);
      const r = await runTool('curl', ['-s', '-i', `${base}/hello`]);
      expect(r.out).toStartWith('HTTP/1.1 200 OK\r\n');
      expect(r.out).toContain('\r\nContent-Length: 13\r\n');
      expect(r.out).toEndWith('\r\n\r\nHello, World!');
      expect(logs).toEqual([]);
    });

    test('three URLs, one connection', async () => {
      const { base } = await start(backend);
      const url = `${base}/hello`;
      const r = await runTool('curl', [
        '-s',
        '-w',
        '%{num_connects} ',
        // One -o per URL: curl pairs them in order.
        ...[url, url, url].flatMap((u) => ['-o', '/dev/null', u]),
      ]);
      expect(r.out).toBe('1 0 0 ');
    });

    test('HTTP/1.0: answered as HTTP/1.0', async () => {
      const { base } = await start(backend);
      const r = await runTool('curl', ['-s', '-i', '--http1.0', `${base}/hello`]);
      expect(r.out).toStartWith('HTTP/1.0 200 OK\r\n');
      expect(r.out).toEndWith('Hello, World!');
    });

    test('Expect: 100-continue upload: the 100 first, then the body read whole', async () => {
      const { base } = await start(backend);
      const r = await runTool('curl', [
        '-s',
        '-v',
        '-H',
        'Expect: 100-continue',
        '-H',
        'Content-Type: application/octet-stream',
        '--data-binary',
        `@${bodyFile}`,
        `${base}/echo`,
      ]);
      expect(r.err).toContain('< HTTP/1.1 100 Continue');
      expect(r.out).toBe(echoed);
    });

    test('chunked upload', async () => {
      const { base } = await start(backend);
      const r = await runTool('curl', [
        '-s',
        '-H',
        'Transfer-Encoding: chunked',
        '--data-binary',
        `@${bodyFile}`,
        `${base}/echo`,
      ]);
      expect(r.out).toBe(echoed);
    });

    test('HEAD, a flushed (chunked) answer, and 1 MiB', async () => {
      const { base } = await start(backend);
      const head = await runTool('curl', ['-s', '-I', `${base}/hello`]);
      expect(head.out).toStartWith('HTTP/1.1 200 OK\r\n');
      expect(head.out).toContain('\r\nContent-Length: 13\r\n');
      const stream = await runTool('curl', ['-s', '-N', '-i', `${base}/stream`]);
      expect(stream.out).toContain('\r\nTransfer-Encoding: chunked\r\n');
      expect(stream.out).toEndWith('\r\n\r\nabc');
      const size = await runTool('curl', [
        '-s',
        '-o',
        '/dev/null',
        '-w',
        '%{size_download}',
        `${base}/big`,
      ]);
      expect(size.out).toBe(String(1 << 20));
    });
  });

  describe.skipIf(!hasAB)('ApacheBench', () => {
    // ab counts a response whose length differs from the first one's as failed, and a dropped
    // keep-alive connection as an exception.
    const rows = [
      {
        name: 'keep-alive (HTTP/1.0 with Connection: keep-alive)',
        args: ['-k', '-n', '500', '-c', '8'],
        path: '/hello',
        n: 500,
        keepAlive: 500,
      },
      {
        name: 'a connection per request',
        args: ['-n', '200', '-c', '4'],
        path: '/hello',
        n: 200,
        keepAlive: 0,
      },
      {
        name: 'POST with a 300 KiB body, keep-alive',
        args: ['-k', '-n', '40', '-c', '2', '-p', 'BODY', '-T', 'application/octet-stream'],
        path: '/echo',
        n: 40,
        keepAlive: 40,
      },
    ];
    test.each(rows)(
      '$name',
      async (row) => {
        const { base } = await start(backend);
        const args = row.args.map((a) => (a === 'BODY' ? bodyFile : a));
        const r = await runTool('ab', ['-q', ...args, `${base}${row.path}`]);
        expect(r.out).toMatch(new RegExp(`Complete requests:\\s+${row.n}\\n`));
        expect(r.out).toMatch(/Failed requests:\s+0\n/);
        expect(r.out).not.toContain('Non-2xx');
        // ab prints the keep-alive count only when it asked for keep-alive.
        if (row.keepAlive === 0) expect(r.out).not.toContain('Keep-Alive requests');
        else expect(r.out).toMatch(new RegExp(`Keep-Alive requests:\\s+${row.keepAlive}\\n`));
      },
      30_000,
    );
  });

  describe.skipIf(!hasWrk)('wrk', () => {
    test('one second of keep-alive load: no socket error, every answer 2xx', async () => {
      const { base } = await start(backend);
      const r = await runTool('wrk', ['-t1', '-c8', '-d1s', `${base}/hello`]);
      expect(r.code).toBe(0);
      expect(r.out).not.toContain('Socket errors');
      expect(r.out).not.toContain('Non-2xx');
      const n = Number(/(\d+) requests in/.exec(r.out)?.[1] ?? 0);
      expect(n).toBeGreaterThan(100);
    }, 15_000);
  });

  describe.skipIf(!hasH2load)('h2load over HTTP/1.1', () => {
    const rows = [
      { name: 'keep-alive', extra: [] as string[] },
      { name: 'pipelined 8 deep', extra: ['-m', '8'] },
    ];
    test.each(rows)(
      '$name: every request succeeds',
      async ({ extra }) => {
        const { base } = await start(backend);
        const r = await runTool('h2load', [
          '--h1',
          '-n',
          '800',
          '-c',
          '4',
          ...extra,
          `${base}/hello`,
        ]);
        expect(r.out).toContain(
          'requests: 800 total, 800 started, 800 done, 800 succeeded, 0 failed, 0 errored, 0 timeout',
        );
        expect(r.out).toContain('status codes: 800 2xx');
      },
      20_000,
    );
  });

  // The scripted clients (clients.test-util.ts): each prints one JSON report of the same
  // conversation. Go also reports that its 100-continue wait was answered.
  const scripted = [
    {
      name: 'Python http.client',
      have: hasPython,
      cmd: 'python3',
      args: (port: number) => ['-', '127.0.0.1', String(port), bodyFile],
      stdin: pythonClient,
      want: expected,
    },
    {
      name: 'Go net/http client (Expect: 100-continue included)',
      have: hasGo,
      cmd: 'go',
      // Go's build cache in the temporary directory, kept between runs: nothing written to
      // $HOME, and only the first run compiles.
      args: (port: number) => ['run', join(dir, 'client.go'), `http://127.0.0.1:${port}`, bodyFile],
      env: { GOCACHE: join(tmpdir(), 'servehttp-gocache') },
      want: { ...expected, got100: true },
    },
    {
      name: 'Node http client (Expect: 100-continue included)',
      have: hasNode,
      cmd: 'node',
      args: (port: number) => ['--input-type=module', '-', String(port), bodyFile],
      stdin: nodeClient,
      want: expected,
    },
  ];
  for (const c of scripted) {
    test.skipIf(!c.have)(
      c.name,
      async () => {
        const { port } = await start(backend);
        const r = await runTool(c.cmd, c.args(port), {
          stdin: c.stdin,
          env: c.env,
          timeoutMs: 120_000,
        });
        expect(r.err).toBe('');
        expect(JSON.parse(r.out)).toEqual(c.want);
      },
      150_000,
    );
  }

  test('fetch: keep-alive GETs, a streamed upload, a flushed answer read as it comes', async () => {
    const { base } = await start(backend);
    for (let i = 0; i < 3; i++)
      expect(await (await fetch(`${base}/hello`)).text()).toBe('Hello, World!');
    const streamed = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < upload.length; i += 65536) c.enqueue(upload.subarray(i, i + 65536));
        c.close();
      },
    });
    const echo = await fetch(`${base}/echo`, { method: 'POST', body: streamed });
    expect(await echo.text()).toBe(echoed);
    const res = await fetch(`${base}/stream`);
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    expect(text).toBe('abc');
    expect((await (await fetch(`${base}/big`)).arrayBuffer()).byteLength).toBe(1 << 20);
  });
});
