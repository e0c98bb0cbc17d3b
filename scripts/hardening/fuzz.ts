/**
 * Long fuzzing: `bun scripts/hardening/fuzz.ts [--seconds 60] [--seed N]`.
 *
 * Runs packages/core-listener/src/hardening/fuzz.test.ts scaled to the duration: the parser on
 * random bytes and corpus mutants (whole and split), the differential check against llhttp,
 * and the connection loop over real sockets on both backends. Without `--seed` a fresh seed
 * is drawn and printed, so a failure can be replayed with it.
 */
import { flag, runTest, seconds } from './args.ts';

const s = seconds('seconds', 60);
const seed = flag('seed', String(Math.floor(Math.random() * 2 ** 31)));
console.log(`fuzz: ${s} s, seed ${seed}`);
process.exit(
  runTest(
    'fuzz.test.ts',
    { HARDENING_FUZZ_SECONDS: String(s), HARDENING_FUZZ_SEED: seed, HARDENING_VERBOSE: '1' },
    s * 4 + 120,
  ),
);
