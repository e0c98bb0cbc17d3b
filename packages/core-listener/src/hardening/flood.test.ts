import { describe, expect, test } from 'bun:test';
import { connect, type Socket } from 'node:net';
import { startChild } from './child.test-util.ts';
import { exchange } from './wire.test-util.ts';

// More connections than file descriptors: the server runs in a child under `ulimit -n 128`
// and 400 clients connect, each sending a request and holding its connection open. The
// process must survive, answer what it could accept, and — once the flood is gone — serve
// normally again.
//
// Where the accept error goes: Server.serve backs off 5 ms → 1 s on EMFILE like Go's
// (server.test.ts "temporary accept errors back off"), but both backends accept inside the
// runtime, before a Listener sees the connection: Bun.listen (usockets) and node:net (on Bun,
// Bun's own implementation) take the EMFILE themselves and leave the connection in the
// kernel's backlog. So there is nothing for the Server to log, and none is asserted; what is
// asserted is Go's outcome: no crash, connections beyond the limit wait, service resumes.

const backends = ['bun', 'node'] as const;

function flood(port: number, n: number) {
  const socks: Socket[] = [];
  const done: Socket[] = [];
  let answered = 0;
  let errors = 0;
  for (let i = 0; i < n; i++) {
    const s = connect({ port, host: '127.0.0.1' });
    let got = false;
    s.on('data', () => {
      if (!got) {
        answered++;
        done.push(s);
      }
      got = true;
    });
    s.on('error', () => errors++);
    s.once('connect', () => s.write('GET /flood HTTP/1.1\r\nHost: x\r\n\r\n'));
    socks.push(s);
  }
  return {
    get answered() {
      return answered;
    },
    get errors() {
      return errors;
    },
    /** Closes the connections that were answered, freeing the server's fds. */
    release: () => {
      for (const s of done.splice(0)) s.destroy();
    },
    close: () => {
      for (const s of socks) s.destroy();
    },
  };
}

describe.each(backends)('%s backend: connection flood past the fd limit', (backend) => {
  test('400 held connections under ulimit -n 128: no crash, service resumes once they go', async () => {
    const child = await startChild(backend, { fdLimit: 128 });
    const f = flood(child.port, 400);
    try {
      // Wait until the server has answered what it can hold; it cannot hold all 400.
      const deadline = Date.now() + 5000;
      let last = -1;
      let still = 0;
      while (Date.now() < deadline && still < 3) {
        await Bun.sleep(200);
        still = f.answered === last && last > 0 ? still + 1 : 0;
        last = f.answered;
      }
      const during = f.answered;
      expect(during).toBeGreaterThan(50);
      expect(during).toBeLessThan(128);
      expect(
        child.lines.filter((l) => l.startsWith('UNCAUGHT') || l.startsWith('UNHANDLED')),
      ).toEqual([]);
      // The ones past the limit waited in the backlog: as fds free up, they are accepted.
      f.release();
      const more = Date.now() + 3000;
      while (f.answered < during + 50 && Date.now() < more) await Bun.sleep(50);
      expect(f.answered).toBeGreaterThanOrEqual(during + 50);
      f.close();
      // Load dropped: fresh clients are served again, promptly.
      const t = Date.now();
      for (let i = 0; i < 20; i++) {
        const x = await exchange(child.port, `GET /after${i} HTTP/1.1\r\nHost: x\r\n\r\n`);
        expect(x.responses.map((r) => r.status)).toEqual([200]);
      }
      expect(Date.now() - t).toBeLessThan(5000);
      expect(child.lines.filter((l) => l.startsWith('UNCAUGHT'))).toEqual([]);
    } finally {
      f.close();
      child.kill();
    }
  }, 20_000);
});
