/**
 * collectEvidenceFacts reads device records and vouchers a page at a time and joins them by GUID:
 * with more devices than one page, interleaved with another model's and with vouchers only on the
 * owner side, every device is counted once and only for its own model.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { collectEvidenceFacts } from '../../../src/compliance/evidence/collect-facts.ts';
import { generateKeyPair } from '../../../src/crypto/key-generate.ts';
import { PublicKeyEncoding } from '../../../src/fdo/constants/crypto.ts';
import { publicKeyFromKeyObject } from '../../../src/fdo/types/public-key.ts';
import { createVoucher } from '../../../src/fdo/voucher/voucher-create.ts';
import { encodeVoucher } from '../../../src/fdo/voucher/voucher-encode.ts';
import { certificateFor } from '../../helpers/pki.ts';
import { product } from './facts-fixture.ts';
import { MODEL, makeWorld } from './store-world.ts';

const NOW = new Date('2030-06-01T00:00:00Z');

/** A voucher of `model` for a fresh device key (the GUID inside is not the one it is stored under: only its facts matter here). */
async function voucherOf(model: string): Promise<Uint8Array> {
  const manufacturer = await generateKeyPair('secp256r1');
  const device = await generateKeyPair('secp256r1');
  return encodeVoucher(
    createVoucher({
      guid: new Uint8Array(randomBytes(16)),
      rvInfo: [],
      deviceInfo: model,
      manufacturerKey: publicKeyFromKeyObject(manufacturer.publicKey, { encoding: PublicKeyEncoding.X509 }),
      devCertChain: [certificateFor(device, { commonName: 'device' })],
      hmac: { secret: new Uint8Array(32).fill(1) },
    }),
  );
}

test('2,600 devices over three pages: each model counts its own, owner-side vouchers included', async () => {
  const w = await makeWorld(() => NOW);
  try {
    const mine = await voucherOf(MODEL);
    const theirs = await voucherOf('other-model');
    const counts = { mine: 0, theirs: 0, owner: 0 };
    await w.store.transaction(async (r) => {
      for (let i = 0; i < 2600; i++) {
        const guid = new Uint8Array(randomBytes(16));
        const isMine = i % 2 === 0;
        // Every fifth device was imported by this owner rather than made here.
        const side = i % 5 === 0 ? 'owner' : 'manufacturer';
        await r.devices.upsert({ guid, state: i % 3 === 0 ? 'active' : 'manufactured' });
        await r.vouchers.put({ side, guid, voucher: isMine ? mine : theirs, state: side === 'owner' ? 'imported' : 'created' });
        if (isMine) counts.mine++;
        else counts.theirs++;
        if (isMine && side === 'owner') counts.owner++;
      }
    });
    const started = performance.now();
    const f = await collectEvidenceFacts(w.deps({ product: product() }), MODEL, NOW);
    const ms = performance.now() - started;
    assert.equal(f.devices.total, counts.mine);
    assert.ok(counts.owner > 0);
    // One voucher's bytes under every GUID: every device of the model shares the one key.
    assert.deepEqual([f.devices.withDiCredential, f.devices.sharingKey, f.devices.sharedKeys], [counts.mine, counts.mine, 1]);
    const o = await collectEvidenceFacts(w.deps({ product: product() }), 'other-model', NOW);
    assert.equal(o.devices.total, counts.theirs);
    assert.ok(ms < 20_000, `collecting took ${Math.round(ms)} ms`);
  } finally {
    await w.close();
  }
});
