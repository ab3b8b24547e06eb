/** The shared vectors of ../shared/vectors/fdo: vouchers from go-fdo and fido-device-onboard-rs. */
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { importPrivateKey } from '../../../src/crypto/key-import.ts';
import { PublicKeyType } from '../../../src/fdo/constants/crypto.ts';
import { ErrorCode } from '../../../src/fdo/constants/error-codes.ts';
import { importGoFdoCredential } from '../../../src/fdo/credential/credential-import-go-fdo.ts';
import { samePublicKey } from '../../../src/fdo/types/public-key.ts';
import { VoucherError } from '../../../src/fdo/voucher/voucher.ts';
import { encodeVoucher } from '../../../src/fdo/voucher/voucher-encode.ts';
import { extendVoucher } from '../../../src/fdo/voucher/voucher-extend.ts';
import { inspectVoucher } from '../../../src/fdo/voucher/voucher-inspect.ts';
import { parseVoucher } from '../../../src/fdo/voucher/voucher-parse.ts';
import { verifyVoucher } from '../../../src/fdo/voucher/voucher-verify.ts';
import { cachedKeys } from '../../helpers/keys.ts';
import { vectorPath, vectorsMissing } from '../../helpers/vectors.ts';

const dir = vectorPath('fdo');
const read = (name: string) => readFileSync(`${dir}/${name}`);
const rejects = (code: string) => (e: unknown) =>
  e instanceof VoucherError && e.code === code && e.fdoCode === ErrorCode.INVALID_OWNERSHIP_VOUCHER;

describe('shared FDO vectors', { skip: dir === undefined ? vectorsMissing('fdo') : false }, () => {
  test('go-fdo: the voucher verifies, including its header HMAC under the secret of go-fdo-dc.bin', () => {
    const v = parseVoucher(read('go-fdo-ov.pem'));
    const dc = importGoFdoCredential(read('go-fdo-dc.bin'));
    assert.equal(dc.hmacSecret.length, 32);
    assert.deepEqual(dc.guid, v.header.guid);
    const r = verifyVoucher(v, { deviceCredential: dc });
    assert.equal(r.hmacChecked, true);
    assert.equal(r.entries, 0);
    assert.equal(v.header.pubKey.type, PublicKeyType.SECP384R1);
    // The device key in the credential is the key of the first device certificate.
    assert.ok(
      samePublicKey(createPublicKey(importPrivateKey((dc.deviceKey as { pkcs8: Uint8Array }).pkcs8)), r.deviceCertificates![0]!.publicKey),
    );
    assert.throws(() => verifyVoucher(v, { hmacSecret: new Uint8Array(32) }), rejects('ERR_FDO_VOUCHER_HMAC'));
  });

  test('go-fdo: byte for byte through parse and encode', () => {
    const v = parseVoucher(read('go-fdo-ov.pem'));
    const text = read('go-fdo-ov.pem').toString('latin1');
    const b64 = (/-----BEGIN OWNERSHIP VOUCHER-----([^-]*)-----END/.exec(text)?.[1] ?? '').replace(/\s+/g, '');
    assert.deepEqual(encodeVoucher(v), new Uint8Array(Buffer.from(b64, 'base64')));
  });

  test('go-fdo: extended with the manufacturer key to a fresh key, the voucher verifies and names the new owner', async () => {
    const v = parseVoucher(read('go-fdo-ov.pem'));
    const mfg = importPrivateKey(read('go-fdo-mfg_key.pem'));
    const next = await cachedKeys('secp384r1', 5);
    const x = extendVoucher(v, { ownerPrivateKey: mfg, nextOwner: next.publicKey });
    const again = parseVoucher(encodeVoucher(x));
    const r = verifyVoucher(again, { deviceCredential: importGoFdoCredential(read('go-fdo-dc.bin')), ownerKey: next.publicKey });
    assert.equal(r.entries, 1);
    assert.throws(() => verifyVoucher(again, { ownerKey: mfg }), rejects('ERR_FDO_VOUCHER_OWNER_MISMATCH'));
    // The manufacturer key is no longer the owner: it cannot extend again.
    assert.throws(
      () => extendVoucher(again, { ownerPrivateKey: mfg, nextOwner: next.publicKey }),
      rejects('ERR_FDO_VOUCHER_OWNER_MISMATCH'),
    );
  });

  test('fido-device-onboard-rs: the voucher with 2 entries verifies', () => {
    const v = parseVoucher(read('fdo-rs-v101-voucher2.pem'));
    const r = verifyVoucher(v);
    assert.equal(r.entries, 2);
    const s = inspectVoucher(v);
    assert.equal(s.entries.length, 2);
    assert.equal(s.entries[1]!.signatureAlgorithm, 'ES256');
    assert.equal(s.currentOwner.fingerprint, s.entries[1]!.ownerKey.fingerprint);
  });

  test('negative: a chain hash made by the legacy rule is rejected as a chain-hash mismatch', () => {
    const v = parseVoucher(read('negative/fdo-rs-v101-voucher1-legacy-chain-hash.pem'));
    assert.throws(() => verifyVoucher(v), rejects('ERR_FDO_VOUCHER_CHAIN_HASH'));
  });

  test('negative: the FDO 1.0 layout is rejected as an unsupported version', () => {
    assert.throws(
      () => parseVoucher(read('negative/fdo-rs-v100-voucher1-fdo10-layout.pem')),
      (e: unknown) => rejects('ERR_FDO_VOUCHER_VERSION')(e) && /FDO 1\.0 layout/.test((e as Error).message),
    );
  });
});
