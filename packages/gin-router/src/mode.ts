/**
 * gin's run mode (`debug`, `release`, `test`) and its debug printer. gin: `mode.go`, `debug.go`.
 *
 * The mode starts from the `GIN_MODE` environment variable; when it is unset, `test` is chosen
 * under a test runner (`NODE_ENV=test`, as `bun test` sets — gin's `flag.Lookup("test.v")`) and
 * `debug` otherwise. Output goes through {@link Writer}s that tests can swap.
 */

/** Where gin writes a log line: anything with `write(string)`. gin: `io.Writer`. */
export interface Writer {
  /** Writes one chunk of text. */
  write(s: string): void;
}

/** `debug`: route table and warnings are printed. gin: `gin.DebugMode`. */
export const DebugMode = 'debug';
/** `release`: quiet. gin: `gin.ReleaseMode`. */
export const ReleaseMode = 'release';
/** `test`: quiet, for tests. gin: `gin.TestMode`. */
export const TestMode = 'test';
/** The environment variable read at start-up. gin: `gin.EnvGinMode`. */
export const EnvGinMode = 'GIN_MODE';

type Mode = typeof DebugMode | typeof ReleaseMode | typeof TestMode;

interface ProcessLike {
  env?: Record<string, string | undefined>;
  stdout?: { write(s: string): unknown; isTTY?: boolean };
  stderr?: { write(s: string): unknown };
}

function proc(): ProcessLike | undefined {
  return (globalThis as { process?: ProcessLike }).process;
}

/** The writer behind `defaultWriter`: standard output (console.log where there is none). */
export const stdoutWriter: Writer = {
  write(s: string): void {
    const out = proc()?.stdout;
    if (out !== undefined) out.write(s);
    else console.log(s.replace(/\n$/, ''));
  },
};

/** The writer behind `defaultErrorWriter`: standard error (console.error where there is none). */
export const stderrWriter: Writer = {
  write(s: string): void {
    const out = proc()?.stderr;
    if (out !== undefined) out.write(s);
    else console.error(s.replace(/\n$/, ''));
  },
};

const state: { mode: Mode; writer: Writer; errorWriter: Writer } = {
  mode: DebugMode,
  writer: stdoutWriter,
  errorWriter: stderrWriter,
};

/**
 * Sets the mode. `''` picks `test` under a test runner, else `debug`.
 * @throws {Error} `gin mode unknown: X (available mode: debug release test)` as gin panics.
 */
export function setMode(value: string): void {
  let v = value;
  if (v === '') v = proc()?.env?.NODE_ENV === 'test' ? TestMode : DebugMode;
  if (v !== DebugMode && v !== ReleaseMode && v !== TestMode) {
    throw new Error(`gin: gin mode unknown: ${v} (available mode: debug release test)`);
  }
  state.mode = v;
}

/** The current mode. gin: `gin.Mode()`. */
export function mode(): string {
  return state.mode;
}

/** Reports whether the mode is `debug`. gin: `gin.IsDebugging()`. */
export function isDebugging(): boolean {
  return state.mode === DebugMode;
}

/**
 * Sets where debug output, Logger and the default log lines go (gin's `gin.DefaultWriter`,
 * standard output by default); returns the previous writer so a test can restore it.
 */
export function setDefaultWriter(w: Writer): Writer {
  const prev = state.writer;
  state.writer = w;
  return prev;
}

/** The current default writer. gin: `gin.DefaultWriter`. */
export function defaultWriter(): Writer {
  return state.writer;
}

/**
 * Sets where Recovery and debug errors go (gin's `gin.DefaultErrorWriter`, standard error by
 * default); returns the previous writer.
 */
export function setDefaultErrorWriter(w: Writer): Writer {
  const prev = state.errorWriter;
  state.errorWriter = w;
  return prev;
}

/** The current error writer. gin: `gin.DefaultErrorWriter`. */
export function defaultErrorWriter(): Writer {
  return state.errorWriter;
}

/** Prints `[GIN-debug] msg` (with a final newline) in debug mode only. gin: `debugPrint`. */
export function debugPrint(msg: string): void {
  if (state.mode !== DebugMode) return;
  state.writer.write(`[GIN-debug] ${msg.endsWith('\n') ? msg : `${msg}\n`}`);
}

/** Whether the writer is a terminal that takes colours. */
export function isTerminal(w: Writer): boolean {
  const p = proc();
  return w === stdoutWriter && p?.stdout?.isTTY === true && p.env?.TERM !== 'dumb';
}

setMode(proc()?.env?.[EnvGinMode] ?? '');
