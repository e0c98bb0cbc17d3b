// The configuration table: flags beat environment variables beat defaults; every bad value is a
// ConfigError naming where it came from.
import { describe, expect, test } from 'bun:test';
import { availableParallelism } from 'node:os';
import { type Config, ConfigError, parseConfig } from './config.ts';

describe('parseConfig', () => {
  const rows: {
    name: string;
    argv?: string[];
    env?: Record<string, string>;
    want: Partial<Config>;
  }[] = [
    {
      name: 'defaults',
      want: {
        host: '127.0.0.1',
        port: 8080,
        logFormat: 'text',
        trustedProxies: [],
        corsOrigins: ['*'],
        rateLimit: 300,
        loginLimit: 5,
        bodyLimit: 16384,
        workers: 0,
        tlsCert: '',
        shutdownTimeout: 10000,
      },
    },
    {
      name: 'PORT and HOST from the environment',
      env: { PORT: '0', HOST: '::1' },
      want: { port: 0, host: '::1' },
    },
    {
      name: 'a flag beats its variable',
      argv: ['--port', '9000'],
      env: { PORT: '1234' },
      want: { port: 9000 },
    },
    { name: 'an empty variable is unset', env: { PORT: '' }, want: { port: 8080 } },
    {
      name: 'data dir is made absolute',
      argv: ['--data-dir', '/tmp/x/../y'],
      want: { dataDir: '/tmp/y' },
    },
    { name: 'json logs', env: { LOG_FORMAT: 'json' }, want: { logFormat: 'json' } },
    {
      name: 'trusted proxies, comma-separated, spaces ignored',
      env: { TRUSTED_PROXIES: '127.0.0.1/32, 10.0.0.0/8,' },
      want: { trustedProxies: ['127.0.0.1/32', '10.0.0.0/8'] },
    },
    {
      name: 'TLS files',
      argv: ['--tls-cert', 'c.pem', '--tls-key', 'k.pem'],
      want: { tlsCert: 'c.pem', tlsKey: 'k.pem' },
    },
    {
      name: 'cluster auto = one worker per core',
      env: { CLUSTER: 'auto' },
      want: { workers: availableParallelism() },
    },
    { name: 'cluster N', argv: ['--cluster', '3'], want: { workers: 3 } },
  ];
  test.each(rows)('$name', ({ argv = [], env = {}, want }) => {
    expect(parseConfig(argv, env)).toMatchObject(want);
  });

  const errors: { name: string; argv?: string[]; env?: Record<string, string>; message: string }[] =
    [
      {
        name: 'PORT not a number',
        env: { PORT: 'eighty' },
        message: 'demo: PORT must be a port number 0-65535, got "eighty"',
      },
      {
        name: '--port too large',
        argv: ['--port', '70000'],
        message: 'demo: --port must be a port number',
      },
      {
        name: 'unknown log format',
        argv: ['--log-format', 'xml'],
        message: '--log-format must be text or json, got "xml"',
      },
      {
        name: 'LOG_FORMAT named when it is the source',
        env: { LOG_FORMAT: 'yaml' },
        message: 'LOG_FORMAT must be text or json',
      },
      {
        name: 'a TLS cert without its key',
        env: { TLS_CERT: '/x.pem' },
        message: 'TLS needs both --tls-cert',
      },
      {
        name: 'cluster on port 0',
        env: { CLUSTER: '2', PORT: '0' },
        message: 'cluster mode needs a fixed port',
      },
      {
        name: 'cluster not a number',
        env: { CLUSTER: 'many' },
        message: 'CLUSTER must be a whole number',
      },
      {
        name: 'negative rate limit',
        argv: ['--rate-limit=-1'],
        message: '--rate-limit must be a whole number from 1',
      },
      {
        name: 'zero login limit',
        env: { LOGIN_LIMIT: '0' },
        message: 'LOGIN_LIMIT must be a whole number from 1',
      },
      { name: 'unknown flag', argv: ['--colour'], message: "Unknown option '--colour'" },
      { name: 'positional argument', argv: ['serve'], message: 'serve' },
    ];
  test.each(errors)('$name → ConfigError', ({ argv = [], env = {}, message }) => {
    let caught: unknown;
    try {
      parseConfig(argv, env);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as Error).message).toStartWith('demo: ');
    expect((caught as Error).message).toContain(message);
  });
});
