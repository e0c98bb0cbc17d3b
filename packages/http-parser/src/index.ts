/**
 * `@servehttp/http-parser`: the HTTP/1.1 grammar that the rest of servehttp builds on.
 *
 * This entry point exports the RFC 9110 character classes that both the parser and the API-level
 * header validation use. The incremental message parser itself lands here next.
 *
 * @module
 */
export {
  invalidFieldValueIndex,
  isToken,
  isTokenByte,
  isValidFieldName,
  isValidFieldValue,
} from './grammar.ts';
