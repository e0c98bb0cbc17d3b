import { expect, test } from 'bun:test';
import { join, resolve } from 'node:path';

// The packages ship `dist/` built by `tsc -b`, and must run on Node.js 20 as well as Bun. This
// builds them, then runs a handler and a listener (node:net backend) through the published entry
// points on the machine's `node`,
// resolving `@servehttp/*` the way an npm user's project does (default conditions → dist).
const root = resolve(import.meta.dir, '..');

const script = `
import { Header, Request, StatusCreated, canonicalHeaderKey, toHandler } from '@servehttp/core-listener';
import { newRequest, ResponseRecorder, startTestServer } from '@servehttp/core-listener/httptest';
import { listen, Server } from '@servehttp/core-listener';
import { isToken } from '@servehttp/http-parser';
import { connect } from 'node:net';
const h = toHandler(async (w, r) => {
  const body = await r.json();
  w.header().set('X-Echo', String(body.n));
  w.writeHeader(StatusCreated);
  w.write('<html>' + r.url.path);
});
const rec = new ResponseRecorder();
await h.serveHTTP(rec, newRequest('POST', '/items/%41?x=1', JSON.stringify({ n: 7 })));
const res = rec.result();
let injection = 'accepted';
try { new Header().set('X', 'a\\r\\nb'); } catch (e) { injection = e.name; }
const l = await listen('tcp', '127.0.0.1:0');
const client = connect(l.addr().port, '127.0.0.1');
client.end('over the wire');
const conn = await l.accept();
let wire = '';
for await (const chunk of conn) wire += new TextDecoder().decode(chunk);
conn.close();
await l.close();
const srv = new Server({ handler: async (w, r) => { w.header().set('X-Runtime', 'node'); void w.write('served ' + r.method + ' ' + (await r.text())); } });
const l2 = await listen('tcp', '127.0.0.1:0');
void srv.serve(l2).catch(() => {});
const fetched = await fetch('http://127.0.0.1:' + l2.addr().port + '/x', { method: 'POST', body: 'on node' });
const served = fetched.headers.get('x-runtime') + ': ' + (await fetched.text());
await srv.close();
const ts = await startTestServer((w, r) => void w.write('tls ' + (r.tls !== undefined) + ' ' + r.url.path), { tls: true });
const trusted = await (await ts.fetch('/secure')).text();
await ts.close();
console.log(JSON.stringify({
  trusted,
  served,
  wire,
  node: process.versions.node,
  status: res.status,
  type: res.header.get('Content-Type'),
  echo: res.header.get('X-Echo'),
  body: rec.text(),
  key: canonicalHeaderKey('x-forwarded-for'),
  token: isToken('GET') && !isToken('G T'),
  injection,
  request: new Request({ target: '/' }).method,
}));
`;

test('dist runs on Node.js 20+ through the package exports', () => {
  const build = Bun.spawnSync([join(root, 'node_modules/.bin/tsc'), '-b'], { cwd: root });
  expect(build.stdout.toString() + build.stderr.toString()).toBe('');
  const p = Bun.spawnSync(['node', '--input-type=module', '-e', script], {
    cwd: join(root, 'apps/demo'),
    stdout: 'pipe',
    stderr: 'pipe',
  });
  expect(p.stderr.toString()).toBe('');
  const out = JSON.parse(p.stdout.toString());
  expect(Number(out.node.split('.')[0])).toBeGreaterThanOrEqual(20);
  expect(out).toMatchObject({
    status: '201 Created',
    type: 'text/html; charset=utf-8',
    echo: '7',
    body: '<html>/items/A',
    key: 'X-Forwarded-For',
    token: true,
    injection: 'InvalidHeaderError',
    request: 'GET',
    wire: 'over the wire',
    served: 'node: served POST on node',
    trusted: 'tls true /secure',
  });
}, 60_000);
