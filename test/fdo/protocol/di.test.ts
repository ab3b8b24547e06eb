import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encode } from '../../../src/codec/cbor.ts';
import { createCertificationRequest } from '../../../src/crypto/csr.ts';
import type { KeyPairType } from '../../../src/crypto/key-generate.ts';
import {
  HashType,
  type HashTypeNumber,
  PublicKeyEncoding,
  PublicKeyType,
  type PublicKeyTypeNumber,
} from '../../../src/fdo/constants/crypto.ts';
import { ErrorCode } from '../../../src/fdo/constants/error-codes.ts';
import { MsgType } from '../../../src/fdo/constants/message-types.ts';
import { FdoError } from '../../../src/fdo/errors.ts';
import { encodeDeviceMfgInfo, encodeDIAppStart, encodeDISetHMAC } from '../../../src/fdo/messages/di.ts';
import { decodeErrorMessage } from '../../../src/fdo/messages/error.ts';
import { createDiDevice } from '../../../src/fdo/protocol/di-device.ts';
import { createDiManufacturer, type DiManufacturerConfig } from '../../../src/fdo/protocol/di-manufacturer.ts';
import { FdoPeerError } from '../../../src/fdo/protocol/lib/peer-error.ts';
import { MemoryManufacturerVoucherStore } from '../../../src/fdo/protocol/memory-stores.ts';
import type { ProtocolMessage } from '../../../src/fdo/protocol/ports.ts';
import { hashBytes } from '../../../src/fdo/types/hash.ts';
import { samePublicKey } from '../../../src/fdo/types/public-key.ts';
import { parseVoucher } from '../../../src/fdo/voucher/voucher-parse.ts';
import { verifyVoucher } from '../../../src/fdo/voucher/voucher-verify.ts';
import { cachedKeys } from '../../helpers/keys.ts';
import { seededRandom } from '../../helpers/random.ts';
import { assertFailed, fixedClock, manufacture, type RunLog, RV_INFO, run, testDeviceCa, viaJson } from './helpers.ts';

async function manufacturerWith(overrides: Partial<DiManufacturerConfig> = {}) {
  const store = new MemoryManufacturerVoucherStore();
  const handler = createDiManufacturer({
    random: seededRandom('di-m'),
    clock: fixedClock(),
    store,
    rvInfo: RV_INFO,
    deviceCa: await testDeviceCa(),
    manufacturerKeys: [await cachedKeys('secp256r1', 1), await cachedKeys('secp384r1', 1), await cachedKeys('rsa2048', 1)],
    ...overrides,
  });
  return { store, handler };
}

async function appStartBody(deviceType: KeyPairType = 'secp256r1', keyType: PublicKeyTypeNumber = PublicKeyType.SECP256R1) {
  const device = await cachedKeys(deviceType, 2);
  return encodeDIAppStart({
    deviceMfgInfo: encodeDeviceMfgInfo({
      keyType,
      keyEncoding: PublicKeyEncoding.X509,
      serialNumber: 'SN-0001',
      deviceInfo: 'IoTopia sensor',
      csr: createCertificationRequest(device.privateKey, 'SN-0001'),
      extra: [],
    }),
  });
}

describe('DI: device and manufacturer in process', () => {
  const cases: { name: string; deviceType: KeyPairType; mfgType: KeyPairType; keyType: PublicKeyTypeNumber; hash: HashTypeNumber }[] = [
    { name: 'SECP256R1', deviceType: 'secp256r1', mfgType: 'secp256r1', keyType: PublicKeyType.SECP256R1, hash: HashType.SHA256 },
    { name: 'SECP384R1', deviceType: 'secp384r1', mfgType: 'secp384r1', keyType: PublicKeyType.SECP384R1, hash: HashType.SHA384 },
    { name: 'RSA 2048 PKCS', deviceType: 'rsa2048', mfgType: 'rsa2048', keyType: PublicKeyType.RSAPKCS, hash: HashType.SHA256 },
    {
      name: 'RSA 2048, manufacturer key RSAPSS',
      deviceType: 'rsa2048',
      mfgType: 'rsa2048',
      keyType: PublicKeyType.RSAPSS,
      hash: HashType.SHA256,
    },
    {
      name: 'RSA 2048, RSA2048RESTR',
      deviceType: 'rsa2048',
      mfgType: 'rsa2048',
      keyType: PublicKeyType.RSA2048RESTR,
      hash: HashType.SHA256,
    },
  ];
  for (const c of cases) {
    test(`${c.name}: the device gets a credential, the manufacturer stores a voucher that it verifies`, async () => {
      const ca = await testDeviceCa();
      const m = await manufacture({ deviceType: c.deviceType, mfgType: c.mfgType, keyType: c.keyType, extend: false, seed: c.name });
      assert.equal(m.store.size, 1);
      const voucher = parseVoucher(m.voucher);
      assert.equal(voucher.header.pubKey.type, c.keyType);
      assert.ok(samePublicKey(voucher.header.pubKey, m.manufacturer.publicKey));
      assert.equal(voucher.entries.length, 0);
      // The device's secret checks the header HMAC, its key hash names OVPubKey, its GUID the header.
      const verified = verifyVoucher(voucher, {
        deviceCredential: m.credential,
        deviceChain: { time: new Date('2025-06-02T00:00:00Z'), trustAnchors: ca.chain },
      });
      assert.ok(verified.hmacChecked && verified.deviceChainChecked);
      assert.ok(samePublicKey(verified.deviceCertificates![0]!.publicKey, m.device.publicKey));
      assert.equal(m.credential.pubKeyHash.type, c.hash);
      assert.deepEqual(m.credential.pubKeyHash, hashBytes(c.hash, voucher.raw.pubKey));
      assert.equal(voucher.headerHmac.type, c.hash === HashType.SHA384 ? HashType.HMAC_SHA384 : HashType.HMAC_SHA256);
      assert.equal(m.credential.hmacSecret.length, c.hash === HashType.SHA384 ? 48 : 32);
      assert.equal(m.credential.deviceInfo, 'IoTopia sensor');
      assert.equal(m.credential.active, true);
      assert.deepEqual(m.credential.rvInfo, voucher.header.rvInfo);
      assert.ok('pkcs8' in m.credential.deviceKey);
    });
  }

  test('extendTo: the stored voucher already names the owner (RSAPSS manufacturer key signs with PS256)', async () => {
    const m = await manufacture({ deviceType: 'rsa2048', mfgType: 'rsa2048', ownerType: 'secp256r1', keyType: PublicKeyType.RSAPSS });
    const voucher = parseVoucher(m.voucher);
    assert.equal(voucher.entries.length, 1);
    assert.equal(voucher.entries[0]!.alg, -37);
    const verified = verifyVoucher(voucher, { deviceCredential: m.credential, ownerKey: m.owner.publicKey });
    assert.equal(verified.entries, 1);
  });

  test('the same seeds give the same GUID and header: the roles are deterministic apart from signatures', async () => {
    const a = await manufacture({ seed: 'same', extend: false });
    const b = await manufacture({ seed: 'same', extend: false });
    assert.deepEqual(a.credential.guid, b.credential.guid);
    assert.deepEqual(a.credential.hmacSecret, b.credential.hmacSecret);
  });

  test('a device asking for X5CHAIN from a manufacturer key without certificates gets X509', async () => {
    const { handler, store } = await manufacturerWith();
    const device = createDiDevice({
      random: seededRandom('x5'),
      deviceKey: (await cachedKeys('secp256r1', 2)).privateKey,
      serialNumber: 'S',
      model: 'M',
      keyEncoding: PublicKeyEncoding.X5CHAIN,
    });
    const cred = await run(device.start(), device, handler);
    assert.equal(parseVoucher((await store.getVoucher(cred.guid))!).header.pubKey.encoding, PublicKeyEncoding.X509);
  });

  test('the manufacturer state holds no secret and survives JSON', async () => {
    const { handler } = await manufacturerWith();
    const step = await handler(undefined, { msgType: MsgType.DI_AppStart, body: await appStartBody() });
    assert.equal(step.reply.msgType, MsgType.DI_SetCredentials);
    assert.deepEqual(viaJson(step.state), step.state);
    assert.deepEqual(Object.keys(step.state!).sort(), ['chain', 'guid', 'header', 'protocol', 'step']);
  });
});

describe('DI: failures', () => {
  const setHmacBody = encodeDISetHMAC({ hmac: { type: HashType.HMAC_SHA256, value: new Uint8Array(32) } });

  test('DI.SetHMAC first is out of order (INVALID_MESSAGE_ERROR); nothing is stored', async () => {
    const { handler, store } = await manufacturerWith();
    const step = await handler(undefined, { msgType: MsgType.DI_SetHMAC, body: setHmacBody });
    assertFailed(step, ErrorCode.INVALID_MESSAGE_ERROR, 'ERR_FDO_MESSAGE_OUT_OF_ORDER');
    assert.equal(store.size, 0);
  });

  test('DI.AppStart twice in one session is out of order', async () => {
    const { handler, store } = await manufacturerWith();
    const first = await handler(undefined, { msgType: MsgType.DI_AppStart, body: await appStartBody() });
    const again = await handler(viaJson(first.state!), { msgType: MsgType.DI_AppStart, body: await appStartBody() });
    assertFailed(again, ErrorCode.INVALID_MESSAGE_ERROR, 'ERR_FDO_MESSAGE_OUT_OF_ORDER');
    assert.equal(store.size, 0);
  });

  test('a message of another protocol is out of order', async () => {
    const { handler } = await manufacturerWith();
    assertFailed(
      await handler(undefined, { msgType: MsgType.TO0_Hello, body: encode([]) }),
      ErrorCode.INVALID_MESSAGE_ERROR,
      'ERR_FDO_MESSAGE_OUT_OF_ORDER',
    );
  });

  test('a truncated DI.AppStart is MESSAGE_BODY_ERROR', async () => {
    const { handler, store } = await manufacturerWith();
    const body = await appStartBody();
    const step = await handler(undefined, { msgType: MsgType.DI_AppStart, body: body.subarray(0, body.length - 5) });
    assertFailed(step, ErrorCode.MESSAGE_BODY_ERROR, 'ERR_FDO_MESSAGE_BODY');
    assert.equal(store.size, 0);
  });

  test('an oversized DI.AppStart is refused before it is read', async () => {
    const { handler } = await manufacturerWith();
    const step = await handler(undefined, { msgType: MsgType.DI_AppStart, body: new Uint8Array(64 * 1024) });
    assertFailed(step, ErrorCode.MESSAGE_BODY_ERROR, 'ERR_FDO_MESSAGE_TOO_LARGE');
  });

  test('an oversized or truncated DI.SetHMAC ends the session; nothing is stored', async () => {
    const { handler, store } = await manufacturerWith();
    const first = await handler(undefined, { msgType: MsgType.DI_AppStart, body: await appStartBody() });
    const big = await handler(viaJson(first.state!), { msgType: MsgType.DI_SetHMAC, body: new Uint8Array(4096) });
    assertFailed(big, ErrorCode.MESSAGE_BODY_ERROR, 'ERR_FDO_MESSAGE_TOO_LARGE');
    const cut = await handler(viaJson(first.state!), { msgType: MsgType.DI_SetHMAC, body: setHmacBody.subarray(0, 10) });
    assertFailed(cut, ErrorCode.MESSAGE_BODY_ERROR, 'ERR_FDO_MESSAGE_BODY');
    assert.equal(store.size, 0);
  });

  test('a null DeviceMfgInfo, a CSR whose signature fails, or an unsupported key type is refused', async () => {
    const { handler } = await manufacturerWith();
    assertFailed(
      await handler(undefined, { msgType: MsgType.DI_AppStart, body: encodeDIAppStart({ deviceMfgInfo: null }) }),
      ErrorCode.MESSAGE_BODY_ERROR,
      'ERR_FDO_DI_NO_MFG_INFO',
    );
    const device = await cachedKeys('secp256r1', 2);
    const csr = createCertificationRequest(device.privateKey, 'SN');
    csr[csr.length - 3] = (csr[csr.length - 3] ?? 0) ^ 0x01;
    const bad = encodeDIAppStart({
      deviceMfgInfo: encodeDeviceMfgInfo({ keyType: 10, keyEncoding: 1, serialNumber: 'S', deviceInfo: 'M', csr, extra: [] }),
    });
    assertFailed(await handler(undefined, { msgType: MsgType.DI_AppStart, body: bad }), ErrorCode.MESSAGE_BODY_ERROR, 'ERR_FDO_DI_CSR');
    const ed = await cachedKeys('ed25519', 2);
    assert.throws(() => createCertificationRequest(ed.privateKey, 'S'), TypeError);
  });

  test('a pkType no configured manufacturer key fits is INVALID_MESSAGE_ERROR', async () => {
    const { handler } = await manufacturerWith({ manufacturerKeys: [await cachedKeys('secp256r1', 1)] });
    const step = await handler(undefined, { msgType: MsgType.DI_AppStart, body: await appStartBody('secp384r1', PublicKeyType.SECP384R1) });
    assertFailed(step, ErrorCode.INVALID_MESSAGE_ERROR, 'ERR_FDO_DI_NO_MANUFACTURER_KEY');
  });

  test('a store that fails is INTERNAL_SERVER_ERROR to the device, the cause beside it for the log', async () => {
    const failure = new Error('disk full');
    const { handler } = await manufacturerWith({
      store: {
        async saveVoucher() {
          throw failure;
        },
      },
    });
    const device = createDiDevice({
      random: seededRandom('f'),
      deviceKey: (await cachedKeys('secp256r1', 2)).privateKey,
      serialNumber: 'S',
      model: 'M',
    });
    const log: RunLog = { requests: [], replies: [], serverErrors: [] };
    await assert.rejects(run(device.start(), device, handler, { log }), (e: unknown) => {
      assert.ok(e instanceof FdoPeerError);
      assert.equal(e.code, 'ERR_FDO_PEER_ERROR');
      assert.equal(e.peerCode, ErrorCode.INTERNAL_SERVER_ERROR);
      assert.equal(e.prevMsgType, MsgType.DI_SetHMAC);
      return true;
    });
    assert.deepEqual(log.serverErrors, [failure]);
    // The peer learns the code and a generic text, never the cause.
    assert.equal(decodeErrorMessage(log.replies.at(-1)!.body).message, 'internal error');
  });

  test('the device refuses a reply of the wrong type, and a header that is not a voucher header', async () => {
    const device = createDiDevice({
      random: seededRandom('w'),
      deviceKey: (await cachedKeys('secp256r1', 2)).privateKey,
      serialNumber: 'S',
      model: 'M',
    });
    const start = device.start();
    const wrong: ProtocolMessage = { msgType: MsgType.DI_Done, body: encode([]) };
    await assert.rejects(device.receive(start.state!, wrong), { code: 'ERR_FDO_UNEXPECTED_MESSAGE' });
    const notHeader: ProtocolMessage = { msgType: MsgType.DI_SetCredentials, body: encode([encode([100, 1, 2, 3, 4, 5])]) };
    await assert.rejects(device.receive(start.state!, notHeader), (e: unknown) => e instanceof FdoError);
  });

  test("a client's error message ends the session on the server", async () => {
    const { handler } = await manufacturerWith();
    const first = await handler(undefined, { msgType: MsgType.DI_AppStart, body: await appStartBody() });
    const body = encode([100, MsgType.DI_SetCredentials, 'bad header', null, null]);
    const step = await handler(viaJson(first.state!), { msgType: MsgType.Error, body });
    assert.equal(step.state, null);
    assert.ok(step.error instanceof FdoPeerError);
    assert.equal((step.error as FdoPeerError).peerCode, 100);
  });
});
