import { expect, test } from 'bun:test';
import { handlerFunc } from '@servehttp/core-listener';
import { newRequest, ResponseRecorder } from '@servehttp/core-listener/httptest';
import { heartbeat } from './index.ts';

// Rows (chi Heartbeat): method, path → answered by heartbeat.
const rows: [string, string, boolean][] = [
  ['GET', '/ping', true],
  ['HEAD', '/ping', true],
  ['GET', '/PING', true],
  ['POST', '/ping', false],
  ['GET', '/ping/x', false],
];
test.each(rows)('%s %s → heartbeat %p', async (method, path, hit) => {
  const rec = new ResponseRecorder();
  await heartbeat('/ping')(handlerFunc((w) => w.writeHeader(404))).serveHTTP(
    rec,
    newRequest(method, path),
  );
  expect(rec.code).toBe(hit ? 200 : 404);
  if (hit) expect([rec.text(), rec.header().get('Content-Type')]).toEqual(['.', 'text/plain']);
});
test('bad endpoint', () => expect(() => heartbeat('ping')).toThrow('middleware-kit: heartbeat:'));
