import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { guidToHex } from '../../src/fdo/types/guid.ts';
import { storeOwnerVoucherStore } from '../../src/onboarding/owner-vouchers.ts';
import { openStore } from '../../src/store/open-store.ts';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('base64');

test('the TO2 outcome commits only while the owner holds the voucher the session ran with', async () => {
  const store = await openStore(':memory:', { kek: new Uint8Array(randomBytes(32)) });
  try {
    const owner = storeOwnerVoucherStore(store);
    const guid = new Uint8Array(16).fill(3);
    const ranWith = new Uint8Array([1, 2, 3]);
    const importedMeanwhile = new Uint8Array([4, 5, 6]);
    await owner.add(guid, importedMeanwhile);
    const outcome = { replacementGuid: guid, deviceInfo: { mudUrl: 'https://mud.example/device.json' } };
    await assert.rejects(owner.onboarded(guid, { ...outcome, voucherHash: sha256(ranWith) }), { code: 'ERR_STORE_CONFLICT' });
    assert.equal((await store.vouchers.get('owner', guid))?.state, 'imported', 'nothing changed');
    assert.equal((await store.devices.get(guid))?.state, 'owned');
    const audit = await store.audit.list({ subject: guidToHex(guid) });
    assert.ok(!audit.items.some((a) => a.action === 'device.onboarded'));

    await owner.onboarded(guid, { ...outcome, voucherHash: sha256(importedMeanwhile) });
    assert.equal((await store.vouchers.get('owner', guid))?.state, 'onboarded');
    assert.equal((await store.devices.get(guid))?.state, 'onboarded');
  } finally {
    await store.close();
  }
});
