/**
 * The parser's properties as fast-check assertions, shared by property.test.ts (bounded runs in
 * `bun test`) and bench/http-parser/fuzz.ts (long runs). Plain checks that throw, so the fuzz
 * script runs outside the test runner.
 */
import fc from 'fast-check';
import { CORPUS, type CorpusEntry } from './corpus.test-util.ts';
import { drive, enc, type Outcome, splitAt } from './parser.test-util.ts';

const STATUSES = new Set([400, 413, 414, 431, 501, 505]);
const entry = fc.constantFrom(...CORPUS);

function run(c: CorpusEntry, bytes: Uint8Array, cuts: number[], eof = c.eof === true): Outcome {
  return drive(splitAt(bytes, cuts), { kind: c.kind }, eof, c.responseTo);
}

/** Every valid corpus message parses to the same outcome however it is split. */
export function checkSplits(numRuns: number, seed?: number): void {
  fc.assert(
    fc.property(entry, fc.array(fc.nat({ max: 1 << 16 }), { maxLength: 24 }), (c, raw) => {
      const bytes = enc(c.input);
      const whole = run(c, bytes, []);
      if (whole.error !== null) throw new Error(`${c.name}: rejected: ${whole.error.reason}`);
      const cuts = raw.map((x) => x % (bytes.length + 1));
      const split = run(c, bytes, cuts);
      if (JSON.stringify(split) !== JSON.stringify(whole)) {
        throw new Error(`${c.name}: split at ${cuts.join(',')} differs`);
      }
    }),
    seed === undefined ? { numRuns } : { numRuns, seed },
  );
}

type Mutation =
  | { op: 'set'; at: number; byte: number }
  | { op: 'insert'; at: number; bytes: number[] }
  | { op: 'delete'; at: number; len: number }
  | { op: 'dupline'; at: number };

// Bytes that matter to HTTP framing come up more often than uniform sampling would give them.
const special = fc.constantFrom(
  0x00,
  0x09,
  0x0a,
  0x0d,
  0x20,
  0x22,
  0x2c,
  0x3a,
  0x3b,
  0x30,
  0x7f,
  0xff,
);
const byte = fc.oneof(special, fc.integer({ min: 0, max: 255 }));
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), byte }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.array(byte, { minLength: 1, maxLength: 4 }),
  }),
  fc.record({
    op: fc.constant('delete' as const),
    at: fc.nat(),
    len: fc.integer({ min: 1, max: 6 }),
  }),
  fc.record({ op: fc.constant('dupline' as const), at: fc.nat() }),
);

function mutate(input: Uint8Array, ms: Mutation[]): Uint8Array {
  let a = Array.from(input);
  for (const m of ms) {
    const at = a.length === 0 ? 0 : m.at % a.length;
    if (m.op === 'set') a[at] = m.byte;
    else if (m.op === 'insert') a.splice(at, 0, ...m.bytes);
    else if (m.op === 'delete') a.splice(at, m.len);
    else {
      // Repeat the line holding `at`: duplicated Host, Content-Length, Transfer-Encoding, …
      let s = at;
      while (s > 0 && a[s - 1] !== 0x0a) s--;
      let e = at;
      while (e < a.length && a[e] !== 0x0a) e++;
      a = [...a.slice(0, e + 1), ...a.slice(s, e + 1), ...a.slice(e + 1)];
    }
  }
  return Uint8Array.from(a);
}

/**
 * Mutated corpus messages, whole and split, either parse or fail with a ParseError of a known
 * status and an in-range offset; drive() rethrows any other exception and fails on lost progress.
 */
export function checkMutations(numRuns: number, seed?: number): void {
  fc.assert(
    fc.property(
      entry,
      fc.array(mutation, { minLength: 1, maxLength: 4 }),
      fc.array(fc.nat({ max: 1 << 16 }), { maxLength: 8 }),
      (c, ms, raw) => {
        const bytes = mutate(enc(c.input), ms);
        const cuts = raw.map((x) => x % (bytes.length + 1));
        for (const o of [run(c, bytes, []), run(c, bytes, cuts)]) {
          if (o.error === null) continue;
          if (!STATUSES.has(o.error.status)) throw new Error(`unexpected status ${o.error.status}`);
          if (o.error.offset < 0 || o.error.offset > bytes.length) {
            throw new Error(`offset ${o.error.offset} outside 0..${bytes.length}`);
          }
        }
      },
    ),
    seed === undefined ? { numRuns } : { numRuns, seed },
  );
}

/**
 * Mutated corpus messages give the same outcome parsed whole — a head in one buffer takes the
 * in-place fast path of `#fastRequestHead` — and one byte at a time, which always goes through
 * the retained, line-by-line general path: the same messages, and the same error (status,
 * reason, offset). This is what keeps the fast path from accepting anything the general path
 * rejects, or reporting a different error.
 */
export function checkFastPathAgrees(numRuns: number, seed?: number): void {
  fc.assert(
    fc.property(entry, fc.array(mutation, { minLength: 1, maxLength: 4 }), (c, ms) => {
      const bytes = mutate(enc(c.input), ms);
      const everyByte = Array.from({ length: bytes.length }, (_, i) => i);
      const whole = run(c, bytes, []);
      const single = run(c, bytes, everyByte);
      if (JSON.stringify(single) === JSON.stringify(whole)) return;
      // A whole buffer lets the in-place parser reject a line before its line end arrives; one
      // byte at a time, a line is judged only once complete. So an early error is allowed when
      // the byte-by-byte parse is still waiting for that line: end of stream must then fail it.
      if (
        whole.error !== null &&
        (single.error === null || single.error.reason === 'unexpected end of stream') &&
        JSON.stringify(single.messages) === JSON.stringify(whole.messages) &&
        run(c, bytes, everyByte, true).error !== null
      ) {
        return;
      }
      throw new Error(
        `${c.name}: whole and byte-by-byte differ on ${JSON.stringify(String.fromCharCode(...bytes))}: ${JSON.stringify(whole.error)} vs ${JSON.stringify(single.error)}`,
      );
    }),
    seed === undefined ? { numRuns } : { numRuns, seed },
  );
}
