/**
 * Runs a corpus through llhttp as Node ships it (`process.binding('http_parser').HTTPParser`, the
 * parser behind `node:http`) in a `node` child process, and returns what it reported per
 * message. The script is plain JavaScript passed with `-e`; input arrives as JSON on stdin.
 */
import type { CorpusEntry } from './corpus.test-util.ts';

export interface LlhttpMessage {
  method: string;
  url: string;
  versionMajor: number;
  versionMinor: number;
  headers: string[];
  statusCode: number;
  statusMessage: string;
  upgrade: boolean;
  keepAlive: boolean;
  body: string;
}

export interface LlhttpResult {
  messages: LlhttpMessage[];
  error: string | null;
}

// Runs in Node 20. kOnHeaders fires for long header lists before kOnHeadersComplete, whose
// headers/url are then undefined; both pieces are concatenated. Returning 1 from
// kOnHeadersComplete tells llhttp the response has no body (HEAD), as node:http does.
const SCRIPT = `
const { HTTPParser } = process.binding('http_parser');
const { methods } = require('_http_common');
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => { input += d; });
process.stdin.on('end', () => {
  const corpus = JSON.parse(input);
  const out = corpus.map((c) => {
    const p = new HTTPParser();
    p.initialize(c.kind === 'request' ? HTTPParser.REQUEST : HTTPParser.RESPONSE, {});
    const res = { messages: [], error: null };
    let headers = [];
    let url = '';
    let cur = null;
    p[HTTPParser.kOnHeaders] = (h, u) => { headers = headers.concat(h); url += u; };
    p[HTTPParser.kOnHeadersComplete] = (maj, min, h, method, u, status, msg, upgrade, ka) => {
      cur = {
        method: method === undefined ? '' : methods[method],
        url: url + (u || ''),
        versionMajor: maj, versionMinor: min,
        headers: headers.concat(h || []),
        statusCode: status || 0, statusMessage: msg || '',
        upgrade: !!upgrade, keepAlive: !!ka, body: '',
      };
      headers = []; url = '';
      res.messages.push(cur);
      return c.responseTo === 'HEAD' ? 1 : 0;
    };
    p[HTTPParser.kOnBody] = (b) => { if (cur) cur.body += b.toString('latin1'); };
    p[HTTPParser.kOnMessageComplete] = () => {};
    p[HTTPParser.kOnExecute] = () => {};
    const r = p.execute(Buffer.from(c.input, 'latin1'));
    if (r instanceof Error) res.error = String(r.code || r.message);
    else if (c.eof) { const f = p.finish(); if (f instanceof Error) res.error = String(f.code || f.message); }
    return res;
  });
  process.stdout.write(JSON.stringify(out));
});
`;

/** Whether a `node` binary is on PATH (the differential test is skipped, loudly, without it). */
export function nodeAvailable(): boolean {
  try {
    return Bun.spawnSync(['node', '--version']).exitCode === 0;
  } catch {
    return false;
  }
}

/** Parses every entry with Node's llhttp; throws if the child fails. */
export function runLlhttp(corpus: CorpusEntry[]): LlhttpResult[] {
  const proc = Bun.spawnSync(['node', '--no-deprecation', '-e', SCRIPT], {
    stdin: new TextEncoder().encode(JSON.stringify(corpus)),
    timeout: 20_000,
  });
  if (proc.exitCode !== 0) throw new Error(`node failed: ${proc.stderr.toString()}`);
  return JSON.parse(proc.stdout.toString()) as LlhttpResult[];
}
