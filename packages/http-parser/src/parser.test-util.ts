/**
 * Test driver: feeds a byte stream to an HTTPParser in the given pieces and records everything it
 * reports, so tables can compare outcomes and property tests can compare splits.
 */
import { ParseError } from './errors.ts';
import { HTTPParser, ParseEvent, type ParserOptions } from './parser.ts';

export interface Message {
  method: string;
  target: string;
  version: string;
  status: number;
  reason: string;
  headers: [string, string][];
  framing: number;
  contentLength: number;
  keepAlive: boolean;
  upgrade: boolean;
  expectContinue: boolean;
  body: string;
  extensions: string[];
  trailers: [string, string][];
}

export interface Outcome {
  messages: Message[];
  /** The error, if parsing failed. */
  error: { status: number; reason: string; offset: number } | null;
  /** Bytes handed back after `Stopped` (tunnel/upgrade data, or bytes after a closing message). */
  rest: string;
  /** Whether the last message ended (MessageEnd seen after its Head). */
  complete: boolean;
}

/** latin1 bytes of a string (test inputs are byte strings). */
export function enc(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

function dec(b: Uint8Array): string {
  let r = '';
  for (const c of b) r += String.fromCharCode(c);
  return r;
}

/** Splits `data` at the given cut points (sorted, deduplicated, in range). */
export function splitAt(data: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.filter((c) => c > 0 && c < data.length))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const c of [...points, data.length]) {
    // A fresh copy per piece: the parser must not rely on earlier pieces staying intact.
    out.push(data.slice(prev, c));
    prev = c;
  }
  return out;
}

/**
 * Runs the parser over `pieces`, then `finish()` when `eof` is set. Never throws: a ParseError
 * becomes `error`; any other exception propagates (and fails the test). Guards against a parser
 * that stops making progress.
 */
export function drive(
  pieces: Uint8Array[],
  options: ParserOptions = {},
  eof = false,
  responseTo?: string,
): Outcome {
  const p = new HTTPParser(options);
  if (responseTo !== undefined) p.expectResponseTo(responseTo);
  const out: Outcome = { messages: [], error: null, rest: '', complete: true };
  let cur: Message | null = null;
  let total = 0;
  for (const x of pieces) total += x.length;
  let budget = 8 * total + 64;
  let stopped = false;
  try {
    for (const chunk of pieces) {
      let off = 0;
      if (stopped) {
        out.rest += dec(chunk);
        continue;
      }
      for (;;) {
        if (--budget < 0) throw new Error('parser made no progress');
        const ev = p.execute(chunk, off, chunk.length);
        off = p.offset;
        if (ev === ParseEvent.NeedMore) break;
        if (ev === ParseEvent.Head) {
          const headers: [string, string][] = [];
          for (let i = 0; i < p.headerCount; i++) headers.push([p.headerName(i), p.headerValue(i)]);
          cur = {
            method: options.kind === 'response' ? '' : p.method,
            target: options.kind === 'response' ? '' : p.target,
            version: p.proto,
            status: p.statusCode,
            reason: p.reason,
            headers,
            framing: p.framing,
            contentLength: p.contentLength,
            keepAlive: p.keepAlive,
            upgrade: p.upgrade,
            expectContinue: p.expectContinue,
            body: '',
            extensions: [],
            trailers: [],
          };
          out.messages.push(cur);
          out.complete = false;
        } else if (ev === ParseEvent.Body) {
          if (cur !== null) cur.body += dec(p.body());
        } else if (ev === ParseEvent.ChunkExtension) {
          cur?.extensions.push(`${p.chunkSize}${p.chunkExtensions}`);
        } else if (ev === ParseEvent.Trailers) {
          for (let i = 0; i < p.trailerCount; i++)
            cur?.trailers.push([p.trailerName(i), p.trailerValue(i)]);
        } else if (ev === ParseEvent.MessageEnd) {
          out.complete = true;
        } else if (ev === ParseEvent.Stopped) {
          out.rest += dec(chunk.subarray(off));
          stopped = true;
          break;
        } else {
          throw new Error(`unexpected event ${ev}`);
        }
      }
    }
    if (eof && !stopped) {
      const ev = p.finish();
      if (ev === ParseEvent.MessageEnd) out.complete = true;
    }
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
    out.error = { status: err.status, reason: err.reason, offset: err.offset };
  }
  return out;
}

/** Parses `input` in one piece. */
export function parseOne(
  input: string,
  options: ParserOptions = {},
  eof = false,
  responseTo?: string,
): Outcome {
  return drive([enc(input)], options, eof, responseTo);
}
