import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encode } from '../../../src/codec/cbor.ts';
import type { KeyPairType } from '../../../src/crypto/key-generate.ts';
import { PublicKeyType, type PublicKeyTypeNumber } from '../../../src/fdo/constants/crypto.ts';
import { ErrorCode } from '../../../src/fdo/constants/error-codes.ts';
import { MsgType } from '../../../src/fdo/constants/message-types.ts';
import { decodeTO1HelloRVAck, encodeTO1HelloRV, encodeTO1ProveToRV } from '../../../src/fdo/messages/to1.ts';
import { deviceSigInfoFor } from '../../../src/fdo/protocol/lib/device-signature.ts';
import { FdoPeerError } from '../../../src/fdo/protocol/lib/peer-error.ts';
import { verifyTo1dSignature } from '../../../src/fdo/protocol/lib/to1d-verify.ts';
import { MemoryRendezvousStore } from '../../../src/fdo/protocol/memory-stores.ts';
import { createTo0Rendezvous } from '../../../src/fdo/protocol/to0-rendezvous.ts';
import { createTo1Device } from '../../../src/fdo/protocol/to1-device.ts';
import { createTo1Rendezvous, type To1RendezvousState } from '../../../src/fdo/protocol/to1-rendezvous.ts';
import type { Nonce } from '../../../src/fdo/types/nonce.ts';
import { voucherOwner } from '../../../src/fdo/voucher/voucher-owner.ts';
import { parseVoucher } from '../../../src/fdo/voucher/voucher-parse.ts';
import { cachedKeys } from '../../helpers/keys.ts';
import { seededRandom } from '../../helpers/random.ts';
import { assertFailed, fixedClock, type Manufactured, manufacture, register, run, TO2_ADDR, viaJson } from './helpers.ts';

/** A rendezvous service (TO0 and TO1 over one store) with `m`'s voucher registered for an hour. */
async function registered(m: Manufactured) {
  const store = new MemoryRendezvousStore();
  const clock = fixedClock();
  const to0 = createTo0Rendezvous({ random: seededRandom('to0'), clock, store });
  await register(m.voucher, [m.owner.privateKey], to0, 3600);
  const handler = createTo1Rendezvous({ random: seededRandom('to1'), clock, store });
  return { store, clock, handler };
}

async function helloRv(
  handler: Awaited<ReturnType<typeof registered>>['handler'],
  m: Manufactured,
): Promise<{ state: To1RendezvousState; nonce: Nonce }> {
  const step = await handler(undefined, {
    msgType: MsgType.TO1_HelloRV,
    body: encodeTO1HelloRV({ guid: m.credential.guid, eASigInfo: deviceSigInfoFor(m.device.publicKey) }),
  });
  assert.equal(step.reply.msgType, MsgType.TO1_HelloRVAck);
  return { state: viaJson(step.state!), nonce: decodeTO1HelloRVAck(step.reply.body).nonceTO1Proof };
}

const proof = (
  m: Manufactured,
  nonce: Nonce,
  key = m.device.privateKey,
  guid = m.credential.guid,
  alg = deviceSigInfoFor(m.device.publicKey).sgType,
) => encodeTO1ProveToRV({ nonceTO1Proof: nonce, guid, signer: { key, alg } });

describe('TO1: device and rendezvous in process', () => {
  const cases: { name: string; deviceType: KeyPairType; keyType?: PublicKeyTypeNumber }[] = [
    { name: 'SECP256R1', deviceType: 'secp256r1' },
    { name: 'SECP384R1', deviceType: 'secp384r1' },
    { name: 'RSA 2048 (RS256 device signature)', deviceType: 'rsa2048', keyType: PublicKeyType.RSAPKCS },
    { name: 'RSA 2048 device, RSAPSS owner chain', deviceType: 'rsa2048', keyType: PublicKeyType.RSAPSS },
  ];
  for (const c of cases) {
    test(`${c.name}: the device receives the owner's to1d and its TO2 addresses`, async () => {
      const m = await manufacture({
        deviceType: c.deviceType,
        ...(c.keyType === undefined ? {} : { keyType: c.keyType }),
        seed: `to1 ${c.name}`,
      });
      const { handler, store } = await registered(m);
      const before = store.snapshot();
      const device = createTo1Device({ credential: m.credential, deviceKey: m.device.privateKey });
      const result = await run(device.start(), device, handler);
      assert.deepEqual(result.rvTo2Addr, TO2_ADDR);
      assert.deepEqual(result.to1d, (await store.get(m.credential.guid))!.to1d);
      // What TO2 will check once the voucher names the owner.
      verifyTo1dSignature(result.to1d, voucherOwner(parseVoucher(m.voucher)));
      assert.deepEqual(store.snapshot(), before);
    });
  }
});

describe('TO1: failures', () => {
  let fixture: Manufactured | undefined;
  const m = async () => (fixture ??= await manufacture({ seed: 'to1-failures' }));

  test('an unknown GUID is RESOURCE_NOT_FOUND, and the device ends with the peer code', async () => {
    const f = await m();
    const { handler } = await registered(f);
    const device = createTo1Device({ credential: { guid: new Uint8Array(16).fill(0xee) }, deviceKey: f.device.privateKey });
    await assert.rejects(run(device.start(), device, handler), (e: unknown) => {
      assert.ok(e instanceof FdoPeerError);
      assert.equal(e.peerCode, ErrorCode.RESOURCE_NOT_FOUND);
      assert.equal(e.prevMsgType, MsgType.TO1_HelloRV);
      return true;
    });
    const step = await handler(undefined, {
      msgType: MsgType.TO1_HelloRV,
      body: encodeTO1HelloRV({ guid: new Uint8Array(16), eASigInfo: deviceSigInfoFor(f.device.publicKey) }),
    });
    assertFailed(step, ErrorCode.RESOURCE_NOT_FOUND, 'ERR_FDO_TO1_NOT_REGISTERED');
  });

  test('an expired registration is RESOURCE_NOT_FOUND, at TO1.HelloRV and at TO1.ProveToRV', async () => {
    const f = await m();
    const { handler, clock } = await registered(f);
    const { state, nonce } = await helloRv(handler, f);
    clock.advance(3600);
    assertFailed(
      await handler(state, { msgType: MsgType.TO1_ProveToRV, body: proof(f, nonce) }),
      ErrorCode.RESOURCE_NOT_FOUND,
      'ERR_FDO_TO1_NOT_REGISTERED',
    );
    const device = createTo1Device({ credential: f.credential, deviceKey: f.device.privateKey });
    await assert.rejects(run(device.start(), device, handler), { peerCode: ErrorCode.RESOURCE_NOT_FOUND });
  });

  test('a proof over another nonce is INVALID_MESSAGE_ERROR', async () => {
    const f = await m();
    const { handler } = await registered(f);
    const { state } = await helloRv(handler, f);
    assertFailed(
      await handler(state, { msgType: MsgType.TO1_ProveToRV, body: proof(f, new Uint8Array(16).fill(3)) }),
      ErrorCode.INVALID_MESSAGE_ERROR,
      'ERR_FDO_TO1_NONCE',
    );
  });

  test('a proof replayed from an earlier session is INVALID_MESSAGE_ERROR', async () => {
    const f = await m();
    const { handler } = await registered(f);
    const device = createTo1Device({ credential: f.credential, deviceKey: f.device.privateKey });
    const captured: Uint8Array[] = [];
    await run(device.start(), device, handler, {
      tamper: (msg) => {
        if (msg.msgType === MsgType.TO1_ProveToRV) captured.push(msg.body);
        return msg;
      },
    });
    const { state } = await helloRv(handler, f);
    assertFailed(
      await handler(state, { msgType: MsgType.TO1_ProveToRV, body: captured[0]! }),
      ErrorCode.INVALID_MESSAGE_ERROR,
      'ERR_FDO_TO1_NONCE',
    );
  });

  test('a proof signed by another key, or with another signature type than announced, is INVALID_MESSAGE_ERROR', async () => {
    const f = await m();
    const { handler } = await registered(f);
    const other = await cachedKeys('secp256r1', 11);
    const a = await helloRv(handler, f);
    assertFailed(
      await handler(a.state, { msgType: MsgType.TO1_ProveToRV, body: proof(f, a.nonce, other.privateKey) }),
      ErrorCode.INVALID_MESSAGE_ERROR,
      'ERR_FDO_TO1_SIGNATURE',
    );
    const b = await helloRv(handler, f);
    const announcedOther = { ...b.state, sgType: -35 };
    assertFailed(
      await handler(announcedOther, { msgType: MsgType.TO1_ProveToRV, body: proof(f, b.nonce) }),
      ErrorCode.INVALID_MESSAGE_ERROR,
      'ERR_FDO_TO1_SIGNATURE',
    );
  });

  test('an EAT naming another GUID is INVALID_MESSAGE_ERROR', async () => {
    const f = await m();
    const { handler } = await registered(f);
    const { state, nonce } = await helloRv(handler, f);
    assertFailed(
      await handler(state, { msgType: MsgType.TO1_ProveToRV, body: proof(f, nonce, f.device.privateKey, new Uint8Array(16).fill(1)) }),
      ErrorCode.INVALID_MESSAGE_ERROR,
      'ERR_FDO_TO1_GUID_MISMATCH',
    );
  });

  test('messages out of order are INVALID_MESSAGE_ERROR', async () => {
    const f = await m();
    const { handler } = await registered(f);
    assertFailed(
      await handler(undefined, { msgType: MsgType.TO1_ProveToRV, body: proof(f, new Uint8Array(16)) }),
      ErrorCode.INVALID_MESSAGE_ERROR,
      'ERR_FDO_MESSAGE_OUT_OF_ORDER',
    );
    const { state } = await helloRv(handler, f);
    assertFailed(
      await handler(state, {
        msgType: MsgType.TO1_HelloRV,
        body: encodeTO1HelloRV({ guid: f.credential.guid, eASigInfo: deviceSigInfoFor(f.device.publicKey) }),
      }),
      ErrorCode.INVALID_MESSAGE_ERROR,
      'ERR_FDO_MESSAGE_OUT_OF_ORDER',
    );
  });

  test('truncated and oversized bodies are MESSAGE_BODY_ERROR', async () => {
    const f = await m();
    const { handler } = await registered(f);
    const hello = encodeTO1HelloRV({ guid: f.credential.guid, eASigInfo: deviceSigInfoFor(f.device.publicKey) });
    assertFailed(
      await handler(undefined, { msgType: MsgType.TO1_HelloRV, body: hello.subarray(0, hello.length - 2) }),
      ErrorCode.MESSAGE_BODY_ERROR,
      'ERR_FDO_MESSAGE_BODY',
    );
    assertFailed(
      await handler(undefined, { msgType: MsgType.TO1_HelloRV, body: new Uint8Array(4096) }),
      ErrorCode.MESSAGE_BODY_ERROR,
      'ERR_FDO_MESSAGE_TOO_LARGE',
    );
    const { state, nonce } = await helloRv(handler, f);
    const body = proof(f, nonce);
    assertFailed(
      await handler(state, { msgType: MsgType.TO1_ProveToRV, body: body.subarray(0, body.length - 10) }),
      ErrorCode.MESSAGE_BODY_ERROR,
      'ERR_FDO_MESSAGE_BODY',
    );
    assertFailed(
      await handler(state, { msgType: MsgType.TO1_ProveToRV, body: new Uint8Array(9000) }),
      ErrorCode.MESSAGE_BODY_ERROR,
      'ERR_FDO_MESSAGE_TOO_LARGE',
    );
  });

  test('the device refuses a redirect that is not a signed to1d', async () => {
    const f = await m();
    const device = createTo1Device({ credential: f.credential, deviceKey: f.device.privateKey });
    await assert.rejects(
      device.receive({ protocol: 'to1-device', step: 'rv-redirect', nonce: '' }, { msgType: MsgType.TO1_RVRedirect, body: encode([1, 2]) }),
      {
        code: 'ERR_FDO_MESSAGE_BODY',
      },
    );
  });
});
