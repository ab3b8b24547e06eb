/**
 * Independent verification with go-fdo: a small Go program of ours (main.go, built here) checks
 * vouchers IoTopia creates and extends, and creates a voucher IoTopia checks. Skipped, saying why,
 * when Go is not installed or go-fdo cannot be downloaded from the Go module proxy.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { exportPublicKey } from '../../../src/crypto/key-export.ts';
import type { KeyPairType } from '../../../src/crypto/key-generate.ts';
import { importPrivateKey } from '../../../src/crypto/key-import.ts';
import {
  PublicKeyEncoding,
  type PublicKeyEncodingNumber,
  PublicKeyType,
  type PublicKeyTypeNumber,
} from '../../../src/fdo/constants/crypto.ts';
import type { OwnershipVoucher } from '../../../src/fdo/voucher/voucher.ts';
import { encodeVoucher, encodeVoucherPem } from '../../../src/fdo/voucher/voucher-encode.ts';
import { extendVoucher } from '../../../src/fdo/voucher/voucher-extend.ts';
import { parseVoucher } from '../../../src/fdo/voucher/voucher-parse.ts';
import { verifyVoucher } from '../../../src/fdo/voucher/voucher-verify.ts';
import { HMAC_SECRET, makeVoucher } from '../../fdo/voucher/helpers.ts';
import { buildGoProgram } from '../../helpers/go.ts';
import { cachedKeys } from '../../helpers/keys.ts';
import { certificateFor } from '../../helpers/pki.ts';
import { vectorPath } from '../../helpers/vectors.ts';

const SRC = import.meta.dirname;
const work = mkdtempSync(join(tmpdir(), 'iotopia-go-voucher-'));

const built = buildGoProgram({ src: SRC, bin: join(work, 'go-voucher'), tests: 'go-fdo interop', program: 'the interop program' });

function goVerify(
  file: string,
  secret?: Uint8Array,
  ownerPem?: string,
): { ok: boolean; entries?: number; hmacChecked?: boolean; ownerChecked?: boolean; error?: string } {
  const args = ['verify', file, secret === undefined ? '-' : Buffer.from(secret).toString('hex'), ownerPem ?? '-'];
  const r = spawnSync(built.bin!, args, { encoding: 'utf8', timeout: 60_000 });
  return JSON.parse(r.stdout);
}

let n = 0;
const save = (v: OwnershipVoucher, pem = true) => {
  const f = join(work, `v${n++}.${pem ? 'pem' : 'cbor'}`);
  writeFileSync(f, pem ? encodeVoucherPem(v) : encodeVoucher(v));
  return f;
};
const savePub = (k: Parameters<typeof exportPublicKey>[0]) => {
  const f = join(work, `k${n++}.pem`);
  writeFileSync(f, exportPublicKey(k, 'spki-pem'));
  return f;
};

describe('go-fdo verifies IoTopia vouchers, IoTopia verifies go-fdo vouchers', { skip: built.skip ?? false }, () => {
  test('a voucher IoTopia created and extended twice: entries, signatures, hashes, HMAC, owner', async () => {
    const { voucher, owners } = await makeVoucher(2);
    for (const pem of [true, false]) {
      const r = goVerify(save(voucher, pem), HMAC_SECRET, savePub(owners[2]!.publicKey));
      assert.deepEqual(r, { ok: true, entries: 2, hmacChecked: true, ownerChecked: true });
    }
    assert.equal(goVerify(save(voucher), new Uint8Array(32)).ok, false, 'a wrong secret must fail in go-fdo too');
    const tampered = { ...voucher, entries: [voucher.entries[1]!] };
    assert.equal(goVerify(save(tampered)).ok, false, 'a broken entry chain must fail in go-fdo too');
  });

  const cases: [string, KeyPairType, PublicKeyTypeNumber, PublicKeyEncodingNumber][] = [
    ['SECP384R1 X509', 'secp384r1', PublicKeyType.SECP384R1, PublicKeyEncoding.X509],
    ['SECP256R1 COSEKEY', 'secp256r1', PublicKeyType.SECP256R1, PublicKeyEncoding.COSEKEY],
    ['SECP384R1 X5CHAIN', 'secp384r1', PublicKeyType.SECP384R1, PublicKeyEncoding.X5CHAIN],
    ['RSA2048RESTR X509', 'rsa2048', PublicKeyType.RSA2048RESTR, PublicKeyEncoding.X509],
    ['RSAPKCS 3072 X509', 'rsa3072', PublicKeyType.RSAPKCS, PublicKeyEncoding.X509],
    ['RSAPSS 2048 X509', 'rsa2048', PublicKeyType.RSAPSS, PublicKeyEncoding.X509],
  ];
  for (const [name, kind, type, encoding] of cases) {
    test(`extended to ${name}, and on by that owner: go-fdo follows the entry chain`, async () => {
      const { voucher, owners } = await makeVoucher(1);
      const next = await cachedKeys(kind, 1);
      const chain = encoding === PublicKeyEncoding.X5CHAIN ? [certificateFor(next)] : undefined;
      const x = extendVoucher(voucher, {
        ownerPrivateKey: owners[1]!.privateKey,
        nextOwner: next.publicKey,
        type,
        encoding,
        ...(chain ? { chain } : {}),
      });
      const last = await cachedKeys('secp256r1', 3);
      const y = extendVoucher(x, { ownerPrivateKey: next.privateKey, nextOwner: last.publicKey });
      assert.deepEqual(goVerify(save(x), HMAC_SECRET, savePub(next.publicKey)), {
        ok: true,
        entries: 2,
        hmacChecked: true,
        ownerChecked: true,
      });
      assert.deepEqual(goVerify(save(y), HMAC_SECRET, savePub(last.publicKey)), {
        ok: true,
        entries: 3,
        hmacChecked: true,
        ownerChecked: true,
      });
    });
  }

  test("the shared go-fdo voucher, extended by IoTopia with go-fdo's manufacturer key", {
    skip: vectorPath('fdo') === undefined,
  }, async () => {
    const dir = vectorPath('fdo')!;
    const v = parseVoucher(readFileSync(join(dir, 'go-fdo-ov.pem')));
    const next = await cachedKeys('secp384r1', 2);
    const x = extendVoucher(v, {
      ownerPrivateKey: importPrivateKey(readFileSync(join(dir, 'go-fdo-mfg_key.pem'))),
      nextOwner: next.publicKey,
    });
    const secret = Buffer.from('6ac6578a647f8e90c4322c63625fd6b0afebbe7b1d6731750d53cc9b7796128a', 'hex');
    assert.deepEqual(goVerify(save(x), secret, savePub(next.publicKey)), { ok: true, entries: 1, hmacChecked: true, ownerChecked: true });
  });

  test('a voucher go-fdo created and extended twice verifies in IoTopia, HMAC and owner included', () => {
    const dir = join(work, 'from-go');
    mkdirSync(dir);
    const r = spawnSync(built.bin!, ['create', dir], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const v = parseVoucher(readFileSync(join(dir, 'voucher.pem')));
    const owner = importPrivateKey(readFileSync(join(dir, 'owner.pem')));
    const secret = Buffer.from(readFileSync(join(dir, 'secret.hex'), 'utf8'), 'hex');
    const result = verifyVoucher(v, { hmacSecret: secret, ownerKey: owner });
    assert.equal(result.entries, 2);
    assert.deepEqual(encodeVoucherPem(v).replace(/\s/g, ''), readFileSync(join(dir, 'voucher.pem'), 'utf8').replace(/\s/g, ''));
    assert.throws(() => verifyVoucher(v, { hmacSecret: new Uint8Array(32) }), /ERR_FDO_VOUCHER_HMAC|OVHeaderHMac/);
  });
});
