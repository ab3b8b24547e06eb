import { spkiOf } from '../crypto/private-key-handle.ts';
import type { OwnerKeyRing } from '../fdo/protocol/ports.ts';
import type { Keystore } from '../keystore/keystore.ts';
import { privateKeyOf } from '../platform/key-records.ts';
import type { Store } from '../store/store.ts';

/**
 * The owner's signing keys, looked up by the public key a voucher names: the private half sealed
 * in the store's record, or, for a record without one, the key of that name in `keystore` (a
 * token), used only if its public key is the one the record holds.
 */
export function storeOwnerKeyRing(store: Store, keystore?: Keystore): OwnerKeyRing {
  return {
    async privateKeyFor(publicKey) {
      const spki = spkiOf(publicKey);
      const record = await store.keys.findByPublicKey(spki);
      if (record === undefined) return undefined;
      const software = privateKeyOf(record);
      if (software !== undefined || keystore === undefined || keystore.backend === 'software') return software;
      const held = await keystore.get(record.name);
      return held !== undefined && Buffer.compare(spkiOf(held), spki) === 0 ? held : undefined;
    },
  };
}
