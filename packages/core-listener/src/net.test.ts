import { afterEach, describe, expect, test } from 'bun:test';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AddrError } from './addr.ts';
import { caught } from './caught.test-util.ts';
import {
  type Conn,
  ErrNetClosed,
  type Listener,
  listen,
  NetError,
  openNetResources,
} from './net.ts';
import { expectNothingOpen } from './settled.test-util.ts';

// One conformance suite, both backends (Go's run(t, f, modes)); afterEach checks that nothing
// this module opened is left open (Go's afterTest).
const backends = ['bun', 'node'] as const;

const listeners: Listener[] = [];
const clients: Socket[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const l of listeners.splice(0)) await l.close();
  // Closing a client is seen by the server side on the next turns of the event loop.
  await expectNothingOpen();
});

async function serve(
  backend: 'bun' | 'node',
  network: 'tcp' | 'tcp4' | 'tcp6' | 'unix',
  address: string,
) {
  const l = await listen(network, address, { backend });
  listeners.push(l);
  return l;
}

function dial(port: number | string, host = '127.0.0.1'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = typeof port === 'string' ? connect(port) : connect({ port, host });
    clients.push(s);
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

function collect(s: Socket, until: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const parts: Uint8Array[] = [];
    let n = 0;
    const timer = setTimeout(() => reject(new Error(`got ${n} of ${until} bytes`)), 5000);
    s.on('data', (d: Uint8Array) => {
      parts.push(d);
      n += d.length;
      if (n >= until) {
        clearTimeout(timer);
        resolve(Buffer.concat(parts));
      }
    });
  });
}

async function readAll(c: Conn): Promise<string> {
  let out = '';
  for await (const chunk of c) out += new TextDecoder().decode(chunk);
  return out;
}

describe.each(backends)('%s backend', (backend) => {
  test('tcp 127.0.0.1:0 picks a port; accept, read, write, EOF', async () => {
    const l = await serve(backend, 'tcp', '127.0.0.1:0');
    const a = l.addr();
    expect(a.network).toBe('tcp');
    expect(a.host).toBe('127.0.0.1');
    expect(a.port).toBeGreaterThan(0);
    expect(String(a)).toBe(`127.0.0.1:${a.port}`);

    const client = await dial(a.port);
    const conn = await l.accept();
    expect(conn.localAddr.port).toBe(a.port);
    expect(conn.remoteAddr.host).toBe('127.0.0.1');
    expect(conn.remoteAddr.port).toBe(client.localPort ?? -1);

    client.write('ping');
    client.end();
    expect(await readAll(conn)).toBe('ping');
    expect(await conn.read()).toBeNull();

    const echoed = collect(client, 4);
    await conn.write('pong');
    expect(new TextDecoder().decode(await echoed)).toBe('pong');
    conn.close();
    await conn.closed;
  });

  test(':0 listens on every interface, IPv4 and IPv6 (Go: dual-stack "tcp")', async () => {
    const l = await serve(backend, 'tcp', ':0');
    expect(l.addr().host).toBe('::');
    await dial(l.addr().port, '127.0.0.1');
    const c4 = await l.accept();
    // An IPv4 peer on a dual-stack socket is reported as IPv4, as Go does.
    expect(c4.remoteAddr.host).toBe('127.0.0.1');
    await dial(l.addr().port, '::1');
    const c6 = await l.accept();
    expect(c6.remoteAddr.host).toBe('::1');
    expect(String(c6.localAddr)).toBe(`[::1]:${l.addr().port}`);
    c4.close();
    c6.close();
  });

  test('tcp6 [::1]:0 and tcp4 localhost:0', async () => {
    const l6 = await serve(backend, 'tcp6', '[::1]:0');
    expect(String(l6.addr())).toBe(`[::1]:${l6.addr().port}`);
    const l4 = await serve(backend, 'tcp4', 'localhost:0');
    expect(l4.addr().host).toBe('127.0.0.1');
  });

  test('a large write resolves only once the peer has read it, intact', async () => {
    const l = await serve(backend, 'tcp', '127.0.0.1:0');
    const client = await dial(l.addr().port);
    const conn = await l.accept();
    const size = 8 * 1024 * 1024;
    const data = new Uint8Array(size);
    for (let i = 0; i < size; i++) data[i] = (i * 31) & 0xff;
    client.pause();
    let done = false;
    const w = conn.write(data).then(() => {
      done = true;
    });
    await Bun.sleep(50);
    // The kernel buffers cannot hold 8 MiB: the write must still be waiting.
    expect(done).toBe(false);
    const got = collect(client, size);
    client.resume();
    await w;
    expect(Buffer.compare(await got, data)).toBe(0);
    conn.close();
  });

  test('large multi-byte text is written whole, short writes included', async () => {
    const l = await serve(backend, 'tcp', '127.0.0.1:0');
    const client = await dial(l.addr().port);
    const conn = await l.accept();
    const text = 'é€😀'.repeat(400_000); // 2 + 3 + 4 bytes, 3.6 MB
    const bytes = new TextEncoder().encode(text);
    client.pause();
    const w = conn.write(text);
    const got = collect(client, bytes.length);
    await Bun.sleep(20);
    client.resume();
    await w;
    expect(Buffer.compare(await got, bytes)).toBe(0);
    conn.close();
  });

  test('a peer that sends faster than the reader reads is paused, nothing is lost', async () => {
    const l = await serve(backend, 'tcp', '127.0.0.1:0');
    const client = await dial(l.addr().port);
    const conn = await l.accept();
    const total = 4 * 1024 * 1024;
    const chunk = new Uint8Array(64 * 1024).fill(7);
    for (let sent = 0; sent < total; sent += chunk.length) client.write(chunk);
    client.end();
    await Bun.sleep(50);
    let n = 0;
    for await (const c of conn) {
      for (const b of c) if (b !== 7) throw new Error('corrupt byte');
      n += c.length;
    }
    expect(n).toBe(total);
    conn.close();
  });

  test('closing the listener rejects waiting and later accepts; accepted conns stay open', async () => {
    const l = await serve(backend, 'tcp', '127.0.0.1:0');
    const client = await dial(l.addr().port);
    const conn = await l.accept();
    const waiting = l.accept();
    await l.close();
    await l.close(); // idempotent
    await expect(waiting).rejects.toBe(ErrNetClosed);
    await expect(l.accept()).rejects.toBe(ErrNetClosed);
    const got = collect(client, 2);
    await conn.write('ok');
    expect(new TextDecoder().decode(await got)).toBe('ok');
    conn.close();
    await expect(conn.write('late')).rejects.toBe(ErrNetClosed);
    expect(await conn.read()).toBeNull();
  });

  test('closeWrite ends our side after pending data; the peer sees EOF', async () => {
    const l = await serve(backend, 'tcp', '127.0.0.1:0');
    const client = await dial(l.addr().port);
    const conn = await l.accept();
    const ended = new Promise<string>((resolve) => {
      let s = '';
      client.on('data', (d: Uint8Array) => {
        s += new TextDecoder().decode(d);
      });
      client.on('end', () => resolve(s));
    });
    void conn.write('bye');
    conn.closeWrite();
    expect(await ended).toBe('bye');
    conn.close();
  });

  test('a second waiting read is an error', async () => {
    const l = await serve(backend, 'tcp', '127.0.0.1:0');
    await dial(l.addr().port);
    const conn = await l.accept();
    const first = conn.read();
    await expect(conn.read()).rejects.toThrow('another read is already waiting');
    conn.close();
    expect(await first).toBeNull();
  });

  test('unix socket: listen, echo, and close removes the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'servehttp-net-'));
    try {
      const path = join(dir, 's.sock');
      const l = await serve(backend, 'unix', path);
      expect(l.addr().network).toBe('unix');
      expect(String(l.addr())).toBe(path);
      const client = await dial(path);
      const conn = await l.accept();
      const got = collect(client, 2);
      await conn.write('hi');
      expect(new TextDecoder().decode(await got)).toBe('hi');
      conn.close();
      await l.close();
      expect(existsSync(path)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a unix socket in a missing directory is a NetError like Go, and nothing listens', async () => {
    const path = '/nonexistent-servehttp-dir/sub/s.sock';
    const err = await listen('unix', path, { backend }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetError);
    expect((err as NetError).message).toBe(`listen unix ${path}: bind: no such file or directory`);
    expect((err as NetError).code).toBe('ENOENT');
    expect(openNetResources().listeners).toBe(0);
  });

  test('a port in use is a NetError like Go: "bind: address already in use"', async () => {
    const l = await serve(backend, 'tcp', '127.0.0.1:0');
    const addr = String(l.addr());
    const err = await listen('tcp', addr, { backend }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetError);
    expect((err as NetError).message).toBe(`listen tcp ${addr}: bind: address already in use`);
    expect((err as NetError).code).toBe('EADDRINUSE');
  });
});

describe('listen: bad addresses (Go net.Listen)', () => {
  const rows: [
    network: string,
    address: string,
    error: typeof AddrError | typeof NetError,
    message: string,
  ][] = [
    ['tcp', '127.0.0.1', AddrError, 'address 127.0.0.1: missing port in address'],
    ['tcp', '::1:80', AddrError, 'too many colons in address'],
    ['tcp', ':99999', AddrError, 'invalid port'],
    ['tcp', ':gopher', AddrError, 'unknown port gopher'],
    ['tcp4', '[::1]:0', AddrError, 'no suitable address found'],
    ['tcp6', '127.0.0.1:0', AddrError, 'no suitable address found'],
    // Go: net.UnknownNetworkError.
    ['udp', ':0', NetError, 'listen udp :0: unknown network udp'],
    ['unix', '', NetError, 'listen unix: missing address'],
  ];
  test.each(rows)('%s %p', async (network, address, type, message) => {
    const err = await listen(network as 'tcp', address).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(type);
    expect((err as Error).message).toContain(message);
    expect(caught(() => undefined)).toBeUndefined();
  });
});
