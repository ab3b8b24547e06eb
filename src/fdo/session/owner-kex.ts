/**
 * The owner's side of the TO2 key exchange (FDO 1.1 §3.6): xAKeyExchange for TO2.ProveOVHdr, then
 * the shared secret once TO2.ProveDevice brings xBKeyExchange.
 */

import type { PrivateKeyLike } from '../../crypto/private-key-handle.ts';
import type { KexSuiteName } from '../constants/crypto.ts';
import { kexFamily } from './kex-registry.ts';
import { b64 } from './lib/bytes.ts';
import { type OwnerKexState, parseOwnerKexState } from './owner-kex-state.ts';
import type { RandomSource, SharedSecret } from './types.ts';

export interface CreateOwnerKexOptions {
  random: RandomSource;
  /**
   * The owner key (public or private). ASYMKEX checks that it is RSA of the suite's size, so that
   * a suite the owner cannot serve fails here rather than after the device has answered.
   */
  ownerKey?: PrivateKeyLike;
  /** An ephemeral private value (EC scalar or DH exponent, big-endian) for known-answer tests. */
  privateKey?: Uint8Array;
}

export interface FinishOwnerKexOptions {
  /** The owner's RSA private key; required for ASYMKEX2048/3072, unused otherwise. */
  ownerPrivateKey?: PrivateKeyLike;
}

/**
 * Starts the exchange for the suite the device named in TO2.HelloDevice. An unknown suite is
 * ERR_FDO_KEX_UNSUPPORTED; an owner key that does not fit ASYMKEX is ERR_FDO_KEX_OWNER_KEY.
 */
export function createOwnerKex(suite: KexSuiteName | string, options: CreateOwnerKexOptions): { xA: Uint8Array; state: OwnerKexState } {
  if (options === null || typeof options !== 'object') throw new TypeError('options with random are required');
  const k = kexFamily(suite);
  const { xA, secret } = k.family.ownerStart(k.suite, {
    random: options.random,
    ownerKey: options.ownerKey,
    privateKey: options.privateKey,
  });
  return { xA, state: { version: 1, suite: k.suite, xA: b64(xA), secret: b64(secret) } };
}

/**
 * The shared secret from the device's xBKeyExchange. A malformed xB is ERR_FDO_KEX_MALFORMED, a
 * point off the curve or a DH value out of range ERR_FDO_KEX_PUBLIC_INVALID, an ASYMKEX value that
 * does not decrypt ERR_FDO_KEX_DECRYPT.
 */
export function ownerFinishKex(state: OwnerKexState, xB: Uint8Array, options: FinishOwnerKexOptions = {}): SharedSecret {
  const s = parseOwnerKexState(state);
  const { family, suite } = kexFamily(s.state.suite);
  return family.ownerFinish(suite, s.xA, s.secret, xB, { ownerPrivateKey: options.ownerPrivateKey });
}
