/** Runs `f` and returns what it threw, or `undefined`: for tests that inspect the error itself. */
export function caught(f: () => unknown): unknown {
  try {
    f();
  } catch (err) {
    return err;
  }
  return undefined;
}
