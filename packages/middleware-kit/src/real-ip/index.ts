/**
 * `realIP`: sets `r.remoteAddr` to the client's address as reported by trusted reverse proxies,
 * walking `Forwarded` (RFC 7239) or `X-Forwarded-For` from the right.
 *
 * Design: chi's `middleware.RealIP` believes the headers from anyone, which lets any client pick
 * its own address. Here a header is read only when the peer itself is a trusted proxy, and the
 * list is walked right to left — each hop was appended by the proxy before it — skipping trusted
 * proxies; the first untrusted address is the client. CIDR matching is `ipaddr.js` (well kept,
 * handles IPv4-mapped IPv6 and zone-less parsing), built once at construction.
 *
 * Example: trusted `10.0.0.0/8`; peer `10.0.0.5`, `X-Forwarded-For: 203.0.113.7, 10.0.0.9` →
 * walk: `10.0.0.9` trusted, skip; `203.0.113.7` untrusted → client `203.0.113.7`. A spoofed
 * `X-Forwarded-For: 1.2.3.4` sent straight from `198.51.100.1` is ignored (peer untrusted).
 *
 * @module
 */
import {
  type ContextKey,
  createKey,
  type Handler,
  type Request,
  type ResponseWriter,
} from '@servehttp/core-listener';
import ipaddr from 'ipaddr.js';
import type { Middleware } from '../chain.ts';
import { MiddlewareOptionError } from '../errors.ts';
import { hostOf } from '../util.ts';

/** The context key holding the client IP that realIP settled on. */
export const realIPKey: ContextKey<string> = createKey<string>('realIP');

/** Options of {@link realIP}. */
export interface RealIPOptions {
  /**
   * Proxies whose headers are believed, as CIDRs (`10.0.0.0/8`, `fd00::/8`) or single addresses.
   * Required: trusting everyone is `['0.0.0.0/0', '::/0']`, spelled out on purpose.
   */
  trustedProxies: readonly string[];
  /** Which header to walk: `forwarded` (RFC 7239), `x-forwarded-for` (default), or `x-real-ip`. */
  header?: 'forwarded' | 'x-forwarded-for' | 'x-real-ip';
}

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

function parseAddr(s: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (!ipaddr.isValid(s)) return undefined;
  // Folds ::ffff:1.2.3.4 to 1.2.3.4, so one IPv4 CIDR covers both spellings.
  return ipaddr.process(s);
}

// A Forwarded/X-Forwarded-For element: `1.2.3.4`, `1.2.3.4:80`, `"[2001:db8::1]:80"`, `2001:db8::1`.
function hopAddr(raw: string): string {
  let s = raw.trim();
  if (s.length >= 2 && s.charCodeAt(0) === 0x22 && s.charCodeAt(s.length - 1) === 0x22) {
    s = s.slice(1, -1);
  }
  return hostOf(s);
}

function forwardedFor(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const v of values) {
    for (const element of v.split(',')) {
      for (const pair of element.split(';')) {
        const eq = pair.indexOf('=');
        if (eq !== -1 && pair.slice(0, eq).trim().toLowerCase() === 'for') {
          out.push(pair.slice(eq + 1));
        }
      }
    }
  }
  return out;
}

/**
 * Returns middleware that replaces `r.remoteAddr` (on a copy of the request) with the client IP
 * and stores it under {@link realIPKey}. The address keeps no port, as chi does. Requests from an
 * untrusted peer, or whose header is missing or unparsable, keep their peer address: a bad header
 * never fails the request.
 * @throws {MiddlewareOptionError} for a missing/empty `trustedProxies`, a bad CIDR or address,
 * or an unknown header.
 */
export function realIP(options: RealIPOptions): Middleware {
  const list = options?.trustedProxies;
  if (!Array.isArray(list) || list.length === 0) {
    throw new MiddlewareOptionError(
      'realIP',
      "trustedProxies is required: list your proxies' CIDRs, e.g. ['10.0.0.0/8'] (or ['0.0.0.0/0', '::/0'] to trust every peer)",
    );
  }
  const ranges: Range[] = list.map((s: unknown) => {
    if (typeof s !== 'string')
      throw new MiddlewareOptionError('realIP', 'trustedProxies must be strings');
    try {
      if (s.includes('/')) return ipaddr.parseCIDR(s) as Range;
      const a = ipaddr.parse(s);
      return [a, a.kind() === 'ipv4' ? 32 : 128] as Range;
    } catch {
      throw new MiddlewareOptionError(
        'realIP',
        `trustedProxies: ${JSON.stringify(s)} is not a CIDR or IP address`,
      );
    }
  });
  const header = options.header ?? 'x-forwarded-for';
  if (header !== 'forwarded' && header !== 'x-forwarded-for' && header !== 'x-real-ip') {
    throw new MiddlewareOptionError(
      'realIP',
      `header must be "forwarded", "x-forwarded-for" or "x-real-ip", got ${JSON.stringify(header)}`,
    );
  }
  const trusted = (a: ipaddr.IPv4 | ipaddr.IPv6): boolean => {
    for (const [net, bits] of ranges) {
      if (net.kind() === a.kind() && a.match(net as never, bits)) return true;
    }
    return false;
  };

  const clientOf = (r: Request): string | undefined => {
    const peer = parseAddr(hostOf(r.remoteAddr));
    if (peer === undefined || !trusted(peer)) return undefined;
    let hops: string[];
    if (header === 'forwarded') hops = forwardedFor(r.header.values('Forwarded'));
    else if (header === 'x-real-ip') hops = r.header.values('X-Real-Ip').slice(0, 1);
    else hops = r.header.values('X-Forwarded-For').flatMap((v) => v.split(','));
    let client: string | undefined;
    for (let i = hops.length - 1; i >= 0; i--) {
      const a = parseAddr(hopAddr(hops[i] as string));
      // A garbled hop means we cannot trust anything left of it: stop at what we have.
      if (a === undefined) break;
      client = a.toString();
      if (!trusted(a)) break;
    }
    return client;
  };

  return (next: Handler) => ({
    serveHTTP(w: ResponseWriter, r: Request): void | Promise<void> {
      const client = clientOf(r);
      if (client === undefined) return next.serveHTTP(w, r);
      const r2 = r.withContext(r.context().withValue(realIPKey, client));
      r2.remoteAddr = client;
      return next.serveHTTP(w, r2);
    },
  });
}
