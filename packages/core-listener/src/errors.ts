/**
 * The error values of the Handler contract and the server. Like Go's `errors.New` values they are
 * singletons compared by identity (`err === ErrServerClosed`), or with `instanceof HTTPError`
 * for "any of these". Messages carry Go's `http: ` prefix and wording so logs read the same.
 */

/** The class of every error value below. Go: the `*errors.errorString` behind `http.Err…`. */
export class HTTPError extends Error {
  /** Builds an error value; `message` is Go's text. */
  constructor(message: string) {
    super(message);
    this.name = 'HTTPError';
  }
}

/**
 * Rejected by `listenAndServe()`/`serve()` after `shutdown()` or `close()`: the normal way a
 * server stops, not a failure. Go: `http.ErrServerClosed`.
 */
export const ErrServerClosed: HTTPError = new HTTPError('http: Server closed');

/**
 * Throw it from a handler to abort the response: the server closes the connection without writing
 * more and without logging a stack (recovery middleware re-throws it). Go: `http.ErrAbortHandler`.
 */
export const ErrAbortHandler: HTTPError = new HTTPError('net/http: abort Handler');

/**
 * Thrown by `ResponseWriter.write` when the request method or status code does not allow a body
 * (1xx, 204, 304). Go: `http.ErrBodyNotAllowed`.
 */
export const ErrBodyNotAllowed: HTTPError = new HTTPError(
  'http: request method or response status code does not allow body',
);

/**
 * Thrown by `ResponseWriter` methods called after the connection was hijacked.
 * Go: `http.ErrHijacked`.
 */
export const ErrHijacked: HTTPError = new HTTPError('http: connection has been hijacked');

/**
 * Thrown by `write` when the handler writes more bytes than the `Content-Length` it declared.
 * Go: `http.ErrContentLength`.
 */
export const ErrContentLength: HTTPError = new HTTPError(
  'http: wrote more than the declared Content-Length',
);

/**
 * Thrown by `ResponseController` methods whose capability the writer (and everything it wraps)
 * does not have. Go: `http.ErrNotSupported` ("feature not supported").
 */
export const ErrNotSupported: HTTPError = new HTTPError('feature not supported');

/**
 * Thrown when a request body is read after it was consumed or closed.
 * Go: `http.ErrBodyReadAfterClose`.
 */
export const ErrBodyReadAfterClose: HTTPError = new HTTPError('http: invalid Read on closed Body');

/**
 * Thrown by writes through a handler whose time ran out (`timeoutHandler`).
 * Go: `http.ErrHandlerTimeout`.
 */
export const ErrHandlerTimeout: HTTPError = new HTTPError('http: Handler timeout');

/**
 * The `err()` of a context cancelled by its cancel function or its parent.
 * Go: `context.Canceled`.
 */
export const ErrCanceled: HTTPError = new HTTPError('context canceled');

/**
 * The `err()` of a context whose deadline passed. Go: `context.DeadlineExceeded`.
 */
export const ErrDeadlineExceeded: HTTPError = new HTTPError('context deadline exceeded');
