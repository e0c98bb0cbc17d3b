/**
 * Long runs of the parser's property tests (the bounded versions run in `bun test`).
 *
 *   bun bench/http-parser/fuzz.ts [--runs 20000] [--seed N]
 *
 * Fails loudly with fast-check's counterexample and seed, which reproduce with `--seed`.
 */
import {
  checkFastPathAgrees,
  checkMutations,
  checkSplits,
} from '../../packages/http-parser/src/property.test-util.ts';

const args = process.argv.slice(2);
const at = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : undefined;
};
const runs = at('--runs') ?? 20_000;
const seed = at('--seed') ?? Date.now() % 2 ** 31;

console.log(`seed ${seed}, ${runs} runs per property`);
let t = performance.now();
checkSplits(runs, seed);
console.log(`splits: ok (${((performance.now() - t) / 1000).toFixed(1)} s)`);
t = performance.now();
checkMutations(runs, seed);
console.log(`mutations: ok (${((performance.now() - t) / 1000).toFixed(1)} s)`);
t = performance.now();
checkFastPathAgrees(runs, seed);
console.log(`fast path = general path: ok (${((performance.now() - t) / 1000).toFixed(1)} s)`);
