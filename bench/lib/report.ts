/**
 * Formatting for the results folder: Markdown tables and a dependency-free SVG bar chart.
 */

/** What a tier hands back to the runner. */
export interface TierResult {
  tier: string;
  /** Markdown section(s) for results.md. */
  markdown: string;
  /** SVG charts to write, by file name. */
  charts: Record<string, string>;
  /** Raw data for results.json. */
  data: unknown;
  notes: string[];
}

/** What every tier gets from the runner. */
export interface TierContext {
  quick: boolean;
  tmp: string;
  log: (line: string) => void;
  /** Overrides from the command line (NaN when not given). */
  rounds: number;
  seconds: number;
}

/** A Markdown table; numbers must already be formatted. */
export function table(head: string[], rows: string[][], align?: ('l' | 'r')[]): string {
  const sep = head.map((_, i) => ((align?.[i] ?? (i === 0 ? 'l' : 'r')) === 'r' ? '---:' : '---'));
  return [head, sep, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

export const fmt = {
  int: (x: number): string => (Number.isNaN(x) ? 'n/a' : Math.round(x).toLocaleString('en-US')),
  ratio: (x: number): string => (Number.isNaN(x) ? 'n/a' : `${x.toFixed(2)}×`),
  us: (x: number): string =>
    Number.isNaN(x) ? 'n/a' : x >= 1000 ? `${(x / 1000).toFixed(2)} ms` : `${Math.round(x)} µs`,
  cpu: (x: number): string => (Number.isNaN(x) ? 'n/a' : `${x.toFixed(1)} µs`),
  mib: (x: number): string => (Number.isNaN(x) ? 'n/a' : `${x.toFixed(0)} MiB`),
  ns: (x: number): string => (Number.isNaN(x) ? 'n/a' : `${x.toFixed(x < 10 ? 1 : 0)} ns`),
};

const palette = ['#2f6fde', '#e0762b', '#2a9d5c', '#b8428c', '#7a5cc7', '#8c8c8c'];

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Horizontal grouped bars: one group per category, one bar per series, x from 0 to the largest
 * value; a dashed reference line at `ref` (the baseline, 1.0×). Missing values are left out.
 */
export function barChart(opts: {
  title: string;
  subtitle: string;
  categories: string[];
  series: { name: string; values: number[] }[];
  ref: number;
  unit: string;
  highlight?: (category: string) => boolean;
}): string {
  const labelW = 260;
  const plotW = 560;
  const bar = 9;
  const gap = 10;
  const groupH = opts.series.length * bar + gap;
  const top = 70;
  const height = top + opts.categories.length * groupH + 40;
  const all = opts.series.flatMap((s) => s.values).filter((v) => Number.isFinite(v));
  const max = Math.max(opts.ref * 1.1, ...all) * 1.05;
  const x = (v: number) => labelW + (v / max) * plotW;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${labelW + plotW + 90}" height="${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="20" font-size="15" font-weight="600">${esc(opts.title)}</text>`,
    `<text x="10" y="38" fill="#555">${esc(opts.subtitle)}</text>`,
  );
  let lx = 10;
  opts.series.forEach((s, i) => {
    out.push(
      `<rect x="${lx}" y="48" width="10" height="10" fill="${palette[i % palette.length]}"/>`,
      `<text x="${lx + 14}" y="57">${esc(s.name)}</text>`,
    );
    lx += 24 + s.name.length * 7;
  });
  opts.categories.forEach((c, ci) => {
    const y0 = top + ci * groupH;
    const bold = opts.highlight?.(c) === true ? ' font-weight="600"' : '';
    out.push(
      `<text x="${labelW - 8}" y="${y0 + (opts.series.length * bar) / 2 + 4}" text-anchor="end"${bold}>${esc(c)}</text>`,
    );
    opts.series.forEach((s, si) => {
      const v = s.values[ci];
      if (v === undefined || !Number.isFinite(v)) return;
      const y = y0 + si * bar;
      out.push(
        `<rect x="${labelW}" y="${y}" width="${Math.max(1, x(v) - labelW).toFixed(1)}" height="${bar - 1}" fill="${palette[si % palette.length]}"/>`,
        `<text x="${(x(v) + 4).toFixed(1)}" y="${y + bar - 1}" font-size="9" fill="#333">${v.toFixed(2)}${esc(opts.unit)}</text>`,
      );
    });
  });
  const bottom = top + opts.categories.length * groupH;
  out.push(
    `<line x1="${x(opts.ref).toFixed(1)}" y1="${top - 6}" x2="${x(opts.ref).toFixed(1)}" y2="${bottom}" stroke="#000" stroke-dasharray="4 3"/>`,
    `<text x="${x(opts.ref).toFixed(1)}" y="${bottom + 14}" text-anchor="middle">${opts.ref}${esc(opts.unit)}</text>`,
    `<line x1="${labelW}" y1="${top - 6}" x2="${labelW}" y2="${bottom}" stroke="#999"/>`,
    '</svg>',
  );
  return `${out.join('\n')}\n`;
}
