/**
 * Bearer-token authentication and role checks for the management API. `admin` may do everything;
 * the other roles only what their routes name.
 */
import type { FastifyRequest } from 'fastify';
import { tokenStatus } from '../../platform/tokens.ts';
import type { ApiRole, ApiTokenRecord } from '../../store/api-token-repository.ts';
import { hashSecret } from '../../store/hash-secret.ts';
import type { Store } from '../../store/store.ts';
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

export async function authenticate(store: Store, request: FastifyRequest, now: Date = new Date()): Promise<void> {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (match?.[1] === undefined) {
    throw new ApiProblem(401, 'ERR_API_TOKEN_MISSING', 'send an API token as `Authorization: Bearer <token>`', { field: 'Authorization' });
  }
  const token = await store.apiTokens.findBySecretHash(hashSecret(match[1]));
  if (token === undefined) throw new ApiProblem(401, 'ERR_API_TOKEN_UNKNOWN', 'the API token is not known to this server');
  if (token.revokedAt !== undefined) {
    throw new ApiProblem(401, 'ERR_API_TOKEN_REVOKED', `the API token was revoked at ${token.revokedAt.toISOString()}`);
  }
  if (tokenStatus(token, now) === 'expired') {
    throw new ApiProblem(401, 'ERR_API_TOKEN_EXPIRED', `the API token expired at ${token.expiresAt?.toISOString()}`);
  }
  authenticated.set(request, token);
}

export function authorize(request: FastifyRequest, roles: readonly ApiRole[]): void {
  const token = tokenOf(request);
  if (token.roles.includes('admin') || token.roles.some((r) => roles.includes(r))) return;
  // The route's roles are public (the OpenAPI document lists them); the token's own are not told.
  throw new ApiProblem(403, 'ERR_API_FORBIDDEN', `this route needs one of the roles ${['admin', ...roles].join(', ')}`);
}
