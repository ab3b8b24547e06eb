/** The owner key ring: a key found is imported once and kept; a key not found is looked up again. */
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { test } from 'node:test';
import { storeOwnerKeyRing } from '../../src/onboarding/owner-key-ring.ts';
import type { KeyRecord } from '../../src/store/key-repository.ts';
import type { Store } from '../../src/store/store.ts';
import { cachedKeys } from '../helpers/keys.ts';

function countingStore(records: KeyRecord[]) {
  const lookups = { n: 0 };
  const store = {
    keys: {
      async findByPublicKey(spki: Uint8Array) {
        lookups.n++;
        return records.find((r) => Buffer.compare(r.publicKey, spki) === 0);
      },
    },
  } as unknown as Store;
  return { store, lookups };
}

const recordOf = (name: string, keys: Awaited<ReturnType<typeof cachedKeys>>): KeyRecord => ({
  name,
  type: 'secp256r1',
  publicKey: new Uint8Array(keys.publicKey.export({ format: 'der', type: 'spki' })),
  privateKey: new Uint8Array(keys.privateKey.export({ format: 'der', type: 'pkcs8' })),
  createdAt: new Date(0),
});

test('a key found is read from the store once and the same KeyObject is returned after', async () => {
  const owner = await cachedKeys('secp256r1', 1);
  const { store, lookups } = countingStore([recordOf('owner-secp256r1', owner)]);
  const ring = storeOwnerKeyRing(store);
  const first = await ring.privateKeyFor(owner.publicKey);
  // Another KeyObject of the same public key finds the kept one.
  const again = await ring.privateKeyFor(createPublicKey(owner.privateKey));
  assert.ok(first !== undefined && 'equals' in first && first.equals(owner.privateKey));
  assert.equal(again, first);
  assert.equal(lookups.n, 1);
});

test('a key not found is asked of the store each time, so one another replica adds is found', async () => {
  const owner = await cachedKeys('secp256r1', 2);
  const records: KeyRecord[] = [];
  const { store, lookups } = countingStore(records);
  const ring = storeOwnerKeyRing(store);
  assert.equal(await ring.privateKeyFor(owner.publicKey), undefined);
  assert.equal(await ring.privateKeyFor(owner.publicKey), undefined);
  assert.equal(lookups.n, 2);
  records.push(recordOf('owner-imported', owner));
  const found = await ring.privateKeyFor(owner.publicKey);
  assert.ok(found !== undefined && 'equals' in found && found.equals(owner.privateKey));
});
