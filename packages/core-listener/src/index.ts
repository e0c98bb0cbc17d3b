/**
 * `@servehttp/core-listener`: Go's `net/http` server side for TypeScript.
 *
 * This entry holds the contract every servehttp package shares — {@link Handler},
 * {@link Request}, {@link ResponseWriter}, {@link Header}, {@link Context}, status codes and error
 * values. Test helpers live at `@servehttp/core-listener/httptest`.
 *
 * @module
 */
export {
  type AdapterOptions,
  type FetchHandler,
  type FetchHandlerOptions,
  type NodeListener,
  toFetchHandler,
  toNodeListener,
} from './adapters.ts';
export { AddrError, joinHostPort, parsePort, splitHostPort } from './addr.ts';
export { type ClusterOptions, type ClusterPrimary, cluster } from './cluster.ts';
export { type ConnState, maxPostHandlerReadBytes } from './conn.ts';
export { type CancelFunc, Context, type ContextKey, createKey } from './context.ts';
export {
  ErrAbortHandler,
  ErrBodyNotAllowed,
  ErrBodyReadAfterClose,
  ErrCanceled,
  ErrContentLength,
  ErrDeadlineExceeded,
  ErrHandlerTimeout,
  ErrHijacked,
  ErrNotSupported,
  ErrServerClosed,
  HTTPError,
} from './errors.ts';
export { type HTTP2Config, http2Defaults, type Protocols } from './h2-config.ts';
export {
  type Handler,
  type HandlerFunc,
  type HandlerLike,
  handlerFunc,
  isHandler,
  toHandler,
} from './handler.ts';
export {
  canonicalHeaderKey,
  Header,
  type HeaderInit,
  InvalidHeaderError,
  TrailerPrefix,
} from './header.ts';
export {
  type Addr,
  type Conn,
  ErrNetClosed,
  type Listener,
  type ListenOptions,
  listen,
  NetError,
  type Network,
} from './net.ts';
export {
  type BodyInit,
  type ContextProvider,
  Request,
  type RequestFields,
  type RequestInit,
  type TLSInfo,
} from './request.ts';
export {
  bodyAllowedForStatus,
  checkWriteHeaderCode,
  type DeadlineSetter,
  type Flusher,
  type FullDuplexEnabler,
  type HijackedConn,
  type Hijacker,
  ResponseController,
  type ResponseWriter,
  type Unwrapper,
  validTrailerHeader,
} from './response.ts';
export {
  DefaultMaxHeaderBytes,
  LocalAddrContextKey,
  listenAndServe,
  listenAndServeTLS,
  loadTLSFiles,
  Server,
  ServerContextKey,
  type ServerOptions,
} from './server.ts';
export {
  type Drainable,
  type DrainResult,
  type SignalHandle,
  type SignalOptions,
  type SignalSource,
  shutdownOnSignals,
} from './signals.ts';
export { detectContentType, sniffLen } from './sniff.ts';
export * from './status.ts';
export {
  looksLikeHTTP,
  type PEM,
  plainHTTPToTLSReply,
  type TLSConnectionState,
  type TLSOptions,
} from './tls.ts';
export { escapePath, parseRequestURI, RequestURL, URLError } from './url.ts';
export { utf8Length } from './utf8.ts';
