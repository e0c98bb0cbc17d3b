/**
 * The settings of HTTP/2 that a `Server` holds: which protocols it speaks and Go's HTTP2Config
 * limits. Kept apart from the HTTP/2 machinery (`h2.ts`), which a server loads only when a
 * connection may be HTTP/2, so that a plain HTTP/1 server never loads `node:http2`.
 */

/**
 * Which protocols a server speaks. Go: `http.Protocols` (Go 1.24), as a plain object.
 * Defaults: `http1` and `http2` on, `unencryptedHTTP2` off.
 */
export interface Protocols {
  /** HTTP/1.x, over TLS and in clear. Go: `SetHTTP1`. */
  http1?: boolean;
  /** HTTP/2 over TLS, chosen by ALPN (`h2`). Go: `SetHTTP2`. */
  http2?: boolean;
  /**
   * HTTP/2 in clear with prior knowledge (the client starts with the HTTP/2 preface), on the
   * same port as HTTP/1. Go: `SetUnencryptedHTTP2`. The `Upgrade: h2c` dance is not supported,
   * as in Go 1.24.
   */
  unencryptedHTTP2?: boolean;
}

/**
 * HTTP/2 limits. Go: `http.HTTP2Config` (Go 1.24); zero or absent means Go's default. Sizes are
 * bytes, durations milliseconds.
 */
export interface HTTP2Config {
  /** Streams a client may have open at once; default 250 (SETTINGS_MAX_CONCURRENT_STREAMS). */
  maxConcurrentStreams?: number;
  /** HPACK table size the decoder allows; default 4096 (SETTINGS_HEADER_TABLE_SIZE). */
  maxDecoderHeaderTableSize?: number;
  /** Largest frame payload accepted; default 1 MiB, within 16 KiB–16 MiB. */
  maxReadFrameSize?: number;
  /** Receive window of the whole connection; default 1 MiB. */
  maxReceiveBufferPerConnection?: number;
  /** Receive window of each stream; default 1 MiB (SETTINGS_INITIAL_WINDOW_SIZE). */
  maxReceiveBufferPerStream?: number;
  /**
   * Send a PING after this long without a frame from the client; default 0 (never). Set, it
   * keeps every HTTP/2 connection's reads in sight of the server, so the runtime's session is
   * not given the socket itself (slower: see the README's HTTP/2 section).
   */
  sendPingTimeout?: number;
  /** Close the connection when a PING is not answered within this; default 15 s. */
  pingTimeout?: number;
}

/** Go's defaults for {@link HTTP2Config}. */
export const http2Defaults: Readonly<Required<HTTP2Config>> = Object.freeze({
  maxConcurrentStreams: 250,
  maxDecoderHeaderTableSize: 4096,
  maxReadFrameSize: 1 << 20,
  maxReceiveBufferPerConnection: 1 << 20,
  maxReceiveBufferPerStream: 1 << 20,
  sendPingTimeout: 0,
  pingTimeout: 15_000,
});

/**
 * The limits in effect: Go's defaults for what is unset, values out of HTTP/2's ranges
 * clamped as Go's `fillNetHTTPConfig` does.
 */
export function effectiveHTTP2Config(c: HTTP2Config = {}): Required<HTTP2Config> {
  const pick = (v: number | undefined, d: number): number =>
    v === undefined || !(v > 0) ? d : Math.floor(v);
  return {
    maxConcurrentStreams: pick(c.maxConcurrentStreams, http2Defaults.maxConcurrentStreams),
    maxDecoderHeaderTableSize: pick(
      c.maxDecoderHeaderTableSize,
      http2Defaults.maxDecoderHeaderTableSize,
    ),
    maxReadFrameSize: Math.min(
      Math.max(pick(c.maxReadFrameSize, http2Defaults.maxReadFrameSize), 16_384),
      16_777_215,
    ),
    maxReceiveBufferPerConnection: Math.min(
      Math.max(
        pick(c.maxReceiveBufferPerConnection, http2Defaults.maxReceiveBufferPerConnection),
        65_535,
      ),
      2 ** 31 - 1,
    ),
    maxReceiveBufferPerStream: Math.min(
      pick(c.maxReceiveBufferPerStream, http2Defaults.maxReceiveBufferPerStream),
      2 ** 31 - 1,
    ),
    sendPingTimeout: pick(c.sendPingTimeout, 0),
    pingTimeout: pick(c.pingTimeout, http2Defaults.pingTimeout),
  };
}
