/**
 * Serves a servehttp Handler with `Bun.serve`, by way of the in-memory `ResponseRecorder`: the
 * stand-in that lets the demo answer HTTP before core-listener's own server exists. It buffers
 * every response, so it suits a demo, not streaming.
 */
import { type Handler, Header, Request } from '@servehttp/core-listener';
import { ResponseRecorder } from '@servehttp/core-listener/httptest';

/** Turns a fetch-style request into a servehttp `Request` and the recorded answer into a Response. */
export async function serveFetch(
  handler: Handler,
  req: globalThis.Request,
  remote: string,
): Promise<Response> {
  const u = new URL(req.url);
  const header = new Header();
  for (const [k, v] of req.headers) header.add(k, v);
  if (!header.has('Host')) header.set('Host', u.host);
  const hasBody = req.body !== null && req.method !== 'GET' && req.method !== 'HEAD';
  const r = new Request({
    method: req.method,
    target: u.pathname + u.search,
    header,
    remoteAddr: remote,
    body: hasBody ? req.body : null,
  });
  const rec = new ResponseRecorder();
  await handler.serveHTTP(rec, r);
  const res = rec.result();
  const headers = new Headers();
  for (const [k, vs] of res.header) for (const v of vs) headers.append(k, v);
  const body = req.method === 'HEAD' || res.body.length === 0 ? null : res.body;
  return new Response(body, { status: res.statusCode, headers });
}
