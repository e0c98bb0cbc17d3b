/**
 * TLS for the server: the options `listen({ tls })` takes, the connection facts a handler reads
 * in `r.tls`, and Go's answer to a plain HTTP request sent to a TLS port.
 *
 * Both backends terminate TLS in the runtime (Bun's TLS sockets, `node:tls`); this module only
 * normalises what they report, so that `r.tls` reads the same on both.
 */
import type { TLSSocket } from 'node:tls';
import type { TLSInfo } from './request.ts';

/** PEM text or bytes, or several of them (a chain, several keys). */
export type PEM = string | Uint8Array | readonly (string | Uint8Array)[];

/** TLS settings for `listen(…, { tls })`, `serveTLS` and `listenAndServeTLS`. */
export interface TLSOptions {
  /** The certificate chain, PEM. */
  cert: PEM;
  /** The private key(s), PEM. */
  key: PEM;
  /** Passphrase of an encrypted key. */
  passphrase?: string;
  /** ALPN protocols offered, in order of preference; default `['http/1.1']` (Go: `NextProtos`). */
  alpnProtocols?: readonly string[];
}

/**
 * What `r.tls` holds for a request that came over TLS (the cipher suite is now part of
 * {@link TLSInfo} itself; this name stays for compatibility). Go: the parts of
 * `tls.ConnectionState` a handler usually reads.
 */
export type TLSConnectionState = TLSInfo;

/** The connection state of a `node:tls` socket (Node.js or Bun's `node:tls`). */
export function nodeTLSInfo(s: TLSSocket): TLSConnectionState {
  const servername = (s as { servername?: unknown }).servername;
  const alpn = s.alpnProtocol;
  const version = s.getProtocol?.();
  const cipher = s.getCipher?.();
  return {
    ...(typeof version === 'string' ? { version } : {}),
    ...(typeof cipher?.name === 'string'
      ? { cipherSuite: cipher.standardName ?? cipher.name }
      : {}),
    ...(typeof servername === 'string' && servername !== '' ? { serverName: servername } : {}),
    ...(typeof alpn === 'string' ? { negotiatedProtocol: alpn } : {}),
  };
}

/**
 * Go's answer to a plain HTTP request on a TLS port, written in clear before the connection
 * closes. Go: `conn.serve` in net/http/server.go, on a `tls.RecordHeaderError` whose record
 * header looks like HTTP.
 */
export const plainHTTPToTLSReply =
  'HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n';

// The five-byte starts Go takes for a misdirected HTTP request (tlsRecordHeaderLooksLikeHTTP);
// anything else, DELETE included, is left to fail the handshake.
const httpStarts = ['GET /', 'HEAD ', 'POST ', 'PUT /', 'OPTIO'];

/**
 * Reports whether the first bytes received on a TLS port are a plain HTTP request.
 * Go: `tlsRecordHeaderLooksLikeHTTP`. Only the first chunk is looked at; one shorter than five
 * bytes is never taken for HTTP.
 */
export function looksLikeHTTP(first: Uint8Array): boolean {
  if (first.length < 5) return false;
  // A TLS record starts with 0x16 (handshake): the common case is decided by one byte.
  if (first[0] === 0x16) return false;
  let head = '';
  for (let i = 0; i < 5; i++) head += String.fromCharCode(first[i] as number);
  return httpStarts.includes(head);
}

/** ALPN protocol names in the TLS wire format (each prefixed by its length), for Bun. */
export function alpnWire(protocols: readonly string[]): Uint8Array {
  const parts = protocols.map((p) => new TextEncoder().encode(p));
  const out = new Uint8Array(parts.reduce((n, p) => n + 1 + p.length, 0));
  let at = 0;
  for (const p of parts) {
    if (p.length === 0 || p.length > 255) throw new RangeError(`tls: bad ALPN protocol name`);
    out[at++] = p.length;
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The connection state of a Bun TLS socket. */
export function bunTLSInfo(s: {
  getTLSVersion(): string;
  getCipher(): { standardName?: string | null; name?: string | null };
  readonly alpnProtocol: string | false | null;
}): TLSConnectionState {
  const version = s.getTLSVersion();
  const cipher = s.getCipher();
  const name = (s as { getServername?: () => string | undefined }).getServername?.();
  const suite = cipher.standardName ?? cipher.name;
  const alpn = s.alpnProtocol;
  return {
    ...(typeof version === 'string' && version !== '' ? { version } : {}),
    ...(typeof suite === 'string' ? { cipherSuite: suite } : {}),
    ...(typeof name === 'string' && name !== '' ? { serverName: name } : {}),
    ...(typeof alpn === 'string' ? { negotiatedProtocol: alpn } : {}),
  };
}
