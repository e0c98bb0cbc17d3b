import { describe, expect, test } from 'bun:test';
import {
  ErrNotSupported,
  type Header,
  type HijackedConn,
  type ResponseWriter as HTTPResponseWriter,
} from '@servehttp/core-listener';
import { ResponseRecorder } from '@servehttp/core-listener/httptest';
import './gin.test-util.ts';
import { ErrHijackAlreadyWritten, ResponseWriter } from './response-writer.ts';

// gin response_writer_test.go, row by row.
describe('ResponseWriter (gin response_writer_test.go)', () => {
  test('unwrap returns the wrapped writer (TestResponseWriterUnwrap)', () => {
    const rec = new ResponseRecorder();
    expect(new ResponseWriter(rec).unwrap()).toBe(rec);
  });

  test('a new writer: size -1, status 200, not written (TestResponseWriterReset)', () => {
    const w = new ResponseWriter(new ResponseRecorder());
    expect([w.size, w.status, w.written]).toEqual([-1, 200, false]);
  });

  test('writeHeader only records; a non-positive code is ignored (TestResponseWriterWriteHeader)', () => {
    const rec = new ResponseRecorder();
    const w = new ResponseWriter(rec);
    w.writeHeader(300);
    expect([w.written, w.status]).toEqual([false, 300]);
    expect(rec.result().statusCode).not.toBe(300);
    w.writeHeader(-1);
    expect(w.status).toBe(300);
  });

  test('writeHeaderNow sends once and sets size 0 (TestResponseWriterWriteHeadersNow)', () => {
    const rec = new ResponseRecorder();
    const w = new ResponseWriter(rec);
    w.writeHeader(300);
    w.writeHeaderNow();
    expect([w.written, w.size, rec.code]).toEqual([true, 0, 300]);
    void w.write('0123456789');
    w.writeHeaderNow();
    expect(w.size).toBe(10);
  });

  // [chunks written, size after each] — size counts UTF-8 bytes, as Go's len([]byte).
  const writes: [string, (string | Uint8Array)[], number[]][] = [
    ['TestResponseWriterWrite', ['hola', ' adios'], [4, 10]],
    ['bytes', [new Uint8Array([1, 2, 3])], [3]],
    ['UTF-8 strings count bytes', ['é', '🧡', '语'], [2, 6, 9]],
    ['an empty write still sends the header', [''], [0]],
  ];
  test.each(writes)('%s', (_n, chunks, sizes) => {
    const rec = new ResponseRecorder();
    const w = new ResponseWriter(rec);
    chunks.forEach((c, i) => {
      void w.write(c);
      expect(w.size).toBe(sizes[i] as number);
    });
    expect([w.status, rec.code, w.written]).toEqual([200, 200, true]);
    expect(rec.body.length).toBe(sizes[sizes.length - 1] as number);
  });

  test('status cannot change once written (TestResponseWriterStatusCode)', () => {
    const w = new ResponseWriter(new ResponseRecorder());
    w.writeHeader(200);
    w.writeHeaderNow();
    expect([w.status, w.written]).toEqual([200, true]);
    w.writeHeader(401);
    expect(w.status).toBe(200);
  });

  test('flush sends the recorded status (TestResponseWriterFlush) and is a no-op without a flusher (gin#4460)', () => {
    const rec = new ResponseRecorder();
    const w = new ResponseWriter(rec);
    w.writeHeader(500);
    void w.flush();
    expect([rec.code, rec.flushed]).toEqual([500, true]);

    const bare: HTTPResponseWriter = {
      header: () => rec.header() as Header,
      writeHeader: () => {},
      write: () => {},
    };
    expect(() => new ResponseWriter(bare).flush()).not.toThrow();
  });

  test('hijack on a writer that cannot: ErrNotSupported, state untouched (TestResponseWriterHijack, gin#4638)', () => {
    const w = new ResponseWriter(new ResponseRecorder());
    expect(() => w.hijack()).toThrow(ErrNotSupported);
    expect(w.written).toBe(false);
  });

  // TestResponseWriterHijackAfterWrite + TestResponseWriterHijackAfterWriteHeaderNow: hijack is
  // allowed before any byte and after the bare header (websocket libraries), never after body.
  const hijacks: {
    name: string;
    before: (w: ResponseWriter) => void;
    writtenBefore: boolean;
    ok: boolean;
  }[] = [
    { name: 'before any write', before: () => {}, writtenBefore: false, ok: true },
    { name: 'after a write', before: (w) => void w.write('test'), writtenBefore: true, ok: false },
    {
      name: 'after writeHeaderNow only',
      before: (w) => w.writeHeaderNow(),
      writtenBefore: true,
      ok: true,
    },
    {
      name: 'after writeHeaderNow and a write',
      before: (w) => {
        w.writeHeaderNow();
        void w.write('test');
      },
      writtenBefore: true,
      ok: false,
    },
  ];
  test.each(hijacks)('hijack $name', (row) => {
    let hijacked = false;
    const rec = new ResponseRecorder();
    const mock = Object.assign(rec, {
      hijack(): HijackedConn {
        hijacked = true;
        return {} as HijackedConn;
      },
    });
    const w = new ResponseWriter(mock);
    row.before(w);
    expect(w.written).toBe(row.writtenBefore);
    if (row.ok) expect(() => w.hijack()).not.toThrow();
    else expect(() => w.hijack()).toThrow(ErrHijackAlreadyWritten);
    expect(hijacked).toBe(row.ok);
    // Hijack itself marks the writer written, so the engine sends no header afterwards.
    expect(w.written).toBe(true);
  });
});
