/** Parsing: CBOR and PEM, limits, truncation and other versions, each a typed error. */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { decode, encode } from '../../../src/codec/cbor.ts';
import { ErrorCode } from '../../../src/fdo/constants/error-codes.ts';
import { type OwnershipVoucher, VoucherError } from '../../../src/fdo/voucher/voucher.ts';
import { encodeVoucher, encodeVoucherPem } from '../../../src/fdo/voucher/voucher-encode.ts';
import { inspectVoucher } from '../../../src/fdo/voucher/voucher-inspect.ts';
import { parseVoucher } from '../../../src/fdo/voucher/voucher-parse.ts';
import { makeVoucher } from './helpers.ts';

let v: OwnershipVoucher;
let bytes: Uint8Array;
before(async () => {
  v = (await makeVoucher(2)).voucher;
  bytes = encodeVoucher(v);
});

const code =
  (c: string, fdoCode: number = ErrorCode.MESSAGE_BODY_ERROR) =>
  (e: unknown) =>
    e instanceof VoucherError && e.code === c && e.fdoCode === fdoCode;

describe('parseVoucher', () => {
  test('CBOR and PEM (string or bytes, CRLF, other blocks around) give the same voucher', () => {
    const pem = encodeVoucherPem(v);
    assert.match(pem, /^-----BEGIN OWNERSHIP VOUCHER-----\n/);
    const withKey = `comment\r\n${pem.replace(/\n/g, '\r\n')}-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n`;
    for (const input of [bytes, pem, new TextEncoder().encode(withKey), withKey])
      assert.deepEqual(encodeVoucher(parseVoucher(input)), bytes);
  });

  test('every truncation is ERR_FDO_VOUCHER_MALFORMED', () => {
    for (let n = 0; n < bytes.length; n += 7)
      assert.throws(() => parseVoucher(bytes.subarray(0, n)), code('ERR_FDO_VOUCHER_MALFORMED'), `at ${n}`);
    assert.throws(() => parseVoucher(Uint8Array.of(...bytes, 0)), code('ERR_FDO_VOUCHER_MALFORMED'));
  });

  test('limits: size, entries, certificates', () => {
    assert.throws(
      () => parseVoucher(bytes, { maxBytes: 100 }),
      (e: unknown) => code('ERR_FDO_VOUCHER_MALFORMED')(e) && /exceeds the limit/.test((e as Error).message),
    );
    assert.throws(
      () => parseVoucher(bytes, { maxEntries: 1 }),
      (e: unknown) => code('ERR_FDO_VOUCHER_MALFORMED')(e) && /2 entries exceed/.test((e as Error).message),
    );
    assert.throws(
      () => parseVoucher(bytes, { maxCertificates: 1 }),
      (e: unknown) => code('ERR_FDO_VOUCHER_MALFORMED')(e) && /OVDevCertChain/.test((e as Error).message),
    );
    assert.throws(() => parseVoucher(bytes, { maxCertificateBytes: 100 }), code('ERR_FDO_VOUCHER_MALFORMED'));
    assert.throws(() => parseVoucher('x'.repeat(3_000_000)), code('ERR_FDO_VOUCHER_MALFORMED'));
  });

  test('structure errors name the field', () => {
    const top = decode(bytes) as unknown[];
    const bad = (change: (t: unknown[]) => void, pattern: RegExp) => {
      const t = structuredClone(top);
      change(t);
      assert.throws(
        () => parseVoucher(encode(t)),
        (e: unknown) => code('ERR_FDO_VOUCHER_MALFORMED')(e) && pattern.test((e as Error).message),
      );
    };
    bad((t) => t.pop(), /expected 5 elements/);
    bad((t) => (t[2] = [-16, new Uint8Array(32)]), /OVHeaderHMac\.hashtype: -16 is not allowed/);
    bad((t) => (t[1] = encode([101])), /OVHeader: expected 6 elements/);
    bad((t) => (t[4] = [new Uint8Array(3)]), /OVEntryArray\[0\]: not a tagged COSE_Sign1/);
    bad((t) => (t[3] = []), /OVDevCertChain: expected 1 to 10 elements/);
    bad((t) => (t[1] = encode('not a header')), /OVHeader: expected an array/);
    assert.throws(() => parseVoucher(encode([102, ...top.slice(1)])), code('ERR_FDO_VOUCHER_VERSION', ErrorCode.INVALID_OWNERSHIP_VOUCHER));
    assert.throws(() => parseVoucher(encode({ a: 1 })), code('ERR_FDO_VOUCHER_MALFORMED'));
  });

  test('PEM without a voucher block, or with a broken one', () => {
    assert.throws(() => parseVoucher('-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n'), code('ERR_FDO_VOUCHER_MALFORMED'));
    assert.throws(() => parseVoucher('-----BEGIN OWNERSHIP VOUCHER-----\nAAAA\n'), code('ERR_FDO_VOUCHER_MALFORMED'));
    assert.throws(
      () => parseVoucher('-----BEGIN OWNERSHIP VOUCHER-----\n!!!!\n-----END OWNERSHIP VOUCHER-----'),
      code('ERR_FDO_VOUCHER_MALFORMED'),
    );
  });

  test('inspect summarises without checking', () => {
    const s = inspectVoucher(v);
    assert.equal(s.guid, '0102030405060708090a0b0c0d0e0f10');
    assert.equal(s.entries.length, 2);
    assert.equal(s.manufacturerKey.type, 'SECP256R1');
    assert.equal(s.headerHmac.type, 'HMAC_SHA256');
    assert.ok(Array.isArray(s.deviceCertChain) && s.deviceCertChain.length === 2);
    assert.deepEqual(Array.isArray(s.rendezvousInfo) && s.rendezvousInfo[0]?.dns, 'rv.example');
    assert.equal(JSON.parse(JSON.stringify(s)).currentOwner.fingerprint, s.entries[1]!.ownerKey.fingerprint);
  });
});
