/** Key pairs in the key repository: the public half as SPKI, the private half as PKCS #8, sealed by the store. */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { privateKeyFromPkcs8 } from '../crypto/key-pem-import.ts';
import type { KeyRecord, KeyRepository } from '../store/key-repository.ts';

const spkiOf = (key: KeyObject): Uint8Array =>
  new Uint8Array((key.type === 'private' ? createPublicKey(key) : key).export({ format: 'der', type: 'spki' }));

/** Stores a generated key pair under `name`, the private half sealed. */
export function putKeyPair(keys: KeyRepository, k: { name: string; type: string; privateKey: KeyObject }): Promise<KeyRecord> {
  if (k.privateKey?.type !== 'private') throw new TypeError('putKeyPair needs a private KeyObject');
  return keys.create({
    name: k.name,
    type: k.type,
    publicKey: spkiOf(k.privateKey),
    privateKey: new Uint8Array(k.privateKey.export({ format: 'der', type: 'pkcs8' })),
  });
}

/** The private KeyObject of a record, or undefined for a public-only entry. */
export function privateKeyOf(record: KeyRecord): KeyObject | undefined {
  return record.privateKey === undefined ? undefined : privateKeyFromPkcs8(record.privateKey);
}
