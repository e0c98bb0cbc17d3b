import { describe, expect, test } from 'bun:test';
import { type HandlerFunc, handlerFunc } from '@servehttp/core-listener';
import { newRequest, ResponseRecorder } from '@servehttp/core-listener/httptest';
import { chain } from '../chain.ts';
import { fakeWriter } from '../fake-writer.test-util.ts';
import { recovery } from '../recovery/index.ts';
import { requestID } from '../request-id/index.ts';
import { formatDuration, type LogEntry, logger } from './index.ts';

// Rows: handler → status and bytes the entry reports (chi Logger's WrapResponseWriter counts).
const rows: [string, HandlerFunc, number, number][] = [
  ['nothing written → 200', () => {}, 200, 0],
  ['body', (w) => void w.write('hello'), 200, 5],
  [
    'status + body',
    (w) => {
      w.writeHeader(404);
      void w.write('nope');
    },
    404,
    4,
  ],
  [
    'async',
    async (w) => {
      await Promise.resolve();
      w.writeHeader(201);
    },
    201,
    0,
  ],
];

describe('logger', () => {
  test.each(rows)('%s', async (_name, h, status, bytes) => {
    const entries: LogEntry[] = [];
    const r = newRequest('GET', '/items/7?x=1');
    r.pattern = 'GET /items/{id}';
    await logger({ sink: (_l, e) => entries.push(e) })(handlerFunc(h)).serveHTTP(
      new ResponseRecorder(),
      r,
    );
    expect(entries.length).toBe(1);
    const e = entries[0] as LogEntry;
    expect([e.method, e.uri, e.pattern, e.status, e.bytes]).toEqual([
      'GET',
      '/items/7?x=1',
      'GET /items/{id}',
      status,
      bytes,
    ]);
    expect(e.durationMs).toBeGreaterThanOrEqual(0);
  });

  test('text line carries request id, status, bytes, pattern; no colour by default with a sink', async () => {
    const lines: string[] = [];
    const h = chain(
      handlerFunc((w, r) => {
        r.pattern = 'GET /';
        void w.write('hi');
      }),
      requestID({ generator: () => 'rid-1' }),
      logger({ sink: (l) => lines.push(l) }),
    );
    await h.serveHTTP(new ResponseRecorder(), newRequest('GET', '/'));
    expect(lines[0]).toMatch(
      /^\[rid-1\] "GET \/ HTTP\/1\.1" from 192\.0\.2\.1:1234 - 200 2B in [\d.]+(ns|µs|ms) \(GET \/\)$/,
    );
  });

  test('a logger inside requestID still sees the pattern the router set (no request copy)', async () => {
    const lines: string[] = [];
    const h = chain(
      handlerFunc((w, r) => {
        r.pattern = 'GET /items/{id}';
        void w.write('x');
      }),
      requestID({ generator: () => 'rid-2' }),
      logger({ sink: (l) => lines.push(l) }),
    );
    await h.serveHTTP(new ResponseRecorder(), newRequest('GET', '/items/7'));
    expect(lines[0]).toMatch(/^\[rid-2\] "GET \/items\/7 HTTP\/1\.1".* \(GET \/items\/\{id\}\)$/);
  });

  test('entry.time is the wall clock at arrival; JSON of the entry keeps every field', async () => {
    const entries: LogEntry[] = [];
    const before = Date.now();
    await logger({ sink: (_l, e) => entries.push(e) })(
      handlerFunc((w) => w.writeHeader(204)),
    ).serveHTTP(new ResponseRecorder(), newRequest('GET', '/t'));
    const after = Date.now();
    const e = entries[0] as LogEntry;
    // Derived from the monotonic clock and an anchor re-read each second: within a few ms.
    expect(e.time.getTime()).toBeGreaterThanOrEqual(before - 5);
    expect(e.time.getTime()).toBeLessThanOrEqual(after + 5);
    const o = JSON.parse(JSON.stringify(e));
    expect(Object.keys(o).sort()).toEqual([
      'bytes',
      'durationMs',
      'method',
      'pattern',
      'proto',
      'remoteAddr',
      'requestID',
      'status',
      'time',
      'uri',
    ]);
    expect(o.status).toBe(204);
  });

  test('json line', async () => {
    const lines: string[] = [];
    await logger({ format: 'json', sink: (l) => lines.push(l) })(
      handlerFunc((w) => w.writeHeader(204)),
    ).serveHTTP(new ResponseRecorder(), newRequest('DELETE', '/x'));
    const o = JSON.parse(lines[0] as string);
    expect([o.method, o.uri, o.status, o.bytes, o.request_id]).toEqual([
      'DELETE',
      '/x',
      204,
      0,
      '',
    ]);
  });

  test('colours on request', async () => {
    const lines: string[] = [];
    await logger({ color: true, sink: (l) => lines.push(l) })(
      handlerFunc((w) => w.writeHeader(500)),
    ).serveHTTP(new ResponseRecorder(), newRequest('GET', '/'));
    expect(lines[0]).toContain('\x1b[31m500\x1b[0m');
  });

  test('a throw is logged as 500 and propagates; inside recovery the entry says 500 too', async () => {
    const entries: LogEntry[] = [];
    const sink = (_l: string, e: LogEntry) => entries.push(e);
    const failing = handlerFunc(() => {
      throw new Error('x');
    });
    await expect(async () =>
      logger({ sink })(failing).serveHTTP(new ResponseRecorder(), newRequest('GET', '/')),
    ).toThrow('x');
    await chain(failing, logger({ sink }), recovery({ log: () => {} })).serveHTTP(
      new ResponseRecorder(),
      newRequest('GET', '/'),
    );
    expect(entries.map((e) => e.status)).toEqual([500, 500]);
  });

  test('hijack through logger (wire scenario on a fake writer)', async () => {
    const w = fakeWriter();
    const entries: LogEntry[] = [];
    await logger({ sink: (_l, e) => entries.push(e) })(
      handlerFunc((w2) => {
        (w2 as unknown as { hijack(): unknown }).hijack();
      }),
    ).serveHTTP(w, newRequest('GET', '/ws'));
    expect(w.calls).toEqual(['hijack']);
    expect(entries.length).toBe(1);
  });

  const durations: [number, string][] = [
    [0.0005, '500ns'],
    [0.0213, '21.3µs'],
    [0.00995, '10.0µs'],
    [0.5, '500.0µs'],
    [4.12, '4.1ms'],
    [4.96, '5.0ms'],
    [999.9, '999.9ms'],
    [1234, '1.23s'],
  ];
  test.each(durations)('formatDuration(%p) = %s', (ms, s) => expect(formatDuration(ms)).toBe(s));

  test('bad options', () => {
    expect(() => logger({ format: 'xml' as never })).toThrow('middleware-kit: logger: format');
  });
});
