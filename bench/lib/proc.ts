/**
 * Server processes: start pinned to a core, wait for their `READY <port>` line, read their CPU
 * time and RSS from /proc, and stop them by PID.
 *
 * Every process started here is tracked until it has exited; `stopAll()` (also run on exit and
 * on SIGINT/SIGTERM) ends whatever is left, so an interrupted run leaves no server behind.
 * `taskset` execs the command, so the PID Bun.spawn returns is the server's own.
 */
import { readFileSync } from 'node:fs';
import type { Subprocess } from 'bun';

/** One started process. */
export interface Proc {
  readonly pid: number;
  readonly port: number;
  readonly sub: Subprocess;
  readonly log: string;
}

const live = new Set<Subprocess>();

/** Clock ticks per second of /proc/<pid>/stat (`getconf CLK_TCK`; 100 on Linux). */
export const clockTicks: number = (() => {
  const r = Bun.spawnSync(['getconf', 'CLK_TCK']);
  const n = Number(r.stdout.toString().trim());
  return Number.isFinite(n) && n > 0 ? n : 100;
})();

/**
 * Starts `cmd` pinned to `cpus` (a taskset list), its output in `log`, and waits up to
 * `timeoutMs` for a line `READY <port>`. Throws with the log's tail if it exits or times out.
 */
export async function start(
  cmd: string[],
  cpus: string,
  log: string,
  timeoutMs = 20_000,
): Promise<Proc> {
  const sub = Bun.spawn(['taskset', '-c', cpus, ...cmd], {
    stdout: Bun.file(log),
    stderr: 'inherit',
    stdin: 'ignore',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  live.add(sub);
  void sub.exited.then(() => live.delete(sub));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await Bun.sleep(50);
    let text = '';
    try {
      text = readFileSync(log, 'utf8');
    } catch {}
    const m = /READY (\d+)/.exec(text);
    if (m !== null) return { pid: sub.pid, port: Number(m[1]), sub, log };
    if (sub.exitCode !== null || sub.signalCode !== null) {
      throw new Error(
        `exited (${sub.exitCode ?? sub.signalCode}) before READY: ${text.slice(-400)}`,
      );
    }
  }
  await stop(sub);
  throw new Error(`no READY line within ${timeoutMs} ms`);
}

/** user + system CPU time of `pid` (all its threads) in microseconds. */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): state is index 0, utime 11, stime 12.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1e6) / clockTicks;
}

/** Resident set size of `pid` in KiB (VmRSS). */
export function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m === null ? 0 : Number(m[1]);
}

/** Stops one process: SIGTERM, then SIGKILL after 2 s; resolves once it has exited. */
export async function stop(sub: Subprocess): Promise<void> {
  if (sub.exitCode !== null || sub.signalCode !== null) return;
  sub.kill('SIGTERM');
  const timer = setTimeout(() => sub.kill('SIGKILL'), 2000);
  await sub.exited;
  clearTimeout(timer);
  live.delete(sub);
}

/** Stops every process still running; returns how many were. */
export async function stopAll(): Promise<number> {
  const left = [...live];
  await Promise.all(left.map((s) => stop(s)));
  return left.length;
}

/** PIDs of started processes that are still running (empty after a clean run). */
export function stillRunning(): number[] {
  return [...live].filter((s) => s.exitCode === null && s.signalCode === null).map((s) => s.pid);
}

function killNow(): void {
  for (const s of live) s.kill('SIGKILL');
}
process.on('exit', killNow);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    killNow();
    process.exit(130);
  });
}

/** Runs a command to completion with a time bound; returns its stdout, throws on failure. */
export function runSync(cmd: string[], timeoutMs: number, cwd?: string): string {
  const r = Bun.spawnSync(cmd, { cwd, timeout: timeoutMs, stderr: 'pipe', stdout: 'pipe' });
  if (r.exitCode !== 0) {
    throw new Error(
      `${cmd.join(' ')} failed (${r.exitCode ?? 'timeout'}): ${r.stderr.toString().slice(-600)}`,
    );
  }
  return r.stdout.toString();
}
