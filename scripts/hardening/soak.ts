/**
 * The full soak: `bun scripts/hardening/soak.ts [--seconds 300] [--backend bun|node]`.
 *
 * Runs packages/core-listener/src/hardening/soak.test.ts for the given duration (default five
 * minutes): a server process under 16 pipelining keep-alive connections and 4 loops of
 * short-lived connections, sampled twenty times for RSS, heap after a full GC and open fds. It
 * prints the table and fails when memory leaves its band or fds do not return to idle.
 */
import { flag, runTest, seconds } from './args.ts';

const s = seconds('seconds', 300);
const backend = flag('backend', 'bun');
process.exit(
  runTest(
    'soak.test.ts',
    { HARDENING_SOAK_SECONDS: String(s), HARDENING_SOAK_BACKEND: backend, HARDENING_VERBOSE: '1' },
    s + 120,
  ),
);
