// Wire tests of every route of the demo, over a real socket on 127.0.0.1:0, and the bad-input
// table: each refusal is JSON with the right status and leaves the database as it was.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { connect } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { type RunningDemo, startDemo } from './demo.test-util.ts';

let demo: RunningDemo;
let token = '';
let ginToken = '';

async function login(name: string, password: string): Promise<Response> {
  return fetch(`${demo.base}/api/v1/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name, password }),
  });
}

beforeAll(async () => {
  // A generous login limit here; the overflow has its own demo below.
  demo = await startDemo({ loginLimit: 50, bodyLimit: 1024 });
  token = ((await (await login('gopher', 'demo')).json()) as { token: string }).token;
  ginToken = ((await (await login('gin', 'demo')).json()) as { token: string }).token;
});
afterAll(async () => {
  await demo.close();
});

const auth = (t: string): Record<string, string> => ({ Authorization: `Bearer ${t}` });

describe('ServeMux routes (Go 1.22 patterns)', () => {
  const rows: { path: string; status: number; type: string; body: RegExp }[] = [
    { path: '/', status: 200, type: 'text/html; charset=utf-8', body: /request flow/ },
    {
      path: '/helloworld',
      status: 200,
      type: 'text/plain; charset=utf-8',
      body: /^Hello, World!\n$/,
    },
    { path: '/health', status: 200, type: 'application/json', body: /^\{"status":"ok"\}\n$/ },
    {
      path: '/hello/gopher',
      status: 200,
      type: 'text/plain; charset=utf-8',
      body: /^Hello, gopher!\n$/,
    },
    { path: '/whoami', status: 200, type: 'application/json', body: /"clientIP":"127\.0\.0\.1/ },
    { path: '/static/style.css', status: 200, type: 'text/css; charset=utf-8', body: /--accent/ },
    {
      path: '/static/app.js',
      status: 200,
      type: 'text/javascript; charset=utf-8',
      body: /EventSource/,
    },
    // Go's NotFound and fileServer's 404 are plain text.
    {
      path: '/nope',
      status: 404,
      type: 'text/plain; charset=utf-8',
      body: /^404 page not found\n$/,
    },
    {
      path: '/static/missing.js',
      status: 404,
      type: 'text/plain; charset=utf-8',
      body: /^404 page not found\n$/,
    },
    // The panic button: recovery answers 500 and the server serves on.
    {
      path: '/demo/panic',
      status: 500,
      type: 'text/plain; charset=utf-8',
      body: /^Internal Server Error\n$/,
    },
  ];
  test.each(rows)('GET $path → $status', async ({ path, status, type, body }) => {
    const res = await fetch(demo.base + path, { headers: { 'Accept-Encoding': 'identity' } });
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe(type);
    expect(res.headers.get('x-request-id')).toMatch(/-\d{6}$/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('server-timing')).toContain('ttfb;dur=');
    expect(await res.text()).toMatch(body);
  });

  test('a POST to a GET route is 405 with Allow (Go ServeMux)', async () => {
    const res = await fetch(`${demo.base}/helloworld`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    expect(await res.text()).toBe('Method Not Allowed\n');
  });

  test('/static/index.html redirects to ./ as Go’s FileServer does', async () => {
    const res = await fetch(`${demo.base}/static/index.html`, { redirect: 'manual' });
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('./');
  });

  test('compress: the script comes gzipped when asked', async () => {
    const res = await fetch(`${demo.base}/static/app.js`, {
      headers: { 'Accept-Encoding': 'gzip' },
      decompress: false,
    });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    const text = gunzipSync(new Uint8Array(await res.arrayBuffer())).toString();
    expect(text).toContain('EventSource');
  });

  test('the CORS preflight button: the server sends itself a preflight and reports it', async () => {
    const res = await fetch(`${demo.base}/demo/preflight`, { method: 'POST' });
    expect(res.status).toBe(200);
    const out = (await res.json()) as { status: number; headers: Record<string, string> };
    // rs/cors: 204, the origin echoed only when it is not "*"; with "*" it says "*".
    expect(out.status).toBe(204);
    expect(out.headers['access-control-allow-origin']).toBe('*');
    expect(out.headers['access-control-allow-methods']).toBe('POST');
    expect(out.headers['access-control-allow-headers']).toBe('authorization, content-type');
    expect(out.headers['access-control-max-age']).toBe('600');
  });
});

describe('the gin API under /api/', () => {
  test('GET /api/v1/user/:name → the user; static follow/count wins over :name (gin tree)', async () => {
    const res = await fetch(`${demo.base}/api/v1/user/gopher`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: 1, name: 'gopher', displayName: 'The Gopher' });
    const count = await fetch(`${demo.base}/api/v1/user/follow/count`);
    expect(count.status).toBe(200);
    expect(await count.json()).toEqual({ count: 1 });
    // `/user/follow` alone is the :name route: a user called "follow", who does not exist.
    const follow = await fetch(`${demo.base}/api/v1/user/follow`);
    expect(follow.status).toBe(404);
    expect(await follow.json()).toEqual({ error: 'no user "follow"', status: 404 });
  });

  test('login → token; /me with it → the user', async () => {
    const res = await login('gopher', 'demo');
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ tokenType: 'Bearer', expiresIn: 3600, user: 'gopher' });
    expect(String(body.token).split('.')).toHaveLength(3);
    const me = await fetch(`${demo.base}/api/v1/me`, { headers: auth(token) });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ name: 'gopher', clientIP: '127.0.0.1' });
  });

  test('posts: create (201 + Location) → get → list → delete (204) → gone (404)', async () => {
    const created = await fetch(`${demo.base}/api/v1/posts`, {
      method: 'POST',
      headers: { ...auth(token), 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: '  Hello  ', body: 'first post', extra: 'ignored' }),
    });
    expect(created.status).toBe(201);
    const post = (await created.json()) as { id: number; title: string; author: string };
    expect(post).toMatchObject({ title: 'Hello', body: 'first post', author: 'gopher' });
    expect(created.headers.get('location')).toBe(`/api/v1/posts/${post.id}`);

    const got = await fetch(`${demo.base}/api/v1/posts/${post.id}`);
    expect(got.status).toBe(200);
    expect(await got.json()).toEqual(post);

    const listed = (await (await fetch(`${demo.base}/api/v1/posts?limit=5`)).json()) as {
      posts: { id: number }[];
    };
    expect(listed.posts[0]?.id).toBe(post.id);

    const del = await fetch(`${demo.base}/api/v1/posts/${post.id}`, {
      method: 'DELETE',
      headers: auth(token),
    });
    expect(del.status).toBe(204);
    expect(await del.text()).toBe('');
    const gone = await fetch(`${demo.base}/api/v1/posts/${post.id}`);
    expect(gone.status).toBe(404);
  });

  test('the slow handler sleeps as asked', async () => {
    const t0 = performance.now();
    const res = await fetch(`${demo.base}/api/v1/slow?ms=120`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ slept: 120 });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(110);
  });

  test('an unknown method on a route is gin’s 405 with Allow, as JSON', async () => {
    const res = await fetch(`${demo.base}/api/v1/posts`, { method: 'PUT' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST, GET');
    expect(await res.json()).toEqual({ error: '405 method not allowed', status: 405 });
  });

  test('a handler that throws under /api/ is a JSON 500 from recovery; the server serves on', async () => {
    const res = await fetch(`${demo.base}/api/v1/panic`);
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await res.json()).toEqual({ error: 'internal server error', status: 500 });
    expect((await fetch(`${demo.base}/health`)).status).toBe(200);
  });
});

describe('bad input: a JSON error with the right status, and the database unchanged', () => {
  const big = JSON.stringify({ title: 't', body: 'x'.repeat(2000) });
  const rows: {
    name: string;
    method: string;
    path: string;
    headers?: (t: { gopher: string; gin: string }) => Record<string, string>;
    body?: string;
    status: number;
    error: RegExp;
    extra?: Record<string, unknown>;
  }[] = [
    {
      name: 'invalid JSON',
      method: 'POST',
      path: '/api/v1/posts',
      headers: (t) => ({ ...auth(t.gopher), 'Content-Type': 'application/json' }),
      body: '{"title": "oops",',
      status: 400,
      error: /^invalid JSON body: /,
    },
    {
      name: 'empty body (gin: EOF)',
      method: 'POST',
      path: '/api/v1/posts',
      headers: (t) => auth(t.gopher),
      body: '',
      status: 400,
      error: /^invalid JSON body: EOF$/,
    },
    {
      name: 'missing fields',
      method: 'POST',
      path: '/api/v1/posts',
      headers: (t) => auth(t.gopher),
      body: '{"title":"only a title"}',
      status: 400,
      error: /^validation failed$/,
      extra: { issues: [{ field: 'body', message: 'is required' }] },
    },
    {
      name: 'wrong types and blank strings',
      method: 'POST',
      path: '/api/v1/posts',
      headers: (t) => auth(t.gopher),
      body: '{"title":"   ","body":42}',
      status: 400,
      error: /^validation failed$/,
      extra: {
        issues: [
          { field: 'title', message: 'must have at least 1 character(s)' },
          { field: 'body', message: 'must be a string' },
        ],
      },
    },
    {
      name: 'not an object',
      method: 'POST',
      path: '/api/v1/posts',
      headers: (t) => auth(t.gopher),
      body: '[1,2]',
      status: 400,
      error: /^validation failed$/,
    },
    {
      name: 'too large (Content-Length over the 1 KiB limit)',
      method: 'POST',
      path: '/api/v1/posts',
      headers: (t) => auth(t.gopher),
      body: big,
      status: 413,
      error: /^Request Entity Too Large$/,
    },
    {
      name: 'no token',
      method: 'POST',
      path: '/api/v1/posts',
      body: '{"title":"t","body":"b"}',
      status: 401,
      error: /^Unauthorized$/,
      extra: { hint: expect.stringContaining('POST /api/v1/login') },
    },
    {
      name: 'forged token',
      method: 'DELETE',
      path: '/api/v1/posts/1',
      headers: () => auth('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl'),
      status: 401,
      error: /^Unauthorized$/,
    },
    {
      name: 'malformed Authorization (RFC 6750: 400)',
      method: 'GET',
      path: '/api/v1/me',
      headers: () => ({ Authorization: 'Basic Z29waGVyOmRlbW8=' }),
      status: 400,
      error: /^Bad Request$/,
    },
    {
      name: 'wrong password',
      method: 'POST',
      path: '/api/v1/login',
      body: '{"name":"gopher","password":"nope"}',
      status: 401,
      error: /^wrong name or password$/,
    },
    {
      name: 'unknown user at login (same answer)',
      method: 'POST',
      path: '/api/v1/login',
      body: '{"name":"nobody","password":"demo"}',
      status: 401,
      error: /^wrong name or password$/,
    },
    {
      name: 'unknown post id',
      method: 'GET',
      path: '/api/v1/posts/999999',
      status: 404,
      error: /^no post 999999$/,
    },
    {
      name: 'malformed post id',
      method: 'GET',
      path: '/api/v1/posts/abc',
      status: 400,
      error: /^id must be a positive integer/,
    },
    {
      name: 'deleting an unknown post',
      method: 'DELETE',
      path: '/api/v1/posts/999999',
      headers: (t) => auth(t.gopher),
      status: 404,
      error: /^no post 999999$/,
    },
    {
      name: 'deleting someone else’s post',
      method: 'DELETE',
      path: '/api/v1/posts/1',
      headers: (t) => auth(t.gin),
      status: 403,
      error: /^you can only delete your own posts$/,
    },
    {
      name: 'bad list limit',
      method: 'GET',
      path: '/api/v1/posts?limit=1000',
      status: 400,
      error: /^limit must be an integer from 1 to 100$/,
    },
    {
      name: 'unknown API route (gin 404)',
      method: 'GET',
      path: '/api/v2/anything',
      status: 404,
      error: /^404 page not found$/,
    },
  ];

  let postID = 0;
  beforeAll(async () => {
    // One post by gopher, so "someone else's post" and the snapshot have a row to protect.
    const res = await fetch(`${demo.base}/api/v1/posts`, {
      method: 'POST',
      headers: auth(token),
      body: JSON.stringify({ title: 'keep me', body: 'a row the bad requests must not touch' }),
    });
    postID = ((await res.json()) as { id: number }).id;
  });

  test.each(rows)('$name → $status', async (row) => {
    const before = demo.store.snapshot();
    const path = row.path.replace('/posts/1', `/posts/${postID}`);
    const res = await fetch(demo.base + path, {
      method: row.method,
      headers: row.headers?.({ gopher: token, gin: ginToken }) ?? {},
      ...(row.body !== undefined ? { body: row.body } : {}),
    });
    expect(res.status).toBe(row.status);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const body = (await res.json()) as { error: string; status: number };
    expect(body.error).toMatch(row.error);
    expect(body.status).toBe(row.status);
    if (row.extra !== undefined) expect(body).toMatchObject(row.extra);
    expect(demo.store.snapshot()).toBe(before);
  });

  test('a chunked body over the limit is 413 JSON too (counted while it streams)', async () => {
    const before = demo.store.snapshot();
    const res = await rawRequest(
      demo.base,
      `POST /api/v1/posts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n` +
        `800\r\n${'{'.padEnd(0x800, ' ')}\r\n800\r\n${' '.repeat(0x800)}\r\n0\r\n\r\n`,
    );
    expect(res).toStartWith('HTTP/1.1 413 Request Entity Too Large\r\n');
    expect(res).toContain('Content-Type: application/json; charset=utf-8');
    expect(res).toContain('{"error":"Request Entity Too Large","status":413}');
    expect(demo.store.snapshot()).toBe(before);
  });
});

describe('rate limits', () => {
  test('login overflow: the 6th try in a minute is 429 JSON with Retry-After; nothing written', async () => {
    const d = await startDemo({ loginLimit: 5 });
    try {
      const before = d.store.snapshot();
      const statuses: number[] = [];
      let last: Response | undefined;
      for (let i = 0; i < 6; i++) {
        last = await fetch(`${d.base}/api/v1/login`, {
          method: 'POST',
          body: '{"name":"gopher","password":"wrong"}',
        });
        statuses.push(last.status);
        if (i < 5) await last.arrayBuffer();
      }
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
      expect(last?.headers.get('retry-after')).toBe('12');
      expect(await last?.json()).toEqual({
        error: 'Too Many Requests',
        status: 429,
        hint: 'slow down: see the Retry-After header',
        retryAfterSeconds: 12,
      });
      expect(d.store.snapshot()).toBe(before);
    } finally {
      await d.close();
    }
  });

  test('the API limit per client: RateLimit-* headers, then 429; pages outside /api/ are not limited', async () => {
    const d = await startDemo({ rateLimit: 3 });
    try {
      const got: (string | null)[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await fetch(`${d.base}/api/v1/posts`);
        got.push(`${res.status} ${res.headers.get('ratelimit-remaining')}`);
        await res.arrayBuffer();
      }
      expect(got).toEqual(['200 2', '200 1', '200 0', '429 0']);
      const page = await fetch(`${d.base}/health`);
      expect(page.status).toBe(200);
      expect(page.headers.get('ratelimit-limit')).toBeNull();
    } finally {
      await d.close();
    }
  });
});

// Sends raw bytes, returns everything read until the server closes (≤ 5 s).
function rawRequest(base: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const sock = connect(Number(port), hostname);
    let out = '';
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no close within 5 s; got ${JSON.stringify(out)}`));
    }, 5000);
    sock.on('data', (d) => {
      out += d.toString('latin1');
    });
    sock.on('error', () => {});
    sock.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
    sock.write(bytes);
  });
}
