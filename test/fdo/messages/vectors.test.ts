/**
 * Bodies assembled by hand, byte by byte, from the FDO 1.1 CDDL and the field order and label
 * values that go-fdo and the Java reference implementation put on the wire (CUPHNonce 256,
 * CUPHOwnerPubKey 257, EAT-FDO -257, EUPHNonce -259, EAT-NONCE 10, EAT-UEID 256; a bare integer
 * timestamp in the error message). None of them comes from IoTopia's encoders, so they check the
 * decoders against the wire format rather than against themselves. No captured go-fdo messages
 * were available, so these stand in for them.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MsgType } from '../../../src/fdo/constants/message-types.ts';
import { decodeMessage } from '../../../src/fdo/messages/registry.ts';
import { hex, toHex } from './helpers.ts';

const GUID = '000102030405060708090a0b0c0d0e0f';
const NONCE = '101112131415161718191a1b1c1d1e1f';
const NONCE2 = '202122232425262728292a2b2c2d2e2f';
const ZERO32 = '00'.repeat(32);
const SIG64 = 'ab'.repeat(64);

/** A tagged COSE_Sign1 (ES256 in the protected header) around `payload`, with a placeholder signature. */
const sign1 = (unprotected: string, payload: string): string => {
  const len = payload.length / 2;
  const head =
    len < 24 ? (0x40 + len).toString(16) : len < 256 ? `58${len.toString(16).padStart(2, '0')}` : `59${len.toString(16).padStart(4, '0')}`;
  return `d2 84 43a10126 ${unprotected} ${head}${payload} 5840${SIG64}`.replace(/\s+/g, '');
};

describe('hand-assembled wire vectors', () => {
  test('error message as go-fdo writes it: [500, 60, "not found", 1700000000, null]', () => {
    const m = decodeMessage(MsgType.Error, hex('85 1901f4 183c 696e6f7420666f756e64 1a6553f100 f6'));
    assert.deepEqual(m, { code: 500, prevMsgType: 60, message: 'not found', timestamp: 1_700_000_000 });
  });

  test('TO2.HelloDevice: [65535, guid, nonce, "ECDH384", A256GCM (3), [ES384 (-35), h""]]', () => {
    const bytes = hex(`86 19ffff 50${GUID} 50${NONCE} 67 45434448333834 03 82 3822 40`);
    const m = decodeMessage(MsgType.TO2_HelloDevice, bytes);
    assert.equal(m.maxDeviceMessageSize, 65_535);
    assert.equal(toHex(m.guid), GUID);
    assert.equal(m.kexSuiteName, 'ECDH384');
    assert.equal(m.cipherSuiteName, 3);
    assert.deepEqual(m.eASigInfo, { sgType: -35, info: new Uint8Array(0) });
  });

  test('small bodies of each protocol', () => {
    assert.deepEqual(decodeMessage(MsgType.TO2_GetOVNextEntry, hex('8103')), { ovEntryNum: 3 });
    assert.deepEqual(decodeMessage(MsgType.TO2_DeviceServiceInfoReady, hex('82 f6 190514')), {
      replacementHmac: null,
      maxOwnerServiceInfoSz: 1300,
    });
    assert.deepEqual(decodeMessage(MsgType.TO2_OwnerServiceInfoReady, hex('81f6')), { maxDeviceServiceInfoSz: null });
    assert.deepEqual(decodeMessage(MsgType.TO2_DeviceServiceInfo, hex('82 f4 81 82 6d6465766d6f643a616374697665 41f5')), {
      isMoreServiceInfo: false,
      serviceInfo: [{ key: 'devmod:active', value: Uint8Array.of(0xf5) }],
    });
    assert.deepEqual(decodeMessage(MsgType.TO2_OwnerServiceInfo, hex('83 f4 f5 80')), {
      isMoreServiceInfo: false,
      isDone: true,
      serviceInfo: [],
    });
    assert.deepEqual(decodeMessage(MsgType.TO0_AcceptOwner, hex('81 1affffffff')), { waitSeconds: 0xffff_ffff });
    assert.deepEqual(decodeMessage(MsgType.TO1_HelloRV, hex(`82 50${GUID} 82 26 40`)), {
      guid: hex(GUID),
      eASigInfo: { sgType: -7, info: new Uint8Array(0) },
    });
    assert.deepEqual(decodeMessage(MsgType.DI_SetHMAC, hex(`81 82 05 5820${ZERO32}`)), { hmac: { type: 5, value: hex(ZERO32) } });
    assert.deepEqual(decodeMessage(MsgType.TO2_Done2, hex(`81 50${NONCE}`)), { nonceTO2SetupDv: hex(NONCE) });
    assert.deepEqual(decodeMessage(MsgType.TO0_Hello, hex('80')), {});
  });

  test('TO1.ProveToRV: EAT claims 10 (nonce) and 256 (EAT-RAND ‖ GUID)', () => {
    const eat = `a2 0a 50${NONCE} 190100 51 01${GUID}`;
    const m = decodeMessage(MsgType.TO1_ProveToRV, hex(sign1('a0', eat.replace(/\s+/g, ''))));
    assert.equal(toHex(m.nonceTO1Proof), NONCE);
    assert.equal(toHex(m.guid), GUID);
    assert.equal(m.sign1.alg, -7);
    assert.equal(toHex(m.sign1.signature), SIG64);
  });

  test('TO2.ProveDevice: EAT-FDO (-257) holds [xB]; EUPHNonce (-259) unprotected', () => {
    const eat = `a3 390100 81 5820${ZERO32} 0a 50${NONCE} 190100 51 01${GUID}`.replace(/\s+/g, '');
    const m = decodeMessage(MsgType.TO2_ProveDevice, hex(sign1(`a1 390102 50${NONCE2}`.replace(/\s+/g, ''), eat)));
    assert.equal(toHex(m.nonceTO2ProveDv), NONCE);
    assert.equal(toHex(m.nonceTO2SetupDv), NONCE2);
    assert.equal(toHex(m.xBKeyExchange), ZERO32);
  });

  test('TO2.ProveOVHdr: CUPHNonce (256) and CUPHOwnerPubKey (257) unprotected', () => {
    // OVHeader = [101, guid, [], "dev", [SECP256R1, X509, h'3059'], null]
    const ovHeader = `86 1865 50${GUID} 80 63646576 83 0a 01 423059 f6`.replace(/\s+/g, '');
    const payload =
      `88 58${(ovHeader.length / 2).toString(16)}${ovHeader} 01 82 05 5820${ZERO32} 50${NONCE} 82 26 40 44aabbccdd 82 2f 5820${ZERO32} 190514`.replace(
        /\s+/g,
        '',
      );
    const unprotected = `a2 190100 50${NONCE2} 190101 83 0b 01 43010203`.replace(/\s+/g, '');
    const m = decodeMessage(MsgType.TO2_ProveOVHdr, hex(sign1(unprotected, payload)));
    assert.equal(toHex(m.ovHeader), ovHeader);
    assert.equal(m.numOVEntries, 1);
    assert.equal(toHex(m.xAKeyExchange), 'aabbccdd');
    assert.deepEqual(m.helloDeviceHash, { type: -16, value: hex(ZERO32) });
    assert.equal(m.maxOwnerMessageSize, 1300);
    assert.equal(toHex(m.nonceTO2ProveDv), NONCE2);
    assert.deepEqual(m.ownerPubKey, { type: 11, encoding: 1, body: Uint8Array.of(1, 2, 3) });
  });
});
