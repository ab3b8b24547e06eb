import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signTo0Direct } from '../../src/fdo/client/in-process.ts';
import { HashType } from '../../src/fdo/constants/crypto.ts';
import { decodeTo0d, encodeTo0d, signTo1d } from '../../src/fdo/messages/to0.ts';
import { MemoryOwnerKeyRing, MemoryRendezvousStore } from '../../src/fdo/protocol/memory-stores.ts';
import { createTo0Direct, storeRegistration, type To0RendezvousConfig } from '../../src/fdo/protocol/to0-rendezvous.ts';
import { hashBytes } from '../../src/fdo/types/hash.ts';
import { generateNonce } from '../../src/fdo/types/nonce.ts';
import { signatureAlgorithmFor } from '../../src/fdo/types/public-key.ts';
import { voucherOwner } from '../../src/fdo/voucher/voucher-owner.ts';
import { parseVoucher } from '../../src/fdo/voucher/voucher-parse.ts';
import { fixedClock, manufacture, TO2_ADDR } from '../fdo/protocol/helpers.ts';
import { cachedKeys } from '../helpers/keys.ts';

function direct(overrides: Partial<To0RendezvousConfig> = {}) {
  const store = new MemoryRendezvousStore();
  const clock = fixedClock();
  return { store, clock, check: createTo0Direct({ clock, store, ...overrides }) };
}

test('TO0 without messages: the registration is checked, capped and stored with the owner-signed to1d', async () => {
  const m = await manufacture({ seed: 'direct-ok' });
  const { store, clock, check } = direct({ maxWaitSeconds: 600 });
  const signed = await signTo0Direct(new MemoryOwnerKeyRing([m.owner.privateKey]), m.voucher, TO2_ADDR);
  const checked = await check(signed.to0d, signed.to1d);
  assert.equal(checked.waitSeconds, 600, 'the wait-seconds rule caps the lifetime asked for');
  assert.equal(await store.get(m.credential.guid), undefined, 'nothing is stored by the checks');
  await storeRegistration(store, checked);
  const stored = await store.get(m.credential.guid);
  assert.deepEqual(stored?.to1d, signed.to1d);
  assert.deepEqual(stored?.voucher, m.voucher);
  assert.equal(stored?.expiresAt.getTime(), clock().getTime() + 600_000);
  // A second registration checked against the same (now stale) state is refused when stored.
  await assert.rejects(storeRegistration(store, { ...checked, live: undefined, now: clock() }), {
    code: 'ERR_FDO_TO0_REGISTRATION_CHANGED',
  });
});

test('TO0 without messages applies the acceptance policy', async () => {
  const m = await manufacture({ seed: 'direct-policy' });
  const { check } = direct({ acceptance: async () => false });
  const signed = await signTo0Direct(new MemoryOwnerKeyRing([m.owner.privateKey]), m.voucher, TO2_ADDR);
  await assert.rejects(check(signed.to0d, signed.to1d), { code: 'ERR_FDO_TO0_VOUCHER_REJECTED' });
});

test("TO0 without messages refuses a to1d not signed by the voucher's owner, or not bound to to0d", async () => {
  const m = await manufacture({ seed: 'direct-signature' });
  const { check } = direct();
  const to0d = encodeTo0d({ voucher: m.voucher, waitSeconds: 3600, nonceTO0Sign: generateNonce() });
  const other = await cachedKeys('secp256r1', 7);
  const type = voucherOwner(parseVoucher(m.voucher)).type;
  const byOther = signTo1d(
    { rvTo2Addr: TO2_ADDR, to0dHash: hashBytes(HashType.SHA256, to0d) },
    { key: other.privateKey, alg: signatureAlgorithmFor(type, other.privateKey) },
  );
  await assert.rejects(check(to0d, byOther), (e: { code?: string }) => typeof e.code === 'string' && e.code.startsWith('ERR_FDO_'));
  const overOther = signTo1d(
    { rvTo2Addr: TO2_ADDR, to0dHash: hashBytes(HashType.SHA256, new Uint8Array([1, 2, 3])) },
    { key: m.owner.privateKey, alg: signatureAlgorithmFor(type, m.owner.privateKey) },
  );
  await assert.rejects(check(to0d, overOther), { code: 'ERR_FDO_TO0_TO0D_HASH' });
});

test('TO0 without messages refuses a voucher never extended to an owner', async () => {
  const m = await manufacture({ seed: 'direct-unextended', extend: false });
  const { check } = direct();
  const signed = await signTo0Direct(new MemoryOwnerKeyRing([m.manufacturer.privateKey]), m.voucher, TO2_ADDR);
  assert.equal(decodeTo0d(signed.to0d).waitSeconds, 0xffff_ffff);
  await assert.rejects(check(signed.to0d, signed.to1d), { code: 'ERR_FDO_TO0_VOUCHER_NOT_EXTENDED' });
});

test('the owner side needs the private key of the voucher owner', async () => {
  const m = await manufacture({ seed: 'direct-no-key' });
  await assert.rejects(signTo0Direct(new MemoryOwnerKeyRing([]), m.voucher, TO2_ADDR), { code: 'ERR_FDO_TO0_NO_OWNER_KEY' });
});
