/** Turning the keys callers pass (KeyObject or COSE_Key) into KeyObjects fit for one algorithm. */
import { KeyObject } from 'node:crypto';
import { algorithmName } from '../algorithms.ts';
import { CoseError } from '../errors.ts';
import { type CoseKey, coseKeyToKeyObject } from '../key.ts';
import { KeyParam } from '../key-parameters.ts';
import type { SigningHandle } from '../signing-handle.ts';

/** A key as callers pass it: a KeyObject (cheapest: reused as is) or a COSE_Key map. */
export type KeyLike = KeyObject | CoseKey;

/** A signing key: a KeyLike or a handle to a key that signs elsewhere (a token). */
export type SigningKeyLike = KeyLike | SigningHandle;

export const mismatch = (message: string): CoseError => new CoseError('ERR_COSE_KEY_MISMATCH', message);

/**
 * The KeyObject for `alg`. A COSE_Key's own `alg` (3) and `key_ops` (4) restrict its use
 * (RFC 9052 §7.1); `ops` lists the key_ops values that permit this use.
 */
export function toKeyObject(key: KeyLike, alg: number, ops: readonly number[], where: string, wantPrivate: boolean): KeyObject {
  if (key instanceof KeyObject) return key;
  if (!(key instanceof Map)) throw new TypeError(`${where}: key must be a KeyObject or a COSE_Key Map`);
  const keyAlg = key.get(KeyParam.alg);
  if (keyAlg !== undefined && keyAlg !== alg) {
    throw mismatch(`${where}: key is restricted to algorithm ${algorithmName(keyAlg)}, not ${algorithmName(alg)}`);
  }
  const keyOps = key.get(KeyParam.keyOps);
  if (Array.isArray(keyOps) && !ops.some((op) => keyOps.includes(op))) {
    throw mismatch(`${where}: key_ops (4) of the key do not permit this use`);
  }
  return coseKeyToKeyObject(key, wantPrivate ? { private: true } : {});
}

/** The key id of a COSE_Key, if any: used to pick recipients and signers. */
export function kidOf(key: KeyLike): Uint8Array | undefined {
  if (key instanceof Map) {
    const kid = key.get(KeyParam.kid);
    return kid instanceof Uint8Array ? kid : undefined;
  }
  return undefined;
}

const SECRET_SIZE = new WeakMap<KeyObject, number>();

/** The length in bytes of a secret key, or a mismatch error for other keys. */
export function secretLength(key: KeyObject, alg: number, where: string): number {
  let n = SECRET_SIZE.get(key);
  if (n === undefined) {
    if (key.type !== 'secret') throw mismatch(`${where}: algorithm ${algorithmName(alg)} needs a symmetric key, got a ${key.type} key`);
    n = key.symmetricKeySize!;
    SECRET_SIZE.set(key, n);
  }
  return n;
}
