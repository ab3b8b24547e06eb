/**
 * Management API tokens: a random id and a random secret; the store keeps only the secret's hash,
 * so the secret is shown once, when it is made, and never again.
 */
import { randomBytes } from 'node:crypto';
import type { ApiRole, ApiTokenRecord } from '../store/api-token-repository.ts';
import { hashSecret } from '../store/hash-secret.ts';
import type { Store } from '../store/store.ts';

export const API_ROLES: readonly ApiRole[] = ['admin', 'manufacturer', 'owner', 'rendezvous', 'auditor'];

export interface NewApiToken {
  id: string;
  name: string;
  roles: ApiRole[];
  /** The bearer secret; it exists nowhere else once this is dropped. */
  secret: string;
}

export function isApiRole(r: string): r is ApiRole {
  return (API_ROLES as readonly string[]).includes(r);
}

export async function createApiToken(store: Store, t: { name: string; roles: ApiRole[] }, actor = 'system'): Promise<NewApiToken> {
  const id = randomBytes(8).toString('hex');
  // The prefix lets secret scanners recognise a leaked token.
  const secret = `iotopia_${randomBytes(32).toString('base64url')}`;
  await store.transaction(async (r) => {
    await r.apiTokens.create({ id, name: t.name, roles: t.roles, secretHash: hashSecret(secret) });
    await r.audit.append({ actor, action: 'token.created', subject: `token:${id}`, details: { name: t.name, roles: t.roles } });
  });
  return { id, name: t.name, roles: t.roles, secret };
}

export async function revokeApiToken(store: Store, id: string, actor = 'system'): Promise<void> {
  await store.transaction(async (r) => {
    await r.apiTokens.revoke(id);
    await r.audit.append({ actor, action: 'token.revoked', subject: `token:${id}` });
  });
}

/**
 * The first start of a server makes one admin token so that someone can use the API at all; once
 * any token exists (revoked ones too), none is made again, so the secret is printed only once.
 */
export async function ensureFirstAdminToken(store: Store): Promise<NewApiToken | undefined> {
  const existing = await store.apiTokens.list({ limit: 1 });
  if (existing.items.length > 0) return undefined;
  return createApiToken(store, { name: 'first admin', roles: ['admin'] });
}

/** A token as the API shows it: everything but the secret's hash. */
export interface ApiTokenView {
  id: string;
  name: string;
  roles: ApiRole[];
  createdAt: string;
  revokedAt?: string;
}

export function tokenView(t: Pick<ApiTokenRecord, 'id' | 'name' | 'roles' | 'createdAt' | 'revokedAt'>): ApiTokenView {
  return {
    id: t.id,
    name: t.name,
    roles: t.roles,
    createdAt: t.createdAt.toISOString(),
    ...(t.revokedAt === undefined ? {} : { revokedAt: t.revokedAt.toISOString() }),
  };
}
