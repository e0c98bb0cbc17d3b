import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import fc from 'fast-check';
import { listen, openNetResources } from '../net.ts';
import { Server } from '../server.ts';
import { acceptedMutant, llhttp, mutant, noise, ours } from './fuzz.test-util.ts';
import { echoHandler, exchange, nodeBinary, pool } from './wire.test-util.ts';

// Fuzzing, bounded: the parser on random bytes and on mutants of the smuggling corpus (whole
// and split at random points), a differential check against Node's llhttp on the mutants, and
// the whole connection loop over real sockets. A fixed seed keeps the default run
// reproducible; HARDENING_FUZZ_SEED picks another, HARDENING_FUZZ_SECONDS scales every part
// (scripts/hardening/fuzz.ts --seconds N). A failure prints fast-check's seed and path.
//
// Crashes found so far, now regression rows of the corpus: none in the parser; in the
// connection loop, the three response losses fixed in conn.ts (see corpus rows "conn: good
// then bad then more", "host: bad escape", "request line: CONNECT authority").

const seconds = Number(process.env.HARDENING_FUZZ_SECONDS ?? 3);
const seed = Number(process.env.HARDENING_FUZZ_SEED ?? 20261130);
const verbose = process.env.HARDENING_VERBOSE === '1' || seconds > 3;
const backends = ['bun', 'node'] as const;

const unhandled: unknown[] = [];
const onUnhandled = (e: unknown): void => {
  unhandled.push(e);
};
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
  process.off('uncaughtException', onUnhandled);
  expect(unhandled.map(String)).toEqual([]);
});

describe('parser fuzz', () => {
  test('random bytes and corpus mutants, whole and split: only ParseError, always progress, split = whole', () => {
    const cuts = fc.array(fc.nat({ max: 1 << 16 }), { maxLength: 8 });
    let runs = 0;
    fc.assert(
      fc.property(fc.oneof(mutant, noise), cuts, (raw, at) => {
        runs++;
        // Lines are validated once complete (a whole head may fail early on its first bad
        // byte, a split one when its line ends), so every input ends with an empty line.
        const input = `${raw}\r\n\r\n`;
        const whole = ours(input);
        const split = ours(input, at);
        // A stopped parser (CONNECT/upgrade) hands the rest over; that point is the same.
        expect(split).toEqual(whole);
      }),
      { seed, numRuns: 1_000_000, interruptAfterTimeLimit: seconds * 400 },
    );
    if (verbose) console.log(`parser fuzz: ${runs} inputs`);
    expect(runs).toBeGreaterThan(500);
  });
});

describe.skipIf(nodeBinary() === undefined)('differential fuzz against llhttp (node:http)', () => {
  test('where both accept a mutant, both carve the same requests out of it', () => {
    const n = Math.round(seconds * 700);
    const inputs = fc.sample(acceptedMutant, { seed, numRuns: n });
    const theirs = llhttp(nodeBinary() as string, inputs);
    let bothAccept = 0;
    let onlyOurs = 0;
    let onlyTheirs = 0;
    const desyncs: string[] = [];
    inputs.forEach((input, i) => {
      const a = ours(input);
      const b = theirs[i];
      if (b === undefined) throw new Error('missing llhttp result');
      if (a.stopped || b.stopped) return;
      if (a.error === null && b.error === null) {
        bothAccept++;
        if (JSON.stringify(a.messages) !== JSON.stringify(b.messages)) {
          desyncs.push(
            `${JSON.stringify(input)}\n  ours   ${JSON.stringify(a.messages)}\n  llhttp ${JSON.stringify(b.messages)}`,
          );
        }
      } else if (a.error === null) onlyOurs++;
      else if (b.error === null) onlyTheirs++;
    });
    if (verbose) {
      console.log(
        `differential: ${inputs.length} mutants; both accept ${bothAccept}, only ours ${onlyOurs}, only llhttp ${onlyTheirs}, desyncs ${desyncs.length}`,
      );
    }
    expect(desyncs).toEqual([]);
    expect(bothAccept).toBeGreaterThan(n / 20);
  }, 60_000);
});

describe.each(backends)('%s backend: connection-loop fuzz over real sockets', (backend) => {
  test('mutants end in a response or a close, never a hang, never a connection error', async () => {
    const logs: string[] = [];
    const srv = new Server({ handler: echoHandler(), errorLog: (m) => logs.push(m) });
    const l = await listen('tcp', '127.0.0.1:0', { backend });
    void srv.serve(l).catch(() => {});
    try {
      const inputs = fc.sample(mutant, { seed: seed + 1, numRuns: Math.round(seconds * 60) });
      const results = await pool(inputs, 16, (s) => exchange(l.addr().port, s));
      const hung = inputs.filter((_, i) => results[i]?.closed !== true);
      expect(hung).toEqual([]);
      // A handler error would be "http: panic serving"; anything else escaped the loop.
      expect(logs.filter((m) => !m.startsWith('http: panic serving'))).toEqual([]);
      const alive = await exchange(l.addr().port, 'GET /alive HTTP/1.1\r\nHost: x\r\n\r\n');
      expect(alive.responses.map((r) => r.status)).toEqual([200]);
    } finally {
      await srv.close();
    }
    const deadline = Date.now() + 3000;
    while (openNetResources().conns > 0 && Date.now() < deadline) await Bun.sleep(5);
    expect(openNetResources().conns).toBe(0);
  }, 60_000);
});
