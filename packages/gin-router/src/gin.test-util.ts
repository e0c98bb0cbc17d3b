import type { Handler } from '@servehttp/core-listener';
import { newRequest, ResponseRecorder } from '@servehttp/core-listener/httptest';
import { setMode } from './mode.ts';

// gin's tests run in test mode (quiet).
setMode('test');

/** gin's PerformRequest: serve one request and return the recorder. */
export async function perform(
  h: Handler,
  method: string,
  target: string,
  headers: Record<string, string> = {},
  body?: string | Uint8Array,
): Promise<ResponseRecorder> {
  const r = newRequest(method, target, body);
  for (const [k, v] of Object.entries(headers)) r.header.set(k, v);
  const w = new ResponseRecorder();
  await h.serveHTTP(w, r);
  return w;
}
