import type { PrivateKeyLike } from '../crypto/private-key-handle.ts';
import { spkiOf } from '../crypto/private-key-handle.ts';
import type { OwnerKeyRing } from '../fdo/protocol/ports.ts';
import type { Keystore } from '../keystore/keystore.ts';
import { privateKeyOf } from '../platform/key-records.ts';
import type { Store } from '../store/store.ts';

/** Owner keys kept per ring; a full cache starts again (a server holds a handful of owner keys). */
const MAX_CACHED_KEYS = 256;

/**
 * The owner's signing keys, looked up by the public key a voucher names: the private half sealed
 * in the store's record, or, for a record without one, the key of that name in `keystore` (a
 * token), used only if its public key is the one the record holds.
 *
 * A key found is kept as its KeyObject (or token handle) by SubjectPublicKeyInfo, so it is unsealed
 * and imported once per process, not once per message. This is correct with several replicas on
 * one database: a public key determines its private key, and the key repository neither deletes nor
 * replaces a record (no rotation rewrites a key in place: a new owner key is a new record with a new
 * public key), so what one replica read can never go stale. A key not found is not kept: another
 * replica (or `iotopia keys import`) may add it at any time, and the next lookup reads the store again.
 */
export function storeOwnerKeyRing(store: Store, keystore?: Keystore): OwnerKeyRing {
  const found = new Map<string, PrivateKeyLike>();
  const lookup = async (spki: Uint8Array): Promise<PrivateKeyLike | undefined> => {
    const record = await store.keys.findByPublicKey(spki);
    if (record === undefined) return undefined;
    const software = privateKeyOf(record);
    if (software !== undefined || keystore === undefined || keystore.backend === 'software') return software;
    const held = await keystore.get(record.name);
    return held !== undefined && Buffer.compare(spkiOf(held), spki) === 0 ? held : undefined;
  };
  return {
    async privateKeyFor(publicKey) {
      const spki = spkiOf(publicKey);
      const id = Buffer.from(spki).toString('base64');
      const kept = found.get(id);
      if (kept !== undefined) return kept;
      const key = await lookup(spki);
      if (key === undefined) return undefined;
      if (found.size >= MAX_CACHED_KEYS) found.clear();
      found.set(id, key);
      return key;
    },
  };
}
