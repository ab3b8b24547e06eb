/**
 * Management API tokens: a random id and a random secret; the store keeps only the secret's hash,
 * so the secret is shown once, when it is made, and never again.
 */
import { randomBytes } from 'node:crypto';
import { IotopiaError } from '../errors.ts';
import type { ApiRole, ApiTokenRecord } from '../store/api-token-repository.ts';
import { hashSecret } from '../store/hash-secret.ts';
import type { Store } from '../store/store.ts';

export const API_ROLES: readonly ApiRole[] = ['admin', 'manufacturer', 'owner', 'rendezvous', 'auditor'];

export interface NewApiToken {
  id: string;
  name: string;
  roles: ApiRole[];
  /** When the token stops working; absent: it works until revoked. */
  expiresAt?: Date;
  /** The bearer secret; it exists nowhere else once this is dropped. */
  secret: string;
}

export function isApiRole(r: string): r is ApiRole {
  return (API_ROLES as readonly string[]).includes(r);
}

/** An expiry that is not a time with its zone or a duration, or that is not in the future. */
export const ERR_TOKEN_EXPIRY = 'ERR_TOKEN_EXPIRY';

export class TokenExpiryError extends IotopiaError {
  constructor(message: string) {
    super(ERR_TOKEN_EXPIRY, message);
  }
}

/** RFC 3339 date-time with its offset (`2027-01-31T18:00:00Z`, `…+01:00`): a time without a zone would depend on the reader's. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;
/** A duration from now: minutes, hours, days or weeks (`90m`, `8h`, `30d`, `2w`). */
const DURATION = /^([1-9]\d{0,5})([mhdw])$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
/** The farthest expiry: ten years, well inside what a Date and the store hold. */
export const MAX_TOKEN_LIFETIME_MS = 3650 * UNIT_MS.d;

/** An absolute expiry (RFC 3339 with offset), later than `now` and at most ten years on. */
export function expiryAt(time: string, now: Date): Date {
  const at = RFC3339.test(time) ? new Date(time) : new Date(Number.NaN);
  if (Number.isNaN(at.getTime()))
    throw new TokenExpiryError(`${JSON.stringify(time)} is not an RFC 3339 time with its offset (2027-01-31T18:00:00Z)`);
  return futureExpiry(at, now);
}

/** An expiry as people write it: an RFC 3339 time, or a duration from now (`30d`, `8h`, `90m`, `2w`). */
export function parseTokenExpiry(text: string, now: Date): Date {
  const d = DURATION.exec(text.trim());
  if (d === null) {
    if (RFC3339.test(text.trim())) return expiryAt(text.trim(), now);
    throw new TokenExpiryError(`${JSON.stringify(text)} is neither a duration (30d, 8h, 90m, 2w) nor an RFC 3339 time with its offset`);
  }
  return futureExpiry(new Date(now.getTime() + Number(d[1]) * UNIT_MS[d[2] as keyof typeof UNIT_MS]), now);
}

function futureExpiry(at: Date, now: Date): Date {
  if (at.getTime() <= now.getTime()) throw new TokenExpiryError(`${at.toISOString()} is not in the future`);
  if (at.getTime() - now.getTime() > MAX_TOKEN_LIFETIME_MS) throw new TokenExpiryError(`${at.toISOString()} is more than ten years away`);
  return at;
}

/** Whether a token works at `now`: not revoked, and not at or past its expiry. */
export function tokenStatus(t: Pick<ApiTokenRecord, 'revokedAt' | 'expiresAt'>, now: Date): 'active' | 'revoked' | 'expired' {
  if (t.revokedAt !== undefined) return 'revoked';
  if (t.expiresAt !== undefined && now.getTime() >= t.expiresAt.getTime()) return 'expired';
  return 'active';
}

export async function createApiToken(
  store: Store,
  t: { name: string; roles: ApiRole[]; expiresAt?: Date },
  actor = 'system',
): Promise<NewApiToken> {
  const id = randomBytes(8).toString('hex');
  // The prefix lets secret scanners recognise a leaked token.
  const secret = `iotopia_${randomBytes(32).toString('base64url')}`;
  const expiry = t.expiresAt === undefined ? {} : { expiresAt: t.expiresAt };
  await store.transaction(async (r) => {
    await r.apiTokens.create({ id, name: t.name, roles: t.roles, secretHash: hashSecret(secret), ...expiry });
    await r.audit.append({
      actor,
      action: 'token.created',
      subject: `token:${id}`,
      details: { name: t.name, roles: t.roles, ...(t.expiresAt === undefined ? {} : { expiresAt: t.expiresAt.toISOString() }) },
    });
  });
  return { id, name: t.name, roles: t.roles, ...expiry, secret };
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
  expiresAt?: string;
}

export function tokenView(t: Pick<ApiTokenRecord, 'id' | 'name' | 'roles' | 'createdAt' | 'revokedAt' | 'expiresAt'>): ApiTokenView {
  return {
    id: t.id,
    name: t.name,
    roles: t.roles,
    createdAt: t.createdAt.toISOString(),
    ...(t.revokedAt === undefined ? {} : { revokedAt: t.revokedAt.toISOString() }),
    ...(t.expiresAt === undefined ? {} : { expiresAt: t.expiresAt.toISOString() }),
  };
}
