import { describe, expect, test } from 'bun:test';
import zlib from 'node:zlib';
import { type HandlerFunc, handlerFunc } from '@servehttp/core-listener';
import { newRequest, ResponseRecorder } from '@servehttp/core-listener/httptest';
import { chain } from '../chain.ts';
import { fakeWriter } from '../fake-writer.test-util.ts';
import { type LogEntry, logger } from '../logger/index.ts';
import { compress, type Encoding, negotiateEncoding } from './index.ts';

const big = 'hello compress '.repeat(200); // 3000 bytes, compressible

function decode(enc: string, body: Uint8Array): string {
  const b = Buffer.from(body);
  if (enc === 'gzip') return zlib.gunzipSync(b).toString();
  if (enc === 'br') return zlib.brotliDecompressSync(b).toString();
  if (enc === 'deflate') return zlib.inflateSync(b).toString();
  return b.toString();
}

describe('negotiateEncoding (negotiator q-values, our preference br > gzip > deflate)', () => {
  const all: Encoding[] = ['br', 'gzip', 'deflate'];
  const rows: [string, string][] = [
    ['gzip, deflate, br', 'br'],
    ['gzip;q=1, br;q=0.5', 'gzip'],
    ['deflate', 'deflate'],
    ['*', 'br'],
    ['identity', ''],
    ['', ''],
    ['gzip;q=0', ''],
    ['*;q=0, gzip', 'gzip'],
    ['GZIP', 'gzip'],
    [';;;,,q=zz', ''], // garbage never throws
  ];
  test.each(rows)('%p → %p', (ae, want) => expect(negotiateEncoding(ae, all) as string).toBe(want));
});

async function serve(h: HandlerFunc, ae: string, method = 'GET') {
  const r = newRequest(method, '/');
  if (ae !== '') r.header.set('Accept-Encoding', ae);
  const rec = new ResponseRecorder();
  await compress()(handlerFunc(h)).serveHTTP(rec, r);
  const res = rec.result();
  return { rec, res, enc: res.header.get('Content-Encoding') };
}

describe('compress: when it compresses', () => {
  // Rows: handler, Accept-Encoding → Content-Encoding ('' = passed through), Vary set.
  const rows: [string, HandlerFunc, string, string, boolean][] = [
    [
      'large text, gzip',
      (w) => {
        w.header().set('Content-Type', 'text/plain');
        void w.write(big);
      },
      'gzip',
      'gzip',
      true,
    ],
    [
      'large text, br preferred',
      (w) => {
        w.header().set('Content-Type', 'text/plain');
        void w.write(big);
      },
      'gzip, br',
      'br',
      true,
    ],
    [
      'large json, deflate',
      (w) => {
        w.header().set('Content-Type', 'application/json');
        void w.write(`[${'1,'.repeat(1000)}1]`);
      },
      'deflate',
      'deflate',
      true,
    ],
    ['sniffed html type', (w) => void w.write(`<html>${big}</html>`), 'gzip', 'gzip', true],
    [
      'small body skipped',
      (w) => {
        w.header().set('Content-Type', 'text/plain');
        void w.write('tiny');
      },
      'gzip',
      '',
      true,
    ],
    [
      'small Content-Length skipped',
      (w) => {
        w.header().set('Content-Type', 'text/plain');
        w.header().set('Content-Length', '4');
        void w.write('tiny');
      },
      'gzip',
      '',
      true,
    ],
    [
      'already encoded skipped',
      (w) => {
        w.header().set('Content-Encoding', 'gzip');
        void w.write(big);
      },
      'gzip',
      'gzip',
      false,
    ],
    [
      'event-stream skipped',
      (w) => {
        w.header().set('Content-Type', 'text/event-stream');
        void w.write(big);
      },
      'gzip',
      '',
      false,
    ],
    [
      'png skipped',
      (w) => {
        w.header().set('Content-Type', 'image/png');
        void w.write(big);
      },
      'gzip',
      '',
      false,
    ],
    [
      'no Accept-Encoding',
      (w) => {
        w.header().set('Content-Type', 'text/plain');
        void w.write(big);
      },
      '',
      '',
      true,
    ],
    [
      'no-transform',
      (w) => {
        w.header().set('Cache-Control', 'no-transform');
        void w.write(big);
      },
      'gzip',
      '',
      false,
    ],
    ['204 untouched', (w) => w.writeHeader(204), 'gzip', '', false],
  ];
  test.each(rows)('%s', async (_n, h, ae, wantEnc, vary) => {
    const { rec, res, enc } = await serve(h, ae);
    expect(enc).toBe(wantEnc);
    expect(res.header.values('Vary').includes('Accept-Encoding')).toBe(vary);
    if (wantEnc !== '' && wantEnc !== 'gzip') expect(res.header.has('Content-Length')).toBe(false);
    if (res.statusCode !== 204 && _n !== 'already encoded skipped') {
      const plain = decode(enc, rec.body);
      expect(plain.length).toBeGreaterThan(0);
      if (wantEnc !== '') expect(rec.body.length).toBeLessThan(plain.length);
    }
  });

  test('HEAD is never compressed', async () => {
    const { enc } = await serve(
      (w) => {
        w.header().set('Content-Type', 'text/plain');
      },
      'gzip',
      'HEAD',
    );
    expect(enc).toBe('');
  });

  test('nothing written: plain empty 200', async () => {
    const { res } = await serve(() => {}, 'gzip');
    expect([res.statusCode, res.body.length, res.header.get('Content-Encoding')]).toEqual([
      200,
      0,
      '',
    ]);
  });
});

describe('compress: streaming (wire scenarios on the recorder)', () => {
  test('flush goes through: the bytes so far decompress before the handler ends', async () => {
    const r = newRequest('GET', '/');
    r.header.set('Accept-Encoding', 'gzip');
    const rec = new ResponseRecorder();
    let midway = '';
    await compress()(
      handlerFunc(async (w) => {
        w.header().set('Content-Type', 'text/plain');
        void w.write('first part;');
        await (w as unknown as { flush(): Promise<void> }).flush();
        // A sync-flushed gzip prefix inflates to what was written so far.
        midway = zlib
          .gunzipSync(Buffer.from(rec.body), { finishFlush: zlib.constants.Z_SYNC_FLUSH })
          .toString();
        void w.write('second part');
      }),
    ).serveHTTP(rec, r);
    expect(midway).toBe('first part;');
    expect(rec.flushCount).toBe(1);
    expect(decode('gzip', rec.body)).toBe('first part;second part');
  });

  test('SSE through logger and compress: plain events, each flushed, logged once', async () => {
    const entries: LogEntry[] = [];
    const r = newRequest('GET', '/events');
    r.header.set('Accept-Encoding', 'gzip, br');
    const rec = new ResponseRecorder();
    const h = chain(
      handlerFunc(async (w) => {
        w.header().set('Content-Type', 'text/event-stream');
        for (let i = 0; i < 3; i++) {
          void w.write(`data: ${i}\n\n`);
          await (w as unknown as { flush(): Promise<void> }).flush();
        }
      }),
      logger({ sink: (_l, e) => entries.push(e) }),
      compress(),
    );
    await h.serveHTTP(rec, r);
    expect(rec.text()).toBe('data: 0\n\ndata: 1\n\ndata: 2\n\n');
    expect(rec.flushCount).toBe(3);
    expect(rec.result().header.get('Content-Encoding')).toBe('');
    expect(entries.map((e) => [e.status, e.bytes])).toEqual([[200, 27]]);
  });

  test('hijack passes through compress; nothing is written after', async () => {
    const w = fakeWriter();
    const r = newRequest('GET', '/ws');
    r.header.set('Accept-Encoding', 'gzip');
    await compress()(
      handlerFunc((w2) => {
        (w2 as unknown as { hijack(): unknown }).hijack();
      }),
    ).serveHTTP(w, r);
    expect(w.calls).toEqual(['hijack']);
  });

  const bad: [string, object, string][] = [
    ['unknown encoding', { encodings: ['zstd'] }, 'encodings must be'],
    ['level 0', { level: 0 }, 'level must be an integer in [1, 9]'],
  ];
  test.each(bad)('%s throws', (_n, o, msg) => expect(() => compress(o)).toThrow(msg));
});
