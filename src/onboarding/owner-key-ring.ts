import { createPublicKey, type KeyObject } from 'node:crypto';
import type { OwnerKeyRing } from '../fdo/protocol/ports.ts';
import { privateKeyOf } from '../platform/key-records.ts';
import type { Store } from '../store/store.ts';

const spkiOf = (key: KeyObject): Uint8Array =>
  new Uint8Array((key.type === 'private' ? createPublicKey(key) : key).export({ format: 'der', type: 'spki' }));

/** The owner's signing keys, looked up by the public key a voucher names. */
export function storeOwnerKeyRing(store: Store): OwnerKeyRing {
  return {
    async privateKeyFor(publicKey) {
      const record = await store.keys.findByPublicKey(spkiOf(publicKey));
      return record === undefined ? undefined : privateKeyOf(record);
    },
  };
}
