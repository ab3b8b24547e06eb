/**
 * Manufacturing credentials (DI tokens): a factory station presents one on DI.AppStart. A token is
 * good for an optional number of devices until an optional time, and can be revoked. The store
 * keeps only the hash of its secret, so the secret is shown once, when it is made.
 */
import { randomBytes } from 'node:crypto';
import { IotopiaError } from '../errors.ts';
import type { DiTokenRecord } from '../store/di-token-repository.ts';
import { hashSecret } from '../store/hash-secret.ts';
import type { Store } from '../store/store.ts';

/** Every DI token secret starts with this, so that secret scanners and the transport recognise one. */
export const DI_TOKEN_PREFIX = 'iotopia_di_';
/** Longest token name, in characters. */
export const MAX_DI_TOKEN_NAME = 100;
/** The most devices one token can be good for. */
export const MAX_DI_TOKEN_DEVICES = 1_000_000_000;

export class DiTokenError extends IotopiaError {
  /** The request field that was refused. */
  readonly field: string;

  constructor(field: string, message: string) {
    super('ERR_DI_TOKEN_INVALID', message);
    this.field = field;
  }
}

export interface NewDiToken {
  id: string;
  /** The bearer secret; it exists nowhere else once this is dropped. */
  secret: string;
  record: DiTokenRecord;
}

export interface DiTokenRequest {
  name: string;
  maxDevices?: number;
  expiresAt?: Date;
}

function checkRequest(t: DiTokenRequest, now: Date): void {
  if (typeof t.name !== 'string' || t.name.trim() === '' || t.name.length > MAX_DI_TOKEN_NAME)
    throw new DiTokenError('name', `a non-empty name of at most ${MAX_DI_TOKEN_NAME} characters`);
  if (t.maxDevices !== undefined && !(Number.isSafeInteger(t.maxDevices) && t.maxDevices >= 1 && t.maxDevices <= MAX_DI_TOKEN_DEVICES))
    throw new DiTokenError('maxDevices', `a whole number of devices from 1 to ${MAX_DI_TOKEN_DEVICES}`);
  if (t.expiresAt !== undefined && !(t.expiresAt instanceof Date && t.expiresAt.getTime() > now.getTime()))
    throw new DiTokenError('expiresAt', 'a time in the future');
}

export async function createDiToken(store: Store, t: DiTokenRequest, o: { actor: string; clock: () => Date }): Promise<NewDiToken> {
  checkRequest(t, o.clock());
  const id = randomBytes(8).toString('hex');
  const secret = `${DI_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const record = await store.transaction(async (r) => {
    const made = await r.diTokens.create({
      id,
      name: t.name,
      secretHash: hashSecret(secret),
      ...(t.maxDevices === undefined ? {} : { maxDevices: t.maxDevices }),
      ...(t.expiresAt === undefined ? {} : { expiresAt: t.expiresAt }),
    });
    await r.audit.append({
      actor: o.actor,
      action: 'di-token.created',
      subject: `di-token:${id}`,
      details: { name: t.name, maxDevices: t.maxDevices ?? null, expiresAt: t.expiresAt?.toISOString() ?? null },
    });
    return made;
  });
  return { id, secret, record };
}

/** Throws ERR_STORE_NOT_FOUND for an unknown id; revoking twice keeps the first time. */
export async function revokeDiToken(store: Store, id: string, actor: string): Promise<void> {
  await store.transaction(async (r) => {
    await r.diTokens.revoke(id);
    await r.audit.append({ actor, action: 'di-token.revoked', subject: `di-token:${id}` });
  });
}

export type DiTokenStatus = 'active' | 'revoked' | 'expired' | 'used-up';

export function diTokenStatus(t: DiTokenRecord, now: Date): DiTokenStatus {
  if (t.revokedAt !== undefined) return 'revoked';
  if (t.expiresAt !== undefined && t.expiresAt.getTime() <= now.getTime()) return 'expired';
  if (t.maxDevices !== undefined && t.used >= t.maxDevices) return 'used-up';
  return 'active';
}

/** A token as the API shows it: everything but the secret's hash, and whether it can still be used. */
export interface DiTokenView {
  id: string;
  name: string;
  maxDevices?: number;
  used: number;
  expiresAt?: string;
  createdAt: string;
  revokedAt?: string;
  status: DiTokenStatus;
}

export function diTokenView(t: DiTokenRecord, now: Date): DiTokenView {
  return {
    id: t.id,
    name: t.name,
    ...(t.maxDevices === undefined ? {} : { maxDevices: t.maxDevices }),
    used: t.used,
    ...(t.expiresAt === undefined ? {} : { expiresAt: t.expiresAt.toISOString() }),
    createdAt: t.createdAt.toISOString(),
    ...(t.revokedAt === undefined ? {} : { revokedAt: t.revokedAt.toISOString() }),
    status: diTokenStatus(t, now),
  };
}
