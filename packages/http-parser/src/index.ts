/**
 * `@servehttp/http-parser`: a strict, incremental, smuggling-proof HTTP/1.1 parser in pure
 * TypeScript, and the RFC 9110 grammar the rest of servehttp validates header fields against.
 *
 * - {@link HTTPParser}: push bytes with `execute(buf, start, end)`, act on the {@link ParseEvent}
 *   it returns; requests (servers) or responses (clients, proxies, tests).
 * - {@link ParseError}: every rejection, with the status to answer (400/413/414/431/501/505), a
 *   short reason and the stream offset.
 * - Grammar predicates: `isToken`, `isTokenByte`, `invalidFieldValueIndex`, ….
 *
 * @module
 */
export { ParseError } from './errors.ts';
export {
  invalidFieldValueIndex,
  isToken,
  isTokenByte,
  isValidFieldName,
  isValidFieldValue,
} from './grammar.ts';
export {
  Framing,
  HeadFields,
  HTTPParser,
  latin1,
  ParseEvent,
  type ParserOptions,
} from './parser.ts';
