import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { exportPrivateKey, exportPublicKey } from '../../src/crypto/key-export.ts';
import { HashType } from '../../src/fdo/constants/crypto.ts';
import { encodeDeviceCredential } from '../../src/fdo/credential/credential-encode.ts';
import { hashBytes } from '../../src/fdo/types/hash.ts';
import { encodeVoucher, encodeVoucherPem } from '../../src/fdo/voucher/voucher-encode.ts';
import { parseVoucher } from '../../src/fdo/voucher/voucher-parse.ts';
import { GUID, HMAC_SECRET, makeVoucher, type VoucherFixture } from '../fdo/voucher/helpers.ts';
import { runCli } from '../helpers/cli.ts';
import { cachedKeys as keys } from '../helpers/keys.ts';
import { vectorPath, vectorsMissing } from '../helpers/vectors.ts';

const run = (args: string[]) => runCli(args, process.cwd());

const dir = mkdtempSync(join(tmpdir(), 'iotopia-voucher-cli-'));
const file = (name: string, data: string | Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
};
let fx: VoucherFixture;
let voucherPem: string;
let voucherCbor: string;
let owner2Pub: string;
let owner2Key: string;
before(async () => {
  fx = await makeVoucher(2);
  voucherPem = file('v.pem', encodeVoucherPem(fx.voucher));
  voucherCbor = file('v.cbor', encodeVoucher(fx.voucher));
  owner2Pub = file('owner2.pub.pem', exportPublicKey(fx.owners[2]!.publicKey, 'spki-pem'));
  owner2Key = file('owner2.key.pem', exportPrivateKey(fx.owners[2]!.privateKey, 'pkcs8-pem'));
});

describe('iotopia voucher', () => {
  test('inspect: text and --json, PEM or CBOR', async () => {
    const t = await run(['voucher', 'inspect', voucherPem]);
    assert.equal(t.code, 0, t.err);
    assert.match(t.out, /GUID\s+01020304-0506-0708-090a-0b0c0d0e0f10/);
    assert.match(t.out, /entry 1 .*ES256 SHA256 -> SECP256R1 X509/);
    const j = await run(['voucher', 'inspect', '--json', voucherCbor]);
    assert.equal(j.code, 0, j.err);
    assert.equal(JSON.parse(j.out).entries.length, 2);
  });

  test('verify: ok (exit 0) with secret and owner key, JSON output', async () => {
    const r = await run([
      'voucher',
      'verify',
      voucherPem,
      '--hmac-secret',
      Buffer.from(HMAC_SECRET).toString('hex'),
      '--owner-key',
      owner2Pub,
      '--json',
    ]);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(JSON.parse(r.out), { valid: true, entries: 2, hmacChecked: true, ownerChecked: true, owner: JSON.parse(r.out).owner });
    const dc = file(
      'dc.cbor',
      encodeDeviceCredential({
        active: true,
        protVer: 101,
        hmacSecret: HMAC_SECRET,
        deviceInfo: fx.voucher.header.deviceInfo,
        guid: GUID,
        rvInfo: [],
        pubKeyHash: hashBytes(HashType.SHA256, fx.voucher.raw.pubKey),
        deviceKey: { keystoreRef: 'test' },
      }),
    );
    const d = await run(['voucher', 'verify', voucherCbor, '--device-credential', dc]);
    assert.equal(d.code, 0, d.err);
    assert.match(d.out, /header HMAC verified/);
  });

  test('verify: failed checks exit 1 and name the check, the code and the entry', async () => {
    const wrongSecret = await run(['voucher', 'verify', voucherPem, '--hmac-secret', '00'.repeat(32)]);
    assert.equal(wrongSecret.code, 1);
    assert.match(wrongSecret.err, /OVHeaderHMac .*\[ERR_FDO_VOUCHER_HMAC\]/);
    const wrongOwner = await run([
      'voucher',
      'verify',
      voucherPem,
      '--owner-key',
      file('o1.pem', exportPublicKey(fx.owners[1]!.publicKey, 'spki-pem')),
      '--json',
    ]);
    assert.equal(wrongOwner.code, 1);
    assert.equal(JSON.parse(wrongOwner.out).code, 'ERR_FDO_VOUCHER_OWNER_MISMATCH');
    const v = parseVoucher(encodeVoucher(fx.voucher));
    const raw = v.entries[1]!.raw.slice();
    raw[raw.length - 3]! ^= 1;
    const broken = file('broken.cbor', encodeVoucher({ ...v, entries: [v.entries[0]!, { ...v.entries[1]!, raw }] }));
    const b = await run(['voucher', 'verify', broken, '--json']);
    assert.equal(b.code, 1);
    assert.deepEqual([JSON.parse(b.out).code, JSON.parse(b.out).entryIndex], ['ERR_FDO_VOUCHER_ENTRY_SIGNATURE', 1]);
    assert.match((await run(['voucher', 'verify', broken])).err, /entry 1: .*\[ERR_FDO_VOUCHER_ENTRY_SIGNATURE\]/);
    const garbage = await run(['voucher', 'verify', file('garbage.bin', Uint8Array.of(0x85, 1))]);
    assert.equal(garbage.code, 1);
    assert.match(garbage.err, /ERR_FDO_VOUCHER_MALFORMED/);
  });

  test('usage errors exit 2', async () => {
    assert.equal((await run(['voucher', 'verify', voucherPem, '--hmac-secret', 'zz'])).code, 2);
    assert.equal((await run(['voucher', 'verify', voucherPem, '--hmac-secret', '00', '--device-credential', voucherPem])).code, 2);
    assert.equal((await run(['voucher', 'verify', join(dir, 'absent.pem')])).code, 2);
    assert.equal((await run(['voucher', 'extend', voucherPem, '--to', owner2Pub])).code, 2);
    assert.equal((await run(['voucher', 'extend', voucherPem, '--owner-key', owner2Pub, '--to', owner2Pub])).code, 2);
    assert.equal(
      (await run(['voucher', 'extend', voucherPem, '--owner-key', owner2Key, '--to', owner2Pub, '--encoding', 'bogus'])).code,
      2,
    );
    assert.equal((await run(['voucher', 'verify', voucherPem, '--owner-key', voucherPem])).code, 2);
  });

  test('extend: PEM to standard output or a file; the result verifies; the wrong signer is a failed check', async () => {
    const next = await keys('rsa3072', 0);
    const nextPub = file('next.pub.pem', exportPublicKey(next.publicKey, 'spki-pem'));
    const r = await run(['voucher', 'extend', voucherPem, '--owner-key', owner2Key, '--to', nextPub, '--type', 'rsapss']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^-----BEGIN OWNERSHIP VOUCHER-----/);
    const out = file('extended.pem', r.out);
    const v = await run(['voucher', 'verify', out, '--owner-key', nextPub, '--hmac-secret', Buffer.from(HMAC_SECRET).toString('hex')]);
    assert.equal(v.code, 0, v.err);
    assert.match(v.out, /3 entries/);
    const o = join(dir, 'extended.cbor');
    const j = await run([
      'voucher',
      'extend',
      voucherPem,
      '--owner-key',
      owner2Key,
      '--to',
      nextPub,
      '--encoding',
      'cosekey',
      '--cbor',
      '-o',
      o,
      '--json',
    ]);
    assert.equal(j.code, 0, j.err);
    assert.equal(JSON.parse(j.out).entries, 3);
    assert.equal(parseVoucher(readFileSync(o)).entries[2]!.payload.pubKey.encoding, 3);
    const wrong = await run([
      'voucher',
      'extend',
      voucherPem,
      '--owner-key',
      file('o0.key', exportPrivateKey(fx.owners[0]!.privateKey, 'pkcs8-pem')),
      '--to',
      nextPub,
    ]);
    assert.equal(wrong.code, 1);
    assert.match(wrong.err, /ERR_FDO_VOUCHER_OWNER_MISMATCH/);
  });

  test('the shared go-fdo set: verify with its credential, extend with its manufacturer key', {
    skip: vectorPath('fdo') === undefined ? vectorsMissing('fdo') : false,
  }, async () => {
    const v = vectorPath('fdo')!;
    const r = await run(['voucher', 'verify', join(v, 'go-fdo-ov.pem'), '--device-credential', join(v, 'go-fdo-dc.bin'), '--json']);
    assert.equal(r.code, 0, r.err);
    assert.equal(JSON.parse(r.out).hmacChecked, true);
    const next = file('next256.pub.pem', exportPublicKey((await keys('secp256r1', 4)).publicKey, 'spki-pem'));
    const out = join(dir, 'go-extended.pem');
    assert.equal(
      (await run(['voucher', 'extend', join(v, 'go-fdo-ov.pem'), '--owner-key', join(v, 'go-fdo-mfg_key.pem'), '--to', next, '-o', out]))
        .code,
      0,
    );
    const x = await run(['voucher', 'verify', out, '--device-credential', join(v, 'go-fdo-dc.bin'), '--owner-key', next]);
    assert.equal(x.code, 0, x.err);
    const legacy = await run(['voucher', 'verify', join(v, 'negative/fdo-rs-v101-voucher1-legacy-chain-hash.pem')]);
    assert.equal(legacy.code, 1);
    assert.match(legacy.err, /ERR_FDO_VOUCHER_CHAIN_HASH/);
    const old = await run(['voucher', 'inspect', join(v, 'negative/fdo-rs-v100-voucher1-fdo10-layout.pem')]);
    assert.equal(old.code, 1);
    assert.match(old.err, /FDO 1\.0 layout.*ERR_FDO_VOUCHER_VERSION/);
  });
});
