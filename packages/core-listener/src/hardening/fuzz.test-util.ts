/**
 * Fuzzing pieces shared by fuzz.test.ts (bounded, in the default suite) and
 * scripts/hardening/fuzz.ts (long runs, through the same test with HARDENING_FUZZ_SECONDS).
 *
 * - `mutant`: a fast-check arbitrary of byte strings seeded from the smuggling corpus: a
 *   corpus row with a few edits drawn from the bytes and tokens that matter to HTTP framing
 *   (CR, LF, SP, HT, ':', ';', digits, hex, `chunked`, `Content-Length: `, NUL, 0x80…).
 * - `ours`: our parser over the bytes, as requests: each complete message's method, target and
 *   body length, and the error, if any. Any exception other than ParseError is a bug; so is
 *   making no progress (a bound on the number of `execute` calls catches a hang).
 * - `llhttp`: the same summary from Node's llhttp (node:http's parser, `process.binding`) in a
 *   `node` child process, for the differential check.
 */
import { HTTPParser, ParseError, ParseEvent } from '@servehttp/http-parser';
import fc from 'fast-check';
import { CORPUS } from './corpus-data.test-util.ts';

/** What a parser made of a byte string. */
export interface Parsed {
  /** `METHOD target bodyLength` per complete message. */
  messages: string[];
  /** Rejected (with a status for ours), or null. */
  error: string | null;
  /** The parser stopped for an upgrade/CONNECT; what follows is not HTTP. */
  stopped: boolean;
}

const TOKENS = [
  '\r',
  '\n',
  '\r\n',
  ' ',
  '\t',
  ':',
  ';',
  ',',
  '=',
  '"',
  '0',
  '5',
  'a',
  'f',
  'F',
  '\x00',
  '\x0b',
  '\x7f',
  '\x80',
  '\xff',
  'chunked',
  'Transfer-Encoding: ',
  'Content-Length: ',
  'Host: x\r\n',
  '\r\n\r\n',
  '0\r\n\r\n',
  'GET /smuggled HTTP/1.1\r\n',
  'HTTP/1.0',
];

const edit = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('insert', 'delete', 'replace'),
  token: fc.constantFrom(...TOKENS),
  len: fc.integer({ min: 1, max: 4 }),
});

function mutantOf(bases: readonly string[], maxEdits: number): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...bases), fc.array(edit, { minLength: 1, maxLength: maxEdits }))
    .map(([base, edits]) => applyEdits(base, edits));
}

/** A corpus row with one to four edits. */
export const mutant: fc.Arbitrary<string> = mutantOf(
  CORPUS.map((r) => r.send),
  4,
);

/** A row our server answers without an error, with one or two edits: often still valid. */
export const acceptedMutant: fc.Arbitrary<string> = mutantOf(
  CORPUS.filter((r) => r.ours.length > 0 && r.ours.every((o) => o.startsWith('2'))).map(
    (r) => r.send,
  ),
  2,
);

function applyEdits(
  base: string,
  edits: readonly { at: number; kind: string; token: string; len: number }[],
): string {
  {
    let s = base;
    for (const e of edits) {
      const at = s.length === 0 ? 0 : e.at % (s.length + 1);
      if (e.kind === 'insert') s = s.slice(0, at) + e.token + s.slice(at);
      else if (e.kind === 'delete') s = s.slice(0, at) + s.slice(at + e.len);
      else s = s.slice(0, at) + e.token + s.slice(at + e.token.length);
    }
    return s;
  }
}

/** Arbitrary bytes, for the parser alone. */
export const noise: fc.Arbitrary<string> = fc
  .uint8Array({ maxLength: 512 })
  .map((b) => Buffer.from(b).toString('latin1'));

/**
 * Our parser over `input` split at `cuts`. Throws on anything but a ParseError, and on a
 * parser that keeps returning without consuming (more calls than bytes allow).
 */
export function ours(input: string, cuts: readonly number[] = []): Parsed {
  const bytes = Buffer.from(input, 'latin1');
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let prev = 0;
  for (const c of [...points, bytes.length]) {
    chunks.push(new Uint8Array(bytes.subarray(prev, c)));
    prev = c;
  }
  const p = new HTTPParser({ kind: 'request' });
  const out: Parsed = { messages: [], error: null, stopped: false };
  let head = '';
  let body = 0;
  let calls = 0;
  const limit = 8 * bytes.length + 64;
  try {
    for (const chunk of chunks) {
      let off = 0;
      for (;;) {
        if (++calls > limit) throw new Error(`no progress after ${calls} calls`);
        const ev = p.execute(chunk, off, chunk.length);
        off = p.offset;
        if (ev === ParseEvent.NeedMore) break;
        if (ev === ParseEvent.Head) {
          head = `${p.method} ${p.target}`;
          body = 0;
        } else if (ev === ParseEvent.Body) body += p.body().length;
        else if (ev === ParseEvent.MessageEnd) out.messages.push(`${head} ${body}`);
        else if (ev === ParseEvent.Stopped) {
          out.stopped = true;
          return out;
        }
      }
    }
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
    out.error = String(err.status);
  }
  return out;
}

// Runs in Node 20: llhttp as node:http uses it, one parser per input.
const LLHTTP = `
const { HTTPParser } = process.binding('http_parser');
const { methods } = require('_http_common');
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => { input += d; });
process.stdin.on('end', () => {
  const out = JSON.parse(input).map((s) => {
    const p = new HTTPParser();
    p.initialize(HTTPParser.REQUEST, {});
    const res = { messages: [], error: null, stopped: false };
    let head = ''; let body = 0; let url = '';
    p[HTTPParser.kOnHeaders] = (h, u) => { url += u; };
    p[HTTPParser.kOnHeadersComplete] = (maj, min, h, method, u, st, msg, upgrade) => {
      head = methods[method] + ' ' + url + (u || ''); url = ''; body = 0;
      if (upgrade) res.stopped = true;
      return 0;
    };
    p[HTTPParser.kOnBody] = (b) => { body += b.length; };
    // Trailers arrive through kOnHeaders with the message's url again: drop it here.
    p[HTTPParser.kOnMessageComplete] = () => { res.messages.push(head + ' ' + body); url = ''; };
    p[HTTPParser.kOnExecute] = () => {};
    const r = p.execute(Buffer.from(s, 'latin1'));
    if (r instanceof Error) res.error = String(r.code || r.message);
    return res;
  });
  process.stdout.write(JSON.stringify(out));
});
`;

/** llhttp's view of each input, from a `node` child; throws if node fails. */
export function llhttp(node: string, inputs: readonly string[]): Parsed[] {
  const proc = Bun.spawnSync([node, '--no-deprecation', '-e', LLHTTP], {
    stdin: new TextEncoder().encode(JSON.stringify(inputs)),
    timeout: 60_000,
  });
  if (proc.exitCode !== 0) throw new Error(`node failed: ${proc.stderr.toString()}`);
  return JSON.parse(proc.stdout.toString()) as Parsed[];
}
