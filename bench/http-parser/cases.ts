/**
 * The benchmark messages: the four cases of issue 4. Shared by bench.ts (Bun) and written to JSON
 * for the Node child.
 */
import {
  BROWSER_GET,
  CHUNKED_POST,
  MINIMAL_GET,
  manyHeaders,
} from '../../packages/http-parser/src/corpus.test-util.ts';

export const CASES: { name: string; input: string }[] = [
  { name: 'minimal GET', input: MINIMAL_GET },
  { name: 'browser GET', input: BROWSER_GET },
  { name: '40 headers', input: manyHeaders(40) },
  { name: 'chunked POST', input: CHUNKED_POST },
];
