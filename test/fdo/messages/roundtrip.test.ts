/**
 * Every message type: decoding a valid body and encoding the result gives the same bytes, and the
 * decoders keep the exact bytes of what is signed or hashed.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MsgType, type MsgTypeNumber } from '../../../src/fdo/constants/message-types.ts';
import * as m from '../../../src/fdo/messages/index.ts';
import { fixtures, toHex } from './helpers.ts';

const { fixtures: f } = await fixtures();

// biome-ignore lint/suspicious/noExplicitAny: each encoder takes its own message type
const ENCODERS: Record<MsgTypeNumber, (msg: any) => Uint8Array> = {
  [MsgType.DI_AppStart]: m.encodeDIAppStart,
  [MsgType.DI_SetCredentials]: m.encodeDISetCredentials,
  [MsgType.DI_SetHMAC]: m.encodeDISetHMAC,
  [MsgType.DI_Done]: m.encodeDIDone,
  [MsgType.TO0_Hello]: m.encodeTO0Hello,
  [MsgType.TO0_HelloAck]: m.encodeTO0HelloAck,
  [MsgType.TO0_OwnerSign]: m.encodeTO0OwnerSign,
  [MsgType.TO0_AcceptOwner]: m.encodeTO0AcceptOwner,
  [MsgType.TO1_HelloRV]: m.encodeTO1HelloRV,
  [MsgType.TO1_HelloRVAck]: m.encodeTO1HelloRVAck,
  [MsgType.TO1_ProveToRV]: m.encodeTO1ProveToRV,
  [MsgType.TO1_RVRedirect]: m.encodeTO1RVRedirect,
  [MsgType.TO2_HelloDevice]: m.encodeTO2HelloDevice,
  [MsgType.TO2_ProveOVHdr]: m.encodeTO2ProveOVHdr,
  [MsgType.TO2_GetOVNextEntry]: m.encodeTO2GetOVNextEntry,
  [MsgType.TO2_OVNextEntry]: m.encodeTO2OVNextEntry,
  [MsgType.TO2_ProveDevice]: m.encodeTO2ProveDevice,
  [MsgType.TO2_SetupDevice]: m.encodeTO2SetupDevice,
  [MsgType.TO2_DeviceServiceInfoReady]: m.encodeTO2DeviceServiceInfoReady,
  [MsgType.TO2_OwnerServiceInfoReady]: m.encodeTO2OwnerServiceInfoReady,
  [MsgType.TO2_DeviceServiceInfo]: m.encodeTO2DeviceServiceInfo,
  [MsgType.TO2_OwnerServiceInfo]: m.encodeTO2OwnerServiceInfo,
  [MsgType.TO2_Done]: m.encodeTO2Done,
  [MsgType.TO2_Done2]: m.encodeTO2Done2,
  [MsgType.Error]: m.encodeErrorMessage,
};

describe('round trip of every message type', () => {
  for (const [type, list] of f.bodies) {
    test(`${m.MESSAGE_DECODERS[type].name} (${type})`, () => {
      for (const bytes of list) {
        const decoded = m.decodeMessage(type, bytes);
        assert.equal(toHex(ENCODERS[type](decoded)), toHex(bytes));
        assert.ok(bytes.length <= m.MESSAGE_MAX_BYTES[type]);
      }
    });
  }
});

describe('exact bytes of signed and hashed parts', () => {
  test('OVHeader, voucher, to0d, OVEntry and HelloDevice come back byte for byte', () => {
    const first = (t: MsgTypeNumber) => f.bodies.get(t)?.[0] as Uint8Array;
    assert.equal(toHex(m.decodeDISetCredentials(first(MsgType.DI_SetCredentials)).ovHeader), toHex(f.ovHeader));
    const ownerSign = m.decodeTO0OwnerSign(first(MsgType.TO0_OwnerSign));
    assert.equal(toHex(ownerSign.to0d.bytes), toHex(f.to0d));
    assert.equal(toHex(ownerSign.to0d.voucher), toHex(f.voucher));
    assert.equal(toHex(ownerSign.to1d.sign1.bytes), toHex(f.to1d));
    assert.equal(toHex(m.decodeTO2ProveOVHdr(first(MsgType.TO2_ProveOVHdr)).ovHeader), toHex(f.ovHeader));
    assert.equal(toHex(m.decodeTO2OVNextEntry(first(MsgType.TO2_OVNextEntry)).ovEntry), toHex(f.ovEntry));
    assert.equal(toHex(m.decodeTO2HelloDevice(f.helloDevice).bytes), toHex(f.helloDevice));
    const prove = first(MsgType.TO2_ProveOVHdr);
    assert.equal(toHex(m.decodeTO2ProveOVHdr(prove).sign1.bytes), toHex(prove));
  });

  test('decoded byte strings are plain Uint8Array views, not Buffers', () => {
    const d = m.decodeTO2Done(f.bodies.get(MsgType.TO2_Done)?.[0] as Uint8Array);
    assert.equal(Object.getPrototypeOf(d.nonceTO2ProveDv), Uint8Array.prototype);
  });
});
