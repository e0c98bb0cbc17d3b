/**
 * wrk, pinned to the load core, with a Lua `done` hook that prints exact numbers as JSON.
 * One thread (wrk has one core), keep-alive, `connections` connections; `depth` > 1 pipelines
 * that many requests per write through lua/pipeline.lua.
 */
import { join } from 'node:path';

/** What one wrk run measured. Latencies are in microseconds. */
export interface WrkResult {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  socketErrors: number;
  non2xx: number;
}

const luaDir = join(import.meta.dir, '..', 'lua');

/** The core wrk runs on (the servers get the other one). */
export const loadCpu = '1';

/**
 * Runs wrk against `url` for `seconds` (whole seconds; wrk takes no fractions) and resolves with
 * its numbers. Killed after `seconds + 10` s whatever happens; throws when it printed no result.
 */
export async function wrk(
  url: string,
  opts: { connections: number; seconds: number; depth: number },
): Promise<WrkResult> {
  const secs = Math.max(1, Math.round(opts.seconds));
  const script = opts.depth > 1 ? join(luaDir, 'pipeline.lua') : join(luaDir, 'report.lua');
  const cmd = [
    'taskset',
    '-c',
    loadCpu,
    'wrk',
    '-t1',
    `-c${opts.connections}`,
    `-d${secs}s`,
    '--timeout',
    '4s',
    '-s',
    script,
    url,
  ];
  if (opts.depth > 1) cmd.push('--', String(opts.depth));
  const sub = Bun.spawn(cmd, { stdout: 'pipe', stderr: 'pipe', stdin: 'ignore' });
  const timer = setTimeout(() => sub.kill('SIGKILL'), (secs + 10) * 1000);
  const [out, err] = await Promise.all([
    new Response(sub.stdout).text(),
    new Response(sub.stderr).text(),
  ]);
  await sub.exited;
  clearTimeout(timer);
  const m = /WRKJSON (\{.*\})/.exec(out);
  if (m === null) throw new Error(`wrk printed no result: ${(out + err).slice(-400)}`);
  const j = JSON.parse(m[1] as string) as Record<string, number>;
  const requests = j.requests ?? 0;
  // wrk's percentile() answers 0 when its histogram dropped samples (pipelined batches slower
  // than its bucket range): report that as unknown rather than as 0 µs.
  const pct = (v: number | undefined) => (v === undefined || v === 0 ? Number.NaN : v);
  const seconds = (j.duration_us ?? 1) / 1e6;
  return {
    requests,
    seconds,
    rps: requests / seconds,
    p50: pct(j.p50),
    p90: pct(j.p90),
    p99: pct(j.p99),
    max: j.max ?? 0,
    socketErrors: j.socket_errors ?? 0,
    non2xx: j.non2xx ?? 0,
  };
}
