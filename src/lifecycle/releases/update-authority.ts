/**
 * The update-authority key: the server's signing key for SUIT envelopes (draft-ietf-suit-manifest
 * §8.3), made on first start and kept like the other server keys: in the store with its private
 * half sealed, or generated in the PKCS#11 token of the keystore (the store then keeps its public
 * record only). Devices get its public half as a COSE_Key (RFC 9052 §7) and trust what it signed.
 */
import { createHash, createPublicKey } from 'node:crypto';
import { Algorithm } from '../../codec/cose/algorithms.ts';
import { type CoseKey, encodeCoseKey, keyObjectToCoseKey } from '../../codec/cose/key.ts';
import { generateKeyPair } from '../../crypto/key-generate.ts';
import { type PrivateKeyLike, spkiOf } from '../../crypto/private-key-handle.ts';
import { IotopiaError } from '../../errors.ts';
import type { Keystore } from '../../keystore/keystore.ts';
import { privateKeyOf, putKeyPair } from '../../platform/key-records.ts';
import { ensureTokenKey } from '../../platform/token-keys.ts';
import type { KeyRecord, KeyRepository } from '../../store/key-repository.ts';
import type { Store } from '../../store/store.ts';

/** Its name in the key repository. */
export const UPDATE_AUTHORITY_KEY = 'update-authority';

/** ES256 over P-256: the signing algorithm of the SUIT mandatory-to-implement profiles (draft-ietf-suit-mti §3). */
const CURVE = 'secp256r1';
const ALG = Algorithm.ES256;

export interface UpdateAuthority {
  /** A KeyObject, or a handle to the key in a PKCS#11 token. */
  privateKey: PrivateKeyLike;
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

/**
 * The update-authority key, made now when there is none: in the token of a PKCS#11 `keystore`, else
 * in the store (a replica that races uses the winner's).
 */
export async function ensureUpdateAuthority(store: Store, keystore?: Keystore): Promise<UpdateAuthority> {
  if (keystore !== undefined && keystore.backend !== 'software') {
    const created: string[] = [];
    const privateKey = await ensureTokenKey(store, keystore, UPDATE_AUTHORITY_KEY, CURVE, created);
    const spki = spkiOf(privateKey);
    return { privateKey, kid: kidOf(spki), alg: ALG, coseKey: publicCoseKey(spki), created: created.length > 0 };
  }
  return ensureSoftware(store.keys);
}

async function ensureSoftware(keys: KeyRepository): Promise<UpdateAuthority> {
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
  const own = await ownAnchor(keys);
  return [...(own === undefined ? [] : [own]), ...extra.map((k) => encodeCoseKey(k))];
}

/**
 * The update-authority's COSE_Key per key repository, read once it exists: every TO2 asks for it,
 * and reading it unseals the private half. A key record is never rewritten or deleted (a replica
 * that races at start keeps the winner's), so once found it stays right in every process; while
 * there is none, the store is asked again.
 */
const OWN_ANCHORS = new WeakMap<KeyRepository, Uint8Array>();

async function ownAnchor(keys: KeyRepository): Promise<Uint8Array | undefined> {
  const kept = OWN_ANCHORS.get(keys);
  if (kept !== undefined) return kept;
  const record = await keys.get(UPDATE_AUTHORITY_KEY);
  if (record === undefined) return undefined;
  const encoded = encodeCoseKey(publicCoseKey(record.publicKey));
  OWN_ANCHORS.set(keys, encoded);
  return encoded;
}
