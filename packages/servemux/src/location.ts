/**
 * Where a registration happened, for conflict messages: the first stack frame outside this
 * package's own modules, as `file:line`. Go: `runtime.Caller(3)` in `ServeMux.registerErr`.
 *
 * Cost: one `new Error().stack` per registration; never on the request path.
 */

// The folder of this module (src/ when run from source, dist/ when built): frames from any
// non-test file in it belong to servemux itself and are skipped.
const here = import.meta.url.replace(/^file:\/\//, '');
const ownDir = here.slice(0, here.lastIndexOf('/') + 1);

// `at fn (file:line:col)` (V8, JavaScriptCore in Bun) or `at file:line:col`.
const frameLocation = /\(?((?:file:\/\/)?[^\s()]+?):(\d+):\d+\)?\s*$/;

/** The `file:line` of the caller of the servemux API, or `unknown location`. */
export function callerLocation(): string {
  const stack = new Error().stack ?? '';
  for (const frame of stack.split('\n').slice(1)) {
    const m = frameLocation.exec(frame);
    if (m === null) continue;
    const file = (m[1] as string).replace(/^file:\/\//, '');
    if (file.startsWith(ownDir) && !file.includes('.test.')) continue;
    if (file.startsWith('node:') || file === 'native') continue;
    return `${file}:${m[2]}`;
  }
  return 'unknown location';
}
