/**
 * The one error class of the package: a middleware constructor given options it cannot honour.
 * Thrown at construction, never while serving, so a bad configuration fails the boot and not the
 * thousandth request.
 */

/**
 * Thrown by a middleware constructor (`cors({...})`, `timeout(0)`, …) for invalid options. The
 * message reads `middleware-kit: <middleware>: <what is wrong>; <how to fix it>`, in the manner of
 * chi's `chi/middleware: Throttle expects limit > 0` panics.
 */
export class MiddlewareOptionError extends TypeError {
  /** The middleware whose options were rejected, such as `cors`. */
  readonly middleware: string;

  /** Builds the error; `message` should name the option and the fix. */
  constructor(middleware: string, message: string) {
    super(`middleware-kit: ${middleware}: ${message}`);
    this.name = 'MiddlewareOptionError';
    this.middleware = middleware;
  }
}
