/**
 * The update-authority key: the server's signing key for SUIT envelopes (draft-ietf-suit-manifest
 * §8.3), made on first start and kept in the store with its private half sealed like the other
 * server keys. Devices get its public half as a COSE_Key (RFC 9052 §7) and trust manifests it signed.
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { Algorithm } from '../../codec/cose/algorithms.ts';
import { type CoseKey, encodeCoseKey, keyObjectToCoseKey } from '../../codec/cose/key.ts';
import { generateKeyPair } from '../../crypto/key-generate.ts';
import { IotopiaError } from '../../errors.ts';
import { privateKeyOf, putKeyPair } from '../../platform/key-records.ts';
import type { KeyRecord, KeyRepository } from '../../store/key-repository.ts';

/** Its name in the key repository. */
export const UPDATE_AUTHORITY_KEY = 'update-authority';

/** ES256 over P-256: the signing algorithm of the SUIT mandatory-to-implement profiles (draft-ietf-suit-mti §3). */
const CURVE = 'secp256r1';
const ALG = Algorithm.ES256;

export interface UpdateAuthority {
  privateKey: KeyObject;
  /** Key id written in signed envelopes and in the COSE_Key: the first 8 bytes of SHA-256 over the SPKI. */
  kid: Uint8Array;
  alg: number;
  /** The public key as COSE_Key, as devices get it. */
  coseKey: CoseKey;
  created: boolean;
}

const kidOf = (spki: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(spki).digest().subarray(0, 8));

function authorityOf(record: KeyRecord, created: boolean): UpdateAuthority {
  const privateKey = privateKeyOf(record);
  if (privateKey === undefined)
    throw new IotopiaError('ERR_PLATFORM_KEY', `key "${UPDATE_AUTHORITY_KEY}" has no private half in the store`);
  const kid = kidOf(record.publicKey);
  return { privateKey, kid, alg: ALG, coseKey: publicCoseKey(record.publicKey), created };
}

function publicCoseKey(spki: Uint8Array): CoseKey {
  const key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  return keyObjectToCoseKey(key, { kid: kidOf(spki), alg: ALG });
}

/** The update-authority key, made and stored now when the store has none (a replica that races uses the winner's). */
export async function ensureUpdateAuthority(keys: KeyRepository): Promise<UpdateAuthority> {
  const existing = await keys.get(UPDATE_AUTHORITY_KEY);
  if (existing !== undefined) return authorityOf(existing, false);
  const pair = await generateKeyPair(CURVE);
  try {
    return authorityOf(await putKeyPair(keys, { name: UPDATE_AUTHORITY_KEY, type: CURVE, privateKey: pair.privateKey }), true);
  } catch (e) {
    const raced = await keys.get(UPDATE_AUTHORITY_KEY);
    if (raced === undefined) throw e;
    return authorityOf(raced, false);
  }
}

/**
 * The SUIT trust anchors devices are given: the update-authority public key as an encoded COSE_Key,
 * then any extra anchors configured; empty while the server has not made its key yet.
 */
export async function updateTrustAnchors(keys: KeyRepository, extra: readonly CoseKey[] = []): Promise<Uint8Array[]> {
  const record = await keys.get(UPDATE_AUTHORITY_KEY);
  const own = record === undefined ? [] : [encodeCoseKey(publicCoseKey(record.publicKey))];
  return [...own, ...extra.map((k) => encodeCoseKey(k))];
}
