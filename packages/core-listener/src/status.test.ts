import { expect, test } from 'bun:test';
import * as status from './status.ts';

// Go's http.StatusText, row for row for the codes whose phrase people most often compare.
const rows: [code: number, text: string][] = [
  [100, 'Continue'],
  [103, 'Early Hints'],
  [200, 'OK'],
  [203, 'Non-Authoritative Information'],
  [226, 'IM Used'],
  [301, 'Moved Permanently'],
  [304, 'Not Modified'],
  [307, 'Temporary Redirect'],
  [400, 'Bad Request'],
  [404, 'Not Found'],
  [405, 'Method Not Allowed'],
  [407, 'Proxy Authentication Required'],
  // Go keeps the RFC 7231 phrase, not RFC 9110's "Content Too Large".
  [413, 'Request Entity Too Large'],
  [414, 'Request URI Too Long'],
  [416, 'Requested Range Not Satisfiable'],
  [418, "I'm a teapot"],
  [425, 'Too Early'],
  [431, 'Request Header Fields Too Large'],
  [500, 'Internal Server Error'],
  [505, 'HTTP Version Not Supported'],
  [511, 'Network Authentication Required'],
  // Unknown and unused codes: Go returns "".
  [306, ''],
  [299, ''],
  [0, ''],
  [999, ''],
  [-1, ''],
];
test.each(rows)('statusText(%p) = %p', (code, text) => {
  expect(status.statusText(code)).toBe(text);
});

test('every Status constant has a phrase and a name matching Go', () => {
  const entries = Object.entries(status).filter(([k]) => k.startsWith('Status'));
  expect(entries.length).toBe(62);
  for (const [name, code] of entries) {
    expect(typeof code).toBe('number');
    expect(status.statusText(code as number)).not.toBe('');
    expect(name).toMatch(/^Status[A-Z][A-Za-z]+$/);
  }
  expect(status.StatusTeapot).toBe(418);
  expect(status.StatusUnavailableForLegalReasons).toBe(451);
});
