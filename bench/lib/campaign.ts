/**
 * The wire-measurement engine shared by the end-to-end and scale tiers.
 *
 * Design: every contender is started fresh (pinned to core 0), checked for the right answers and
 * warmed up, one after the other; then all stay up, idle, while rounds run interleaved: for each
 * round, each scenario, each contender (the order rotated every round), one wrk run (pinned to
 * core 1). An idle server costs nothing measurable, and interleaving spreads any drift of the
 * machine (other load, thermal) over every contender instead of landing on whoever ran last.
 * Per run it records req/s, p50/p99, server CPU per request (utime + stime delta of its
 * processes over the run, from /proc/<pid>/stat) and RSS after the run. The report keeps the
 * median of the rounds; ratios are taken within a round, then their median kept.
 *
 * Worked example: 3 contenders A, B, C, 2 scenarios, 2 rounds → start+warm A, B, C; round 0:
 * s1: A B C, s2: A B C; round 1: s1: B C A, s2: B C A; stop A, B, C (by PID, checked gone).
 */
import { join } from 'node:path';
import { cpuMicros, type Proc, rssKiB, start, stop } from './proc.ts';
import type { ServerSpec } from './servers.ts';
import { type WrkResult, wrk } from './wrk.ts';

/** One load shape. */
export interface Scenario {
  readonly id: string;
  readonly label: string;
  readonly path: string;
  readonly connections: number;
  readonly depth: number;
  /** Response body size the servers are started with (13 = "Hello, World!"). */
  readonly bodySize?: number;
}

/** One wrk run against one contender. */
export interface Sample extends WrkResult {
  server: string;
  scenario: string;
  round: number;
  cpuUsPerReq: number;
  rssMiB: number;
}

/** A contender that did not take part, and why. */
export interface Skipped {
  server: string;
  reason: string;
}

export interface CampaignOptions {
  rounds: number;
  seconds: number;
  /** Warm-up runs made once per contender after its start: path, depth, seconds. */
  warmup: { path: string; depth: number; seconds: number }[];
  /** Body size every contender is started with. */
  bodySize: number;
  tmp: string;
  /** Where progress lines go. */
  log: (line: string) => void;
  /** Answers each contender must give before it is measured (path → exact body). */
  checks: Record<string, string>;
}

let nextPort = 20_000 + Math.floor(Math.random() * 20_000);

async function startContender(spec: ServerSpec, opts: CampaignOptions): Promise<Proc[]> {
  const port = nextPort;
  nextPort += 7;
  const procs: Proc[] = [];
  try {
    let i = 0;
    for (const cmd of spec.cmds(port, opts.bodySize)) {
      const log = join(opts.tmp, `${spec.id.replace(/[^a-z0-9.]+/gi, '_')}-${port}-${i++}.log`);
      procs.push(await start(cmd, '0', log));
    }
    const base = `http://127.0.0.1:${procs[0]?.port}`;
    for (const [path, want] of Object.entries(opts.checks)) {
      const res = await fetch(base + path, { signal: AbortSignal.timeout(5000) });
      const got = await res.text();
      if (res.status !== 200 || got !== want) {
        throw new Error(`GET ${path}: ${res.status} ${JSON.stringify(got.slice(0, 40))}`);
      }
    }
    for (const w of opts.warmup) {
      await wrk(base + w.path, { connections: 50, seconds: w.seconds, depth: w.depth });
    }
    return procs;
  } catch (e) {
    await Promise.all(procs.map((p) => stop(p.sub)));
    throw e;
  }
}

/** Runs `scenarios` × `servers` × `rounds`; see the file's design note. */
export async function campaign(
  servers: ServerSpec[],
  scenarios: Scenario[],
  opts: CampaignOptions,
): Promise<{ samples: Sample[]; skipped: Skipped[] }> {
  const skipped: Skipped[] = [];
  const up: { spec: ServerSpec; procs: Proc[] }[] = [];
  const samples: Sample[] = [];
  try {
    for (const spec of servers) {
      if (spec.unavailable !== undefined) {
        skipped.push({ server: spec.id, reason: spec.unavailable });
        continue;
      }
      const t0 = performance.now();
      try {
        const procs = await startContender(spec, opts);
        up.push({ spec, procs });
        opts.log(
          `  up ${spec.id} (pid ${procs.map((p) => p.pid).join(',')}, ${((performance.now() - t0) / 1000).toFixed(1)} s start+warm-up)`,
        );
      } catch (e) {
        skipped.push({ server: spec.id, reason: String(e) });
        opts.log(`  SKIP ${spec.id}: ${String(e)}`);
      }
    }
    for (let round = 0; round < opts.rounds; round++) {
      for (const sc of scenarios) {
        for (let k = 0; k < up.length; k++) {
          const c = up[(k + round) % up.length];
          if (c === undefined) continue;
          const pids = c.procs.map((p) => p.pid);
          const url = `http://127.0.0.1:${c.procs[0]?.port}${sc.path}`;
          try {
            const cpu0 = pids.reduce((a, p) => a + cpuMicros(p), 0);
            const r = await wrk(url, {
              connections: sc.connections,
              seconds: opts.seconds,
              depth: sc.depth,
            });
            const cpu1 = pids.reduce((a, p) => a + cpuMicros(p), 0);
            const rss = pids.reduce((a, p) => a + rssKiB(p), 0) / 1024;
            samples.push({
              ...r,
              server: c.spec.id,
              scenario: sc.id,
              round,
              cpuUsPerReq: r.requests > 0 ? (cpu1 - cpu0) / r.requests : Number.NaN,
              rssMiB: rss,
            });
            const bad =
              r.socketErrors + r.non2xx > 0
                ? ` (${r.socketErrors} socket errors, ${r.non2xx} non-2xx)`
                : '';
            opts.log(
              `  r${round} ${sc.id.padEnd(18)} ${c.spec.id.padEnd(18)} ${Math.round(r.rps).toString().padStart(8)} req/s${bad}`,
            );
          } catch (e) {
            opts.log(`  r${round} ${sc.id} ${c.spec.id}: FAILED ${String(e)}`);
          }
        }
      }
    }
  } finally {
    await Promise.all(up.flatMap((c) => c.procs.map((p) => stop(p.sub))));
  }
  return { samples, skipped };
}

/** Median of a list (NaN when empty). */
export function median(xs: number[]): number {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const mid = s.length >> 1;
  return s.length % 2 === 1
    ? (s[mid] as number)
    : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** The per-(server, scenario) summary of a campaign. */
export interface Row {
  server: string;
  scenario: string;
  rounds: number;
  rps: number;
  /** Median over rounds of rps ÷ the baseline's rps in the same round and scenario. */
  ratio: number;
  p50: number;
  p99: number;
  cpuUsPerReq: number;
  rssMiB: number;
  errors: number;
}

/** Summarises samples; `baseline` names the server every ratio is taken against. */
export function summarise(samples: Sample[], baseline: string): Row[] {
  const rows: Row[] = [];
  const keys = new Map<string, Sample[]>();
  for (const s of samples) {
    const k = `${s.server}\u0000${s.scenario}`;
    let list = keys.get(k);
    if (list === undefined) keys.set(k, (list = []));
    list.push(s);
  }
  for (const list of keys.values()) {
    const first = list[0] as Sample;
    const ratios: number[] = [];
    for (const s of list) {
      const b = samples.find(
        (x) => x.server === baseline && x.scenario === s.scenario && x.round === s.round,
      );
      if (b !== undefined && b.rps > 0) ratios.push(s.rps / b.rps);
    }
    rows.push({
      server: first.server,
      scenario: first.scenario,
      rounds: list.length,
      rps: median(list.map((s) => s.rps)),
      ratio: median(ratios),
      p50: median(list.map((s) => s.p50)),
      p99: median(list.map((s) => s.p99)),
      cpuUsPerReq: median(list.map((s) => s.cpuUsPerReq)),
      rssMiB: median(list.map((s) => s.rssMiB)),
      errors: list.reduce((a, s) => a + s.socketErrors + s.non2xx, 0),
    });
  }
  return rows;
}
