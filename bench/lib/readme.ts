/**
 * `--readme`: replaces the text between the benchmark markers of the root README with the latest
 * run's end-to-end table, targets and machine. Nothing outside the markers is touched; without
 * markers it does nothing (and says so).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { compactTable, type E2EData } from '../tiers/e2e.ts';

const begin = '<!-- bench:begin (written by `bun run bench --readme`) -->';
const end = '<!-- bench:end -->';

export function updateReadme(
  path: string,
  e2e: E2EData,
  targets: string,
  machine: string,
  resultsDir: string,
): void {
  const text = readFileSync(path, 'utf8');
  const i = text.indexOf(begin);
  const j = text.indexOf(end);
  if (i < 0 || j < i) {
    console.log(`README: no benchmark markers in ${path}; left unchanged`);
    return;
  }
  const body = [
    begin,
    '',
    `Machine: ${machine}. Full results: [${resultsDir}](${resultsDir}/results.md).`,
    '',
    compactTable(e2e),
    '',
    targets.replace(/^## /m, '#### '),
    '',
    end,
  ].join('\n');
  writeFileSync(path, text.slice(0, i) + body + text.slice(j + end.length));
}
