/**
 * Request rate limits shared by the HTTP adapters: the FDO transport's start messages, the
 * management API, and failed API logins. The counting is @fastify/rate-limit's, fixed windows of
 * one minute in this process's memory: replicas behind a load balancer each count their own.
 *
 * A peer is the socket's address (IPv6 grouped by /64), or the address X-Forwarded-For names when
 * the server was told to trust the proxy in front of it. Loopback peers are not counted against
 * per-peer limits: the quick start, `iotopia device` and the fleet simulator run there, and
 * another process on the same host can reach the database anyway. Global limits count every peer.
 */

import rateLimit, { type CreateRateLimitOptions } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isLoopbackHost } from '../../platform/loopback.ts';

/** The limits `iotopia up` applies; each is a count per minute, and 0 turns that limit off. */
export interface RateLimitSettings {
  /** Start messages (DI.AppStart, TO0.Hello, TO1.HelloRV, TO2.HelloDevice) per peer, counted per protocol. */
  fdoStartPerPeer: number;
  /** Start messages of one protocol from all peers together. */
  fdoStartGlobal: number;
  /** Management API requests per token (per peer for requests without one). */
  apiPerClient: number;
  /** API requests with a bearer token that is not valid, per peer. */
  failedLoginsPerPeer: number;
}

export const DEFAULT_RATE_LIMITS: Readonly<RateLimitSettings> = Object.freeze({
  fdoStartPerPeer: 120,
  fdoStartGlobal: 6000,
  apiPerClient: 600,
  failedLoginsPerPeer: 10,
});

/** Every limit counts over this window. */
export const RATE_WINDOW_MS = 60_000;
/** How many peers (or tokens) one limit tracks at once; the least recently seen are forgotten first. */
const TRACKED_KEYS = 20_000;

/** The outcome of counting a request: over the limit or not, and when to try again. */
export interface RateVerdict {
  limited: boolean;
  /** Seconds until the window ends (for Retry-After); 0 when not limited. */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  /** Counts the request and says whether it went over the limit. */
  hit(request: FastifyRequest): Promise<RateVerdict>;
  /** Says whether the peer is already over the limit, without counting. */
  peek(request: FastifyRequest): Promise<RateVerdict>;
}

export interface LimiterOptions {
  /** Requests allowed per window; 0 means no limit (no limiter is made). */
  max: number;
  /** What is counted together; the peer's address when not set. */
  key?: (request: FastifyRequest) => string;
  /** false: every peer counts, loopback included (global limits). Default true. */
  exemptLoopback?: boolean;
}

/**
 * Makes the counting plugin available in `app`'s scope (a plugin calls this first); it limits no
 * route by itself: limiters are made per use with `limiter`.
 */
export async function ensureRateLimiting(app: FastifyInstance): Promise<void> {
  if (!app.hasDecorator('createRateLimit')) await app.register(rateLimit, { global: false });
}

const OPEN: RateVerdict = Object.freeze({ limited: false, retryAfterSeconds: 0 });

/** A limiter over `app`'s counting plugin, or undefined when `max` is 0 (no limit). */
export function limiter(app: FastifyInstance, o: LimiterOptions): RateLimiter | undefined {
  if (!Number.isSafeInteger(o.max) || o.max < 0) throw new TypeError('limiter: max must be a whole number from 0');
  if (o.max === 0) return undefined;
  const exempt = o.exemptLoopback !== false;
  const options: CreateRateLimitOptions & { cache: number } = {
    max: o.max,
    timeWindow: RATE_WINDOW_MS,
    cache: TRACKED_KEYS,
    ...(o.key === undefined ? {} : { keyGenerator: o.key }),
    ...(exempt ? { allowList: (request: FastifyRequest) => isLoopbackHost(request.ip) } : {}),
  };
  const check = app.createRateLimit(options);
  const verdict = async (request: FastifyRequest, increment: boolean): Promise<RateVerdict> => {
    const r = await check(request, { increment });
    if (r.isAllowed) return OPEN;
    // Peeking reports the count so far: at the limit already means the next one is refused.
    const over = increment ? r.isExceeded : r.remaining === 0;
    return over ? { limited: true, retryAfterSeconds: Math.max(1, r.ttlInSeconds) } : OPEN;
  };
  return { hit: (request) => verdict(request, true), peek: (request) => verdict(request, false) };
}
