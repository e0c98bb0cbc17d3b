import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { join } from 'node:path';

// Starts the demo exactly as the quick start does (a separate process, PORT=0 on loopback),
// reads the address it prints, and talks HTTP to it.
let proc: ReturnType<typeof Bun.spawn> | undefined;
let base = '';

beforeAll(async () => {
  proc = Bun.spawn(
    [process.execPath, '--conditions=@servehttp/source', join(import.meta.dir, 'main.ts')],
    {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1' },
      stdout: 'pipe',
      stderr: 'inherit',
    },
  );
  const reader = (proc.stdout as ReadableStream<Uint8Array>).getReader();
  const deadline = Date.now() + 10_000;
  let out = '';
  while (Date.now() < deadline) {
    const { done, value } = await reader.read();
    if (done) break;
    out += new TextDecoder().decode(value);
    const m = /listening on (http:\/\/\S+)/.exec(out);
    if (m?.[1] !== undefined) {
      base = m[1].replace(/\/$/, '');
      break;
    }
  }
  reader.releaseLock();
  if (base === '') throw new Error(`demo did not print its address; output: ${out}`);
});

afterAll(async () => {
  proc?.kill('SIGTERM');
  expect(await proc?.exited).toBe(0);
});

describe('demo server', () => {
  const rows: [path: string, status: number, type: string, body: RegExp][] = [
    ['/', 200, 'text/html; charset=utf-8', /<h1>servehttp<\/h1>/],
    ['/helloworld', 200, 'text/plain; charset=utf-8', /^Hello, World!\n$/],
    ['/health', 200, 'application/json', /^\{"status":"ok"\}\n$/],
    ['/hello/gopher', 200, 'text/plain; charset=utf-8', /^Hello, gopher!\n$/],
    // Go's NotFound: text/plain with nosniff, "404 page not found".
    ['/nope', 404, 'text/plain; charset=utf-8', /^404 page not found\n$/],
  ];
  test.each(rows)('GET %s → %d', async (path, status, type, body) => {
    const res = await fetch(base + path);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe(type);
    expect(res.headers.get('x-request-id')).not.toBeNull();
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toMatch(body);
  });

  test('a POST to a GET route is 405 with Allow (Go ServeMux)', async () => {
    const res = await fetch(`${base}/helloworld`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    expect(await res.text()).toBe('Method Not Allowed\n');
  });
});

test('demo refuses a bad PORT with a clear message', async () => {
  const bad = Bun.spawn(
    [process.execPath, '--conditions=@servehttp/source', join(import.meta.dir, 'main.ts')],
    {
      env: { ...process.env, PORT: 'eighty' },
      stdout: 'ignore',
      stderr: 'pipe',
    },
  );
  const code = await bad.exited;
  expect(code).toBe(2);
  expect(await new Response(bad.stderr as ReadableStream<Uint8Array>).text()).toContain(
    'PORT must be a port number',
  );
});
