import { type Handler, parseRequestURI, Request } from '@servehttp/core-listener';
import { DefaultRemoteAddr } from '@servehttp/core-listener/httptest';

/**
 * A request as Go's tests build them: any method (CONNECT included) with an origin-form or
 * absolute target; the host is the target's, else `host`.
 */
export function req(method: string, target: string, host = 'example.com'): Request {
  const url = parseRequestURI(target);
  return new Request({
    method,
    target,
    url,
    host: url.host !== '' ? url.host : host,
    remoteAddr: DefaultRemoteAddr,
  });
}

/** Go's `serve(code)`: a handler that only writes the status. */
export function serve(code: number): Handler {
  return { serveHTTP: (w) => w.writeHeader(code) };
}

/** Go's `stringHandler`: sets `Result: s` and writes `s`. */
export function stringHandler(s: string): Handler {
  return {
    serveHTTP(w) {
      w.header().set('Result', s);
      w.write(s);
    },
  };
}
