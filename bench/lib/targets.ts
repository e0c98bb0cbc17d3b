/**
 * The performance targets of the package issues (5–8), checked against a run's numbers.
 * A target whose numbers were not measured in this run says so rather than passing.
 */
import type { Row } from './campaign.ts';
import { fmt, table } from './report.ts';

/** The router tier's rows, as tiers/router.ts records them. */
export interface RouterRow {
  router: string;
  runtime: string;
  case: string;
  ns: number;
}

interface E2ELike {
  rows: Row[];
}

function rps(e: E2ELike, server: string, scenario: string): number {
  return e.rows.find((r) => r.server === server && r.scenario === scenario)?.rps ?? Number.NaN;
}

// A ÷ B through their same-round ratios to Bun.serve, so a target agrees with the tables (which
// show those ratios) even when the machine's speed drifted between rounds.
function rel(e: E2ELike, a: string, b: string, scenario: string): number {
  const ra = e.rows.find((r) => r.server === a && r.scenario === scenario)?.ratio ?? Number.NaN;
  const rb = e.rows.find((r) => r.server === b && r.scenario === scenario)?.ratio ?? Number.NaN;
  return ra / rb;
}

function verdict(value: number, ok: boolean): string {
  if (Number.isNaN(value)) return 'not measured';
  return ok ? '**met**' : '**not met**';
}

/** The targets table for results.md and the README. */
export function targetsMarkdown(e2e: E2ELike | undefined, router: unknown): string {
  const rows: string[][] = [];
  const add = (issue: string, target: string, measured: string, value: number, ok: boolean) =>
    rows.push([issue, target, measured, verdict(value, ok)]);
  if (e2e !== undefined) {
    for (const sc of ['hello', 'user'] as const) {
      const r = rel(e2e, 'core@bun', 'bun.serve@bun', sc);
      add(
        '#5 core-listener',
        `Bun: ${sc === 'hello' ? '/hello' : '/user/:id'} ≥ 1.0× Bun.serve (goal 1.15×)`,
        fmt.ratio(r),
        r,
        r >= 1,
      );
    }
    for (const sc of ['hello', 'user'] as const) {
      const r = rps(e2e, 'core@bun', `${sc}-p16`) / rps(e2e, 'bun.serve@bun', sc);
      const same = rel(e2e, 'core@bun', 'bun.serve@bun', `${sc}-p16`);
      add(
        '#5 core-listener',
        `Bun: ${sc === 'hello' ? '/hello' : '/user/:id'} pipelined ×16 ≥ 5× Bun.serve (keep-alive)`,
        `${fmt.ratio(r)} (${fmt.ratio(same)} of Bun.serve pipelined)`,
        r,
        r >= 5,
      );
    }
    for (const sc of ['hello', 'user'] as const) {
      const r = rel(e2e, 'core@node', 'node:http@node', sc);
      add(
        '#5 core-listener',
        `Node: ${sc === 'hello' ? '/hello' : '/user/:id'} ≥ 1.3× node:http`,
        fmt.ratio(r),
        r,
        r >= 1.3,
      );
    }
    const rss =
      e2e.rows.find((x) => x.server === 'core@bun' && x.scenario === 'hello')?.rssMiB ?? Number.NaN;
    add('#5 core-listener', 'RSS at 50 connections ≤ 60 MiB (Bun)', fmt.mib(rss), rss, rss <= 60);
    for (const sc of ['hello', 'user'] as const) {
      const r = rel(e2e, 'servemux@bun', 'core@bun', sc);
      add(
        '#6 servemux',
        `Bun: ${sc === 'hello' ? '/hello' : '/user/:id'} ≥ 0.95× raw core Server`,
        fmt.ratio(r),
        r,
        r >= 0.95,
      );
    }
    for (const sc of ['hello', 'user'] as const) {
      const r = rel(e2e, 'gin@bun', 'hono@bun', sc);
      add(
        '#7 gin-router',
        `Bun: ${sc === 'hello' ? '/hello' : '/user/:id'} ≥ 1.0× Hono`,
        fmt.ratio(r),
        r,
        r >= 1,
      );
    }
    const s = rel(e2e, 'stack@bun', 'core@bun', 'hello');
    add(
      '#8 middleware-kit',
      'Bun: stack around /hello ≥ 0.85× bare route (cost ≤ 15%)',
      `${fmt.ratio(s)} (cost ${((1 - s) * 100).toFixed(0)}%)`,
      s,
      s >= 0.85,
    );
    const sn = rel(e2e, 'stack@node', 'core@node', 'hello');
    add(
      '#8 middleware-kit',
      'Node: stack around /hello ≥ 0.85× bare route',
      `${fmt.ratio(sn)} (cost ${((1 - sn) * 100).toFixed(0)}%)`,
      sn,
      sn >= 0.85,
    );
  }
  const rr = (router as { rows?: RouterRow[] } | undefined)?.rows;
  if (rr !== undefined) {
    for (const runtime of ['bun', 'node']) {
      for (const ours of ['servemux', 'gin-router']) {
        const cases = [...new Set(rr.filter((x) => x.runtime === runtime).map((x) => x.case))];
        const worse: string[] = [];
        let measured = 0;
        for (const c of cases) {
          const a = rr.find((x) => x.router === ours && x.runtime === runtime && x.case === c)?.ns;
          const b = rr.find(
            (x) => x.router === 'find-my-way' && x.runtime === runtime && x.case === c,
          )?.ns;
          if (a === undefined || b === undefined) continue;
          measured++;
          if (a > b) worse.push(`${c} ${fmt.ratio(a / b)} slower`);
        }
        const v = measured === 0 ? Number.NaN : worse.length;
        add(
          ours === 'servemux' ? '#6 servemux' : '#7 gin-router',
          `${runtime === 'bun' ? 'Bun' : 'Node'}: lookup no slower than find-my-way`,
          measured === 0
            ? 'n/a'
            : worse.length === 0
              ? `faster on all ${measured} cases`
              : worse.join('; '),
          v,
          worse.length === 0,
        );
      }
    }
  }
  if (rows.length === 0) return '## Targets\n\nNo tier that measures a target ran.';
  return [
    '## Targets (package issues)',
    '',
    table(['issue', 'target', 'measured', 'verdict'], rows, ['l', 'l', 'l', 'l']),
  ].join('\n');
}
