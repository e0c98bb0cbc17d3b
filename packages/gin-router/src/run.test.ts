import { afterAll, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listen } from '@servehttp/core-listener';

// gin's Run and RunUnix on the real server, each in a child process: they never return.
const dir = mkdtempSync(join(tmpdir(), 'gin-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('run() listens on :$PORT and serves the engine (gin resolveAddress)', async () => {
  const probe = await listen('tcp', '127.0.0.1:0');
  const port = probe.addr().port;
  await probe.close();
  const script = `
    import { createEngine } from '@servehttp/gin-router';
    const r = createEngine();
    r.get('/ping', (c) => c.json(200, { message: 'pong' }));
    await r.run();
  `;
  const child = Bun.spawn([process.execPath, '--conditions=@servehttp/source', '-e', script], {
    cwd: join(import.meta.dir, '..'),
    env: { ...process.env, PORT: String(port), GIN_MODE: 'release' },
    stdout: 'ignore',
    stderr: 'pipe',
  });
  try {
    let res: Response | undefined;
    for (let i = 0; i < 100 && res === undefined; i++) {
      res = await fetch(`http://localhost:${port}/ping`).catch(() => undefined);
      if (res === undefined) await Bun.sleep(50);
    }
    expect(res?.status).toBe(200);
    expect(await res?.json()).toEqual({ message: 'pong' });
  } finally {
    child.kill();
    await child.exited;
  }
});

test('runUnix() serves on a Unix socket', async () => {
  const sock = join(dir, 'gin.sock');
  const script = `
    import { createEngine } from '@servehttp/gin-router';
    const r = createEngine();
    r.get('/ping', (c) => c.string(200, 'pong over unix'));
    await r.runUnix(${JSON.stringify(sock)});
  `;
  const child = Bun.spawn([process.execPath, '--conditions=@servehttp/source', '-e', script], {
    cwd: join(import.meta.dir, '..'),
    env: { ...process.env, GIN_MODE: 'release' },
    stdout: 'ignore',
    stderr: 'pipe',
  });
  try {
    let body = '';
    for (let i = 0; i < 100 && body === ''; i++) {
      body = await new Promise<string>((resolve) => {
        const req = httpRequest({ socketPath: sock, path: '/ping' }, (res) => {
          let b = '';
          res.on('data', (d: Buffer) => {
            b += d.toString();
          });
          res.on('end', () => resolve(b));
        });
        req.on('error', () => resolve(''));
        req.end();
      });
      if (body === '') await Bun.sleep(50);
    }
    expect(body).toBe('pong over unix');
  } finally {
    child.kill();
    await child.exited;
  }
});

test('runTLS(addr, cert, key) serves the engine over TLS', async () => {
  const { writeFileSync } = await import('node:fs');
  const { testCertificate, testKey } = await import('@servehttp/core-listener/httptest');
  writeFileSync(join(dir, 'cert.pem'), testCertificate);
  writeFileSync(join(dir, 'key.pem'), testKey);
  const probe = await listen('tcp', '127.0.0.1:0');
  const port = probe.addr().port;
  await probe.close();
  const script = `
    import { createEngine } from '@servehttp/gin-router';
    const r = createEngine();
    r.get('/ping', (c) => c.string(200, 'pong over tls'));
    await r.runTLS('127.0.0.1:${port}', ${JSON.stringify(join(dir, 'cert.pem'))}, ${JSON.stringify(join(dir, 'key.pem'))});
  `;
  const child = Bun.spawn([process.execPath, '--conditions=@servehttp/source', '-e', script], {
    cwd: join(import.meta.dir, '..'),
    env: { ...process.env, GIN_MODE: 'release' },
    stdout: 'ignore',
    stderr: 'pipe',
  });
  try {
    let res: Response | undefined;
    for (let i = 0; i < 100 && res === undefined; i++) {
      res = await fetch(`https://127.0.0.1:${port}/ping`, {
        tls: { ca: testCertificate },
      } as RequestInit).catch(() => undefined);
      if (res === undefined) await Bun.sleep(50);
    }
    expect(res?.status).toBe(200);
    expect(await res?.text()).toBe('pong over tls');
  } finally {
    child.kill();
    await child.exited;
  }
});
