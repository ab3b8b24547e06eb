/** The device's side of the TO2 key exchange (FDO 1.1 §3.6): xBKeyExchange for TO2.ProveDevice. */
import type { KeyObject } from 'node:crypto';
import type { KexSuiteName } from '../constants/crypto.ts';
import { kexFamily } from './kex-registry.ts';
import type { RandomSource, SharedSecret } from './types.ts';

export interface DeviceRespondKexOptions {
  random: RandomSource;
  /** The owner's public key from the voucher; required for ASYMKEX2048/3072, unused otherwise. */
  ownerPublicKey?: KeyObject;
  /** An ephemeral private value (EC scalar or DH exponent, big-endian) for known-answer tests. */
  privateKey?: Uint8Array;
}

/**
 * Answers the owner's xAKeyExchange (from TO2.ProveOVHdr, after its signature was checked) for the
 * suite the device proposed, returning xBKeyExchange and the shared secret. A malformed xA is
 * ERR_FDO_KEX_MALFORMED, an invalid point or DH value ERR_FDO_KEX_PUBLIC_INVALID, an owner key
 * unfit for ASYMKEX ERR_FDO_KEX_OWNER_KEY.
 */
export function deviceRespondKex(
  suite: KexSuiteName | string,
  xA: Uint8Array,
  options: DeviceRespondKexOptions,
): { xB: Uint8Array; sharedSecret: SharedSecret } {
  if (options === null || typeof options !== 'object') throw new TypeError('options with random are required');
  const k = kexFamily(suite);
  const { xB, shared } = k.family.deviceRespond(k.suite, xA, {
    random: options.random,
    ownerPublicKey: options.ownerPublicKey,
    privateKey: options.privateKey,
  });
  return { xB, sharedSecret: shared };
}
