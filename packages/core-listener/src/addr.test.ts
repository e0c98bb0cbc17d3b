import { describe, expect, test } from 'bun:test';
import { AddrError, joinHostPort, parsePort, splitHostPort } from './addr.ts';
import { caught } from './caught.test-util.ts';

describe('splitHostPort / joinHostPort (Go net TestSplitHostPort, TestJoinHostPort)', () => {
  // Go's splitJoinTests: split(join) round-trips.
  const splitJoin: [host: string, port: string, join: string][] = [
    ['www.google.com', '80', 'www.google.com:80'],
    ['127.0.0.1', '1234', '127.0.0.1:1234'],
    ['::1', '80', '[::1]:80'],
    ['fe80::1%lo0', '80', '[fe80::1%lo0]:80'],
    ['localhost%lo0', '80', '[localhost%lo0]:80'],
    ['', '0', ':0'],
    // Go 1.0 behaviour, kept by Go: the port is not validated here.
    ['google.com', 'https%foo', 'google.com:https%foo'],
    ['127.0.0.1', '', '127.0.0.1:'],
    ['www.google.com', '', 'www.google.com:'],
  ];
  test.each(splitJoin)('%p / %p ↔ %p', (host, port, join) => {
    expect(joinHostPort(host, port)).toBe(join);
    expect(splitHostPort(join)).toEqual([host, port]);
  });

  // Go's splitFailureTests.
  const failures: [hostport: string, reason: string][] = [
    ['www.google.com', 'missing port in address'],
    ['127.0.0.1', 'missing port in address'],
    ['[::1]', 'missing port in address'],
    ['[fe80::1%lo0]', 'missing port in address'],
    ['[localhost%lo0]', 'missing port in address'],
    ['localhost%lo0', 'missing port in address'],
    ['::1', 'too many colons in address'],
    ['fe80::1%lo0', 'too many colons in address'],
    ['fe80::1%lo0:80', 'too many colons in address'],
    // Cases that did not fail in Go 1.0.
    ['[foo:bar]', 'missing port in address'],
    ['[foo:bar]baz', 'missing port in address'],
    ['[foo]bar:baz', 'missing port in address'],
    ['[foo]:[bar]:baz', 'too many colons in address'],
    ['[foo]:[bar]baz', "unexpected '[' in address"],
    ['foo[bar]:baz', "unexpected '[' in address"],
    ['foo]bar:baz', "unexpected ']' in address"],
    ['[foo:bar:baz', "missing ']' in address"],
    ['foo%bar:80', 'missing brackets in address'],
  ];
  test.each(failures)('%p → %p', (hostport, reason) => {
    const err = caught(() => splitHostPort(hostport));
    expect(err).toBeInstanceOf(AddrError);
    expect((err as AddrError).reason).toBe(reason);
    expect((err as AddrError).message).toBe(`address ${hostport}: ${reason}`);
  });
});

describe('parsePort', () => {
  const rows: [port: string, want: number | string][] = [
    ['80', 80],
    ['0', 0],
    ['', 0], // Go's Listen(":") and ListenAndServe's ":http" style: empty means any port
    ['65535', 65535],
    ['00080', 80],
    ['http', 80],
    ['HTTPS', 443],
    ['http-alt', 8080],
    ['65536', 'invalid port'],
    ['-1', 'unknown port -1'],
    ['gopher', 'unknown port gopher'],
  ];
  test.each(rows)('%p → %p', (port, want) => {
    if (typeof want === 'number') expect(parsePort(port)).toBe(want);
    else expect(() => parsePort(port)).toThrow(want);
  });
});
