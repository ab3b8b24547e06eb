import assert from 'node:assert/strict';
import type { KeyObject } from 'node:crypto';
import { describe, test } from 'node:test';
import { encode } from '../../../src/codec/cbor.ts';
import { decodeSign1 } from '../../../src/codec/cose/sign1.ts';
import type { KeyPairType } from '../../../src/crypto/key-generate.ts';
import { HashType, PublicKeyType, type PublicKeyTypeNumber } from '../../../src/fdo/constants/crypto.ts';
import { ErrorCode } from '../../../src/fdo/constants/error-codes.ts';
import { MsgType } from '../../../src/fdo/constants/message-types.ts';
import { FdoError } from '../../../src/fdo/errors.ts';
import { decodeTO0HelloAck, encodeTO0OwnerSign, encodeTo0d, signTo1d } from '../../../src/fdo/messages/to0.ts';
import { encodeTO1HelloRV } from '../../../src/fdo/messages/to1.ts';
import { deviceSigInfoFor } from '../../../src/fdo/protocol/lib/device-signature.ts';
import { FdoPeerError } from '../../../src/fdo/protocol/lib/peer-error.ts';
import { verifyTo1dSignature } from '../../../src/fdo/protocol/lib/to1d-verify.ts';
import { acceptVouchersFromManufacturers } from '../../../src/fdo/protocol/lib/voucher-acceptance.ts';
import { MemoryOwnerKeyRing, MemoryRendezvousStore } from '../../../src/fdo/protocol/memory-stores.ts';
import { createTo0Owner } from '../../../src/fdo/protocol/to0-owner.ts';
import { createTo0Rendezvous, type To0RendezvousConfig, type To0RendezvousState } from '../../../src/fdo/protocol/to0-rendezvous.ts';
import { createTo1Rendezvous } from '../../../src/fdo/protocol/to1-rendezvous.ts';
import { hashBytes } from '../../../src/fdo/types/hash.ts';
import type { Nonce } from '../../../src/fdo/types/nonce.ts';
import { signatureAlgorithmFor } from '../../../src/fdo/types/public-key.ts';
import { encodeVoucher } from '../../../src/fdo/voucher/voucher-encode.ts';
import { extendVoucher } from '../../../src/fdo/voucher/voucher-extend.ts';
import { voucherOwner } from '../../../src/fdo/voucher/voucher-owner.ts';
import { parseVoucher } from '../../../src/fdo/voucher/voucher-parse.ts';
import { cachedKeys } from '../../helpers/keys.ts';
import { seededRandom } from '../../helpers/random.ts';
import { assertFailed, fixedClock, type Manufactured, manufacture, register, run, TO2_ADDR, viaJson } from './helpers.ts';

function rendezvous(overrides: Partial<To0RendezvousConfig> = {}) {
  const store = new MemoryRendezvousStore();
  const clock = fixedClock();
  const handler = createTo0Rendezvous({ random: seededRandom('to0-rv'), clock, store, ...overrides });
  return { store, clock, handler };
}

/** TO0.Hello → the session state and its nonce. */
async function hello(handler: ReturnType<typeof rendezvous>['handler']): Promise<{ state: To0RendezvousState; nonce: Nonce }> {
  const step = await handler(undefined, { msgType: MsgType.TO0_Hello, body: encode([]) });
  assert.equal(step.reply.msgType, MsgType.TO0_HelloAck);
  return { state: viaJson(step.state!), nonce: decodeTO0HelloAck(step.reply.body).nonceTO0Sign };
}

/** A TO0.OwnerSign body built by hand, so that each part can be made wrong on its own. */
function ownerSignBody(
  voucher: Uint8Array,
  nonce: Nonce,
  signer: KeyObject,
  options: { signerType?: PublicKeyTypeNumber; waitSeconds?: number; hashOver?: Uint8Array } = {},
): Uint8Array {
  const to0d = encodeTo0d({ voucher, waitSeconds: options.waitSeconds ?? 3600, nonceTO0Sign: nonce });
  const type = options.signerType ?? voucherOwner(parseVoucher(voucher)).type;
  const to1d = signTo1d(
    { rvTo2Addr: TO2_ADDR, to0dHash: hashBytes(HashType.SHA256, options.hashOver ?? to0d) },
    { key: signer, alg: signatureAlgorithmFor(type, signer) },
  );
  return encodeTO0OwnerSign({
    to0d: { voucher, waitSeconds: options.waitSeconds ?? 3600, nonceTO0Sign: nonce, bytes: to0d },
    to1d: { sign1: { bytes: to1d } },
  });
}

describe('TO0: owner and rendezvous in process', () => {
  const cases: { name: string; deviceType: KeyPairType; ownerType: KeyPairType; keyType?: PublicKeyTypeNumber }[] = [
    { name: 'SECP256R1', deviceType: 'secp256r1', ownerType: 'secp256r1' },
    { name: 'SECP384R1', deviceType: 'secp384r1', ownerType: 'secp384r1' },
    { name: 'RSA 2048 PKCS', deviceType: 'rsa2048', ownerType: 'rsa2048', keyType: PublicKeyType.RSAPKCS },
    {
      name: 'RSA 2048 PSS (manufacturer key RSAPSS, entries signed PS256)',
      deviceType: 'rsa2048',
      ownerType: 'rsa2048',
      keyType: PublicKeyType.RSAPSS,
    },
  ];
  for (const c of cases) {
    test(`${c.name}: the registration is stored with the owner-signed to1d`, async () => {
      const m = await manufacture({
        deviceType: c.deviceType,
        ownerType: c.ownerType,
        ...(c.keyType === undefined ? {} : { keyType: c.keyType }),
        seed: c.name,
      });
      const { store, handler, clock } = rendezvous();
      const result = await register(m.voucher, [m.owner.privateKey], handler, 7200);
      assert.deepEqual(result, { waitSeconds: 7200 });
      const reg = await store.get(m.credential.guid);
      assert.ok(reg);
      assert.deepEqual(reg.voucher, m.voucher);
      assert.equal(reg.expiresAt.getTime(), clock().getTime() + 7200_000);
      verifyTo1dSignature(reg.to1d, voucherOwner(parseVoucher(m.voucher)));
    });
  }

  test('RSAPSS owner key: to1d is signed PS256 and verifies', async () => {
    const m = await manufacture({
      deviceType: 'rsa2048',
      mfgType: 'rsa2048',
      keyType: PublicKeyType.RSAPKCS,
      extend: false,
      seed: 'pss-owner',
    });
    const owner = await cachedKeys('rsa2048', 4);
    const voucher = encodeVoucher(
      extendVoucher(parseVoucher(m.voucher), {
        ownerPrivateKey: m.manufacturer.privateKey,
        nextOwner: owner.publicKey,
        type: PublicKeyType.RSAPSS,
      }),
    );
    const { handler, store } = rendezvous();
    await register(voucher, [owner.privateKey], handler);
    const to1d = (await store.get(m.credential.guid))!.to1d;
    assert.equal(decodeSign1(to1d).alg, -37);
    verifyTo1dSignature(to1d, voucherOwner(parseVoucher(voucher)));
  });

  test("a registration whose stored voucher no longer reads is INTERNAL_SERVER_ERROR in TO1, not the device's fault", async () => {
    const m = await manufacture({ seed: 'broken-store' });
    const { store, clock } = rendezvous();
    await store.put({
      guid: m.credential.guid,
      to1d: new Uint8Array([1]),
      voucher: new Uint8Array([0x80]),
      expiresAt: new Date(clock().getTime() + 1000),
    });
    const to1 = createTo1Rendezvous({ random: seededRandom('x'), clock, store });
    const step = await to1(undefined, {
      msgType: MsgType.TO1_HelloRV,
      body: encodeTO1HelloRV({ guid: m.credential.guid, eASigInfo: deviceSigInfoFor(m.device.publicKey) }),
    });
    assertFailed(step, ErrorCode.INTERNAL_SERVER_ERROR, 'ERR_FDO_TO1_NO_DEVICE_KEY');
  });

  test('the granted lifetime is the shorter of the requested and the allowed one', async () => {
    const m = await manufacture();
    const { handler, store, clock } = rendezvous({ maxWaitSeconds: 600 });
    assert.deepEqual(await register(m.voucher, [m.owner.privateKey], handler, 0xffff_ffff), { waitSeconds: 600 });
    assert.equal((await store.get(m.credential.guid))!.expiresAt.getTime(), clock().getTime() + 600_000);
  });

  test('resale: the voucher extended to the next owner registers again and replaces the first registration', async () => {
    const m = await manufacture({ seed: 'resale' });
    const { handler, store } = rendezvous();
    await register(m.voucher, [m.owner.privateKey], handler);
    const buyer = await cachedKeys('secp256r1', 7);
    const extended = encodeVoucher(
      extendVoucher(parseVoucher(m.voucher), { ownerPrivateKey: m.owner.privateKey, nextOwner: buyer.publicKey }),
    );
    await register(extended, [buyer.privateKey], handler);
    const reg = await store.get(m.credential.guid);
    assert.deepEqual(reg!.voucher, extended);
    verifyTo1dSignature(reg!.to1d, voucherOwner(parseVoucher(extended)));
    // The previous owner cannot take the registration back while the buyer's is live.
    const before = store.snapshot();
    await assert.rejects(register(m.voucher, [m.owner.privateKey], handler), (e: unknown) => {
      assert.ok(e instanceof FdoPeerError);
      assert.equal(e.peerCode, ErrorCode.INVALID_OWNERSHIP_VOUCHER);
      return true;
    });
    assert.deepEqual(store.snapshot(), before);
  });

  test('acceptance policy: only vouchers from trusted manufacturer keys', async () => {
    const m = await manufacture({ seed: 'policy' });
    const trusting = rendezvous({ acceptance: acceptVouchersFromManufacturers([m.manufacturer.publicKey]) });
    await register(m.voucher, [m.owner.privateKey], trusting.handler);
    assert.equal(trusting.store.size, 1);
    const other = await cachedKeys('secp256r1', 8);
    const strict = rendezvous({ acceptance: acceptVouchersFromManufacturers([other.publicKey]) });
    const { state, nonce } = await hello(strict.handler);
    const step = await strict.handler(state, { msgType: MsgType.TO0_OwnerSign, body: ownerSignBody(m.voucher, nonce, m.owner.privateKey) });
    assertFailed(step, ErrorCode.INVALID_OWNERSHIP_VOUCHER, 'ERR_FDO_TO0_VOUCHER_REJECTED');
    assert.equal(strict.store.size, 0);
  });

  test('replacement port: asked only while a registration is live; its refusal keeps the registration', async () => {
    const m = await manufacture({ seed: 'replacement' });
    const asked: string[] = [];
    let refusal: string | undefined = 'not yours';
    const { handler, store, clock } = rendezvous({
      maxWaitSeconds: 600,
      replacement: async (incoming, live) => {
        assert.deepEqual(live.guid, incoming.voucher.header.guid);
        asked.push(live.expiresAt.toISOString());
        return refusal;
      },
    });
    await register(m.voucher, [m.owner.privateKey], handler);
    assert.deepEqual(asked, [], 'nothing registered yet: not asked');
    const before = store.snapshot();
    const { state, nonce } = await hello(handler);
    const step = await handler(state, { msgType: MsgType.TO0_OwnerSign, body: ownerSignBody(m.voucher, nonce, m.owner.privateKey) });
    assertFailed(step, ErrorCode.INVALID_OWNERSHIP_VOUCHER, 'ERR_FDO_TO0_REGISTRATION_HELD');
    assert.match(String((step.error as Error).message), /not yours/);
    assert.deepEqual(store.snapshot(), before);
    refusal = undefined;
    await register(m.voucher, [m.owner.privateKey], handler);
    assert.equal(asked.length, 2);
    clock.advance(601);
    refusal = 'not yours';
    await register(m.voucher, [m.owner.privateKey], handler);
    assert.equal(asked.length, 2, 'the registration ran out: not asked');
  });

  test('a registration changed by another TO0 between the checks and the write is not overwritten', async () => {
    const m = await manufacture({ seed: 'race' });
    const store = new MemoryRendezvousStore();
    const handler = createTo0Rendezvous({ random: seededRandom('to0-race'), clock: fixedClock(), store });
    await register(m.voucher, [m.owner.privateKey], handler);
    const { state, nonce } = await hello(handler);
    const body = ownerSignBody(m.voucher, nonce, m.owner.privateKey);
    // Another server's TO0 for the GUID lands while this one is being checked.
    const read = store.get.bind(store);
    store.get = async (guid) => {
      const held = await read(guid);
      await store.put({ ...held!, to1d: Uint8Array.of(1, 2, 3) });
      return held;
    };
    const step = await handler(state, { msgType: MsgType.TO0_OwnerSign, body });
    assertFailed(step, ErrorCode.INVALID_OWNERSHIP_VOUCHER, 'ERR_FDO_TO0_REGISTRATION_CHANGED');
    assert.deepEqual((await read(m.credential.guid))?.to1d, Uint8Array.of(1, 2, 3), 'the other TO0 stays');
  });

  test('a voucher without entries: refused by default, accepted with allowUnextended', async () => {
    const m = await manufacture({ extend: false, seed: 'unextended' });
    const strict = rendezvous();
    const s = await hello(strict.handler);
    assertFailed(
      await strict.handler(s.state, { msgType: MsgType.TO0_OwnerSign, body: ownerSignBody(m.voucher, s.nonce, m.manufacturer.privateKey) }),
      ErrorCode.INVALID_OWNERSHIP_VOUCHER,
      'ERR_FDO_TO0_VOUCHER_NOT_EXTENDED',
    );
    const open = rendezvous({ allowUnextended: true });
    await register(m.voucher, [m.manufacturer.privateKey], open.handler);
    assert.equal(open.store.size, 1);
  });
});

describe('TO0: failures change nothing', () => {
  let fixture: Manufactured | undefined;
  const m = async () => (fixture ??= await manufacture({ seed: 'to0-failures' }));

  async function expectFailure(body: (nonce: Nonce, m: Manufactured) => Uint8Array, fdoCode: number, code: string) {
    const { handler, store } = rendezvous();
    const { state, nonce } = await hello(handler);
    const step = await handler(state, { msgType: MsgType.TO0_OwnerSign, body: body(nonce, await m()) });
    assertFailed(step, fdoCode, code);
    assert.equal(store.size, 0);
  }

  test('a tampered voucher (an entry signature changed) is INVALID_OWNERSHIP_VOUCHER', async () => {
    await expectFailure(
      (nonce, f) => {
        const v = parseVoucher(f.voucher);
        const raw = new Uint8Array(v.entries[0]!.raw);
        raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 0xff;
        const tampered = encodeVoucher({ ...v, entries: [{ ...v.entries[0]!, raw }] });
        return ownerSignBody(tampered, nonce, f.owner.privateKey);
      },
      ErrorCode.INVALID_OWNERSHIP_VOUCHER,
      'ERR_FDO_VOUCHER_ENTRY_SIGNATURE',
    );
  });

  test('a voucher whose device chain does not match its hash is INVALID_OWNERSHIP_VOUCHER', async () => {
    await expectFailure(
      (nonce, f) => {
        const v = parseVoucher(f.voucher);
        const tampered = encodeVoucher({
          ...v,
          devCertChain: [...v.devCertChain!].reverse(),
          raw: { ...v.raw, devCertChain: encode([...v.devCertChain!].reverse()) },
        });
        return ownerSignBody(tampered, nonce, f.owner.privateKey);
      },
      ErrorCode.INVALID_OWNERSHIP_VOUCHER,
      'ERR_FDO_VOUCHER_CHAIN_HASH',
    );
  });

  test('to1d signed by a key other than the current owner is INVALID_OWNER_SIGN_BODY', async () => {
    const stranger = await cachedKeys('secp256r1', 9);
    await expectFailure(
      (nonce, f) => ownerSignBody(f.voucher, nonce, stranger.privateKey),
      ErrorCode.INVALID_OWNER_SIGN_BODY,
      'ERR_FDO_TO1D_SIGNATURE',
    );
  });

  test('to1d signed by the manufacturer (a previous owner) is INVALID_OWNER_SIGN_BODY', async () => {
    await expectFailure(
      (nonce, f) => ownerSignBody(f.voucher, nonce, f.manufacturer.privateKey),
      ErrorCode.INVALID_OWNER_SIGN_BODY,
      'ERR_FDO_TO1D_SIGNATURE',
    );
  });

  test('to1d hashing another to0d is INVALID_OWNER_SIGN_BODY', async () => {
    await expectFailure(
      (nonce, f) => ownerSignBody(f.voucher, nonce, f.owner.privateKey, { hashOver: new Uint8Array([1, 2, 3]) }),
      ErrorCode.INVALID_OWNER_SIGN_BODY,
      'ERR_FDO_TO0_TO0D_HASH',
    );
  });

  test('a wrong nonce is INVALID_MESSAGE_ERROR', async () => {
    await expectFailure(
      (_nonce, f) => ownerSignBody(f.voucher, new Uint8Array(16).fill(7), f.owner.privateKey),
      ErrorCode.INVALID_MESSAGE_ERROR,
      'ERR_FDO_TO0_NONCE',
    );
  });

  test('an OwnerSign replayed into a new session is INVALID_MESSAGE_ERROR', async () => {
    const f = await m();
    const { handler, store } = rendezvous();
    const owner = createTo0Owner({ keyRing: new MemoryOwnerKeyRing([f.owner.privateKey]) });
    const captured: Uint8Array[] = [];
    await run(owner.start({ voucher: f.voucher, rvTo2Addr: TO2_ADDR }), owner, handler, {
      tamper: (msg) => {
        if (msg.msgType === MsgType.TO0_OwnerSign) captured.push(msg.body);
        return msg;
      },
    });
    const before = store.snapshot();
    const { state } = await hello(handler);
    assertFailed(
      await handler(state, { msgType: MsgType.TO0_OwnerSign, body: captured[0]! }),
      ErrorCode.INVALID_MESSAGE_ERROR,
      'ERR_FDO_TO0_NONCE',
    );
    assert.deepEqual(store.snapshot(), before);
  });

  test('messages out of order are INVALID_MESSAGE_ERROR', async () => {
    const f = await m();
    const { handler, store } = rendezvous();
    assertFailed(
      await handler(undefined, { msgType: MsgType.TO0_OwnerSign, body: ownerSignBody(f.voucher, new Uint8Array(16), f.owner.privateKey) }),
      ErrorCode.INVALID_MESSAGE_ERROR,
      'ERR_FDO_MESSAGE_OUT_OF_ORDER',
    );
    const { state } = await hello(handler);
    assertFailed(
      await handler(state, { msgType: MsgType.TO0_Hello, body: encode([]) }),
      ErrorCode.INVALID_MESSAGE_ERROR,
      'ERR_FDO_MESSAGE_OUT_OF_ORDER',
    );
    assertFailed(
      await handler(undefined, { msgType: MsgType.TO1_HelloRV, body: encode([]) }),
      ErrorCode.INVALID_MESSAGE_ERROR,
      'ERR_FDO_MESSAGE_OUT_OF_ORDER',
    );
    assert.equal(store.size, 0);
  });

  test('truncated and oversized bodies are MESSAGE_BODY_ERROR', async () => {
    await expectFailure(
      (nonce, f) => ownerSignBody(f.voucher, nonce, f.owner.privateKey).subarray(0, 200),
      ErrorCode.MESSAGE_BODY_ERROR,
      'ERR_FDO_MESSAGE_BODY',
    );
    await expectFailure(() => new Uint8Array(600 * 1024), ErrorCode.MESSAGE_BODY_ERROR, 'ERR_FDO_MESSAGE_TOO_LARGE');
    const { handler } = rendezvous();
    assertFailed(
      await handler(undefined, { msgType: MsgType.TO0_Hello, body: new Uint8Array(100) }),
      ErrorCode.MESSAGE_BODY_ERROR,
      'ERR_FDO_MESSAGE_TOO_LARGE',
    );
    assertFailed(
      await handler(undefined, { msgType: MsgType.TO0_Hello, body: encode([1]) }),
      ErrorCode.MESSAGE_BODY_ERROR,
      'ERR_FDO_MESSAGE_BODY',
    );
  });

  test('the owner client: no key for the voucher owner, and the peer code of a refusal', async () => {
    const f = await m();
    const { handler } = rendezvous();
    const owner = createTo0Owner({ keyRing: new MemoryOwnerKeyRing([(await cachedKeys('secp256r1', 9)).privateKey]) });
    await assert.rejects(run(owner.start({ voucher: f.voucher, rvTo2Addr: TO2_ADDR }), owner, handler), {
      code: 'ERR_FDO_TO0_NO_OWNER_KEY',
    });
    assert.throws(() => owner.start({ voucher: new Uint8Array([1, 2]), rvTo2Addr: TO2_ADDR }), FdoError);
    assert.throws(() => owner.start({ voucher: f.voucher, rvTo2Addr: [] }), TypeError);
  });
});
