/** Creating vouchers and extending them to every supported owner key type and encoding. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Algorithm } from '../../../src/codec/cose/algorithms.ts';
import type { KeyPairType } from '../../../src/crypto/key-generate.ts';
import {
  HashType,
  PublicKeyEncoding,
  type PublicKeyEncodingNumber,
  PublicKeyType,
  type PublicKeyTypeNumber,
} from '../../../src/fdo/constants/crypto.ts';
import { publicKeyFromKeyObject, publicKeyToKeyObject, samePublicKey } from '../../../src/fdo/types/public-key.ts';
import { VoucherError } from '../../../src/fdo/voucher/voucher.ts';
import { createVoucher } from '../../../src/fdo/voucher/voucher-create.ts';
import { encodeVoucher, encodeVoucherPem } from '../../../src/fdo/voucher/voucher-encode.ts';
import { extendVoucher } from '../../../src/fdo/voucher/voucher-extend.ts';
import { voucherOwner } from '../../../src/fdo/voucher/voucher-owner.ts';
import { parseVoucher } from '../../../src/fdo/voucher/voucher-parse.ts';
import { verifyVoucher } from '../../../src/fdo/voucher/voucher-verify.ts';
import { cachedKeys } from '../../helpers/keys.ts';
import { certificateFor } from '../../helpers/pki.ts';
import { GUID, HMAC_SECRET, makeVoucher } from './helpers.ts';

const TYPES: [string, PublicKeyTypeNumber, KeyPairType, number][] = [
  ['SECP256R1', PublicKeyType.SECP256R1, 'secp256r1', Algorithm.ES256],
  ['SECP384R1', PublicKeyType.SECP384R1, 'secp384r1', Algorithm.ES384],
  ['RSA2048RESTR', PublicKeyType.RSA2048RESTR, 'rsa2048', Algorithm.RS256],
  ['RSAPKCS 2048', PublicKeyType.RSAPKCS, 'rsa2048', Algorithm.RS256],
  ['RSAPKCS 3072', PublicKeyType.RSAPKCS, 'rsa3072', Algorithm.RS384],
  ['RSAPSS 2048', PublicKeyType.RSAPSS, 'rsa2048', Algorithm.PS256],
  ['RSAPSS 3072', PublicKeyType.RSAPSS, 'rsa3072', Algorithm.PS384],
];
const ENCODINGS: [string, PublicKeyEncodingNumber][] = [
  ['X509', PublicKeyEncoding.X509],
  ['X5CHAIN', PublicKeyEncoding.X5CHAIN],
  ['COSEKEY', PublicKeyEncoding.COSEKEY],
  ['Crypto', PublicKeyEncoding.Crypto],
];

describe('extendVoucher to every key type and encoding', () => {
  for (const [name, type, kind, alg] of TYPES) {
    for (const [encName, encoding] of ENCODINGS) {
      test(`${name} as ${encName}: round-trips, verifies, and signs the next entry with ${Object.entries(Algorithm).find(([, a]) => a === alg)?.[0]}`, async () => {
        const { voucher, owners } = await makeVoucher(1);
        const next = await cachedKeys(kind, 0);
        const chain = encoding === PublicKeyEncoding.X5CHAIN ? [certificateFor(next)] : undefined;
        const x = extendVoucher(voucher, {
          ownerPrivateKey: owners[1]!.privateKey,
          nextOwner: next.publicKey,
          type,
          encoding,
          ...(chain ? { chain } : {}),
        });
        const back = parseVoucher(encodeVoucherPem(x));
        const owner = voucherOwner(back);
        assert.equal(owner.type, type);
        assert.equal(owner.encoding, encoding);
        assert.ok(samePublicKey(publicKeyToKeyObject(owner).key, next.publicKey));
        assert.equal(verifyVoucher(back, { hmacSecret: HMAC_SECRET, ownerKey: next.publicKey }).entries, 2);
        // The new owner's key signs the following entry with the algorithm its type calls for.
        const after = extendVoucher(back, { ownerPrivateKey: next.privateKey, nextOwner: owners[0]!.publicKey });
        assert.equal(after.entries[2]!.alg, alg);
        assert.equal(verifyVoucher(parseVoucher(encodeVoucher(after)), { ownerKey: owners[0]!.publicKey }).entries, 3);
      });
    }
  }

  test('hash types: kept from the first entry; for the first, by the device and owner key class', async () => {
    const p384 = await cachedKeys('secp384r1', 0);
    const dev384 = await cachedKeys('secp384r1', 4);
    const base = {
      guid: GUID,
      rvInfo: [],
      deviceInfo: 'd',
      manufacturerKey: publicKeyFromKeyObject(p384.publicKey, { encoding: PublicKeyEncoding.X509 }),
      hmac: { secret: HMAC_SECRET },
    };
    const strong = createVoucher({ ...base, devCertChain: [certificateFor(dev384)] });
    assert.equal(strong.header.devCertChainHash!.type, HashType.SHA384);
    assert.equal(strong.headerHmac.type, HashType.HMAC_SHA384);
    const e1 = extendVoucher(strong, { ownerPrivateKey: p384.privateKey, nextOwner: (await cachedKeys('secp256r1', 1)).publicKey });
    assert.equal(e1.entries[0]!.payload.hashPrevEntry.type, HashType.SHA384);
    const e2 = extendVoucher(e1, { ownerPrivateKey: (await cachedKeys('secp256r1', 1)).privateKey, nextOwner: p384.publicKey });
    assert.equal(e2.entries[1]!.payload.hashPrevEntry.type, HashType.SHA384);
    const weak = createVoucher({ ...base, devCertChain: [certificateFor(await cachedKeys('secp256r1', 9))] });
    assert.equal(weak.headerHmac.type, HashType.HMAC_SHA256);
    assert.equal(
      extendVoucher(weak, { ownerPrivateKey: p384.privateKey, nextOwner: p384.publicKey }).entries[0]!.payload.hashPrevEntry.type,
      HashType.SHA256,
    );
    const chosen = extendVoucher(weak, { ownerPrivateKey: p384.privateKey, nextOwner: p384.publicKey, hashType: HashType.SHA384 });
    assert.doesNotThrow(() => verifyVoucher(chosen, { hmacSecret: HMAC_SECRET }));
  });

  test('a device without a certificate chain (null chain and hash), extra info, and an HMAC from the device', async () => {
    const mfg = await cachedKeys('secp256r1', 0);
    const v = createVoucher({
      guid: GUID,
      rvInfo: [],
      deviceInfo: 'epid-like',
      manufacturerKey: publicKeyFromKeyObject(mfg.publicKey, { encoding: PublicKeyEncoding.COSEKEY }),
      devCertChain: null,
      hmac: { type: HashType.HMAC_SHA256, value: new Uint8Array(32) },
    });
    const x = extendVoucher(v, { ownerPrivateKey: mfg.privateKey, nextOwner: mfg.publicKey, extra: new Map([[1, Uint8Array.of(9)]]) });
    const back = parseVoucher(encodeVoucher(x));
    assert.equal(back.devCertChain, null);
    assert.deepEqual(back.entries[0]!.payload.extra, new Map([[1, Uint8Array.of(9)]]));
    assert.equal(verifyVoucher(back).entries, 1);
  });

  test('misuse and a wrong signer', async () => {
    const { voucher, owners } = await makeVoucher(1);
    assert.throws(() => extendVoucher(voucher, { ownerPrivateKey: owners[1]!.publicKey, nextOwner: owners[0]!.publicKey }), TypeError);
    assert.throws(
      () => extendVoucher(voucher, { ownerPrivateKey: owners[0]!.privateKey, nextOwner: owners[0]!.publicKey }),
      (e: unknown) => e instanceof VoucherError && e.code === 'ERR_FDO_VOUCHER_OWNER_MISMATCH',
    );
    assert.throws(
      () =>
        extendVoucher(voucher, { ownerPrivateKey: owners[1]!.privateKey, nextOwner: owners[0]!.publicKey, hashType: HashType.HMAC_SHA256 }),
      TypeError,
    );
    assert.throws(
      () =>
        extendVoucher(voucher, {
          ownerPrivateKey: owners[1]!.privateKey,
          nextOwner: owners[0]!.publicKey,
          encoding: PublicKeyEncoding.X5CHAIN,
        }),
      TypeError,
    );
  });
});
