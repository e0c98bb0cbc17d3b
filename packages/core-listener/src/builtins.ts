/**
 * The runtime's built-in modules that only some servers need, loaded on first use.
 *
 * A static import of `node:net`, `node:tls`, `node:http2`, `node:stream`, `node:cluster` and
 * `node:fs/promises` costs every process about 15 MB of RSS on Bun 1.4.5 (bare process 24 MB,
 * with them 42 MB) whether it serves TLS, HTTP/2, a node:net listener or a cluster or not. A
 * plain HTTP/1 server on Bun's own sockets needs none of them, so each is required (synchronously,
 * through `createRequire`, on Bun and Node alike) the first time a code path asks for it.
 */
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

let net: typeof import('node:net') | undefined;
let tls: typeof import('node:tls') | undefined;
let http2: typeof import('node:http2') | undefined;
let stream: typeof import('node:stream') | undefined;
let cluster: typeof import('node:cluster') | undefined;
let fsPromises: typeof import('node:fs/promises') | undefined;

/** `node:net`, loaded on first use. */
export function nodeNet(): typeof import('node:net') {
  net ??= load('node:net') as typeof import('node:net');
  return net;
}

/** `node:tls`, loaded on first use. */
export function nodeTLS(): typeof import('node:tls') {
  tls ??= load('node:tls') as typeof import('node:tls');
  return tls;
}

/** `node:http2`, loaded on first use. */
export function nodeHTTP2(): typeof import('node:http2') {
  http2 ??= load('node:http2') as typeof import('node:http2');
  return http2;
}

/** `node:stream`, loaded on first use. */
export function nodeStream(): typeof import('node:stream') {
  stream ??= load('node:stream') as typeof import('node:stream');
  return stream;
}

/** `node:cluster` (its default export, the cluster object), loaded on first use. */
export function nodeCluster(): typeof import('node:cluster').default {
  cluster ??= load('node:cluster') as typeof import('node:cluster');
  // CommonJS interop: require gives the cluster object itself, with no `default`.
  return ((cluster as { default?: unknown }).default ??
    cluster) as typeof import('node:cluster').default;
}

/** `node:fs/promises`, loaded on first use. */
export function nodeFS(): typeof import('node:fs/promises') {
  fsPromises ??= load('node:fs/promises') as typeof import('node:fs/promises');
  return fsPromises;
}
