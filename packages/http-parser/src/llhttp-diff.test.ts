import { describe, expect, test } from 'bun:test';
import { CORPUS } from './corpus.test-util.ts';
import { nodeAvailable, runLlhttp } from './llhttp-node.test-util.ts';
import { drive, enc } from './parser.test-util.ts';

// Differential test: on the valid corpus, this parser and llhttp (Node 20's binding, the parser
// of node:http) must agree on every message's method, target, version, fields in order, body,
// keep-alive and upgrade. llhttp stops at an upgrade/CONNECT; so does this parser for CONNECT,
// while for `Upgrade:` requests it leaves the decision to the server (nothing follows in the
// corpus, so the outcomes still line up).
describe.skipIf(!nodeAvailable())(
  'differential: llhttp (node 20 process.binding http_parser)',
  () => {
    const theirs = runLlhttp(CORPUS);
    const rows = CORPUS.map((c, i) => [c.name, c, theirs[i]] as const);
    test.each(rows)('%s', (_name, c, ref) => {
      expect(ref).toBeDefined();
      if (ref === undefined) return;
      const ours = drive([enc(c.input)], { kind: c.kind }, c.eof === true, c.responseTo);
      expect(ours.error).toBeNull();
      if (c.llhttpRejects !== undefined) {
        // A deliberate difference, pinned so that we notice if llhttp changes its mind.
        expect(ref.error).not.toBeNull();
        return;
      }
      expect(ref.error).toBeNull();
      expect(ours.messages.length).toBe(ref.messages.length);
      ours.messages.forEach((m, k) => {
        const r = ref.messages[k];
        if (r === undefined) throw new Error('missing llhttp message');
        expect(m.version).toBe(`HTTP/${r.versionMajor}.${r.versionMinor}`);
        expect(m.headers.flat()).toEqual(r.headers);
        expect(m.body).toBe(r.body);
        expect(m.keepAlive).toBe(r.keepAlive);
        expect(m.upgrade).toBe(r.upgrade);
        if (c.kind === 'request') {
          expect(m.method).toBe(r.method);
          expect(m.target).toBe(r.url);
        } else {
          expect(m.status).toBe(r.statusCode);
          expect(m.reason).toBe(r.statusMessage);
        }
      });
    });
  },
);
