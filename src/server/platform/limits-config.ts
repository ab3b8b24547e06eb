/**
 * The `iotopia up` settings of rate limits, the session cap and the trusted proxy: one group, read
 * by config.ts from every source like the other settings. Rates are per minute; 0 turns a limit off.
 */
import { isIP } from 'node:net';
import type { ConfigError } from '../../platform/errors.ts';
import { DEFAULT_MAX_OPEN_SESSIONS } from '../fdo/start-limits.ts';
import { DEFAULT_RATE_LIMITS, type RateLimitSettings } from '../http/rate-limits.ts';

export interface LimitsConfig extends RateLimitSettings {
  /** Open protocol sessions per protocol (DI, TO0, TO1, TO2); 0: no cap. */
  maxSessions: number;
  /**
   * Addresses (or CIDR ranges) of reverse proxies whose X-Forwarded-For is believed; empty: the
   * peer is always the socket's address.
   */
  trustProxy: string[];
}

export const DEFAULT_LIMITS: Readonly<LimitsConfig> = Object.freeze({
  ...DEFAULT_RATE_LIMITS,
  maxSessions: DEFAULT_MAX_OPEN_SESSIONS,
  trustProxy: [],
});

export interface LimitsRawSettings {
  rateLimitFdoStart?: string | undefined;
  rateLimitFdoStartGlobal?: string | undefined;
  rateLimitApi?: string | undefined;
  rateLimitFailedLogins?: string | undefined;
  maxSessions?: string | undefined;
  trustProxy?: string | undefined;
}

export const LIMITS_ENV: Readonly<Record<keyof LimitsRawSettings, string>> = {
  rateLimitFdoStart: 'IOTOPIA_RATE_LIMIT_FDO_START',
  rateLimitFdoStartGlobal: 'IOTOPIA_RATE_LIMIT_FDO_START_GLOBAL',
  rateLimitApi: 'IOTOPIA_RATE_LIMIT_API',
  rateLimitFailedLogins: 'IOTOPIA_RATE_LIMIT_FAILED_LOGINS',
  maxSessions: 'IOTOPIA_MAX_SESSIONS',
  trustProxy: 'IOTOPIA_TRUST_PROXY',
};

/** Each count setting: its field in LimitsConfig and its name in messages (the flag without dashes). */
const COUNTS: readonly [keyof LimitsRawSettings, Exclude<keyof LimitsConfig, 'trustProxy'>, string][] = [
  ['rateLimitFdoStart', 'fdoStartPerPeer', 'rate-limit-fdo-start'],
  ['rateLimitFdoStartGlobal', 'fdoStartGlobal', 'rate-limit-fdo-start-global'],
  ['rateLimitApi', 'apiPerClient', 'rate-limit-api'],
  ['rateLimitFailedLogins', 'failedLoginsPerPeer', 'rate-limit-failed-logins'],
  ['maxSessions', 'maxSessions', 'max-sessions'],
];

const MAX_COUNT = 10_000_000;

/** Applies one source's limit settings to `c`; `bad` makes the error naming setting and source. */
export function applyLimitSettings(c: LimitsConfig, s: LimitsRawSettings, bad: (setting: string, why: string) => ConfigError): void {
  for (const [raw, field, name] of COUNTS) {
    const v = s[raw];
    if (v === undefined) continue;
    if (!/^\d{1,8}$/.test(v.trim()) || Number(v) > MAX_COUNT) throw bad(name, `a whole number from 0 (no limit) to ${MAX_COUNT}`);
    c[field] = Number(v);
  }
  if (s.trustProxy !== undefined) c.trustProxy = proxies(s.trustProxy, bad);
}

function proxies(list: string, bad: (setting: string, why: string) => ConfigError): string[] {
  const out = list
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  for (const p of out) {
    const [address, bits, extra] = p.split('/');
    const family = isIP(address ?? '');
    const maxBits = family === 6 ? 128 : 32;
    const okBits = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits);
    if (family === 0 || !okBits || extra !== undefined) {
      throw bad('trust-proxy', `"${p.slice(0, 64)}" is not an IP address or CIDR range (e.g. 10.0.0.5 or 10.0.0.0/8)`);
    }
  }
  return out;
}
