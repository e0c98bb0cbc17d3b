/**
 * Starts child-server.test-util.ts in its own process (optionally under `ulimit -n`), collects
 * its output lines, and kills it by PID.
 */
import { join } from 'node:path';

/** A running child server. */
export interface Child {
  pid: number;
  port: number;
  /** Every line printed so far. */
  lines: string[];
  /** Resolves with the first line matching `pred` (already printed or to come), or rejects. */
  waitLine(pred: (line: string) => boolean, timeoutMs: number): Promise<string>;
  /** Resolves with the exit code. */
  exited: Promise<number>;
  /** Kills it (SIGKILL) if still running. */
  kill(): void;
}

const script = join(import.meta.dir, 'child-server.test-util.ts');

/** Spawns the child server; `fdLimit` runs it under `sh -c 'ulimit -n N; exec …'`. */
export async function startChild(
  backend: 'bun' | 'node',
  opts: { fdLimit?: number; drainMs?: number } = {},
): Promise<Child> {
  const argv = [
    process.execPath,
    '--conditions=@servehttp/source',
    script,
    backend,
    String(opts.drainMs ?? 5000),
  ];
  const cmd =
    opts.fdLimit === undefined
      ? argv
      : ['sh', '-c', `ulimit -n ${opts.fdLimit}; exec "$@"`, 'sh', ...argv];
  const p = Bun.spawn(cmd, { stdin: 'ignore', stdout: 'pipe', stderr: 'inherit' });
  const lines: string[] = [];
  let notify: (() => void) | undefined;
  void (async () => {
    const reader = p.stdout.getReader();
    const dec = new TextDecoder();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += dec.decode(value);
      let i = buf.indexOf('\n');
      while (i >= 0) {
        lines.push(buf.slice(0, i));
        buf = buf.slice(i + 1);
        i = buf.indexOf('\n');
      }
      notify?.();
    }
    notify?.();
  })();
  const waitLine = async (pred: (l: string) => boolean, timeoutMs: number): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = lines.find(pred);
      if (hit !== undefined) return hit;
      if (Date.now() > deadline || p.exitCode !== null) {
        throw new Error(`child: no such line; got ${JSON.stringify(lines.slice(-10))}`);
      }
      await new Promise<void>((r) => {
        notify = r;
        setTimeout(r, 50);
      });
    }
  };
  const portLine = await waitLine((l) => l.startsWith('PORT '), 15_000);
  return {
    pid: p.pid,
    port: Number(portLine.slice(5)),
    lines,
    waitLine,
    exited: p.exited,
    kill: () => {
      if (p.exitCode === null) process.kill(p.pid, 'SIGKILL');
    },
  };
}

/** Fetches the child's `/__stats`. */
export async function childStats(
  port: number,
): Promise<{ rss: number; heap: number; fds: number; served: number }> {
  const r = await fetch(`http://127.0.0.1:${port}/__stats`);
  return (await r.json()) as { rss: number; heap: number; fds: number; served: number };
}
