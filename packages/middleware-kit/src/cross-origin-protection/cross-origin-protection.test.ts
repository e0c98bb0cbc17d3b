import { describe, expect, test } from 'bun:test';
import { handlerFunc, type Request } from '@servehttp/core-listener';
import { newRequest, ResponseRecorder } from '@servehttp/core-listener/httptest';
import { CrossOriginProtection, crossOriginProtection } from './index.ts';

const ok = handlerFunc((w) => w.writeHeader(200));

// Go's httptestNewRequest works around go.dev/issue/73151: the URL has no scheme/host, Host is
// example.com. newRequest with a path does the same.
function req(method: string, path: string, site: string, origin: string): Request {
  const r = newRequest(method, path);
  if (site !== '') r.header.set('Sec-Fetch-Site', site);
  if (origin !== '') r.header.set('Origin', origin);
  return r;
}

async function status(
  h: ReturnType<ReturnType<typeof crossOriginProtection>>,
  r: Request,
): Promise<number> {
  const rec = new ResponseRecorder();
  await h.serveHTTP(rec, r);
  return rec.code;
}

describe('Go TestCrossOriginProtectionSecFetchSite', () => {
  const rows: [string, string, string, string, number][] = [
    ['same-origin allowed', 'POST', 'same-origin', '', 200],
    ['none allowed', 'POST', 'none', '', 200],
    ['cross-site blocked', 'POST', 'cross-site', '', 403],
    ['same-site blocked', 'POST', 'same-site', '', 403],
    ['no header with no origin', 'POST', '', '', 200],
    ['no header with matching origin', 'POST', '', 'https://example.com', 200],
    ['no header with mismatched origin', 'POST', '', 'https://attacker.example', 403],
    ['no header with null origin', 'POST', '', 'null', 403],
    // Go parses Origin with url.Parse and compares its host with the request's: a value that is
    // no URL, or one without a host, never matches (and never throws).
    ['no header with an origin that is no URL', 'POST', '', '%zz not a url', 403],
    ['no header with an origin without a host', 'POST', '', 'http://', 403],
    ['GET allowed', 'GET', 'cross-site', '', 200],
    ['HEAD allowed', 'HEAD', 'cross-site', '', 200],
    ['OPTIONS allowed', 'OPTIONS', 'cross-site', '', 200],
    ['PUT blocked', 'PUT', 'cross-site', '', 403],
  ];
  const h = crossOriginProtection()(ok);
  test.each(rows)('%s', async (_n, method, site, origin, want) => {
    expect(await status(h, req(method, '/', site, origin))).toBe(want);
  });

  test("403 carries Go's message", async () => {
    const rec = new ResponseRecorder();
    await h.serveHTTP(rec, req('POST', '/', 'cross-site', ''));
    expect(rec.text()).toBe('cross-origin request detected from Sec-Fetch-Site header\n');
    const rec2 = new ResponseRecorder();
    await h.serveHTTP(rec2, req('POST', '/', '', 'https://attacker.example'));
    expect(rec2.text()).toContain('Sec-Fetch-Site is missing, and Origin does not match Host');
  });
});

describe('Go TestCrossOriginProtectionTrustedOriginBypass', () => {
  const rows: [string, string, string, number][] = [
    ['trusted origin without sec-fetch-site', 'https://trusted.example', '', 200],
    ['trusted origin with cross-site', 'https://trusted.example', 'cross-site', 200],
    ['untrusted origin without sec-fetch-site', 'https://attacker.example', '', 403],
    ['untrusted origin with cross-site', 'https://attacker.example', 'cross-site', 403],
  ];
  const h = crossOriginProtection({ trustedOrigins: ['https://trusted.example'] })(ok);
  test.each(rows)('%s', async (_n, origin, site, want) => {
    expect(await status(h, req('POST', '/', site, origin))).toBe(want);
  });
});

describe('Go TestCrossOriginProtectionPatternBypass', () => {
  const rows: [string, string, string, number][] = [
    ['bypass path without sec-fetch-site', '/bypass/', '', 200],
    ['bypass path with cross-site', '/bypass/', 'cross-site', 200],
    ['non-bypass path without sec-fetch-site', '/api/', '', 403],
    ['non-bypass path with cross-site', '/api/', 'cross-site', 403],
    ['redirect to bypass path without ..', '/foo/../bypass/bar', '', 200],
    ['redirect to bypass path with trailing slash', '/bypass', '', 200],
    ['redirect to non-bypass path with ..', '/foo/../api/bar', '', 403],
    ['redirect to non-bypass path with trailing slash', '/api', '', 403],
    ['wildcard bypass', '/only/123', '', 200],
    ['non-wildcard', '/only/123/foo', '', 403],
  ];
  const h = crossOriginProtection({ insecureBypassPatterns: ['/bypass/', '/only/{foo}'] })(ok);
  test.each(rows)('%s', async (_n, path, site, want) => {
    expect(await status(h, req('POST', path, site, 'https://attacker.example'))).toBe(want);
  });
});

describe('Go TestCrossOriginProtectionSetDenyHandler', () => {
  test('custom deny, GET unaffected, cleared deny restores 403', async () => {
    const p = new CrossOriginProtection();
    const h = p.handler(ok);
    expect(await status(h, req('POST', '/', 'cross-site', ''))).toBe(403);
    p.setDenyHandler((w) => {
      w.writeHeader(418);
      void w.write('custom error');
    });
    const rec = new ResponseRecorder();
    await h.serveHTTP(rec, req('POST', '/', 'cross-site', ''));
    expect([rec.code, rec.text()]).toEqual([418, 'custom error']);
    expect(await status(h, req('GET', '/', '', ''))).toBe(200);
    p.setDenyHandler(undefined);
    expect(await status(h, req('POST', '/', 'cross-site', ''))).toBe(403);
  });
});

describe('Go TestCrossOriginProtectionAddTrustedOriginErrors', () => {
  const rows: [string, string, boolean][] = [
    ['valid origin', 'https://example.com', false],
    ['valid origin with port', 'https://example.com:8080', false],
    ['http origin', 'http://example.com', false],
    ['missing scheme', 'example.com', true],
    ['missing host', 'https://', true],
    ['trailing slash', 'https://example.com/', true],
    ['with path', 'https://example.com/path', true],
    ['with query', 'https://example.com?query=value', true],
    ['with fragment', 'https://example.com#fragment', true],
    ['invalid url', 'https://ex ample.com', true],
    ['empty string', '', true],
    ['null', 'null', true],
  ];
  test.each(rows)('%s', (_n, origin, wantErr) => {
    const p = new CrossOriginProtection();
    if (wantErr)
      expect(() => p.addTrustedOrigin(origin)).toThrow(
        'middleware-kit: crossOriginProtection: invalid origin',
      );
    else expect(() => p.addTrustedOrigin(origin)).not.toThrow();
  });

  test('bypass patterns added later apply to later requests', async () => {
    const p = new CrossOriginProtection();
    const h = p.handler(ok);
    const r = () => req('POST', '/foo/x', 'cross-site', 'https://concurrent.example');
    expect(await status(h, r())).toBe(403);
    p.addInsecureBypassPattern('POST /foo/');
    expect(await status(h, r())).toBe(200);
    expect(() => p.addInsecureBypassPattern('nopath')).toThrow('has no path');
  });
});
