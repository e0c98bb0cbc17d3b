// The demo behind a real nginx (Debian's package), started on loopback by the test: the client
// address arrives through X-Forwarded-For from the trusted proxy only, nginx keeps its upstream
// connections alive, and a reload (SIGHUP) while a client loop runs fails no request.
// Skipped (with the reason) where /usr/sbin/nginx is missing.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { type RunningDemo, startDemo, tempDir } from './demo.test-util.ts';

const nginxBin = '/usr/sbin/nginx';
const haveNginx = existsSync(nginxBin);
if (!haveNginx) {
  console.warn(
    `nginx.test.ts skipped: ${nginxBin} is missing (scripts/system-deps.sh installs it)`,
  );
}

// nginx talks to the upstream from 127.0.0.2 (proxy_bind; all of 127/8 is loopback on Linux), so
// the demo can trust exactly the proxy while test clients connect from 127.0.0.1, untrusted.
const proxyAddr = '127.0.0.2';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a !== null ? a.port : 0));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

function config(dir: string, port: number, upstream: string): string {
  return `worker_processes 1;
error_log ${dir}/error.log notice;
pid ${dir}/nginx.pid;
user root;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  upstream demo {
    server ${upstream};
    keepalive 8;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://demo;
      proxy_bind ${proxyAddr};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_buffering off;
    }
  }
}
`;
}

describe.skipIf(!haveNginx)('behind nginx', () => {
  let demo: RunningDemo;
  let dir = '';
  let nginx: ReturnType<typeof Bun.spawn> | undefined;
  let base = '';

  beforeAll(async () => {
    demo = await startDemo({ trustedProxies: [`${proxyAddr}/32`] });
    dir = tempDir('servehttp-nginx-');
    mkdirSync(join(dir, 'tmp'));
    const port = await freePort();
    const conf = join(dir, 'nginx.conf');
    writeFileSync(conf, config(dir, port, new URL(demo.base).host));
    nginx = Bun.spawn([nginxBin, '-p', dir, '-c', conf, '-g', 'daemon off;'], {
      stdout: 'ignore',
      stderr: 'pipe',
    });
    const deadline = Date.now() + 5000;
    while (!(await canConnect(port))) {
      if (Date.now() > deadline || nginx.exitCode !== null) {
        const err = await new Response(nginx.stderr as ReadableStream<Uint8Array>).text();
        throw new Error(`nginx did not start: ${err}`);
      }
      await Bun.sleep(20);
    }
    base = `http://127.0.0.1:${port}`;
  }, 15_000);

  afterAll(async () => {
    if (nginx !== undefined && nginx.exitCode === null) {
      nginx.kill('SIGTERM');
      await nginx.exited;
    }
    await demo?.close();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  test('the client IP comes from X-Forwarded-For, believed only from the trusted proxy', async () => {
    // Through nginx: nginx appends the peer (127.0.0.1) to what the client sent; realIP walks from
    // the right, and the proxy at 127.0.0.2 is the only trusted hop.
    const viaProxy = (await (await fetch(`${base}/whoami`)).json()) as { clientIP: string };
    expect(viaProxy.clientIP).toBe('127.0.0.1');
    const forwarded = (await (
      await fetch(`${base}/whoami`, { headers: { 'X-Forwarded-For': '203.0.113.7' } })
    ).json()) as { clientIP: string };
    // The client (127.0.0.1, untrusted) is the first untrusted hop from the right: what it
    // claimed before it is not believed.
    expect(forwarded.clientIP).toBe('127.0.0.1');
    // Straight to the demo, a spoofed header from an untrusted peer is ignored.
    const direct = (await (
      await fetch(`${demo.base}/whoami`, { headers: { 'X-Forwarded-For': '203.0.113.7' } })
    ).json()) as { clientIP: string };
    expect(direct.clientIP).toBe('127.0.0.1');
    // The access log names the client, not the proxy.
    expect(demo.logs.some((l) => l.includes('/whoami') && l.includes('from 127.0.0.1 '))).toBe(
      true,
    );
    expect(demo.logs.some((l) => l.includes(`from ${proxyAddr}`))).toBe(false);
  });

  test('every hop trusted (a proxy chain): the walk reaches the address the first proxy saw', async () => {
    // Direct, to a second demo that trusts both loopback addresses, as if 127.0.0.1 were an
    // inner proxy: the walk skips both trusted hops and stops at the claimed client.
    const d = await startDemo({ trustedProxies: ['127.0.0.1/32', `${proxyAddr}/32`] });
    try {
      const res = await fetch(`${d.base}/whoami`, {
        headers: { 'X-Forwarded-For': '203.0.113.7, 127.0.0.1' },
      });
      expect(((await res.json()) as { clientIP: string }).clientIP).toBe('203.0.113.7');
    } finally {
      await d.close();
    }
  });

  test('keep-alive to the upstream: 30 requests through nginx reuse a few connections', async () => {
    const before = demo.conns();
    for (let i = 0; i < 30; i++) {
      const res = await fetch(`${base}/api/v1/user/gopher`, { headers: { Connection: 'close' } });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
    // Each client connection was closed (Connection: close), yet nginx kept its upstream
    // connection open (keepalive 8 + HTTP/1.1 + Connection ""): far fewer than 30 new ones.
    const opened = demo.conns() - before;
    expect(opened).toBeGreaterThanOrEqual(0);
    expect(opened).toBeLessThanOrEqual(2);
  });

  test('a graceful reload (SIGHUP) while a client loop runs: zero failed requests', async () => {
    const pid = nginx?.pid;
    if (pid === undefined) throw new Error('nginx is not running');
    const results: number[] = [];
    const failures: string[] = [];
    let reloaded = false;
    const loop = (async () => {
      const deadline = Date.now() + 4000;
      // Until the reload was seen in the log plus 100 more requests, bounded by count and time.
      let after = 0;
      for (let i = 0; i < 2000 && Date.now() < deadline && after < 100; i++) {
        try {
          const res = await fetch(`${base}/health`);
          results.push(res.status);
          await res.arrayBuffer();
        } catch (err) {
          failures.push(String(err));
        }
        if (reloaded) after++;
      }
    })();
    const logPath = join(dir, 'error.log');
    // Send the reload once the loop is under way.
    while (results.length < 20) await Bun.sleep(5);
    process.kill(pid, 'SIGHUP');
    const deadline = Date.now() + 3000;
    while (!reloaded && Date.now() < deadline) {
      reloaded = readFileSync(logPath, 'utf8').includes('reconfiguring');
      if (!reloaded) await Bun.sleep(20);
    }
    await loop;
    expect(reloaded).toBe(true);
    expect(failures).toEqual([]);
    expect(results.length).toBeGreaterThan(100);
    expect(new Set(results)).toEqual(new Set([200]));
  }, 10_000);
});
