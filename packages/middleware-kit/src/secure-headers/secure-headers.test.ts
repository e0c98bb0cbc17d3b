import { describe, expect, test } from 'bun:test';
import { handlerFunc } from '@servehttp/core-listener';
import { newRequest, ResponseRecorder } from '@servehttp/core-listener/httptest';
import { type SecureHeadersOptions, secureHeaders } from './index.ts';

async function headers(o: SecureHeadersOptions) {
  const rec = new ResponseRecorder();
  rec.header().set('X-Powered-By', 'x');
  await secureHeaders(o)(handlerFunc(() => {})).serveHTTP(rec, newRequest('GET', '/'));
  return rec.result().header;
}

describe('secureHeaders (Hono defaults)', () => {
  const defaults: [string, string][] = [
    ['Cross-Origin-Resource-Policy', 'same-origin'],
    ['Cross-Origin-Opener-Policy', 'same-origin'],
    ['Origin-Agent-Cluster', '?1'],
    ['Referrer-Policy', 'no-referrer'],
    ['Strict-Transport-Security', 'max-age=15552000; includeSubDomains'],
    ['X-Content-Type-Options', 'nosniff'],
    ['X-DNS-Prefetch-Control', 'off'],
    ['X-Download-Options', 'noopen'],
    ['X-Frame-Options', 'SAMEORIGIN'],
    ['X-Permitted-Cross-Domain-Policies', 'none'],
    ['X-XSS-Protection', '0'],
    ['Cross-Origin-Embedder-Policy', ''],
    ['Content-Security-Policy', ''],
    ['X-Powered-By', ''],
  ];
  test.each(defaults)('%s: %p', async (name, value) =>
    expect((await headers({})).get(name)).toBe(value),
  );

  test('overrides, disabling, CSP', async () => {
    const h = await headers({
      xFrameOptions: 'DENY',
      strictTransportSecurity: false,
      crossOriginEmbedderPolicy: true,
      contentSecurityPolicy: { defaultSrc: ["'self'"], upgradeInsecureRequests: [] },
    });
    expect([
      h.get('X-Frame-Options'),
      h.get('Strict-Transport-Security'),
      h.get('Cross-Origin-Embedder-Policy'),
    ]).toEqual(['DENY', '', 'require-corp']);
    expect(h.get('Content-Security-Policy')).toBe("default-src 'self'; upgrade-insecure-requests");
  });

  test('bad value throws at construction', () => {
    expect(() => secureHeaders({ xFrameOptions: 'a\nb' })).toThrow(
      'middleware-kit: secureHeaders: xFrameOptions',
    );
  });
});
