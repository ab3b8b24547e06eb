/**
 * The replacement rule on its own: which vouchers may replace a live registration, and that every
 * refusal is audited with the fingerprints (and an unreadable registration is kept, not replaced).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HashType } from '../../src/fdo/constants/crypto.ts';
import { publicKeyFingerprint } from '../../src/fdo/types/public-key.ts';
import type { OwnershipVoucher } from '../../src/fdo/voucher/voucher.ts';
import { encodeVoucher } from '../../src/fdo/voucher/voucher-encode.ts';
import { extendVoucher } from '../../src/fdo/voucher/voucher-extend.ts';
import { parseVoucher } from '../../src/fdo/voucher/voucher-parse.ts';
import {
  REGISTRATION_REFUSED_ACTION,
  replacementRefusal,
  storedRegistrationReplacement,
} from '../../src/onboarding/registration-replacement.ts';
import type { AuditLog } from '../../src/store/audit-log.ts';
import { makeVoucher } from '../fdo/voucher/helpers.ts';
import { cachedKeys } from '../helpers/keys.ts';

const asOwner = (voucher: OwnershipVoucher, key: Parameters<typeof publicKeyFingerprint>[0]) => ({
  voucher,
  ownerFingerprint: publicKeyFingerprint(key),
});

describe('the replacement rule', () => {
  test('the same voucher, an extension of it, or the same owner key: allowed', async () => {
    const { voucher, owners } = await makeVoucher(1);
    const owner = owners[1]!;
    assert.equal(replacementRefusal(asOwner(voucher, owner.publicKey), voucher), undefined);
    const buyer = await cachedKeys('secp256r1', 30);
    const sold = extendVoucher(voucher, { ownerPrivateKey: owner.privateKey, nextOwner: buyer.publicKey });
    assert.equal(replacementRefusal(asOwner(sold, buyer.publicKey), voucher), undefined, 'resale');
    const again = extendVoucher({ ...voucher, entries: [] }, { ownerPrivateKey: owners[0]!.privateKey, nextOwner: owner.publicKey });
    assert.equal(replacementRefusal(asOwner(again, owner.publicKey), voucher), undefined, 'same owner, other entry bytes');
  });

  test('another manufacturer key, device chain or GUID, or a fork by a previous owner: refused', async () => {
    const { voucher, owners } = await makeVoucher(2);
    const seller = owners[1]!;
    const owner = owners[2]!;
    const otherMaker = (await makeVoucher(2, 'secp384r1')).voucher;
    assert.equal(replacementRefusal(asOwner(otherMaker, owner.publicKey), voucher), 'different manufacturer key');
    const otherChain = {
      ...voucher,
      header: { ...voucher.header, devCertChainHash: { type: HashType.SHA256, value: new Uint8Array(32) } },
    };
    assert.equal(replacementRefusal(asOwner(otherChain, owner.publicKey), voucher), 'different device certificate chain');
    const otherGuid = { ...voucher, header: { ...voucher.header, guid: new Uint8Array(16) } };
    assert.equal(replacementRefusal(asOwner(otherGuid, owner.publicKey), voucher), 'different GUID');
    const prefix = { ...voucher, entries: voucher.entries.slice(0, 1) };
    const other = await cachedKeys('secp256r1', 31);
    const fork = extendVoucher(prefix, { ownerPrivateKey: seller.privateKey, nextOwner: other.publicKey });
    assert.equal(
      replacementRefusal(asOwner(fork, other.publicKey), voucher),
      'not the registered owner, nor an extension of the registered voucher',
    );
  });

  test('a refusal is audited with the fingerprints; a registration that does not read is kept', async () => {
    const { voucher, owners } = await makeVoucher(1);
    type Entry = Parameters<AuditLog['append']>[0];
    const records: Entry[] = [];
    const replacement = storedRegistrationReplacement({
      audit: {
        append: async (e: Entry) => {
          records.push(e);
        },
      } as unknown as AuditLog,
    });
    const live = { guid: voucher.header.guid, to1d: new Uint8Array(1), voucher: encodeVoucher(voucher), expiresAt: new Date(8.64e15) };
    const stranger = await makeVoucher(1, 'secp384r1');
    const strangerOwner = stranger.owners[1]!.publicKey;
    assert.equal(await replacement({ voucher: stranger.voucher, ownerKey: strangerOwner }, live), 'different manufacturer key');
    assert.equal(await replacement({ voucher, ownerKey: owners[1]!.publicKey }, live), undefined);
    assert.equal(
      await replacement({ voucher, ownerKey: owners[1]!.publicKey }, { ...live, voucher: new Uint8Array([0x80]) }),
      'the registered voucher cannot be read',
    );
    assert.deepEqual(
      records.map((r) => [r.action, r.details?.['reason']]),
      [
        [REGISTRATION_REFUSED_ACTION, 'different manufacturer key'],
        [REGISTRATION_REFUSED_ACTION, 'the registered voucher cannot be read'],
      ],
    );
    assert.deepEqual(records[0]?.details, {
      reason: 'different manufacturer key',
      manufacturerKey: publicKeyFingerprint(stranger.voucher.header.pubKey),
      ownerKey: publicKeyFingerprint(strangerOwner),
      entries: 1,
      registeredManufacturerKey: publicKeyFingerprint(voucher.header.pubKey),
      registeredOwnerKey: publicKeyFingerprint(owners[1]!.publicKey),
      registeredEntries: 1,
    });
    assert.equal(parseVoucher(live.voucher).entries.length, 1);
  });
});
