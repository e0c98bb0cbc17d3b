/**
 * The in-process cost of one request through core-listener's connection loop, with no socket:
 * an `HTTPConn` over a fake connection whose writes are dropped, fed the same request bytes over
 * and over (keep-alive), or `DEPTH` requests per chunk (pipelined). It measures the JavaScript a
 * server runs per request — parse, Request, handler, ResponseWriter, head — apart from the
 * kernel's share, which dominates the wire benchmark and is the same for every server.
 *
 *   bun --conditions=@servehttp/source bench/conn/inproc.ts [wrk|browser] [requests] [path]
 *   DEPTH=16 bun --conditions=@servehttp/source bench/conn/inproc.ts
 *   VARIANT=gin bun --conditions=@servehttp/source bench/conn/inproc.ts   (core|servemux|gin|stack)
 *
 * Prints the median and minimum of 7 runs in CPU ns per request (process CPU time, so other
 * load on the machine disturbs it less than wall-clock time would). Pin it: `taskset -c 0`.
 */
import { type ConnServer, HTTPConn } from '../../packages/core-listener/src/conn.ts';
import { Context } from '../../packages/core-listener/src/context.ts';
import { buildVariant } from '../servers/variants.ts';

// The same handlers as the wire benchmark's servehttp rows (bench/servers/variants.ts).
const variant = process.env.VARIANT ?? 'core';
const handler = await buildVariant(variant);

let bytesOut = 0;
const never = new Promise<void>(() => {});
// Just what HTTPConn uses of a Conn: writes always taken at once, never closed.
const conn = {
  remoteAddr: '127.0.0.1:5555',
  localAddr: '127.0.0.1:80',
  ended: never,
  closed: never,
  attach() {},
  writeNow(d: string | Uint8Array) {
    bytesOut += d.length;
    return undefined;
  },
  write: () => Promise.resolve(),
  close() {},
  closeWrite() {},
  read: () => new Promise<Uint8Array | null>(() => {}),
};
const srv: ConnServer = {
  handler,
  maxHeaderBytes: 1 << 20,
  readHeaderTimeout: 0,
  readTimeout: 0,
  writeTimeout: 0,
  idleTimeout: 0,
  disableGeneralOptionsHandler: false,
  keepAlivesEnabled: () => true,
  logf: (m) => console.error(m),
  setState: () => {},
};
const c = new HTTPConn(
  srv,
  conn as unknown as ConstructorParameters<typeof HTTPConn>[1],
  Context.background(),
);
void c.serve();

const kind = process.argv[2] ?? 'wrk';
const head =
  kind === 'browser'
    ? 'GET /hello HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36\r\nAccept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\nAccept-Encoding: gzip, deflate, br\r\nAccept-Language: en-US,en;q=0.9\r\nConnection: keep-alive\r\n\r\n'
    : 'GET /hello HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n';
const path = process.argv[4] ?? '/hello';
const depth = Number(process.env.DEPTH ?? 1);
const chunk = new TextEncoder().encode(head.replace('/hello', path).repeat(depth));
const total = Number(process.argv[3] ?? 2_000_000);
const perRun = Math.max(1, Math.floor(total / 7 / depth));
const runs: number[] = [];
for (let r = 0; r < 7; r++) {
  const c0 = process.cpuUsage();
  // A fresh copy per read, as a socket hands over a new buffer each time.
  for (let i = 0; i < perRun; i++) c.onChunk(chunk.slice());
  const d = process.cpuUsage(c0);
  runs.push(((d.user + d.system) * 1000) / (perRun * depth));
}
runs.sort((a, b) => a - b);
console.log(
  `${variant} ${path} ${kind}${depth > 1 ? ` ×${depth} pipelined` : ''}: median ${(runs[3] as number).toFixed(0)} ns/request, min ${(runs[0] as number).toFixed(0)} (${bytesOut} bytes answered)`,
);
