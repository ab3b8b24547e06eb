import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import type { OwnerKeyRing } from '../fdo/protocol/ports.ts';
import type { KeyRecord, KeyRepository } from '../store/key-repository.ts';
import type { Store } from '../store/store.ts';

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
  return record.privateKey === undefined
    ? undefined
    : createPrivateKey({ key: Buffer.from(record.privateKey), format: 'der', type: 'pkcs8' });
}

/** The owner's signing keys, looked up by the public key a voucher names. */
export function storeOwnerKeyRing(store: Store): OwnerKeyRing {
  return {
    async privateKeyFor(publicKey) {
      const record = await store.keys.findByPublicKey(spkiOf(publicKey));
      return record === undefined ? undefined : privateKeyOf(record);
    },
  };
}
