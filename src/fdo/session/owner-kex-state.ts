/**
 * What the owner keeps between TO2.ProveOVHdr (xA sent) and TO2.ProveDevice (xB received). It is
 * plain JSON data so that any server replica can finish the exchange; it holds the ephemeral
 * private value, so it must be stored like a secret and dropped once the exchange is finished.
 */
import type { KexSuiteName } from '../constants/crypto.ts';
import { sessionError } from './errors.ts';
import { kexFamily } from './kex-registry.ts';
import { unb64 } from './lib/bytes.ts';

export interface OwnerKexState {
  readonly version: 1;
  readonly suite: KexSuiteName;
  /** xAKeyExchange as sent, base64. */
  readonly xA: string;
  /** The owner's ephemeral private value (EC scalar, DH exponent; empty for ASYMKEX), base64. */
  readonly secret: string;
}

/** Checks stored (for instance JSON-parsed) data and returns it as an OwnerKexState. */
export function importOwnerKexState(value: unknown): OwnerKexState {
  return parseOwnerKexState(value).state;
}

/** The state with its bytes decoded; internal. Corrupt state is ERR_FDO_KEX_STATE. */
export function parseOwnerKexState(value: unknown): { state: OwnerKexState; xA: Uint8Array; secret: Uint8Array } {
  const bad = (why: string) => sessionError('ERR_FDO_KEX_STATE', `stored key-exchange state is unusable: ${why}`);
  if (value === null || typeof value !== 'object') throw bad('not an object');
  const v = value as Record<string, unknown>;
  if (v['version'] !== 1) throw bad(`version ${JSON.stringify(v['version'])}`);
  let suite: KexSuiteName;
  let family: ReturnType<typeof kexFamily>['family'];
  try {
    ({ suite, family } = kexFamily(v['suite']));
  } catch {
    throw bad(`suite ${JSON.stringify(v['suite'])}`);
  }
  const xA = unb64(v['xA']);
  const secret = unb64(v['secret']);
  if (xA === undefined || xA.length === 0) throw bad('xA is not base64');
  if (secret === undefined || !family.secretFits(suite, secret)) throw bad(`secret does not fit ${suite}`);
  return { state: { version: 1, suite, xA: v['xA'] as string, secret: v['secret'] as string }, xA, secret };
}
