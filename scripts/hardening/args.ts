/**
 * Flag parsing shared by the hardening scripts: `--name value` or `--name=value`; numbers
 * accept a unit suffix for durations (`90`, `90s`, `5m`).
 */

/** The value of `--name`, or `fallback`. */
export function flag(name: string, fallback: string): string {
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === `--${name}`) return argv[i + 1] ?? fallback;
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
  }
  return fallback;
}

/** A duration flag in seconds: `300`, `300s` or `5m`. */
export function seconds(name: string, fallback: number): number {
  const v = flag(name, String(fallback)).trim();
  const n = Number.parseFloat(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name}: not a duration: ${v}`);
  return v.endsWith('m') ? n * 60 : n;
}

/** Runs one hardening test file with `env`, inheriting output; returns its exit code. */
export function runTest(file: string, env: Record<string, string>, timeoutSeconds: number): number {
  const root = new URL('../..', import.meta.url).pathname;
  const p = Bun.spawnSync(
    [
      process.execPath,
      '--conditions=@servehttp/source',
      'test',
      `packages/core-listener/src/hardening/${file}`,
      '--timeout',
      String(timeoutSeconds * 1000),
    ],
    { cwd: root, env: { ...process.env, ...env }, stdout: 'inherit', stderr: 'inherit' },
  );
  return p.exitCode ?? 1;
}
