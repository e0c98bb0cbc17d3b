/**
 * `@servehttp/servemux`: Go 1.22's `net/http.ServeMux` and the helper handlers around it, for the
 * servehttp Handler contract. Builds on `@servehttp/core-listener` only and runs on Bun and
 * Node.js.
 *
 * @module
 */
import { type HandlerFunc, type HandlerLike, Server } from '@servehttp/core-listener';
import { ServeMux } from './mux.ts';

export { ConflictError, PatternError, RegistrationError } from './errors.ts';
export { fileServer, serveFile, serveFileFS } from './file-server.ts';
export { dir, type File, type FileInfo, type FileSystem, FSError, hideDotFiles } from './fs.ts';
export {
  allowQuerySemicolons,
  error,
  htmlEscape,
  notFound,
  notFoundHandler,
  redirect,
  redirectHandler,
  stripPrefix,
} from './helpers.ts';
export { MaxBytesError, maxBytesHandler } from './max-bytes.ts';
export { type HandlerMatch, ServeMux, type ServeMuxOptions } from './mux.ts';
export {
  type ByteRange,
  type Content,
  parseHTTPTime,
  parseRange,
  serveContent,
} from './serve-content.ts';
export { timeoutHandler } from './timeout.ts';

/**
 * The mux that package-level {@link handle} and {@link handleFunc} register on, and that the
 * server uses when it is given no handler. Go: `http.DefaultServeMux`. Any package can register
 * on it, so a program that cares what it serves should make its own {@link ServeMux}.
 */
export const DefaultServeMux: ServeMux = new ServeMux();

/**
 * Registers `handler` for `pattern` on {@link DefaultServeMux}. Go: `http.Handle`.
 * @throws the errors of {@link ServeMux.handle}.
 */
export function handle(pattern: string, handler: HandlerLike): void {
  DefaultServeMux.handle(pattern, handler);
}

/**
 * Registers a handler function for `pattern` on {@link DefaultServeMux}. Go: `http.HandleFunc`.
 * @throws the errors of {@link ServeMux.handle}.
 */
export function handleFunc(pattern: string, handler: HandlerFunc): void {
  DefaultServeMux.handle(pattern, handler);
}

/**
 * Listens on the TCP address `addr` and serves `handler`, or {@link DefaultServeMux} when no
 * handler is given — the seeds' `http.HandleFunc("/", …); http.ListenAndServe(":8080", nil)`.
 * `addr` takes Go's forms (`:8080` is every interface, `''` is `:http`). The promise rejects when
 * serving stops (a listen error, for example); to stop a server, build a core-listener `Server`
 * and call its `shutdown()`. Go: `http.ListenAndServe`.
 */
export function listenAndServe(addr: string, handler?: HandlerLike): Promise<never> {
  return new Server({ addr, handler: handler ?? DefaultServeMux }).listenAndServe();
}

/**
 * Like {@link listenAndServe} over TLS, with the PEM certificate chain and key read from
 * `certFile` and `keyFile`; `addr` `''` is `:https`. Go: `http.ListenAndServeTLS`.
 */
export function listenAndServeTLS(
  addr: string,
  certFile: string,
  keyFile: string,
  handler?: HandlerLike,
): Promise<never> {
  return new Server({ addr, handler: handler ?? DefaultServeMux }).listenAndServeTLS(
    certFile,
    keyFile,
  );
}
