/**
 * The one error the parser throws.
 *
 * Every rejection of input is a `ParseError` carrying the status a server should answer with
 * and the position of the offending byte, so the connection loop maps errors to responses without
 * looking at messages (Go `conn.serve`: too large → 431, unsupported Transfer-Encoding → 501,
 * anything else → 400).
 *
 * | status | when |
 * |---|---|
 * | 400 | any syntax or framing error (the default) |
 * | 413 | a body or chunk-extension limit was exceeded |
 * | 414 | the request line is longer than `maxRequestLineBytes` |
 * | 431 | the head or trailer section is too large, or has too many fields |
 * | 501 | a request's Transfer-Encoding does not end in `chunked` (a coding we cannot frame) |
 * | 505 | an HTTP version other than 1.0 and 1.1 |
 *
 * After a `ParseError` the parser is dead until `reset()`: the byte stream has no trustworthy
 * message boundary any more, so the connection must be closed after the error response
 * (RFC 9112 §6.3, "the server MUST respond with 400 and then close the connection").
 */
export class ParseError extends Error {
  /** The HTTP status a server should reply with: 400, 413, 414, 431, 501 or 505. */
  readonly status: number;
  /** A short, stable description, e.g. `"invalid header field name"`. Tests match it. */
  readonly reason: string;
  /**
   * Stream offset of the offending byte: bytes since the last `reset()`, counting every byte the
   * parser was given, so it does not depend on how the input was split into chunks.
   */
  readonly offset: number;

  /** Builds the error; the message is `http-parser: <reason> at offset <offset>`. */
  constructor(status: number, reason: string, offset: number) {
    super(`http-parser: ${reason} at offset ${offset}`);
    this.name = 'ParseError';
    this.status = status;
    this.reason = reason;
    this.offset = offset;
  }
}
