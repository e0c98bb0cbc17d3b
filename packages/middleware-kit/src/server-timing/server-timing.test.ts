import { describe, expect, test } from 'bun:test';
import { handlerFunc } from '@servehttp/core-listener';
import { newRequest, ResponseRecorder } from '@servehttp/core-listener/httptest';
import { chain } from '../chain.ts';
import { fakeWriter } from '../fake-writer.test-util.ts';
import { startSpan, type Trace, trace, traced, tracedHandler } from './index.ts';

describe('trace + serverTiming', () => {
  test('spans for middleware, routing and handler; header at first byte; trace to the sink', async () => {
    const traces: Trace[] = [];
    const passthrough = (next: Parameters<Parameters<typeof traced>[1]>[0]) => next;
    const h = chain(
      tracedHandler('handler', async (w, r) => {
        startSpan(r, 'db')();
        r.pattern = 'GET /x';
        void w.write('hello');
      }),
      trace({ sink: (t) => traces.push(t) }),
      traced('auth', passthrough),
      traced('routing', passthrough),
    );
    const rec = new ResponseRecorder();
    await h.serveHTTP(rec, newRequest('GET', '/x'));
    const st = rec.result().header.get('Server-Timing');
    expect(st).toMatch(
      /^auth;dur=[\d.]+, routing;dur=[\d.]+, handler;dur=[\d.]+, db;dur=[\d.]+, ttfb;dur=[\d.]+$/,
    );
    expect(traces.length).toBe(1);
    const t = traces[0] as Trace;
    expect(t.spans.map((s) => s.name)).toEqual(['auth', 'routing', 'handler', 'db']);
    expect(t.spans.every((s) => s.dur >= 0)).toBe(true);
    expect([t.status, t.bytes, t.pattern]).toEqual([200, 5, 'GET /x']);
    expect(t.ttfb).toBeGreaterThanOrEqual(0);
    expect(t.duration).toBeGreaterThanOrEqual(t.ttfb);
  });

  test('untraced requests pay nothing visible; header can be turned off; capabilities kept', async () => {
    const rec = new ResponseRecorder();
    await tracedHandler('h', (w) => w.writeHeader(204)).serveHTTP(rec, newRequest('GET', '/'));
    expect(rec.header().get('Server-Timing')).toBe('');
    const w = fakeWriter();
    await trace({ serverTiming: false })(
      handlerFunc((w2) => {
        (w2 as unknown as { hijack(): unknown }).hijack();
      }),
    ).serveHTTP(w, newRequest('GET', '/'));
    expect(w.calls).toEqual(['hijack']);
  });

  test('origin is the clock reading span times are relative to', async () => {
    const traces: Trace[] = [];
    let handlerAt = 0;
    const before = performance.now();
    await chain(
      tracedHandler('handler', () => {
        handlerAt = performance.now();
      }),
      trace({ sink: (t) => traces.push(t) }),
    ).serveHTTP(new ResponseRecorder(), newRequest('GET', '/'));
    const after = performance.now();
    const t = traces[0] as Trace;
    expect(t.origin).toBeGreaterThanOrEqual(before);
    const span = t.spans[0] as (typeof t.spans)[0];
    // The span opened before the handler ran and closed after it, on the trace's own clock.
    expect(t.origin + span.start).toBeLessThanOrEqual(handlerAt);
    expect(t.origin + span.start + span.dur).toBeGreaterThanOrEqual(handlerAt);
    expect(t.origin + t.duration).toBeLessThanOrEqual(after);
  });

  test('span names must be tokens', () => {
    expect(() => traced('a b', (n) => n)).toThrow('must be a token');
  });
});
