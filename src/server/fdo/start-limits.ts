/**
 * What keeps a flood of protocol starts from filling the server: rate limits on the four start
 * messages (DI.AppStart 10, TO0.Hello 20, TO1.HelloRV 30, TO2.HelloDevice 60), per peer and for
 * all peers together, and the cap on open sessions per protocol (session-steps.ts asks the store).
 * Later messages of an open session pass: they carry its bearer token, and the session's own
 * lifetime bounds them.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FdoProtocol, SessionStore } from '../../fdo/protocol/ports.ts';
import { DEFAULT_RATE_LIMITS, limiter, type RateLimiter, type RateVerdict } from '../http/rate-limits.ts';

/** A SessionStore that can count its live sessions of one protocol (for the cap). */
export interface SessionCounter {
  /** Sessions of `protocol` whose expiry is after `now`. */
  countOpen(protocol: FdoProtocol, now: Date): Promise<number>;
}

export type CountedSessionStore = SessionStore & SessionCounter;

/** Open sessions allowed per protocol by default; expired ones do not count. */
export const DEFAULT_MAX_OPEN_SESSIONS = 10_000;
/** Retry-After for a start refused at the session cap: sessions end or expire within minutes. */
export const SESSION_CAP_RETRY_SECONDS = 60;

export interface StartRateLimits {
  /** Start messages per minute per peer, counted per protocol; 0: no limit. */
  perPeer?: number;
  /** Start messages per minute of one protocol from all peers; 0: no limit. */
  global?: number;
}

/** Counts a start message of `protocol`; limited when the peer or everyone is over the limit. */
export type StartGate = (request: FastifyRequest, protocol: FdoProtocol) => Promise<RateVerdict>;

const PROTOCOLS: readonly FdoProtocol[] = ['di', 'to0', 'to1', 'to2'];

/** The gate of a transport's scope; `app` must have the counting plugin (ensureRateLimiting). */
export function startGate(app: FastifyInstance, limits: StartRateLimits = {}): StartGate {
  const perPeer = limits.perPeer ?? DEFAULT_RATE_LIMITS.fdoStartPerPeer;
  const global = limits.global ?? DEFAULT_RATE_LIMITS.fdoStartGlobal;
  const gates = new Map<FdoProtocol, RateLimiter[]>();
  for (const p of PROTOCOLS) {
    const own = limiter(app, { max: perPeer });
    const all = limiter(app, { max: global, key: () => `fdo-start:${p}`, exemptLoopback: false });
    gates.set(
      p,
      [own, all].filter((l) => l !== undefined),
    );
  }
  return async (request, protocol) => {
    // A peer already over its own limit is not counted against everyone's.
    for (const l of gates.get(protocol) ?? []) {
      const v = await l.hit(request);
      if (v.limited) return v;
    }
    return { limited: false, retryAfterSeconds: 0 };
  };
}
