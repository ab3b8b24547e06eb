/** Every field of a voucher, changed, is caught by verifyVoucher with its own code and entry. */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { decode, encode, Tag } from '../../../src/codec/cbor.ts';
import { signSign1 } from '../../../src/codec/cose/sign1.ts';
import { HashType, PublicKeyEncoding } from '../../../src/fdo/constants/crypto.ts';
import { ErrorCode } from '../../../src/fdo/constants/error-codes.ts';
import { encodeHash, type FdoHash, hashBytes } from '../../../src/fdo/types/hash.ts';
import { encodePublicKey, type FdoPublicKey, publicKeyFromKeyObject, signatureAlgorithmFor } from '../../../src/fdo/types/public-key.ts';
import { type OVEntryPayload, type OwnershipVoucher, VoucherError } from '../../../src/fdo/voucher/voucher.ts';
import { encodeVoucher } from '../../../src/fdo/voucher/voucher-encode.ts';
import { extendVoucher } from '../../../src/fdo/voucher/voucher-extend.ts';
import { encodeVoucherHeader } from '../../../src/fdo/voucher/voucher-header.ts';
import { parseVoucher } from '../../../src/fdo/voucher/voucher-parse.ts';
import { type VerifyVoucherOptions, verifyVoucher } from '../../../src/fdo/voucher/voucher-verify.ts';
import { cachedKeys } from '../../helpers/keys.ts';
import { certificateFor } from '../../helpers/pki.ts';
import { GUID, HMAC_SECRET, makeVoucher, type VoucherFixture } from './helpers.ts';

let fx: VoucherFixture;
before(async () => {
  fx = await makeVoucher(2);
});

/** Through the real encoder and parser, as a tampered file would arrive. */
const reparse = (v: OwnershipVoucher) => parseVoucher(encodeVoucher(v));

function fails(v: OwnershipVoucher, code: string, entryIndex?: number, options: VerifyVoucherOptions = {}): void {
  assert.throws(
    () => verifyVoucher(reparse(v), options),
    (e: unknown) => {
      assert.ok(e instanceof VoucherError, String(e));
      assert.equal(e.code, code, e.message);
      assert.equal(e.fdoCode, ErrorCode.INVALID_OWNERSHIP_VOUCHER);
      assert.equal(e.entryIndex, entryIndex);
      return true;
    },
  );
}

const withHeader = (v: OwnershipVoucher, change: Partial<OwnershipVoucher['header']>): OwnershipVoucher => ({
  ...v,
  raw: { ...v.raw, header: encodeVoucherHeader({ ...v.header, ...change }) },
});

const withEntryRaw = (v: OwnershipVoucher, i: number, raw: Uint8Array): OwnershipVoucher => ({
  ...v,
  entries: v.entries.map((e, j) => (j === i ? { ...e, raw } : e)),
});

/** Entry i rebuilt from `payload` and signed by `signer` (by default its rightful signer). */
function resigned(i: number, change: Partial<OVEntryPayload> & { pubKeyValue?: unknown }, signer = fx.owners[i]!.privateKey): Uint8Array {
  const p = { ...fx.voucher.entries[i]!.payload, ...change };
  const payload = encode([encodeHash(p.hashPrevEntry), encodeHash(p.hashHdrInfo), null, change.pubKeyValue ?? encodePublicKey(p.pubKey)]);
  const alg = signatureAlgorithmFor(fx.voucher.header.pubKey.type, signer);
  return signSign1({ payload, key: signer, protectedHeaders: new Map([[1, alg]]), unprotectedHeaders: new Map(), tagged: true });
}

const wrongHash = (h: FdoHash): FdoHash => hashBytes(h.type, Uint8Array.of(1, 2, 3));

describe('voucher tampering', () => {
  test('the untouched voucher verifies with secret, owner key and device chain', () => {
    const r = verifyVoucher(reparse(fx.voucher), {
      hmacSecret: HMAC_SECRET,
      ownerKey: fx.owners[2]!.publicKey,
      deviceChain: { time: new Date('2030-01-01T00:00:00Z') },
    });
    assert.equal(r.entries, 2);
    assert.equal(r.hmacChecked, true);
    assert.equal(r.deviceChainChecked, true);
  });

  test('header fields: the HMAC catches each; without the secret the entry chain does', async () => {
    const other = publicKeyFromKeyObject((await cachedKeys('secp256r1', 7)).publicKey, { encoding: PublicKeyEncoding.X509 });
    const changes: [string, Partial<OwnershipVoucher['header']>, string, number | undefined][] = [
      ['OVGuid', { guid: new Uint8Array(16) }, 'ERR_FDO_VOUCHER_ENTRY_PREV_HASH', 0],
      ['OVRVInfo', { rvInfo: [] }, 'ERR_FDO_VOUCHER_ENTRY_PREV_HASH', 0],
      ['OVDeviceInfo', { deviceInfo: 'another device' }, 'ERR_FDO_VOUCHER_ENTRY_PREV_HASH', 0],
      ['OVPubKey', { pubKey: other }, 'ERR_FDO_VOUCHER_ENTRY_SIGNATURE', 0],
      ['OVDevCertChainHash', { devCertChainHash: wrongHash(fx.voucher.header.devCertChainHash!) }, 'ERR_FDO_VOUCHER_CHAIN_HASH', undefined],
    ];
    for (const [field, change, codeWithoutSecret, index] of changes) {
      const v = withHeader(fx.voucher, change);
      assert.doesNotThrow(() => reparse(v), field);
      fails(v, 'ERR_FDO_VOUCHER_HMAC', undefined, { hmacSecret: HMAC_SECRET });
      fails(v, codeWithoutSecret, index);
    }
    assert.throws(
      () => reparse(withHeader(fx.voucher, { protVer: 100 })),
      (e: unknown) => (e as VoucherError).code === 'ERR_FDO_VOUCHER_VERSION',
    );
  });

  test('header HMAC: value or type changed', () => {
    const hmac = fx.voucher.headerHmac;
    const flipped = { ...hmac, value: hmac.value.map((b, i) => (i === 0 ? b ^ 1 : b)) };
    const v = { ...fx.voucher, raw: { ...fx.voucher.raw, headerHmac: encode(encodeHash(flipped)) } };
    fails(v, 'ERR_FDO_VOUCHER_HMAC', undefined, { hmacSecret: HMAC_SECRET });
    fails(v, 'ERR_FDO_VOUCHER_ENTRY_PREV_HASH', 0);
    const retyped = { ...fx.voucher, raw: { ...fx.voucher.raw, headerHmac: encode([HashType.HMAC_SHA384, new Uint8Array(48)]) } };
    fails(retyped, 'ERR_FDO_VOUCHER_HMAC', undefined, { hmacSecret: HMAC_SECRET });
    fails(fx.voucher, 'ERR_FDO_VOUCHER_HMAC', undefined, { hmacSecret: new Uint8Array(32) });
  });

  test('device certificate chain: a certificate changed, one added, the chain removed', () => {
    const chain = fx.voucher.devCertChain!;
    const flipped = chain.map((c, i) => (i === 0 ? c.map((b, j) => (j === c.length - 5 ? b ^ 1 : b)) : c));
    fails({ ...fx.voucher, raw: { ...fx.voucher.raw, devCertChain: encode(flipped) } }, 'ERR_FDO_VOUCHER_CHAIN_HASH');
    fails({ ...fx.voucher, raw: { ...fx.voucher.raw, devCertChain: encode([...chain, chain[1]]) } }, 'ERR_FDO_VOUCHER_CHAIN_HASH');
    fails({ ...fx.voucher, raw: { ...fx.voucher.raw, devCertChain: encode(null) } }, 'ERR_FDO_VOUCHER_CHAIN_HASH');
    fails({ ...fx.voucher, raw: { ...fx.voucher.raw, devCertChain: encode(chain.slice(1)) } }, 'ERR_FDO_VOUCHER_CHAIN_HASH');
  });

  test('device chain validation, when asked for', async () => {
    const ca = certificateFor(await cachedKeys('secp256r1', 8), { ca: true, commonName: 'IoTopia test CA' });
    const stranger = certificateFor(await cachedKeys('secp256r1', 6), { ca: true, commonName: 'another CA' });
    assert.doesNotThrow(() => verifyVoucher(fx.voucher, { deviceChain: { time: new Date('2030-01-01T00:00:00Z'), trustAnchors: [ca] } }));
    fails(fx.voucher, 'ERR_FDO_VOUCHER_DEVICE_CHAIN', undefined, {
      deviceChain: { time: new Date('2030-01-01T00:00:00Z'), trustAnchors: [stranger] },
    });
    fails(fx.voucher, 'ERR_FDO_VOUCHER_DEVICE_CHAIN', undefined, { deviceChain: { time: new Date('2050-01-01T00:00:00Z') } });
  });

  for (const i of [0, 1]) {
    test(`entry ${i}: previous-entry hash, header-info hash, key, signature, signer`, async () => {
      const e = fx.voucher.entries[i]!.payload;
      fails(withEntryRaw(fx.voucher, i, resigned(i, { hashPrevEntry: wrongHash(e.hashPrevEntry) })), 'ERR_FDO_VOUCHER_ENTRY_PREV_HASH', i);
      fails(withEntryRaw(fx.voucher, i, resigned(i, { hashHdrInfo: wrongHash(e.hashHdrInfo) })), 'ERR_FDO_VOUCHER_ENTRY_HDRINFO_HASH', i);
      // Header info hashed in another order than GUID then DeviceInfo.
      const swapped = hashBytes(e.hashHdrInfo.type, new TextEncoder().encode('IoTopia test device'), GUID);
      fails(withEntryRaw(fx.voucher, i, resigned(i, { hashHdrInfo: swapped })), 'ERR_FDO_VOUCHER_ENTRY_HDRINFO_HASH', i);

      // The payload's key changed after signing: the signature no longer covers it.
      const intruder: FdoPublicKey = publicKeyFromKeyObject((await cachedKeys('secp256r1', 7)).publicKey, {
        encoding: PublicKeyEncoding.X509,
      });
      const cose = decode(fx.voucher.entries[i]!.raw) as Tag;
      const parts = cose.value as unknown[];
      const forged = encode(
        new Tag(
          [parts[0], parts[1], encode([encodeHash(e.hashPrevEntry), encodeHash(e.hashHdrInfo), null, encodePublicKey(intruder)]), parts[3]],
          18,
        ),
      );
      fails(withEntryRaw(fx.voucher, i, forged), 'ERR_FDO_VOUCHER_ENTRY_SIGNATURE', i);
      // Signed anew by the rightful owner: the next entry's signature (or the owner check) fails.
      const rekeyed = withEntryRaw(fx.voucher, i, resigned(i, { pubKey: intruder }));
      if (i === 0) fails(rekeyed, 'ERR_FDO_VOUCHER_ENTRY_SIGNATURE', 1);
      else fails(rekeyed, 'ERR_FDO_VOUCHER_OWNER_MISMATCH', undefined, { ownerKey: fx.owners[2]!.publicKey });
      // A key that does not decode.
      fails(
        withEntryRaw(fx.voucher, i, resigned(i, { pubKeyValue: [10, 1, Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x01)] })),
        'ERR_FDO_VOUCHER_PUBLIC_KEY',
        i,
      );

      const sig = parts[3] as Uint8Array;
      const badSig = encode(new Tag([parts[0], parts[1], parts[2], sig.map((b, j) => (j === 3 ? b ^ 0x80 : b))], 18));
      fails(withEntryRaw(fx.voucher, i, badSig), 'ERR_FDO_VOUCHER_ENTRY_SIGNATURE', i);
      fails(withEntryRaw(fx.voucher, i, resigned(i, {}, fx.owners[i + 1]!.privateKey)), 'ERR_FDO_VOUCHER_ENTRY_SIGNATURE', i);
    });
  }

  test('entries removed or reordered', () => {
    fails({ ...fx.voucher, entries: [fx.voucher.entries[1]!] }, 'ERR_FDO_VOUCHER_ENTRY_SIGNATURE', 0);
    fails({ ...fx.voucher, entries: [fx.voucher.entries[1]!, fx.voucher.entries[0]!] }, 'ERR_FDO_VOUCHER_ENTRY_SIGNATURE', 0);
    // Truncating the chain of entries is valid, but hands the device to an earlier owner.
    const truncated = { ...fx.voucher, entries: [fx.voucher.entries[0]!] };
    fails(truncated, 'ERR_FDO_VOUCHER_OWNER_MISMATCH', undefined, { ownerKey: fx.owners[2]!.publicKey });
  });

  test('an untagged entry is malformed', () => {
    const parts = (decode(fx.voucher.entries[0]!.raw) as Tag).value;
    assert.throws(
      () => reparse(withEntryRaw(fx.voucher, 0, encode(parts))),
      (e: unknown) =>
        e instanceof VoucherError &&
        e.code === 'ERR_FDO_VOUCHER_MALFORMED' &&
        e.entryIndex === 0 &&
        e.fdoCode === ErrorCode.MESSAGE_BODY_ERROR,
    );
  });

  test('the wrong owner key, and the device credential checks', async () => {
    fails(fx.voucher, 'ERR_FDO_VOUCHER_OWNER_MISMATCH', undefined, { ownerKey: fx.owners[1]!.publicKey });
    const pubKeyHash = hashBytes(HashType.SHA256, fx.voucher.raw.pubKey);
    assert.doesNotThrow(() => verifyVoucher(fx.voucher, { deviceCredential: { guid: GUID, pubKeyHash, hmacSecret: HMAC_SECRET } }));
    fails(fx.voucher, 'ERR_FDO_VOUCHER_GUID_MISMATCH', undefined, { deviceCredential: { guid: new Uint8Array(16), pubKeyHash } });
    fails(fx.voucher, 'ERR_FDO_VOUCHER_MFG_KEY_HASH', undefined, { deviceCredential: { guid: GUID, pubKeyHash: wrongHash(pubKeyHash) } });
    fails(fx.voucher, 'ERR_FDO_VOUCHER_HMAC', undefined, { deviceCredential: { guid: GUID, pubKeyHash, hmacSecret: new Uint8Array(32) } });
    const p384 = extendVoucher(fx.voucher, {
      ownerPrivateKey: fx.owners[2]!.privateKey,
      nextOwner: (await cachedKeys('secp384r1', 3)).publicKey,
    });
    assert.doesNotThrow(() => verifyVoucher(p384));
    fails(p384, 'ERR_FDO_VOUCHER_KEY_TYPE', 2, { uniformKeyTypes: true });
  });
});
