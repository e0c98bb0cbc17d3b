/**
 * A writer with every optional capability, for proving that wrappers keep them: it records each
 * call in `calls` and delegates the body to a {@link ResponseRecorder}.
 */
import type { HijackedConn, ResponseWriter } from '@servehttp/core-listener';
import { ResponseRecorder } from '@servehttp/core-listener/httptest';

/** Builds a fake writer; `caps` picks which capabilities it has (all by default). */
export function fakeWriter(
  caps: { flush?: boolean; hijack?: boolean; deadlines?: boolean; duplex?: boolean } = {},
): ResponseWriter & { rec: ResponseRecorder; calls: string[]; conn: HijackedConn } {
  const rec = new ResponseRecorder();
  const calls: string[] = [];
  const conn: HijackedConn = {
    buffered: new Uint8Array(0),
    remoteAddr: '192.0.2.1:1234',
    localAddr: '127.0.0.1:80',
    write: async () => {},
    async *[Symbol.asyncIterator]() {},
    close: () => {},
  };
  const w: Record<string, unknown> = {
    rec,
    calls,
    conn,
    header: () => rec.header(),
    writeHeader: (code: number) => {
      calls.push(`writeHeader ${code}`);
      rec.writeHeader(code);
    },
    write: (chunk: string | Uint8Array) => {
      calls.push('write');
      rec.write(chunk);
    },
  };
  if (caps.flush ?? true) {
    w.flush = () => {
      calls.push('flush');
      rec.flush();
    };
  }
  if (caps.hijack ?? true) {
    w.hijack = () => {
      calls.push('hijack');
      return conn;
    };
  }
  if (caps.deadlines ?? true) {
    w.setReadDeadline = (d: Date | number) => calls.push(`setReadDeadline ${Number(d)}`);
    w.setWriteDeadline = (d: Date | number) => calls.push(`setWriteDeadline ${Number(d)}`);
  }
  if (caps.duplex ?? true) w.enableFullDuplex = () => calls.push('enableFullDuplex');
  return w as unknown as ResponseWriter & {
    rec: ResponseRecorder;
    calls: string[];
    conn: HijackedConn;
  };
}
