/**
 * Raw-socket helpers shared by the hardening tests: send bytes, half-close, and read every
 * response until the server closes; parse what came back; start the reference servers (Go's
 * net/http, Node's node:http) as child processes that answer like ours.
 *
 * Design: one exchange is one TCP connection. The client writes the bytes, ends its side (FIN),
 * and collects everything until the server closes or `timeoutMs` passes. A half-close makes
 * every server answer what it has and stop at the end of the stream (Go's conn.serve sees EOF at
 * the next readRequest; node:http ends the socket once its responses are out), so an exchange
 * never waits for an idle timeout. Responses are then split by their own framing
 * (Content-Length, chunked, or until close).
 *
 * Every server in these tests runs the same handler — read the body to its end, answer
 * `METHOD /path bodyLength` — so a response body names the request the server believed it got:
 * e.g. `POST /a 5` then `GET /smuggled 0` on one connection means a second request was carved
 * out of the first one's bytes.
 */
import { rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Request } from '../request.ts';
import type { ResponseWriter } from '../response.ts';

/** One parsed response. */
export interface Resp {
  status: number;
  headers: [string, string][];
  body: string;
}

/** What one connection saw. */
export interface Exchange {
  responses: Resp[];
  /** The server closed the connection (false: still open when the timeout passed). */
  closed: boolean;
  /** Bytes after the last whole response (a truncated one, or garbage). */
  rest: string;
  raw: string;
  /** The client's port: the server sees it as the request's remote port. */
  localPort: number;
}

/**
 * Connects to `port` on 127.0.0.1 (or to a Unix socket path), writes `bytes` (latin1),
 * half-closes unless `end` is false, and reads until the peer closes or `timeoutMs` passes.
 */
export function exchange(
  port: number | string,
  bytes: string,
  opts: { timeoutMs?: number; end?: boolean } = {},
): Promise<Exchange> {
  const timeoutMs = opts.timeoutMs ?? 3000;
  return new Promise((resolve) => {
    const s =
      typeof port === 'string' ? connect({ path: port }) : connect({ port, host: '127.0.0.1' });
    let raw = '';
    let done = false;
    let localPort = 0;
    const finish = (closed: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      const { responses, rest } = parseResponses(raw);
      resolve({ responses, closed, rest, raw, localPort });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    s.on('data', (d: Buffer) => {
      raw += d.toString('latin1');
    });
    s.on('error', () => finish(true));
    s.on('close', () => finish(true));
    s.on('end', () => finish(true));
    s.once('connect', () => {
      localPort = s.localPort ?? 0;
      s.write(Buffer.from(bytes, 'latin1'));
      if (opts.end !== false) s.end();
    });
  });
}

/** Splits a byte string into whole responses; what is left over is `rest`. */
export function parseResponses(raw: string): { responses: Resp[]; rest: string } {
  const responses: Resp[] = [];
  let at = 0;
  for (;;) {
    const h = raw.indexOf('\r\n\r\n', at);
    if (h === -1) break;
    const lines = raw.slice(at, h).split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
    if (m === null) break;
    const status = Number(m[1]);
    const headers: [string, string][] = [];
    for (const line of lines.slice(1)) {
      const c = line.indexOf(':');
      if (c > 0) headers.push([line.slice(0, c).toLowerCase(), line.slice(c + 1).trim()]);
    }
    const get = (k: string): string | undefined => headers.find(([n]) => n === k)?.[1];
    let p = h + 4;
    let body = '';
    if (status < 200 || status === 204 || status === 304) {
      // no body
    } else if (get('transfer-encoding')?.toLowerCase() === 'chunked') {
      let ok = false;
      for (;;) {
        const e = raw.indexOf('\r\n', p);
        if (e === -1) break;
        const size = Number.parseInt(raw.slice(p, e), 16);
        if (Number.isNaN(size)) break;
        if (size === 0) {
          const t = raw.indexOf('\r\n\r\n', e);
          if (t === -1) break;
          p = t + 4;
          ok = true;
          break;
        }
        if (e + 2 + size + 2 > raw.length) break;
        body += raw.slice(e + 2, e + 2 + size);
        p = e + 2 + size + 2;
      }
      if (!ok) break;
    } else if (get('content-length') !== undefined) {
      const n = Number(get('content-length'));
      // A response to HEAD declares a length and sends nothing: the next bytes are the next
      // response, or the end.
      if (p === raw.length || raw.startsWith('HTTP/1.', p)) {
        responses.push({ status, headers, body: '' });
        at = p;
        continue;
      }
      if (p + n > raw.length) break;
      body = raw.slice(p, p + n);
      p += n;
    } else {
      body = raw.slice(p);
      p = raw.length;
    }
    // A 100 Continue is not a response to a request: skip it.
    if (status !== 100) responses.push({ status, headers, body });
    at = p;
  }
  return { responses, rest: raw.slice(at) };
}

/**
 * The outcome of an exchange as the corpus writes it: one entry per response, `200 GET /a 0`
 * for a request a handler served, just the status for an error, and a final `open` when the
 * server was still holding the connection at the timeout.
 */
export function outcome(x: Exchange): string[] {
  const out = x.responses.map((r) =>
    r.status >= 200 && r.status < 300 ? `${r.status} ${r.body}` : String(r.status),
  );
  if (!x.closed) out.push('open');
  return out;
}

/** The handler every server under test runs: read the whole body, name the request. */
export function echoHandler(
  seen?: (line: string, r: Request) => void,
): (w: ResponseWriter, r: Request) => Promise<void> {
  return async (w, r) => {
    let n = 0;
    try {
      for await (const chunk of r) n += chunk.length;
    } catch {
      // A body cut short: the connection is closing; answer anyway, as Go's handler would.
    }
    const line = `${r.method} ${r.url.path} ${n}`;
    seen?.(line, r);
    await w.write(line);
  };
}

/** Runs `f` over `items` with at most `n` in flight; results in order. */
export async function pool<T, R>(items: readonly T[], n: number, f: (t: T) => Promise<R>) {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      out[i] = await f(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

/** A reference server running in a child process. */
export interface RefServer {
  port: number;
  /** Kills the child by PID. */
  stop(): void;
}

const GO_SERVER = `package main

import (
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
)

func main() {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	fmt.Println(l.Addr().(*net.TCPAddr).Port)
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n, _ := io.Copy(io.Discard, r.Body)
			fmt.Fprintf(w, "%s %s %d", r.Method, r.URL.Path, n)
		}),
		ErrorLog: log.New(io.Discard, "", 0),
	}
	srv.Serve(l)
}
`;

const NODE_SERVER = `
const http = require('node:http');
const srv = http.createServer((req, res) => {
  let n = 0;
  req.on('data', (d) => { n += d.length; });
  req.on('end', () => {
    let path = req.url;
    try { path = new URL(req.url, 'http://h').pathname; } catch {}
    res.end(req.method + ' ' + path + ' ' + n);
  });
  req.on('error', () => {});
});
srv.listen(0, '127.0.0.1', () => console.log(srv.address().port));
`;

/** `go` on PATH, or undefined. */
export function goBinary(): string | undefined {
  return Bun.which('go') ?? undefined;
}

/** `node` on PATH, or undefined. */
export function nodeBinary(): string | undefined {
  return Bun.which('node') ?? undefined;
}

async function firstLine(p: Bun.Subprocess<'ignore', 'pipe', 'pipe'>): Promise<string> {
  const reader = p.stdout.getReader();
  let text = '';
  const deadline = Date.now() + 60_000;
  while (!text.includes('\n') && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  return text.split('\n')[0] ?? '';
}

/** Builds (cached by Go) and starts the Go reference server. */
export async function startGoServer(): Promise<RefServer> {
  const go = goBinary();
  if (go === undefined) throw new Error('go is not installed');
  const dir = join(tmpdir(), `servehttp-goref-${process.pid}`);
  await Bun.write(join(dir, 'main.go'), GO_SERVER);
  const bin = join(dir, 'goref');
  const build = Bun.spawnSync([go, 'build', '-o', bin, join(dir, 'main.go')], {
    env: { ...process.env, GO111MODULE: 'off', GOFLAGS: '' },
    timeout: 120_000,
  });
  if (build.exitCode !== 0) throw new Error(`go build failed: ${build.stderr.toString()}`);
  const p = Bun.spawn([bin], { stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' });
  const port = Number(await firstLine(p));
  return {
    port,
    stop: () => {
      process.kill(p.pid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts Node's node:http reference server. */
export async function startNodeServer(): Promise<RefServer> {
  const node = nodeBinary();
  if (node === undefined) throw new Error('node is not installed');
  const p = Bun.spawn([node, '-e', NODE_SERVER], {
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const port = Number(await firstLine(p));
  return { port, stop: () => process.kill(p.pid, 'SIGKILL') };
}

/** The version string of the Go toolchain, for the report. */
export function goVersion(): string {
  const go = goBinary();
  if (go === undefined) return 'none';
  return Bun.spawnSync([go, 'version']).stdout.toString().trim();
}
