// The demo as the quick start runs it: a child process (`bun --conditions=@servehttp/source
// src/main.ts`), its printed URL, its configuration errors, its graceful drain on SIGTERM, and
// its data surviving a restart.
import { afterAll, describe, expect, test } from 'bun:test';
import { rmSync } from 'node:fs';
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
    const created = await fetch(`${first.base}/api/v1/posts`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${await token(first.base)}` },
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
    // The seed ran once: still two users, and a token signed before the restart is still valid
    // (the signing secret lives in the database).
    expect((await fetch(`${second.base}/api/v1/user/gin`)).status).toBe(200);
    second.proc.kill('SIGTERM');
    expect(await second.proc.exited).toBe(0);
  });
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
