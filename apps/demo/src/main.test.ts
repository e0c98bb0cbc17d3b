// The demo as the quick start runs it: a child process (`bun --conditions=@servehttp/source
// src/main.ts`), its printed URL, its configuration errors, its graceful drain on SIGTERM, and
// its data surviving a restart.
import { afterAll, describe, expect, test } from 'bun:test';
import { rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { testCertificate, testKey } from '@servehttp/core-listener/httptest';
import { type DemoProcess, spawnDemo, tempDir } from './demo.test-util.ts';

const dirs: string[] = [];
const procs: DemoProcess[] = [];
afterAll(() => {
  for (const p of procs) if (p.proc.exitCode === null) p.proc.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function start(env: Record<string, string> = {}, args: string[] = []): Promise<DemoProcess> {
  const p = await spawnDemo(env, args);
  procs.push(p);
  return p;
}

async function token(base: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/login`, {
    method: 'POST',
    body: JSON.stringify({ name: 'gopher', password: 'demo' }),
  });
  return ((await res.json()) as { token: string }).token;
}

describe('the quick start', () => {
  test('prints the URL to open and serves the page there; SIGTERM drains and exits 0', async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    const demo = await start({ DATA_DIR: dataDir });
    expect(demo.base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(demo.out()).toContain(`data: ${dataDir}/demo.sqlite`);
    const res = await fetch(`${demo.base}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>servehttp · request flow</title>');
    demo.proc.kill('SIGTERM');
    expect(await demo.proc.exited).toBe(0);
    const err = await new Response(demo.proc.stderr as ReadableStream<Uint8Array>).text();
    expect(err).toContain('http: SIGTERM: shutting down');
    expect(err).toContain('demo: drained (graceful); database closed');
  });

  test('SIGTERM with a request in flight and an open event stream: the request finishes, exit 0', async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    const demo = await start({ DATA_DIR: dataDir });
    const events = await fetch(`${demo.base}/events`);
    expect(events.headers.get('content-type')).toBe('text/event-stream');
    const slow = fetch(`${demo.base}/api/v1/slow?ms=400`);
    await Bun.sleep(100); // let the slow request reach its handler (not an assertion)
    demo.proc.kill('SIGTERM');
    const res = await slow;
    expect(res.status).toBe(200);
    expect(res.headers.get('connection')).toBe('close');
    expect(await res.json()).toEqual({ slept: 400 });
    // The event stream was ended by registerOnShutdown, so the drain did not wait for it.
    await events.text();
    expect(await demo.proc.exited).toBe(0);
  });
});

describe('restart: data survives', () => {
  test('POST, SIGTERM, start again on the same data dir, GET → the same post', async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    const first = await start({ DATA_DIR: dataDir });
    const t = await token(first.base);
    const created = await fetch(`${first.base}/api/v1/posts`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${t}` },
      body: JSON.stringify({ title: 'still here?', body: 'written before the restart' }),
    });
    expect(created.status).toBe(201);
    const post = (await created.json()) as { id: number };
    first.proc.kill('SIGTERM');
    expect(await first.proc.exited).toBe(0);

    const second = await start({}, ['--data-dir', dataDir]);
    const got = await fetch(`${second.base}/api/v1/posts/${post.id}`);
    expect(got.status).toBe(200);
    expect(await got.json()).toEqual(post);
    // The seed ran once and left the users in place; a token from before the restart is still
    // valid, because the signing secret lives in the database.
    expect((await fetch(`${second.base}/api/v1/user/gin`)).status).toBe(200);
    const me = await fetch(`${second.base}/api/v1/me`, {
      headers: { Authorization: `Bearer ${t}` },
    });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ name: 'gopher', posts: 1 });
    // SIGINT (Ctrl-C) drains the same way as SIGTERM.
    second.proc.kill('SIGINT');
    expect(await second.proc.exited).toBe(0);
  });
});

describe('optional TLS and cluster mode', () => {
  test('TLS_CERT + TLS_KEY: https URL printed, the page and the API over TLS', async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    const cert = join(dataDir, 'cert.pem');
    const key = join(dataDir, 'key.pem');
    writeFileSync(cert, testCertificate);
    writeFileSync(key, testKey);
    const demo = await start({ DATA_DIR: dataDir, TLS_CERT: cert, TLS_KEY: key });
    expect(demo.base).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const tls = { ca: testCertificate, serverName: 'localhost' };
    const res = await fetch(`${demo.base}/api/v1/user/follow/count`, { tls });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ count: 1 });
    // Over TLS the preflight button's self-request goes over TLS too.
    const pre = await fetch(`${demo.base}/demo/preflight`, { method: 'POST', tls });
    expect(((await pre.json()) as { status: number }).status).toBe(204);
    demo.proc.kill('SIGTERM');
    expect(await demo.proc.exited).toBe(0);
  });

  test('--cluster 2: two workers share the port and the database; SIGTERM drains both, exit 0', async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const a = srv.address();
        srv.close(() => resolve(typeof a === 'object' && a !== null ? a.port : 0));
      });
    });
    const demo = await start({ DATA_DIR: dataDir, PORT: String(port) }, ['--cluster', '2']);
    const deadline = Date.now() + 10_000;
    while ((demo.out().match(/\(worker \d+\)/g) ?? []).length < 2 && Date.now() < deadline) {
      await Bun.sleep(20);
    }
    const workers = new Set(demo.out().match(/\(worker \d+\)/g));
    expect(workers.size).toBe(2);
    const t = await token(demo.base);
    const created = await fetch(`${demo.base}/api/v1/posts`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${t}` },
      body: JSON.stringify({ title: 'from a worker', body: 'WAL lets every worker see it' }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: number };
    // New connections, so the kernel may pick either worker: every one sees the row.
    for (let i = 0; i < 6; i++) {
      const got = await fetch(`${demo.base}/api/v1/posts/${id}`, {
        keepalive: false,
        headers: { Connection: 'close' },
      });
      expect(got.status).toBe(200);
      await got.arrayBuffer();
    }
    demo.proc.kill('SIGTERM');
    expect(await demo.proc.exited).toBe(0);
  }, 20_000);
});

test('a configuration error exits 2 with the message on stderr (the table is config.test.ts)', async () => {
  const p = Bun.spawn(
    [process.execPath, '--conditions=@servehttp/source', `${import.meta.dir}/main.ts`],
    { env: { ...process.env, PORT: 'eighty' }, stdout: 'ignore', stderr: 'pipe' },
  );
  expect(await p.exited).toBe(2);
  const err = await new Response(p.stderr as ReadableStream<Uint8Array>).text();
  expect(err).toBe('demo: PORT must be a port number 0-65535, got "eighty"\n');
});
