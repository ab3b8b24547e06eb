/**
 * Bearer-token authentication and role checks for the management API. `admin` may do everything;
 * the other roles only what their routes name.
 */
import type { FastifyRequest } from 'fastify';
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
 * first, and every unknown or revoked token counts against its peer and is audited.
 */
export async function authenticate(store: Store, request: FastifyRequest, limiters: ApiLimiters = {}): Promise<void> {
  const presented = presentedToken(request);
  if (presented === undefined) {
    throw new ApiProblem(401, 'ERR_API_TOKEN_MISSING', 'send an API token as `Authorization: Bearer <token>`', { field: 'Authorization' });
  }
  await refuseLockedOut(limiters, request);
  const token = await store.apiTokens.findBySecretHash(hashSecret(presented));
  if (token === undefined || token.revokedAt !== undefined) {
    const refusal =
      token?.revokedAt === undefined
        ? new ApiProblem(401, 'ERR_API_TOKEN_UNKNOWN', 'the API token is not known to this server')
        : new ApiProblem(401, 'ERR_API_TOKEN_REVOKED', `the API token was revoked at ${token.revokedAt.toISOString()}`);
    await recordFailedLogin(store, limiters, request, refusal.code);
    throw refusal;
  }
  authenticated.set(request, token);
}

export function authorize(request: FastifyRequest, roles: readonly ApiRole[]): void {
  const token = tokenOf(request);
  if (token.roles.includes('admin') || token.roles.some((r) => roles.includes(r))) return;
  throw new ApiProblem(
    403,
    'ERR_API_FORBIDDEN',
    `this needs one of the roles ${['admin', ...roles].join(', ')}; the token has ${token.roles.join(', ')}`,
  );
}
