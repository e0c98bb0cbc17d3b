/**
 * Running the real tools that wire tests drive from outside (curl, nghttp, ab, h2load, Python,
 * Go, Node): whether one is installed, and one run of it with a time limit.
 */
import { spawn } from 'node:child_process';

/** Whether `cmd` is on the PATH. */
export function have(cmd: string): boolean {
  return Bun.which(cmd) !== null;
}

/** Runs `cmd` with `stdin` piped in; resolves with its output, killed after `timeoutMs`. */
export function runTool(
  cmd: string,
  args: string[],
  opts: { stdin?: string; timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<{ out: string; err: string; code: number | null }> {
  return new Promise((done) => {
    const p = spawn(cmd, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...opts.env },
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (b: Buffer) => {
      out += b.toString('latin1');
    });
    p.stderr.on('data', (b: Buffer) => {
      err += b.toString('latin1');
    });
    const t = setTimeout(() => p.kill('SIGKILL'), opts.timeoutMs ?? 20_000);
    p.on('close', (code) => {
      clearTimeout(t);
      done({ out, err, code });
    });
    p.stdin.end(opts.stdin ?? '');
  });
}
