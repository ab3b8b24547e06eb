import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encode } from '../../../src/codec/cbor.ts';
import { HashType, PublicKeyEncoding, PublicKeyType } from '../../../src/fdo/constants/crypto.ts';
import {
  decodeDIAppStart,
  decodeDIDone,
  decodeDISetCredentials,
  decodeDISetHMAC,
  encodeDeviceMfgInfo,
  encodeDIAppStart,
  encodeDIDone,
  encodeDISetCredentials,
  encodeDISetHMAC,
  parseDeviceMfgInfo,
} from '../../../src/fdo/messages/di.ts';
import { MAX_DEVICE_MFG_INFO_BYTES } from '../../../src/fdo/messages/limits.ts';
import { hashBytes, hmacBytes } from '../../../src/fdo/types/hash.ts';
import { filled } from './fixtures.ts';
import { fdoError, fixtures, hex, toHex } from './helpers.ts';

const { fixtures: f } = await fixtures();

describe('DI.AppStart (10)', () => {
  const info = {
    keyType: PublicKeyType.SECP384R1,
    keyEncoding: PublicKeyEncoding.X5CHAIN,
    serialNumber: 'SN-0001',
    deviceInfo: 'gateway',
    csr: filled(500, 1),
    extra: [],
  };

  test('carries DeviceMfgInfo as bytes; the common content form parses', () => {
    const mfg = encodeDeviceMfgInfo(info);
    const msg = decodeDIAppStart(encodeDIAppStart({ deviceMfgInfo: mfg }));
    assert.equal(toHex(msg.deviceMfgInfo as Uint8Array), toHex(mfg));
    assert.deepEqual(parseDeviceMfgInfo(mfg), info);
    assert.deepEqual(decodeDIAppStart(hex('81f6')), { deviceMfgInfo: null });
  });

  test('DeviceMfgInfo must hold well-formed CBOR within its cap', () => {
    assert.throws(
      () => decodeDIAppStart(encode([Uint8Array.of(0x82, 0x01)])),
      fdoError('ERR_FDO_MESSAGE_BODY', /DeviceMfgInfo: not valid CBOR/),
    );
    assert.throws(() => decodeDIAppStart(encode([new Uint8Array(0)])), fdoError('ERR_FDO_MESSAGE_BODY', /shorter than 1/));
    assert.throws(
      () => decodeDIAppStart(encode([new Uint8Array(MAX_DEVICE_MFG_INFO_BYTES + 1)])),
      fdoError('ERR_FDO_MESSAGE_BODY', /longer than/),
    );
  });

  test('DeviceMfgInfo content is checked field by field', () => {
    const base = [10, 1, 'sn', 'model', Uint8Array.of(0x30)];
    assert.throws(() => parseDeviceMfgInfo(encode([99, ...base.slice(1)])), fdoError('ERR_FDO_MESSAGE_BODY', /pkType/));
    assert.throws(
      () => parseDeviceMfgInfo(encode([10, 1, 'x'.repeat(256), 'm', Uint8Array.of(1)])),
      fdoError('ERR_FDO_MESSAGE_BODY', /serialNo/),
    );
    assert.throws(() => parseDeviceMfgInfo(encode(base.slice(0, 4))), fdoError('ERR_FDO_MESSAGE_BODY', /expected 5 to 8/));
    assert.equal(parseDeviceMfgInfo(encode([...base, Uint8Array.of(1), Uint8Array.of(2)])).extra.length, 2);
    assert.throws(() => encodeDeviceMfgInfo({ ...info, serialNumber: 'x'.repeat(300) }), TypeError);
  });
});

describe('DI.SetCredentials (11)', () => {
  test('the OVHeader travels in a bstr and comes back byte for byte', () => {
    const body = encodeDISetCredentials({ ovHeader: f.ovHeader });
    assert.equal(toHex(body), toHex(encode([f.ovHeader])));
    assert.equal(toHex(decodeDISetCredentials(body).ovHeader), toHex(f.ovHeader));
  });

  test('an OVHeader that is not a six-element array, or not wrapped, is refused', () => {
    assert.throws(
      () => decodeDISetCredentials(encode([encode([101, 2, 3])])),
      fdoError('ERR_FDO_MESSAGE_BODY', /OVHeader: expected 6 elements/),
    );
    assert.throws(() => decodeDISetCredentials(encode([[101, 1, 2, 3, 4, 5]])), fdoError('ERR_FDO_MESSAGE_BODY', /expected a byte string/));
    assert.throws(() => encodeDISetCredentials({ ovHeader: Uint8Array.of(0xff) }), TypeError);
  });
});

describe('DI.SetHMAC (12) and DI.Done (13)', () => {
  test('an HMac of either size round-trips; a plain hash is refused', () => {
    const h = hmacBytes(HashType.HMAC_SHA384, filled(48, 2), f.ovHeader);
    assert.deepEqual(decodeDISetHMAC(encodeDISetHMAC({ hmac: h })).hmac, h);
    const plain = hashBytes(HashType.SHA256, f.ovHeader);
    assert.throws(() => decodeDISetHMAC(encode([[plain.type, plain.value]])), fdoError('ERR_FDO_MESSAGE_BODY', /not allowed here/));
    assert.throws(
      () => decodeDISetHMAC(encode([[HashType.HMAC_SHA256, new Uint8Array(31)]])),
      fdoError('ERR_FDO_MESSAGE_BODY', /shorter than 32/),
    );
    assert.throws(() => encodeDISetHMAC({ hmac: plain }), TypeError);
  });

  test('DI.Done is an empty array', () => {
    assert.equal(toHex(encodeDIDone()), '80');
    assert.deepEqual(decodeDIDone(hex('80')), {});
    assert.throws(() => decodeDIDone(hex('8100')), fdoError('ERR_FDO_MESSAGE_BODY', /expected 0 elements, got 1/));
  });
});
