/**
 * Network addresses in Go's forms: `host:port`, `[ipv6]:port`, `:8080` for every interface, and
 * service names for ports (`:http`). `listen()` and `Server.addr` take these strings, so the
 * splitting and its error messages follow Go's `net.SplitHostPort` / `JoinHostPort` exactly.
 */

/**
 * A malformed network address. `message` reads like Go's: `address <addr>: <why>`.
 * Go: `*net.AddrError`.
 */
export class AddrError extends Error {
  /** The address as given. */
  readonly addr: string;
  /** Why it is malformed, without the address (`missing port in address`). */
  readonly reason: string;

  /** Builds the error from Go's reason text and the offending address. */
  constructor(reason: string, addr: string) {
    super(addr === '' ? reason : `address ${addr}: ${reason}`);
    this.name = 'AddrError';
    this.addr = addr;
    this.reason = reason;
  }
}

/**
 * Splits `host:port`, `[host]:port` or `[ipv6-host%zone]:port` into host and port. The port is
 * whatever follows the last colon (it may be empty or a service name); a literal IPv6 host must be
 * in brackets. Go: `net.SplitHostPort`, with its messages.
 *
 * @throws {AddrError} "missing port in address", "too many colons in address",
 * "missing ']' in address", "unexpected '[' in address", "unexpected ']' in address",
 * "missing brackets in address".
 */
export function splitHostPort(hostport: string): [host: string, port: string] {
  const i = hostport.lastIndexOf(':');
  if (i < 0) throw new AddrError('missing port in address', hostport);
  let host: string;
  // Positions before which a '[' or ']' is expected (inside the brackets) and allowed.
  let openFrom = 0;
  let closeFrom = 0;
  if (hostport.charCodeAt(0) === 0x5b) {
    const end = hostport.indexOf(']');
    if (end < 0) throw new AddrError("missing ']' in address", hostport);
    if (end + 1 === hostport.length) throw new AddrError('missing port in address', hostport);
    if (end + 1 !== i) {
      // Either ']' is not followed by a colon, or by one that is not the last.
      const reason =
        hostport.charCodeAt(end + 1) === 0x3a
          ? 'too many colons in address'
          : 'missing port in address';
      throw new AddrError(reason, hostport);
    }
    host = hostport.slice(1, end);
    openFrom = 1;
    closeFrom = end + 1;
  } else {
    host = hostport.slice(0, i);
    if (host.includes(':')) throw new AddrError('too many colons in address', hostport);
    if (host.includes('%')) throw new AddrError('missing brackets in address', hostport);
  }
  if (hostport.indexOf('[', openFrom) >= 0) {
    throw new AddrError("unexpected '[' in address", hostport);
  }
  if (hostport.indexOf(']', closeFrom) >= 0) {
    throw new AddrError("unexpected ']' in address", hostport);
  }
  return [host, hostport.slice(i + 1)];
}

/**
 * Joins a host and a port into `host:port`, bracketing a host that has a colon or a percent sign
 * (`[::1]:80`). Go: `net.JoinHostPort`.
 */
export function joinHostPort(host: string, port: string | number): string {
  return host.includes(':') || host.includes('%') ? `[${host}]:${port}` : `${host}:${port}`;
}

// Service names a server address may use instead of a number. Go asks the system's services
// database first; these are the entries an HTTP server meets, so no lookup is needed.
const services: Readonly<Record<string, number>> = {
  http: 80,
  https: 443,
  'http-alt': 8080,
  'https-alt': 8443,
};

/**
 * Parses a port: decimal 0–65535, or a service name (`http`, `https`, `http-alt`, `https-alt`,
 * case-insensitive). An empty port is 0 (any port), as in Go's `net.Listen`.
 * @throws {AddrError} "invalid port" or "unknown port".
 */
export function parsePort(port: string, addr: string = port): number {
  if (port === '') return 0;
  if (/^\d+$/.test(port)) {
    const n = Number(port);
    if (n > 65535) throw new AddrError('invalid port', addr);
    return n;
  }
  const known = services[port.toLowerCase()];
  if (known === undefined) throw new AddrError(`unknown port ${port}`, addr);
  return known;
}
