import { afterAll, describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import { listen, type Request, type ResponseWriter, Server } from '@servehttp/core-listener';
import { ServeMux } from './mux.ts';

// ServeMux on the wire: the real core-listener server, real sockets, fetch as the client.
const mux = new ServeMux();
mux.handleFunc('GET /items/{id}', (w: ResponseWriter, r: Request) => {
  void w.write(`item ${r.pathValue('id')} via ${r.pattern}`);
});
mux.handleFunc('POST /items', async (w: ResponseWriter, r: Request) => {
  w.writeHeader(201);
  void w.write(`created ${await r.text()}`);
});
mux.handleFunc('/tree/', (w: ResponseWriter) => void w.write('tree'));

const srv = new Server({ handler: mux, errorLog: () => {} });
const l = await listen('tcp', '127.0.0.1:0');
void srv.serve(l).catch(() => {});
const base = `http://127.0.0.1:${l.addr().port}`;
afterAll(() => srv.close());

describe('ServeMux over the core server (Go ServeMux behaviour on the wire)', () => {
  type Row = {
    method: string;
    path: string;
    status: number;
    body: string;
    header?: [string, string];
  };
  const rows: Row[] = [
    { method: 'GET', path: '/items/42', status: 200, body: 'item 42 via GET /items/{id}' },
    // GET patterns match HEAD too (no body on the wire).
    { method: 'HEAD', path: '/items/42', status: 200, body: '' },
    { method: 'POST', path: '/items', status: 201, body: 'created pen' },
    // 405 with Allow, Go's text body.
    {
      method: 'DELETE',
      path: '/items/42',
      status: 405,
      body: 'Method Not Allowed\n',
      header: ['allow', 'GET, HEAD'],
    },
    { method: 'GET', path: '/nope', status: 404, body: '404 page not found\n' },
    // Subtree pattern: /tree → 301 /tree/.
    { method: 'GET', path: '/tree', status: 301, body: '', header: ['location', '/tree/'] },
  ];
  test.each(rows)('$method $path → $status', async ({ method, path, status, body, header }) => {
    const res = await fetch(base + path, {
      method,
      redirect: 'manual',
      ...(method === 'POST' ? { body: 'pen' } : {}),
    });
    expect(res.status).toBe(status);
    if (header !== undefined) expect(res.headers.get(header[0])).toBe(header[1]);
    const text = await res.text();
    if (status !== 301) expect(text).toBe(body);
  });

  test('an unclean path is redirected to its clean form (raw request, fetch would clean it)', async () => {
    const { connect } = await import('node:net');
    const out = await new Promise<string>((resolve) => {
      const s = connect(l.addr().port, '127.0.0.1');
      let got = '';
      s.on('data', (d: Buffer) => {
        got += d.toString();
        if (got.includes('\r\n\r\n')) {
          s.destroy();
          resolve(got);
        }
      });
      s.write('GET /tree/../items/7 HTTP/1.1\r\nHost: x\r\n\r\n');
    });
    expect(out).toStartWith('HTTP/1.1 301 Moved Permanently\r\n');
    expect(out).toContain('Location: /items/7\r\n');
  });
});

test("listenAndServe(addr) with no handler serves DefaultServeMux (the seeds' hello world)", async () => {
  const probe = await listen('tcp', '127.0.0.1:0');
  const port = probe.addr().port;
  await probe.close();
  const script = `
    import { handleFunc, listenAndServe } from '@servehttp/servemux';
    handleFunc('/helloworld', (w) => void w.write('Hello, World!'));
    await listenAndServe('127.0.0.1:${port}');
  `;
  const child = Bun.spawn([process.execPath, '--conditions=@servehttp/source', '-e', script], {
    cwd: join(import.meta.dir, '..'),
    stdout: 'ignore',
    stderr: 'pipe',
  });
  try {
    let res: Response | undefined;
    for (let i = 0; i < 100 && res === undefined; i++) {
      res = await fetch(`http://127.0.0.1:${port}/helloworld`).catch(() => undefined);
      if (res === undefined) await Bun.sleep(50);
    }
    expect(res?.status).toBe(200);
    expect(await res?.text()).toBe('Hello, World!');
  } finally {
    child.kill();
    await child.exited;
  }
});

test('listenAndServeTLS(addr, cert, key) serves DefaultServeMux over TLS', async () => {
  const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { testCertificate, testKey } = await import('@servehttp/core-listener/httptest');
  const dir = mkdtempSync(join(tmpdir(), 'servemux-tls-'));
  writeFileSync(join(dir, 'cert.pem'), testCertificate);
  writeFileSync(join(dir, 'key.pem'), testKey);
  const probe = await listen('tcp', '127.0.0.1:0');
  const port = probe.addr().port;
  await probe.close();
  const script = `
    import { handleFunc, listenAndServeTLS } from '@servehttp/servemux';
    handleFunc('/secure', (w, r) => void w.write('tls ' + r.tls?.negotiatedProtocol));
    await listenAndServeTLS('127.0.0.1:${port}', ${JSON.stringify(join(dir, 'cert.pem'))}, ${JSON.stringify(join(dir, 'key.pem'))});
  `;
  const child = Bun.spawn([process.execPath, '--conditions=@servehttp/source', '-e', script], {
    cwd: join(import.meta.dir, '..'),
    stdout: 'ignore',
    stderr: 'pipe',
  });
  try {
    let res: Response | undefined;
    for (let i = 0; i < 100 && res === undefined; i++) {
      res = await fetch(`https://127.0.0.1:${port}/secure`, {
        tls: { ca: testCertificate },
      } as RequestInit).catch(() => undefined);
      if (res === undefined) await Bun.sleep(50);
    }
    expect(res?.status).toBe(200);
    expect(await res?.text()).toBe('tls http/1.1');
  } finally {
    child.kill();
    await child.exited;
    rmSync(dir, { recursive: true, force: true });
  }
});
