import { describe, expect, test } from 'bun:test';
import { handlerFunc, type Request } from '@servehttp/core-listener';
import { newRequest, ResponseRecorder } from '@servehttp/core-listener/httptest';
import { type RealIPOptions, realIP, realIPKey } from './index.ts';

const proxies = ['10.0.0.0/8', 'fd00::/8', '192.0.2.1'];
// Rows: peer, header values, options → remoteAddr the handler sees. Walk from the right, skip
// trusted hops, stop at the first untrusted one; ignore headers from untrusted peers.
const rows: [string, string, Record<string, string>, Partial<RealIPOptions>, string][] = [
  [
    'untrusted peer: header ignored',
    '198.51.100.1:5',
    { 'X-Forwarded-For': '1.2.3.4' },
    {},
    '198.51.100.1:5',
  ],
  ['trusted peer, one hop', '10.0.0.5:5', { 'X-Forwarded-For': '203.0.113.7' }, {}, '203.0.113.7'],
  [
    'skip trusted hops from the right',
    '10.0.0.5:5',
    { 'X-Forwarded-For': '203.0.113.7, 10.0.0.9' },
    {},
    '203.0.113.7',
  ],
  [
    'spoofed left entry not believed',
    '10.0.0.5:5',
    { 'X-Forwarded-For': '6.6.6.6, 203.0.113.7' },
    {},
    '203.0.113.7',
  ],
  [
    'all trusted: leftmost',
    '10.0.0.5:5',
    { 'X-Forwarded-For': '10.1.1.1, 10.2.2.2' },
    {},
    '10.1.1.1',
  ],
  [
    'garbage hop stops the walk',
    '10.0.0.5:5',
    { 'X-Forwarded-For': 'junk, 10.0.0.7' },
    {},
    '10.0.0.7',
  ],
  ['no header: unchanged', '10.0.0.5:5', {}, {}, '10.0.0.5:5'],
  [
    'IPv4-mapped peer',
    '[::ffff:10.0.0.5]:5',
    { 'X-Forwarded-For': '203.0.113.7' },
    {},
    '203.0.113.7',
  ],
  ['IPv6 peer and hop', '[fd00::1]:5', { 'X-Forwarded-For': '2001:db8::7' }, {}, '2001:db8::7'],
  [
    'Forwarded for= with quotes and port',
    '10.0.0.5:5',
    { Forwarded: 'for="[2001:db8::7]:4711";proto=https, for=10.0.0.8' },
    { header: 'forwarded' },
    '2001:db8::7',
  ],
  [
    'Forwarded for IPv4',
    '10.0.0.5:5',
    { Forwarded: 'for=203.0.113.9;by=10.0.0.5' },
    { header: 'forwarded' },
    '203.0.113.9',
  ],
  [
    'X-Real-IP',
    '192.0.2.1:1',
    { 'X-Real-Ip': '203.0.113.1' },
    { header: 'x-real-ip' },
    '203.0.113.1',
  ],
];

describe('realIP', () => {
  test.each(rows)('%s', async (_name, peer, headers, options, want) => {
    const r = newRequest('GET', '/');
    r.remoteAddr = peer;
    for (const [k, v] of Object.entries(headers)) r.header.set(k, v);
    let seen: Request | undefined;
    await realIP({ trustedProxies: proxies, ...options })(
      handlerFunc((_w, r2) => {
        seen = r2;
      }),
    ).serveHTTP(new ResponseRecorder(), r);
    expect(seen?.remoteAddr).toBe(want);
    if (want !== peer) expect(seen?.context().value(realIPKey)).toBe(want);
    expect(r.remoteAddr).toBe(peer); // the caller's request is not mutated
  });

  const bad: [string, unknown, string][] = [
    ['missing', {}, 'trustedProxies is required'],
    ['empty', { trustedProxies: [] }, 'trustedProxies is required'],
    ['bad CIDR', { trustedProxies: ['10.0.0.0/99'] }, 'is not a CIDR'],
    ['bad header', { trustedProxies: ['10.0.0.0/8'], header: 'via' }, 'header must be'],
  ];
  test.each(bad)('%s throws', (_name, o, msg) => {
    expect(() => realIP(o as RealIPOptions)).toThrow(msg);
  });
});
