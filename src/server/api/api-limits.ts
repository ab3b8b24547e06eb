/**
 * Rate limits of the management API: requests per token (per peer without a token), and failed
 * logins per peer. Over a limit the answer is a 429 problem with Retry-After. A peer over the
 * failed-login limit is refused before its token is looked at, so guessing stops there.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Store } from '../../store/store.ts';
import { DEFAULT_RATE_LIMITS, limiter, type RateLimiter, type RateVerdict } from '../http/rate-limits.ts';
import { ApiProblem } from './problem.ts';

export interface ApiRateLimits {
  /** Requests per minute per token (per peer for requests without a bearer token); 0: no limit. */
  requestsPerMinute?: number;
  /** Requests with a bearer token that is not valid, per minute per peer; 0: no limit. */
  failedLoginsPerMinute?: number;
}

export interface ApiLimiters {
  requests?: RateLimiter;
  logins?: RateLimiter;
}

/** The bearer token a request presents, valid or not. */
export function presentedToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return header === undefined ? undefined : (/^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] ?? undefined);
}

/** Counted per token, under a digest (the counter's memory never holds a secret); per peer without one. */
function clientKey(request: FastifyRequest): string {
  const token = presentedToken(request);
  return token === undefined ? `peer:${request.ip}` : `token:${createHash('sha256').update(token).digest('base64url')}`;
}

export function apiLimiters(app: FastifyInstance, limits: ApiRateLimits = {}): ApiLimiters {
  const requests = limiter(app, { max: limits.requestsPerMinute ?? DEFAULT_RATE_LIMITS.apiPerClient, key: clientKey });
  const logins = limiter(app, { max: limits.failedLoginsPerMinute ?? DEFAULT_RATE_LIMITS.failedLoginsPerPeer });
  return { ...(requests === undefined ? {} : { requests }), ...(logins === undefined ? {} : { logins }) };
}

function tooMany(code: string, detail: string, v: RateVerdict): ApiProblem {
  const p = new ApiProblem(429, code, `${detail}; retry in ${v.retryAfterSeconds} s`);
  p.retryAfterSeconds = v.retryAfterSeconds;
  return p;
}

/** Counts a request against its token's (or peer's) limit; throws the 429 over it. */
export async function limitRequest(limiters: ApiLimiters, request: FastifyRequest): Promise<void> {
  const v = await limiters.requests?.hit(request);
  if (v?.limited === true) throw tooMany('ERR_API_RATE_LIMITED', 'too many requests with this token or from this address', v);
}

/** Refuses a peer that has failed to log in too often, before its token is looked at. */
export async function refuseLockedOut(limiters: ApiLimiters, request: FastifyRequest): Promise<void> {
  const v = await limiters.logins?.peek(request);
  if (v?.limited === true) throw tooMany('ERR_API_LOGIN_LIMITED', 'too many requests with a token that is not valid from this address', v);
}

/**
 * Counts a failed login of the peer, and records it: in the log and in the audit log, with the
 * peer's address and the reason, never the token. Only counted attempts are audited, so a flood
 * adds at most the limit's number of rows per peer and minute.
 */
export async function recordFailedLogin(store: Store, limiters: ApiLimiters, request: FastifyRequest, code: string): Promise<void> {
  await limiters.logins?.hit(request);
  const details = { peer: request.ip, code, route: `${request.method} ${request.routeOptions.url ?? ''}` };
  request.log.warn(details, 'management API login failed');
  await store.audit.append({ actor: 'anonymous', action: 'api.login.failed', subject: `peer:${request.ip}`, details });
}
