import { describe, expect, test } from 'bun:test';
import { ErrNotSupported, ResponseController, type ResponseWriter } from '@servehttp/core-listener';
import { ResponseRecorder } from '@servehttp/core-listener/httptest';
import { fakeWriter } from './fake-writer.test-util.ts';
import { ResponseWriterWrapper, wrapWriter } from './writer.ts';

const capabilityNames = [
  'flush',
  'hijack',
  'setReadDeadline',
  'setWriteDeadline',
  'enableFullDuplex',
] as const;

describe('capabilities are kept, never invented (chi#544, httpsnoop)', () => {
  // Each row: which capabilities the inner writer has → the wrapper has exactly those.
  const rows: [string, Parameters<typeof fakeWriter>[0], string[]][] = [
    ['all', {}, [...capabilityNames]],
    ['none', { flush: false, hijack: false, deadlines: false, duplex: false }, []],
    ['flush only (SSE)', { hijack: false, deadlines: false, duplex: false }, ['flush']],
    ['hijack only (WebSocket)', { flush: false, deadlines: false, duplex: false }, ['hijack']],
    [
      'deadlines only',
      { flush: false, hijack: false, duplex: false },
      ['setReadDeadline', 'setWriteDeadline'],
    ],
    ['flush + hijack', { deadlines: false, duplex: false }, ['flush', 'hijack']],
  ];
  test.each(rows)('%s', (_name, caps, want) => {
    const inner = fakeWriter(caps);
    const w = wrapWriter(inner);
    const have = capabilityNames.filter(
      (k) => typeof (w as unknown as Record<string, unknown>)[k] === 'function',
    );
    expect(have as string[]).toEqual(want);
    // Wrapping twice (a stack of middleware writers) keeps the same set.
    const outer = new (ResponseWriterWrapper.variant(w))(w);
    const have2 = capabilityNames.filter(
      (k) => typeof (outer as unknown as Record<string, unknown>)[k] === 'function',
    );
    expect(have2 as string[]).toEqual(want);
  });

  test('ResponseController reaches each capability through two wrappers', () => {
    const inner = fakeWriter();
    const a = new (ResponseWriterWrapper.variant(inner))(inner);
    const b = new (ResponseWriterWrapper.variant(a))(a);
    const rc = new ResponseController(b);
    rc.setReadDeadline(5);
    rc.setWriteDeadline(6);
    rc.enableFullDuplex();
    void rc.flush();
    expect(rc.hijack()).toBe(inner.conn);
    expect(inner.calls).toEqual([
      'setReadDeadline 5',
      'setWriteDeadline 6',
      'enableFullDuplex',
      'writeHeader 200',
      'flush',
      'hijack',
    ]);
    expect(a.hijacked && b.hijacked).toBe(true);
    expect(b.unwrap()).toBe(a);
    expect(a.unwrap()).toBe(inner);
  });

  test('a missing capability stays missing: ResponseController throws ErrNotSupported', () => {
    const w = wrapWriter(new ResponseRecorder());
    expect(() => new ResponseController(w).hijack()).toThrow(ErrNotSupported);
    expect(() => new ResponseController(w).setReadDeadline(0)).toThrow(ErrNotSupported);
  });

  test('variant classes are built once per (class, mask)', () => {
    const r1 = new ResponseRecorder();
    const r2 = new ResponseRecorder();
    expect(ResponseWriterWrapper.variant(r1)).toBe(ResponseWriterWrapper.variant(r2));
    const bare: ResponseWriter = { header: r1.header.bind(r1), writeHeader() {}, write() {} };
    expect(ResponseWriterWrapper.variant(bare)).toBe(ResponseWriterWrapper);
  });
});

describe('recording', () => {
  type Step = ['writeHeader', number] | ['write', string] | ['flush'];
  // Rows: calls made by a handler → status, bytes, wroteHeader; what Go's server would send.
  const rows: [string, Step[], number, number, boolean][] = [
    ['nothing written: status 0 (server sends 200)', [], 0, 0, false],
    ['implicit 200 on first write', [['write', 'hello']], 200, 5, true],
    [
      'explicit status',
      [
        ['writeHeader', 201],
        ['write', 'ok'],
      ],
      201,
      2,
      true,
    ],
    [
      'second final status ignored',
      [
        ['writeHeader', 404],
        ['writeHeader', 500],
      ],
      404,
      0,
      true,
    ],
    ['103 Early Hints is not final', [['writeHeader', 103]], 0, 0, false],
    [
      '103 then 200',
      [
        ['writeHeader', 103],
        ['writeHeader', 200],
      ],
      200,
      0,
      true,
    ],
    ['101 is final (upgrade)', [['writeHeader', 101]], 101, 0, true],
    ['multi-byte text counted in UTF-8 bytes', [['write', 'héllo €']], 200, 10, true],
    ['flush commits 200', [['flush']], 200, 0, true],
  ];
  test.each(rows)('%s', (_name, steps, status, bytes, wrote) => {
    const rec = new ResponseRecorder();
    const w = wrapWriter(rec);
    for (const s of steps) {
      if (s[0] === 'writeHeader') w.writeHeader(s[1]);
      else if (s[0] === 'write') void w.write(s[1]);
      else void w.flush?.();
    }
    expect([w.status, w.bytesWritten, w.wroteHeader]).toEqual([status, bytes, wrote]);
    if (wrote) expect(w.headerAt).toBeGreaterThanOrEqual(w.startedAt);
    // The recorder saw the same thing: the wrapper records, it does not change.
    if (status >= 200) expect(rec.code).toBe(status);
  });

  test('1xx responses pass through to the inner writer', () => {
    const rec = new ResponseRecorder();
    const w = wrapWriter(rec);
    w.header().set('Link', '</a.css>; rel=preload');
    w.writeHeader(103);
    w.writeHeader(204);
    expect(rec.informational.map((i) => i.code)).toEqual([103]);
    expect(rec.code).toBe(204);
  });

  test('wrapWriter reuses a plain wrapper, never a subclass', () => {
    const rec = new ResponseRecorder();
    const w = wrapWriter(rec);
    expect(wrapWriter(w)).toBe(w);
    class Sub extends ResponseWriterWrapper {}
    const s = new (Sub.variant(rec))(rec);
    expect(wrapWriter(s)).not.toBe(s);
  });

  test('an invalid status throws from the inner writer and is not recorded', () => {
    const w = wrapWriter(new ResponseRecorder());
    expect(() => w.writeHeader(42)).toThrow(RangeError);
    expect(w.status).toBe(0);
  });
});
