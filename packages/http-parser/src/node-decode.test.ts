import { expect, test } from 'bun:test';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeProbe, probeHeads } from './decode-probe.test-util.ts';
import { nodeAvailable } from './llhttp-node.test-util.ts';

// On Node the parser decodes with Buffer's latin1 slice, on Bun with TextDecoder and
// fromCharCode: the strings handed out must be the same on both, octet for octet.
test.skipIf(!nodeAvailable())(
  'Node decodes heads, trailers and spans as Bun does',
  async () => {
    const here = decodeProbe(probeHeads);
    // The expectations that do not depend on comparing the runtimes.
    expect(here.heads[2]?.fields[1]).toEqual([
      'X-Latin',
      'X-Latin',
      'caf\xe9 cr\xe8me br\xfbl\xe9e',
    ]);
    expect(here.heads[1]?.message?.headers[1]).toEqual([
      'User-Agent',
      'Mozilla/5.0 (X11; Linux x86_64)',
    ]);
    expect(here.heads[4]?.message?.trailers).toEqual([
      ['X-Checksum', 'sha256-0123456789abcdef'],
      ['X-Trail-Latin', '\xe9t\xe9 \xe0 la plage'],
    ]);
    expect(here.heads[4]?.message?.extensions).toEqual(['5;name=value-long-extension']);
    expect(here.latin1.at(-2)?.length).toBe(9000);

    const out = join(tmpdir(), `servehttp-decode-${process.pid}`);
    const built = await Bun.build({
      entrypoints: [join(import.meta.dir, 'decode-probe.test-util.ts')],
      target: 'node',
      outdir: out,
    });
    expect(built.success).toBe(true);
    const script = `
import { decodeProbe, probeHeads } from ${JSON.stringify(join(out, 'decode-probe.test-util.js'))};
const latin1Slice = typeof Buffer.prototype.latin1Slice === 'function';
console.log(JSON.stringify({ latin1Slice, probe: decodeProbe(probeHeads) }));
`;
    const p = Bun.spawnSync(['node', '--input-type=module', '-e', script], {
      stdout: 'pipe',
      stderr: 'pipe',
    });
    await rm(out, { recursive: true, force: true });
    expect(p.stderr.toString()).toBe('');
    const there = JSON.parse(p.stdout.toString());
    // The fast path this test is about is there to be taken.
    expect(there.latin1Slice).toBe(true);
    expect(there.probe).toEqual(here);
  },
  20_000,
);
