import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listen, openNetResources } from '../net.ts';
import { Server } from '../server.ts';
import { CORPUS } from './corpus-data.test-util.ts';
import { echoHandler, exchange, pool } from './wire.test-util.ts';

// The corpus through a real nginx in front of the server, the deployment request smuggling is
// about: nginx parses each row, forwards what it accepts over a pooled keep-alive HTTP/1.1
// upstream connection, and tags every forwarded request with its own id. The server records
// every request it serves. A desync shows as a request the server served that nginx never
// forwarded (no id, an unknown id, or a method/target that differs from nginx's log for that
// id). Since upstream connections are shared between rows, bytes left over from one row would
// surface in another row's request: the check covers that too.

const NGINX = '/usr/sbin/nginx';
const haveNginx = existsSync(NGINX);
const backends = ['bun', 'node'] as const;

// How nginx writes a byte in its access log: controls, '"', '\\' and non-ASCII as \xHH.
function nginxEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    out +=
      c < 0x20 || c >= 0x7f || ch === '"' || ch === '\\'
        ? `\\x${c.toString(16).toUpperCase().padStart(2, '0')}`
        : ch;
  }
  return out;
}

interface Served {
  id: string;
  method: string;
  uri: string;
}

interface Forwarded {
  id: string;
  status: string;
  upstream: string;
  method: string;
  uri: string;
}

async function startNginx(upstreamPort: number) {
  const prefix = mkdtempSync(join(tmpdir(), 'servehttp-nginx-'));
  // A Unix socket, not a TCP port: a port picked free and handed to nginx could be taken by
  // another process (other suites run in parallel on this machine) before nginx binds it.
  const sock = join(prefix, 'nginx.sock');
  const conf = `
daemon off;
master_process off;
worker_processes 1;
error_log ${prefix}/error.log warn;
pid ${prefix}/nginx.pid;
events { worker_connections 512; }
http {
  log_format fwd '$request_id\\t$status\\t$upstream_addr\\t$request_method\\t$request_uri';
  access_log ${prefix}/access.log fwd;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  upstream app {
    server 127.0.0.1:${upstreamPort};
    keepalive 8;
  }
  server {
    listen unix:${sock};
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Req-Id $request_id;
      # The test client half-closes after its bytes; nginx must still answer.
      proxy_ignore_client_abort on;
    }
  }
}
`;
  await Bun.write(join(prefix, 'nginx.conf'), conf);
  const p = Bun.spawn([NGINX, '-p', prefix, '-c', join(prefix, 'nginx.conf')], {
    stdin: 'ignore',
    stdout: 'ignore',
    stderr: 'pipe',
  });
  // Ready when it accepts a connection.
  const deadline = Date.now() + 5000;
  for (;;) {
    const x = await exchange(sock, 'GET /ready HTTP/1.1\r\nHost: x\r\n\r\n', { timeoutMs: 1000 });
    if (x.responses.length > 0) break;
    if (Date.now() > deadline) {
      process.kill(p.pid, 'SIGKILL');
      const log = readFileSync(join(prefix, 'error.log'), 'utf8');
      rmSync(prefix, { recursive: true, force: true });
      throw new Error(`nginx did not start: ${log}`);
    }
    await Bun.sleep(20);
  }
  return {
    sock,
    forwarded(): Forwarded[] {
      const text = readFileSync(join(prefix, 'access.log'), 'latin1');
      return text
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => {
          const [id = '', status = '', upstream = '', method = '', uri = ''] = l.split('\t');
          return { id, status, upstream, method, uri };
        });
    },
    stop(): void {
      process.kill(p.pid, 'SIGKILL');
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}

describe.skipIf(!haveNginx).each(backends)(
  '%s backend behind nginx: no row is read differently',
  (backend) => {
    let srv: Server;
    let nginx: Awaited<ReturnType<typeof startNginx>>;
    const served: Served[] = [];
    beforeAll(async () => {
      srv = new Server({
        handler: echoHandler((_line, r) => {
          served.push({
            id: r.header.get('X-Req-Id'),
            method: r.method,
            uri: nginxEscape(r.requestURI),
          });
        }),
        errorLog: () => {},
      });
      const l = await listen('tcp', '127.0.0.1:0', { backend });
      void srv.serve(l).catch(() => {});
      nginx = await startNginx(l.addr().port);
    }, 20_000);
    afterAll(async () => {
      nginx?.stop();
      await srv?.close();
      const deadline = Date.now() + 3000;
      while (openNetResources().conns > 0 && Date.now() < deadline) await Bun.sleep(5);
      expect(openNetResources().conns).toBe(0);
    });

    test('every request the server served is one nginx forwarded, once, unchanged', async () => {
      await pool(CORPUS, 8, (row) => exchange(nginx.sock, row.send));
      // nginx writes its log line when the request ends; give the last ones a moment.
      let fwd = nginx.forwarded();
      const deadline = Date.now() + 2000;
      while (Date.now() < deadline) {
        await Bun.sleep(50);
        const again = nginx.forwarded();
        if (again.length === fwd.length) break;
        fwd = again;
      }
      const byId = new Map(fwd.map((f) => [f.id, f]));
      const unseen = served.filter((s) => {
        const f = byId.get(s.id);
        return f === undefined || f.method !== s.method || f.uri !== s.uri;
      });
      expect(unseen).toEqual([]);
      const ids = served.map((s) => s.id);
      expect(new Set(ids).size).toBe(ids.length);
      // nginx forwarded requests from most rows; a served /smuggled is only ever one nginx
      // itself parsed as a request of its own.
      const forwardedSmuggled = fwd.filter((f) => f.uri === '/smuggled' && f.upstream !== '-');
      expect(served.filter((s) => s.uri === '/smuggled').length).toBe(forwardedSmuggled.length);
      expect(served.length).toBeGreaterThan(100);
      // Everything nginx says reached the upstream and got a 2xx was served by the server.
      const upstreamOK = fwd.filter((f) => f.upstream !== '-' && f.status.startsWith('2'));
      expect(upstreamOK.filter((f) => !ids.includes(f.id))).toEqual([]);
    }, 60_000);
  },
);
