// The request-flow stream: a client on /events receives one waterfall per request, with the
// stages the seeds name, in the order the request met them, and times that nest.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import * as http2 from 'node:http2';
import { connect, type Socket } from 'node:net';
import type { ReadableStreamDefaultReader } from 'node:stream/web';
import { testCertificate } from '@servehttp/core-listener/httptest';
import { type RunningDemo, startDemo } from './demo.test-util.ts';
import type { FlowEvent, Stage } from './flow.ts';

let demo: RunningDemo;
let stream: EventReader;

// Reads `event: flow` messages from a fetch body.
class EventReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #ac: AbortController;
  #buf = '';
  #queue: FlowEvent[] = [];

  constructor(body: ReadableStream<Uint8Array>, ac: AbortController) {
    this.#reader = body.getReader();
    this.#ac = ac;
  }

  // The next flow whose uri passes `match`, within `ms`.
  async next(match: (e: FlowEvent) => boolean, ms = 3000): Promise<FlowEvent> {
    const deadline = Date.now() + ms;
    for (;;) {
      const i = this.#queue.findIndex(match);
      if (i >= 0) return this.#queue.splice(i, 1)[0] as FlowEvent;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no matching flow event in time');
      const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), left));
      const r = await Promise.race([this.#reader.read(), timeout]);
      if (r === 'timeout') continue;
      if (r.done) throw new Error('event stream ended');
      this.#buf += new TextDecoder().decode(r.value);
      let end = this.#buf.indexOf('\n\n');
      while (end >= 0) {
        const msg = this.#buf.slice(0, end);
        this.#buf = this.#buf.slice(end + 2);
        const data = /^data: (.*)$/m.exec(msg);
        if (/^event: flow$/m.test(msg) && data?.[1] !== undefined) {
          this.#queue.push(JSON.parse(data[1]) as FlowEvent);
        }
        end = this.#buf.indexOf('\n\n');
      }
    }
  }

  close(): void {
    this.#ac.abort();
  }
}

async function openStream(base: string): Promise<EventReader> {
  const ac = new AbortController();
  const res = await fetch(`${base}/events`, { signal: ac.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/event-stream');
  expect(res.headers.get('cache-control')).toBe('no-cache');
  return new EventReader(res.body as ReadableStream<Uint8Array>, ac);
}

beforeAll(async () => {
  demo = await startDemo();
  stream = await openStream(demo.base);
});
afterAll(async () => {
  stream.close();
  await demo.close();
});

const names = (e: FlowEvent): string[] => e.stages.map((s) => s.name);
const find = (e: FlowEvent, name: string): Stage => {
  const s = e.stages.find((x) => x.name === name);
  if (s === undefined) throw new Error(`no stage ${name} in ${names(e).join(',')}`);
  return s;
};

describe('one waterfall per request', () => {
  // The stack in the order a request meets it (app.ts); the gin rows add the gin router.
  const outer = [
    'trace',
    'recovery',
    'request-id',
    'logger',
    'cors',
    'secure-headers',
    'compress',
    'api-errors',
    'rate-limit',
    'body-limit',
    'servemux',
    'routing',
  ];
  const rows: {
    name: string;
    path: string;
    init?: RequestInit;
    status: number;
    stages: string[];
    pattern: string;
    route: string;
    routing: RegExp;
  }[] = [
    {
      name: 'a ServeMux route',
      path: '/health',
      status: 200,
      stages: [...outer, 'handler'],
      pattern: 'GET /health',
      route: '',
      routing: /^ServeMux matched "GET \/health"$/,
    },
    {
      name: 'a gin route with a database read',
      path: '/api/v1/posts/7',
      status: 404,
      stages: [...outer, 'gin', 'routing', 'handler', 'sqlite'],
      pattern: '/api/',
      route: 'GET /api/v1/posts/:id',
      routing: /^gin tree matched GET \/api\/v1\/posts\/:id$/,
    },
    {
      name: 'a ServeMux miss (404): routing, no handler',
      path: '/nope',
      status: 404,
      stages: outer,
      pattern: '',
      route: '',
      routing: /no pattern matched → 404/,
    },
    {
      name: 'a ServeMux 405',
      path: '/health',
      init: { method: 'POST', body: 'x' },
      status: 405,
      stages: outer,
      pattern: '',
      route: '',
      routing: /method did not → 405/,
    },
    {
      name: 'a gin route behind jwt, refused (the handler never runs)',
      path: '/api/v1/me',
      status: 401,
      stages: [...outer, 'gin', 'routing', 'jwt'],
      pattern: '/api/',
      route: '',
      routing: /^gin tree/,
    },
  ];

  test.each(rows)('$name: $path', async (row) => {
    const res = await fetch(demo.base + row.path, row.init);
    expect(res.status).toBe(row.status);
    const id = res.headers.get('x-request-id');
    const ev = await stream.next((e) => e.requestId === id);
    expect(ev.status).toBe(row.status);
    expect(ev.method).toBe(row.init?.method ?? 'GET');
    expect(ev.uri).toBe(row.path);
    expect(ev.pattern).toBe(row.pattern);
    expect(ev.route).toBe(row.route);
    // The connection stages come first, the write last; the stack in between, in order.
    const got = names(ev);
    expect(got.slice(0, 3)).toEqual(
      got[0] === 'accept'
        ? ['accept', 'read+parse', 'serverHandler']
        : ['read+parse', 'serverHandler', 'trace'],
    );
    expect(got.at(-1)).toBe('write');
    const middle = got.filter(
      (n) => !['accept', 'read+parse', 'serverHandler', 'write'].includes(n),
    );
    expect(middle).toEqual(row.stages);
    expect(ev.stages.filter((s) => s.name === 'routing').at(-1)?.label).toMatch(row.routing);
  });
});

describe('the times nest and follow each other', () => {
  test('accept ≤ parse ≤ serverHandler ≤ middleware ⊃ router ⊃ handler ≤ write', async () => {
    // A fresh connection, so the accept stage is there.
    const sock = await rawConnect(demo.base);
    try {
      sock.write('GET /api/v1/user/gopher HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      const ev = await stream.next((e) => e.uri === '/api/v1/user/gopher');
      const [accept, parse, sh] = [
        find(ev, 'accept'),
        find(ev, 'read+parse'),
        find(ev, 'serverHandler'),
      ];
      expect(accept.start).toBe(0);
      expect(parse.start).toBe(0);
      expect(sh.start).toBe(parse.end);
      const recovery = find(ev, 'recovery');
      const mux = find(ev, 'servemux');
      const gin = find(ev, 'gin');
      const handler = find(ev, 'handler');
      const write = find(ev, 'write');
      expect(recovery.start).toBeGreaterThanOrEqual(sh.end);
      for (const [outerS, innerS] of [
        [recovery, mux],
        [mux, gin],
        [gin, handler],
      ] as const) {
        expect(innerS.start).toBeGreaterThanOrEqual(outerS.start);
        expect(innerS.end).toBeLessThanOrEqual(outerS.end);
        expect(innerS.depth).toBeGreaterThan(outerS.depth);
      }
      expect(write.start).toBeGreaterThanOrEqual(recovery.end);
      expect(ev.total).toBe(write.end);
      expect(ev.ttfb).toBeGreaterThan(handler.start);
      expect(ev.ttfb).toBeLessThanOrEqual(handler.end);
      expect(ev.conn).toMatchObject({ request: 1 });
      expect(ev.stages[0]?.label).toMatch(/^accept: connection #\d+ from 127\.0\.0\.1:\d+$/);
    } finally {
      sock.destroy();
    }
  });

  test('a second request on a kept-alive connection: no accept, the idle time is named', async () => {
    const sock = await rawConnect(demo.base);
    try {
      sock.write('GET /helloworld HTTP/1.1\r\nHost: x\r\n\r\n');
      const first = await stream.next((e) => e.uri === '/helloworld');
      sock.write('GET /hello/again HTTP/1.1\r\nHost: x\r\n\r\n');
      const second = await stream.next((e) => e.uri === '/hello/again');
      expect(second.conn.id).toBe(first.conn.id);
      expect(second.conn.request).toBe(2);
      expect(names(second)[0]).toBe('read+parse');
      expect(second.stages[0]?.label).toMatch(/connection reused after [\d.]+ m?s idle/);
    } finally {
      sock.destroy();
    }
  });

  test('two pipelined requests: same connection, consecutive, each with its parse stage', async () => {
    const sock = await rawConnect(demo.base);
    try {
      sock.write(
        'GET /hello/p1 HTTP/1.1\r\nHost: x\r\n\r\nGET /hello/p2 HTTP/1.1\r\nHost: x\r\n\r\n',
      );
      const a = await stream.next((e) => e.uri === '/hello/p1');
      const b = await stream.next((e) => e.uri === '/hello/p2');
      // With a synchronous stack the server parses both from one read (no `active` between:
      // the label says "pipelined"); this stack answers asynchronously, and the server reports
      // the connection idle for an instant between the two. Either way the stage is there.
      expect(b.stages[0]?.label).toMatch(/pipelined|reused after 0\.\d ms idle/);
      expect(a.conn.id).toBe(b.conn.id);
      expect(b.conn.request).toBe(a.conn.request + 1);
    } finally {
      sock.destroy();
    }
  });
});

describe('the stream', () => {
  test('a new listener first gets the recent history', async () => {
    await (await fetch(`${demo.base}/hello/history`)).text();
    const late = await openStream(demo.base);
    try {
      const ev = await late.next((e) => e.uri === '/hello/history');
      expect(ev.status).toBe(200);
    } finally {
      late.close();
    }
  });

  test('HEAD /events answers the header at once', async () => {
    const res = await fetch(`${demo.base}/events`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
  });

  test('the event stream itself is not drawn, and closing it frees the listener', async () => {
    const extra = await openStream(demo.base);
    const before = demo.app.flow.listeners;
    extra.close();
    const deadline = Date.now() + 2000;
    while (demo.app.flow.listeners >= before && Date.now() < deadline) await Bun.sleep(10);
    expect(demo.app.flow.listeners).toBe(before - 1);
    await (await fetch(`${demo.base}/hello/after`)).text();
    const ev = await stream.next((e) => e.uri === '/hello/after');
    expect(ev.uri).not.toBe('/events');
  });
});

describe('over HTTP/2', () => {
  // A browser's page and its event stream share one h2 connection, which is therefore never idle:
  // a flow waiting for the connection to go idle was held for the 1 s fallback every time.
  test('a flow is sent as its request ends, while the event stream keeps the connection busy', async () => {
    const h2demo = await startDemo({}, '127.0.0.1', true);
    const session = http2.connect(h2demo.base, { ca: testCertificate, servername: 'localhost' });
    session.on('error', () => {});
    try {
      const events = session.request({ ':path': '/events' });
      let buf = '';
      const seen: { uri: string; at: number }[] = [];
      events.setEncoding('utf8');
      events.on('data', (chunk: string) => {
        buf += chunk;
        for (let end = buf.indexOf('\n\n'); end >= 0; end = buf.indexOf('\n\n')) {
          const data = /^data: (.*)$/m.exec(buf.slice(0, end));
          buf = buf.slice(end + 2);
          if (data?.[1] !== undefined) {
            seen.push({ uri: (JSON.parse(data[1]) as FlowEvent).uri, at: Date.now() });
          }
        }
      });
      const hello = session.request({ ':path': '/helloworld' });
      hello.resume();
      await new Promise<void>((resolve) => hello.on('end', () => resolve()));
      const answered = Date.now();
      const deadline = answered + 3000;
      while (!seen.some((e) => e.uri === '/helloworld') && Date.now() < deadline) {
        await Bun.sleep(5);
      }
      const ev = seen.find((e) => e.uri === '/helloworld');
      expect(ev).toBeDefined();
      // Well inside the 1 s the idle wait fell back to.
      expect((ev?.at ?? deadline) - answered).toBeLessThan(800);
      events.close();
    } finally {
      session.close();
      await h2demo.close();
    }
  });
});

function rawConnect(base: string): Promise<Socket> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const s = connect(Number(port), hostname, () => resolve(s));
    s.on('error', reject);
  });
}
