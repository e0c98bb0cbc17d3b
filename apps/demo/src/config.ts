/**
 * The demo's configuration: command-line flags first, then environment variables, then defaults.
 * Every value is checked here, before anything listens, and a bad one is a {@link ConfigError}
 * naming the flag, the variable and what was wrong (the entry point prints it and exits 2).
 *
 * Example: `PORT=0 bun src/main.ts --data-dir /tmp/d --log-format json` →
 * `{ host: '127.0.0.1', port: 0, dataDir: '/tmp/d', logFormat: 'json', … }`.
 */
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

/** A bad flag or variable. */
export class ConfigError extends Error {
  /** Builds the error; `message` is shown as is. */
  constructor(message: string) {
    super(`demo: ${message}`);
    this.name = 'ConfigError';
  }
}

/** The settled configuration. */
export interface Config {
  /** Interface to listen on. */
  host: string;
  /** Port; 0 picks a free one (not with cluster). */
  port: number;
  /** Directory of `demo.sqlite`. */
  dataDir: string;
  /** Access-log format. */
  logFormat: 'text' | 'json';
  /** Proxies whose forwarding headers are believed. */
  trustedProxies: string[];
  /** CORS origins. */
  corsOrigins: string[];
  /** API requests per minute per client. */
  rateLimit: number;
  /** Login attempts per minute per client. */
  loginLimit: number;
  /** Largest request body, bytes. */
  bodyLimit: number;
  /** Certificate and key files for TLS; both or neither. */
  tlsCert: string;
  /** See `tlsCert`. */
  tlsKey: string;
  /** Worker processes; 0 = no cluster (one process). */
  workers: number;
  /** Milliseconds a drain may take before connections are cut. */
  shutdownTimeout: number;
}

/** The flags, their variables and meaning: the README's table is this list. */
export const options: readonly { flag: string; env: string; def: string; what: string }[] = [
  {
    flag: '--host',
    env: 'HOST',
    def: '127.0.0.1',
    what: 'interface to listen on (`0.0.0.0` for all)',
  },
  { flag: '--port', env: 'PORT', def: '8080', what: 'port; `0` picks a free one' },
  {
    flag: '--data-dir',
    env: 'DATA_DIR',
    def: 'apps/demo/data',
    what: 'directory of demo.sqlite (created)',
  },
  { flag: '--log-format', env: 'LOG_FORMAT', def: 'text', what: '`text` or `json` access log' },
  {
    flag: '--trusted-proxies',
    env: 'TRUSTED_PROXIES',
    def: '(none)',
    what: 'comma-separated CIDRs whose X-Forwarded-For is believed',
  },
  {
    flag: '--cors-origins',
    env: 'CORS_ORIGINS',
    def: '*',
    what: 'comma-separated allowed origins',
  },
  {
    flag: '--rate-limit',
    env: 'RATE_LIMIT',
    def: '300',
    what: 'API requests per minute per client',
  },
  {
    flag: '--login-limit',
    env: 'LOGIN_LIMIT',
    def: '5',
    what: 'login attempts per minute per client',
  },
  { flag: '--body-limit', env: 'BODY_LIMIT', def: '16384', what: 'largest request body in bytes' },
  {
    flag: '--tls-cert',
    env: 'TLS_CERT',
    def: '(none)',
    what: 'PEM certificate file; with --tls-key serves HTTPS',
  },
  { flag: '--tls-key', env: 'TLS_KEY', def: '(none)', what: 'PEM key file' },
  {
    flag: '--cluster',
    env: 'CLUSTER',
    def: '0',
    what: 'worker processes: a number, or `auto` for one per core',
  },
  {
    flag: '--shutdown-timeout',
    env: 'SHUTDOWN_TIMEOUT',
    def: '10000',
    what: 'ms a graceful drain may take',
  },
];

function int(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!/^[0-9]+$/.test(raw) || n < min || n > max) {
    throw new ConfigError(
      `${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`,
    );
  }
  return n;
}

const list = (raw: string): string[] =>
  raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/**
 * Reads `argv` (without the runtime and script) and `env`.
 * @throws {ConfigError} for an unknown flag or a bad value.
 */
export function parseConfig(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): Config {
  let flags: Record<string, string | boolean | undefined>;
  try {
    const parsed = parseArgs({
      args: [...argv],
      options: Object.fromEntries(
        options.map((o) => [o.flag.slice(2), { type: 'string' as const }]),
      ),
      strict: true,
      allowPositionals: false,
    });
    flags = parsed.values;
  } catch (err) {
    throw new ConfigError(err instanceof Error ? err.message : String(err));
  }
  const get = (flag: string, envName: string, def: string): [string, string] => {
    const f = flags[flag];
    if (typeof f === 'string') return [f, `--${flag}`];
    const e = env[envName];
    if (e !== undefined && e !== '') return [e, envName];
    return [def, `--${flag}`];
  };
  const [host] = get('host', 'HOST', '127.0.0.1');
  const [portRaw, portName] = get('port', 'PORT', '8080');
  if (!/^[0-9]+$/.test(portRaw) || Number(portRaw) > 65535) {
    throw new ConfigError(
      `${portName} must be a port number 0-65535, got ${JSON.stringify(portRaw)}`,
    );
  }
  const port = Number(portRaw);
  const [dataDirRaw] = get('data-dir', 'DATA_DIR', join(import.meta.dir, '..', 'data'));
  const [logFormat, logName] = get('log-format', 'LOG_FORMAT', 'text');
  if (logFormat !== 'text' && logFormat !== 'json') {
    throw new ConfigError(`${logName} must be text or json, got ${JSON.stringify(logFormat)}`);
  }
  const [rate, rateName] = get('rate-limit', 'RATE_LIMIT', '300');
  const [login, loginName] = get('login-limit', 'LOGIN_LIMIT', '5');
  const [body, bodyName] = get('body-limit', 'BODY_LIMIT', '16384');
  const [tlsCert] = get('tls-cert', 'TLS_CERT', '');
  const [tlsKey] = get('tls-key', 'TLS_KEY', '');
  if ((tlsCert === '') !== (tlsKey === '')) {
    throw new ConfigError('TLS needs both --tls-cert (TLS_CERT) and --tls-key (TLS_KEY)');
  }
  const [clusterRaw, clusterName] = get('cluster', 'CLUSTER', '0');
  const workers =
    clusterRaw === 'auto' || clusterRaw === 'true'
      ? availableParallelism()
      : int(clusterName, clusterRaw, 0, 256);
  if (workers > 0 && port === 0) {
    throw new ConfigError(
      'cluster mode needs a fixed port: every worker listens on it (SO_REUSEPORT)',
    );
  }
  const [timeoutRaw, timeoutName] = get('shutdown-timeout', 'SHUTDOWN_TIMEOUT', '10000');
  return {
    host,
    port,
    dataDir: resolve(dataDirRaw),
    logFormat,
    trustedProxies: list(get('trusted-proxies', 'TRUSTED_PROXIES', '')[0]),
    corsOrigins: list(get('cors-origins', 'CORS_ORIGINS', '*')[0]),
    rateLimit: int(rateName, rate, 1, 1_000_000),
    loginLimit: int(loginName, login, 1, 1_000_000),
    bodyLimit: int(bodyName, body, 0, 1 << 30),
    tlsCert,
    tlsKey,
    workers,
    shutdownTimeout: int(timeoutName, timeoutRaw, 0, 600_000),
  };
}
