/**
 * `secureHeaders`: the security response headers of Hono's `secureHeaders` (itself helmet's set),
 * with the same defaults, set before the handler runs so it can still override any of them.
 *
 * @module
 */
import { type Handler, Header, type Request, type ResponseWriter } from '@servehttp/core-listener';
import type { Middleware } from '../chain.ts';
import { MiddlewareOptionError } from '../errors.ts';

/** `true` = default value, a string = that value, `false` = header not sent. */
export type Overridable = boolean | string;

/** Options of {@link secureHeaders}; defaults as Hono. */
export interface SecureHeadersOptions {
  /** CSP directives in camelCase, e.g. `{ defaultSrc: ["'self'"] }`; none by default. */
  contentSecurityPolicy?: Readonly<Record<string, readonly string[]>>;
  /** Default off (`require-corp`). */
  crossOriginEmbedderPolicy?: Overridable;
  /** Default `same-origin`. */
  crossOriginResourcePolicy?: Overridable;
  /** Default `same-origin`. */
  crossOriginOpenerPolicy?: Overridable;
  /** Default `?1`. */
  originAgentCluster?: Overridable;
  /** Default `no-referrer`. */
  referrerPolicy?: Overridable;
  /** Default `max-age=15552000; includeSubDomains` (180 days). */
  strictTransportSecurity?: Overridable;
  /** Default `nosniff`. */
  xContentTypeOptions?: Overridable;
  /** Default `off`. */
  xDnsPrefetchControl?: Overridable;
  /** Default `noopen`. */
  xDownloadOptions?: Overridable;
  /** Default `SAMEORIGIN`. */
  xFrameOptions?: Overridable;
  /** Default `none`. */
  xPermittedCrossDomainPolicies?: Overridable;
  /** Default `0` (the old XSS auditor caused more harm than good). */
  xXssProtection?: Overridable;
  /** Removes `X-Powered-By`; default true. */
  removePoweredBy?: boolean;
}

const table: [keyof SecureHeadersOptions, string, string, boolean][] = [
  ['crossOriginEmbedderPolicy', 'Cross-Origin-Embedder-Policy', 'require-corp', false],
  ['crossOriginResourcePolicy', 'Cross-Origin-Resource-Policy', 'same-origin', true],
  ['crossOriginOpenerPolicy', 'Cross-Origin-Opener-Policy', 'same-origin', true],
  ['originAgentCluster', 'Origin-Agent-Cluster', '?1', true],
  ['referrerPolicy', 'Referrer-Policy', 'no-referrer', true],
  [
    'strictTransportSecurity',
    'Strict-Transport-Security',
    'max-age=15552000; includeSubDomains',
    true,
  ],
  ['xContentTypeOptions', 'X-Content-Type-Options', 'nosniff', true],
  ['xDnsPrefetchControl', 'X-DNS-Prefetch-Control', 'off', true],
  ['xDownloadOptions', 'X-Download-Options', 'noopen', true],
  ['xFrameOptions', 'X-Frame-Options', 'SAMEORIGIN', true],
  ['xPermittedCrossDomainPolicies', 'X-Permitted-Cross-Domain-Policies', 'none', true],
  ['xXssProtection', 'X-XSS-Protection', '0', true],
];

/**
 * Returns middleware setting the security headers (computed once).
 * @throws {MiddlewareOptionError} for a value that is not a valid header value or a CSP
 * directive that is not a list of strings.
 */
export function secureHeaders(options: SecureHeadersOptions = {}): Middleware {
  const pairs: [string, string][] = [];
  const scratch = new Header();
  const add = (name: string, value: string, what: string): void => {
    try {
      scratch.set(name, value);
    } catch (err) {
      throw new MiddlewareOptionError(
        'secureHeaders',
        `${what}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    pairs.push([name, value]);
  };
  for (const [opt, name, def, on] of table) {
    const v = options[opt] as Overridable | undefined;
    const enabled = v === undefined ? on : v !== false;
    if (enabled) add(name, typeof v === 'string' ? v : def, opt);
  }
  const csp = options.contentSecurityPolicy;
  if (csp !== undefined) {
    const parts: string[] = [];
    for (const [directive, values] of Object.entries(csp)) {
      if (!Array.isArray(values) || values.some((s) => typeof s !== 'string')) {
        throw new MiddlewareOptionError(
          'secureHeaders',
          `contentSecurityPolicy.${directive} must be a list of strings`,
        );
      }
      const kebab = directive.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
      parts.push(values.length === 0 ? kebab : `${kebab} ${values.join(' ')}`);
    }
    add('Content-Security-Policy', parts.join('; '), 'contentSecurityPolicy');
  }
  const removePoweredBy = options.removePoweredBy ?? true;
  return (next: Handler) => ({
    serveHTTP(w: ResponseWriter, r: Request): void | Promise<void> {
      const h = w.header();
      for (let i = 0; i < pairs.length; i++) {
        const p = pairs[i] as [string, string];
        h.set(p[0], p[1]);
      }
      if (removePoweredBy) h.delete('X-Powered-By');
      return next.serveHTTP(w, r);
    },
  });
}
