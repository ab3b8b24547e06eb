/** Entry signatures known to verify: kept by exact bytes, owner key and pkType, never for a token signature unverified. */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { type KeyHandle, signWith } from '../../../src/crypto/private-key-handle.ts';
import { PublicKeyType } from '../../../src/fdo/constants/crypto.ts';
import { isKnownEntrySignature } from '../../../src/fdo/voucher/entry-signatures.ts';
import { extendVoucher } from '../../../src/fdo/voucher/voucher-extend.ts';
import { verifyVoucher } from '../../../src/fdo/voucher/voucher-verify.ts';
import { cachedKeys } from '../../helpers/keys.ts';
import { makeVoucher, type VoucherFixture } from './helpers.ts';

let fx: VoucherFixture;
before(async () => {
  fx = await makeVoucher(1);
});

test('an entry signed with a software key is known under that key and pkType only', async () => {
  const entry = fx.voucher.entries[0]!.raw;
  const signer = fx.owners[0]!.publicKey;
  assert.equal(isKnownEntrySignature(entry, signer, PublicKeyType.SECP256R1), true);
  assert.equal(isKnownEntrySignature(entry, fx.owners[1]!.publicKey, PublicKeyType.SECP256R1), false);
  assert.equal(isKnownEntrySignature(entry, signer, PublicKeyType.SECP384R1), false);
  const changed = entry.slice();
  changed[changed.length - 1] = (changed[changed.length - 1] as number) ^ 1;
  assert.equal(isKnownEntrySignature(changed, signer, PublicKeyType.SECP256R1), false);
});

test('an entry a keystore handle signed is verified when first met, and known after', async () => {
  const owner = fx.owners[1]!;
  const handle: KeyHandle = {
    backend: 'test',
    name: 'owner',
    publicKey: owner.publicKey,
    sign: (request, data) => signWith(owner.privateKey, request, data),
  };
  const next = await cachedKeys('secp256r1', 5);
  const extended = extendVoucher(fx.voucher, { ownerPrivateKey: handle, nextOwner: next.publicKey });
  const entry = extended.entries[1]!.raw;
  assert.equal(isKnownEntrySignature(entry, owner.publicKey, PublicKeyType.SECP256R1), false);
  verifyVoucher(extended);
  assert.equal(isKnownEntrySignature(entry, owner.publicKey, PublicKeyType.SECP256R1), true);
});
