/**
 * Bearer-token authentication and role checks for the management API. `admin` may do everything;
 * the other roles only what their routes name.
 */
import type { FastifyRequest } from 'fastify';
import { tokenStatus } from '../../platform/tokens.ts';
import type { ApiRole, ApiTokenRecord } from '../../store/api-token-repository.ts';
import { hashSecret } from '../../store/hash-secret.ts';
import type { Store } from '../../store/store.ts';
import { type ApiLimiters, presentedToken, recordFailedLogin, refuseLockedOut } from './api-limits.ts';
import { ApiProblem } from './problem.ts';

const authenticated = new WeakMap<FastifyRequest, ApiTokenRecord>();

/** The token of a request that passed `authenticate`. */
export function tokenOf(request: FastifyRequest): ApiTokenRecord {
  const t = authenticated.get(request);
  if (t === undefined) throw new TypeError('the route was reached without authentication');
  return t;
}

/** What the audit log records as the actor of a request. */
export const actorOf = (request: FastifyRequest): string => `token:${tokenOf(request).id}`;

/**
 * Finds the request's API token. With `limiters`, a peer over the failed-login limit is refused
 * first, and every unknown, revoked or expired token counts against its peer and is audited.
 */
export async function authenticate(store: Store, request: FastifyRequest, o: { limiters?: ApiLimiters; now?: Date } = {}): Promise<void> {
  const presented = presentedToken(request);
  if (presented === undefined) {
    throw new ApiProblem(401, 'ERR_API_TOKEN_MISSING', 'send an API token as `Authorization: Bearer <token>`', { field: 'Authorization' });
  }
  const limiters = o.limiters ?? {};
  await refuseLockedOut(limiters, request);
  const token = await store.apiTokens.findBySecretHash(hashSecret(presented));
  const refusal = refusalOf(token, o.now ?? new Date());
  if (refusal !== undefined || token === undefined) {
    const problem = refusal ?? new ApiProblem(401, 'ERR_API_TOKEN_UNKNOWN', 'the API token is not known to this server');
    await recordFailedLogin(store, limiters, request, problem.code);
    throw problem;
  }
  authenticated.set(request, token);
}

/** Why a looked-up token may not be used now, or nothing when it may. */
function refusalOf(token: ApiTokenRecord | undefined, now: Date): ApiProblem | undefined {
  if (token === undefined) return new ApiProblem(401, 'ERR_API_TOKEN_UNKNOWN', 'the API token is not known to this server');
  if (token.revokedAt !== undefined) {
    return new ApiProblem(401, 'ERR_API_TOKEN_REVOKED', `the API token was revoked at ${token.revokedAt.toISOString()}`);
  }
  if (tokenStatus(token, now) === 'expired') {
    return new ApiProblem(401, 'ERR_API_TOKEN_EXPIRED', `the API token expired at ${token.expiresAt?.toISOString()}`);
  }
  return undefined;
}

export function authorize(request: FastifyRequest, roles: readonly ApiRole[]): void {
  const token = tokenOf(request);
  if (token.roles.includes('admin') || token.roles.some((r) => roles.includes(r))) return;
  // The route's roles are public (the OpenAPI document lists them); the token's own are not told.
  throw new ApiProblem(403, 'ERR_API_FORBIDDEN', `this route needs one of the roles ${['admin', ...roles].join(', ')}`);
}
