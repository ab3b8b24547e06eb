/** The rate-limit, session-cap and proxy options of `iotopia up` (ADR 0016), as one group of its help. */
import type { Command } from 'commander';
import type { RawSettings } from '../../server/platform/config.ts';

export interface LimitOptions {
  rateLimitFdoStart?: string;
  rateLimitFdoStartGlobal?: string;
  rateLimitApi?: string;
  rateLimitFailedLogins?: string;
  maxSessions?: string;
  trustProxy?: string;
}

export function withLimitOptions(cmd: Command): Command {
  return cmd
    .optionsGroup('Rate limits and session caps (per minute; 0 turns one off; counted per process):')
    .option(
      '--rate-limit-fdo-start <n>',
      'FDO start messages (DI.AppStart, TO0.Hello, TO1.HelloRV, TO2.HelloDevice) per peer address, per protocol (default 120; loopback peers are not counted)',
    )
    .option('--rate-limit-fdo-start-global <n>', 'FDO start messages of one protocol from all peers together (default 6000)')
    .option('--rate-limit-api <n>', 'management API requests per token, or per peer address without one (default 600)')
    .option('--rate-limit-failed-logins <n>', 'API requests with an unknown or revoked token per peer address (default 10)')
    .option('--max-sessions <n>', 'open FDO sessions per protocol; expired ones do not count (default 10000)')
    .option(
      '--trust-proxy <list>',
      'comma-separated addresses or CIDR ranges of reverse proxies whose X-Forwarded-For names the peer (default: none, the socket address)',
    )
    .optionsGroup('Options:');
}

export function limitFlags(opts: LimitOptions): RawSettings {
  return {
    rateLimitFdoStart: opts.rateLimitFdoStart,
    rateLimitFdoStartGlobal: opts.rateLimitFdoStartGlobal,
    rateLimitApi: opts.rateLimitApi,
    rateLimitFailedLogins: opts.rateLimitFailedLogins,
    maxSessions: opts.maxSessions,
    trustProxy: opts.trustProxy,
  };
}
