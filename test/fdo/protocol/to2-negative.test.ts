/**
 * TO2 failures: each test breaks one thing and asserts the IoTopia code, the spec code the peer
 * sees, and that no store changed (the owner recorded no onboarding, the voucher is as it was, the
 * device got no new credential).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { concat } from '../../../src/codec/bytes.ts';
import { encode } from '../../../src/codec/cbor.ts';
import { CipherSuite } from '../../../src/fdo/constants/crypto.ts';
import { MsgType } from '../../../src/fdo/constants/message-types.ts';
import { decodeErrorMessage } from '../../../src/fdo/messages/error.ts';
import {
  decodeTO2HelloDevice,
  decodeTO2OVNextEntry,
  decodeTO2ProveDevice,
  decodeTO2ProveOVHdr,
  encodeTO2HelloDevice,
  encodeTO2OVNextEntry,
  encodeTO2ProveDevice,
  encodeTO2ProveOVHdr,
  type TO2ProveOVHdr,
} from '../../../src/fdo/messages/to2.ts';
import { FdoPeerError } from '../../../src/fdo/protocol/lib/peer-error.ts';
import type { ProtocolMessage } from '../../../src/fdo/protocol/ports.ts';
import { createTo2Owner } from '../../../src/fdo/protocol/to2-owner.ts';
import { publicKeyFromKeyObject } from '../../../src/fdo/types/public-key.ts';
import { rawArrayElements } from '../../../src/fdo/types/read.ts';
import { encodeVoucher } from '../../../src/fdo/voucher/voucher-encode.ts';
import { cachedKeys } from '../../helpers/keys.ts';
import { seededRandom } from '../../helpers/random.ts';
import { fixedClock, makeOwner, makeTo2World, runTo2, type To2RunResult, type To2World } from '../e2e/kit.ts';

const T = MsgType;

interface Expect {
  /** The IoTopia code of whichever side detected the failure. */
  code: string;
  /** The spec code (the error message's EMErrorCode, or the device's fdoCode). */
  fdoCode: number;
  /** Which side detected it. */
  by: 'owner' | 'device';
}

function codeOf(e: unknown): string | undefined {
  return (e as { code?: string } | undefined)?.code;
}

/** Asserts the failure and that neither side kept anything. */
async function assertFailed(w: To2World, r: To2RunResult, x: Expect): Promise<void> {
  assert.equal(r.result, undefined, 'the device must not get a new credential');
  if (x.by === 'owner') {
    assert.equal(codeOf(r.ownerError), x.code, `owner error: ${String(r.ownerError)}`);
    assert.ok(r.deviceError instanceof FdoPeerError, `device error: ${String(r.deviceError)}`);
    assert.equal(r.deviceError.peerCode, x.fdoCode);
    const last = r.ownerSteps.at(-1);
    assert.equal(last?.state, null);
    assert.equal(last?.reply.msgType, T.Error);
    const em = decodeErrorMessage(last?.reply.body as Uint8Array);
    assert.equal(em.code, x.fdoCode);
    // The peer learns the code and a generic text, nothing of IoTopia's reasons.
    assert.ok(!em.message.includes('ERR_'));
  } else {
    assert.equal(codeOf(r.deviceError), x.code, `device error: ${String(r.deviceError)}; owner: ${String(r.ownerError)}`);
    assert.equal((r.deviceError as { fdoCode?: number }).fdoCode, x.fdoCode);
  }
  assert.equal(w.owner.store.onboardedDevices.size, 0, 'the owner recorded no onboarding');
  const stored = await w.owner.store.get(w.device.credential.guid);
  assert.deepEqual(stored?.voucher, encodeVoucher(w.voucher), 'the stored voucher is unchanged');
}

const flipLast = (b: Uint8Array): Uint8Array => {
  const c = new Uint8Array(b);
  c[c.length - 1] = (c[c.length - 1] as number) ^ 0x01;
  return c;
};

/** The device's first message of `type` is replaced by `f(message)`. */
function onDevice(type: number, f: (m: ProtocolMessage) => ProtocolMessage | Promise<ProtocolMessage>, nth = 0) {
  let seen = 0;
  return async (m: ProtocolMessage, from: 'device' | 'owner') => (from === 'device' && m.msgType === type && seen++ === nth ? f(m) : m);
}

function onOwner(type: number, f: (m: ProtocolMessage) => ProtocolMessage | Promise<ProtocolMessage>) {
  let done = false;
  return async (m: ProtocolMessage, from: 'device' | 'owner') => {
    if (from !== 'owner' || m.msgType !== type || done) return m;
    done = true;
    return f(m);
  };
}

/** TO2.ProveOVHdr with `changes`, signed again by `key` (the owner's, unless an attacker's). */
function resignProveOVHdr(body: Uint8Array, key: import('node:crypto').KeyObject, changes: Partial<TO2ProveOVHdr>, alg = -7): Uint8Array {
  const d = decodeTO2ProveOVHdr(body);
  const { sign1: _, ...fields } = d;
  return encodeTO2ProveOVHdr({ ...fields, ...changes, signer: { key, alg } });
}

/** An OVHeader with OVDeviceInfo replaced. */
function tamperDeviceInfo(header: Uint8Array): Uint8Array {
  const e = rawArrayElements(header, 'OVHeader');
  e[3] = encode('IoTopia evil twin');
  return concat([Uint8Array.of(0x86), ...e]);
}

describe('TO2 owner refusals', () => {
  test('unknown GUID', async () => {
    const w = await makeTo2World();
    const r = await runTo2({ credential: { ...w.device.credential, guid: new Uint8Array(16).fill(7) }, owner: w.owner });
    await assertFailed(w, r, { by: 'owner', code: 'ERR_FDO_TO2_UNKNOWN_GUID', fdoCode: 6 });
  });

  test('the voucher is not extended to this owner (its key is not in the key ring)', async () => {
    const w = await makeTo2World();
    const other = makeOwner(await cachedKeys('secp256r1', 40));
    await other.store.add(w.device.credential.guid, encodeVoucher(w.voucher));
    const r = await runTo2({ credential: w.device.credential, owner: { ...w.owner, ring: other.ring } });
    await assertFailed(w, r, { by: 'owner', code: 'ERR_FDO_TO2_NOT_OWNER', fdoCode: 2 });
  });

  test('a tampered stored voucher (an entry signature) is refused before anything is sent', async () => {
    const w = await makeTo2World({ intermediateOwners: 1 });
    const last = w.voucher.entries.at(-1);
    assert.ok(last);
    const bad = { ...w.voucher, entries: [...w.voucher.entries.slice(0, -1), { ...last, raw: flipLast(last.raw) }] };
    await w.owner.store.add(w.device.credential.guid, encodeVoucher(bad));
    const r = await runTo2({ credential: w.device.credential, owner: w.owner });
    assert.equal(codeOf(r.ownerError), 'ERR_FDO_VOUCHER_ENTRY_SIGNATURE');
    assert.equal((r.deviceError as FdoPeerError).peerCode, 2);
    assert.equal(w.owner.store.onboardedDevices.size, 0);
  });

  test('a key exchange that does not fit the owner key, an unknown suite or cipher', async () => {
    const w = await makeTo2World();
    await assertFailed(w, await runTo2({ credential: w.device.credential, owner: w.owner, kexSuite: 'DHKEXid14' }), {
      by: 'owner',
      code: 'ERR_FDO_TO2_KEX_MISMATCH',
      fdoCode: 101,
    });
    const rewrite = (changes: { kexSuiteName?: string; cipherSuiteName?: number }) =>
      onDevice(T.TO2_HelloDevice, (m) => {
        const { bytes: _, ...h } = decodeTO2HelloDevice(m.body);
        return { msgType: m.msgType, body: encodeTO2HelloDevice({ ...h, ...changes }) };
      });
    await assertFailed(w, await runTo2({ credential: w.device.credential, owner: w.owner, intercept: rewrite({ cipherSuiteName: 999 }) }), {
      by: 'owner',
      code: 'ERR_FDO_CIPHER_UNSUPPORTED',
      fdoCode: 101,
    });
    await assertFailed(
      w,
      await runTo2({ credential: w.device.credential, owner: w.owner, intercept: rewrite({ kexSuiteName: 'ECDH521' }) }),
      {
        by: 'owner',
        code: 'ERR_FDO_KEX_UNSUPPORTED',
        fdoCode: 101,
      },
    );
  });

  test('TO2.ProveDevice signed by another key, with a stale nonce, or replayed from an earlier session', async () => {
    const w = await makeTo2World();
    const stranger = await cachedKeys('secp256r1', 41);
    const resign = (key: import('node:crypto').KeyObject, nonce?: Uint8Array) =>
      onDevice(T.TO2_ProveDevice, (m) => {
        const d = decodeTO2ProveDevice(m.body);
        return {
          msgType: m.msgType,
          body: encodeTO2ProveDevice({
            nonceTO2ProveDv: nonce ?? d.nonceTO2ProveDv,
            guid: d.guid,
            xBKeyExchange: d.xBKeyExchange,
            nonceTO2SetupDv: d.nonceTO2SetupDv,
            signer: { key, alg: -7 },
          }),
        };
      });
    await assertFailed(w, await runTo2({ credential: w.device.credential, owner: w.owner, intercept: resign(stranger.privateKey) }), {
      by: 'owner',
      code: 'ERR_FDO_TO2_SIGNATURE',
      fdoCode: 101,
    });
    await assertFailed(
      w,
      await runTo2({ credential: w.device.credential, owner: w.owner, intercept: resign(w.device.keys.privateKey, new Uint8Array(16)) }),
      { by: 'owner', code: 'ERR_FDO_TO2_NONCE', fdoCode: 101 },
    );
    // A ProveDevice captured from one session and replayed into the next.
    let captured: ProtocolMessage | undefined;
    const spy = new (await import('../../../src/fdo/protocol/memory-stores.ts')).MemoryOwnerVoucherStore();
    await spy.add(w.device.credential.guid, encodeVoucher(w.voucher));
    await runTo2({
      credential: w.device.credential,
      owner: { ...w.owner, store: spy },
      seed: 'first',
      intercept: onDevice(T.TO2_ProveDevice, (m) => {
        captured = m;
        return m;
      }),
    });
    assert.ok(captured);
    const replayed = captured;
    const r = await runTo2({
      credential: w.device.credential,
      owner: w.owner,
      seed: 'second',
      intercept: onDevice(T.TO2_ProveDevice, () => replayed),
    });
    await assertFailed(w, r, { by: 'owner', code: 'ERR_FDO_TO2_NONCE', fdoCode: 101 });
  });

  test('TO2.Done with a wrong NonceTO2ProveDv', async () => {
    const w = await makeTo2World();
    const r = await runTo2({
      credential: w.device.credential,
      owner: w.owner,
      deviceStateHook: (s) => (s.expect === T.TO2_OwnerServiceInfo ? { ...s, nonceProveDv: Buffer.alloc(16, 9).toString('base64') } : s),
    });
    await assertFailed(w, r, { by: 'owner', code: 'ERR_FDO_TO2_NONCE', fdoCode: 101 });
  });

  test('messages out of order, and a replayed TO2.GetOVNextEntry', async () => {
    const w = await makeTo2World({ intermediateOwners: 1 });
    const owner = createTo2Owner({ vouchers: w.owner.store, keys: w.owner.ring, random: seededRandom('ooo'), clock: fixedClock });
    const first = await owner(undefined, { msgType: T.TO2_GetOVNextEntry, body: Uint8Array.of(0x81, 0x00) });
    assert.equal(codeOf(first.error), 'ERR_FDO_MESSAGE_OUT_OF_ORDER');
    assert.equal(decodeErrorMessage(first.reply.body).code, 101);
    await assertFailed(
      w,
      await runTo2({
        credential: w.device.credential,
        owner: w.owner,
        intercept: onDevice(T.TO2_GetOVNextEntry, () => ({ msgType: T.TO2_Done, body: Uint8Array.of(0x81, 0x50) })),
      }),
      { by: 'owner', code: 'ERR_FDO_MESSAGE_OUT_OF_ORDER', fdoCode: 101 },
    );
    let entry0: ProtocolMessage | undefined;
    const r = await runTo2({
      credential: w.device.credential,
      owner: w.owner,
      intercept: async (m, from) => {
        if (from !== 'device' || m.msgType !== T.TO2_GetOVNextEntry) return m;
        if (entry0 === undefined) {
          entry0 = m;
          return m;
        }
        return entry0;
      },
    });
    await assertFailed(w, r, { by: 'owner', code: 'ERR_FDO_TO2_ENTRY_NUMBER', fdoCode: 101 });
  });

  test('oversized and truncated messages', async () => {
    const w = await makeTo2World();
    const big = onDevice(T.TO2_HelloDevice, (m) => ({ msgType: m.msgType, body: concat([m.body, new Uint8Array(4096)]) }));
    await assertFailed(w, await runTo2({ credential: w.device.credential, owner: w.owner, intercept: big }), {
      by: 'owner',
      code: 'ERR_FDO_MESSAGE_TOO_LARGE',
      fdoCode: 100,
    });
    const bigSealed = onDevice(T.TO2_DeviceServiceInfoReady, (m) => ({ msgType: m.msgType, body: concat([m.body, new Uint8Array(2048)]) }));
    await assertFailed(w, await runTo2({ credential: w.device.credential, owner: w.owner, intercept: bigSealed }), {
      by: 'owner',
      code: 'ERR_FDO_MESSAGE_TOO_LARGE',
      fdoCode: 100,
    });
    for (const type of [T.TO2_HelloDevice, T.TO2_ProveDevice, T.TO2_GetOVNextEntry]) {
      const cut = onDevice(type, (m) => ({ msgType: m.msgType, body: m.body.subarray(0, Math.max(1, m.body.length - 3)) }));
      await assertFailed(w, await runTo2({ credential: w.device.credential, owner: w.owner, intercept: cut }), {
        by: 'owner',
        code: 'ERR_FDO_MESSAGE_BODY',
        fdoCode: 100,
      });
    }
    const cutSealed = onDevice(T.TO2_DeviceServiceInfoReady, (m) => ({ msgType: m.msgType, body: m.body.subarray(0, m.body.length - 5) }));
    await assertFailed(w, await runTo2({ credential: w.device.credential, owner: w.owner, intercept: cutSealed }), {
      by: 'owner',
      code: 'ERR_FDO_SESSION_MALFORMED',
      fdoCode: 100,
    });
  });

  test('a device that sends garbage, a forged or a replayed message after the session started', async () => {
    const w = await makeTo2World();
    const noise = seededRandom('noise');
    await assertFailed(
      w,
      await runTo2({
        credential: w.device.credential,
        owner: w.owner,
        intercept: onDevice(T.TO2_DeviceServiceInfoReady, (m) => ({ msgType: m.msgType, body: noise(64) })),
      }),
      { by: 'owner', code: 'ERR_FDO_SESSION_MALFORMED', fdoCode: 100 },
    );
    for (const cipherSuite of [CipherSuite.A256GCM, CipherSuite.COSEAES256CBC]) {
      await assertFailed(
        w,
        await runTo2({
          credential: w.device.credential,
          owner: w.owner,
          cipherSuite,
          intercept: onDevice(T.TO2_DeviceServiceInfo, (m) => {
            const c = new Uint8Array(m.body);
            c[c.length - 20] = (c[c.length - 20] as number) ^ 0x80;
            return { msgType: m.msgType, body: c };
          }),
        }),
        { by: 'owner', code: 'ERR_FDO_SESSION_DECRYPT', fdoCode: 101 },
      );
    }
    let ready: ProtocolMessage | undefined;
    const replay = async (m: ProtocolMessage, from: 'device' | 'owner') => {
      if (from !== 'device') return m;
      if (m.msgType === T.TO2_DeviceServiceInfoReady) ready = m;
      if (m.msgType === T.TO2_DeviceServiceInfo && ready !== undefined) return { msgType: T.TO2_DeviceServiceInfo, body: ready.body };
      return m;
    };
    await assertFailed(w, await runTo2({ credential: w.device.credential, owner: w.owner, intercept: replay }), {
      by: 'owner',
      code: 'ERR_FDO_SESSION_REPLAY',
      fdoCode: 101,
    });
  });

  test('Credential Reuse contradicted by the device', async () => {
    const w = await makeTo2World();
    const r = await runTo2({
      credential: w.device.credential,
      owner: w.owner,
      ownerStateHook: (s) => (s.replacement === null ? s : { ...s, replacement: { ...s.replacement, reuse: true } }),
    });
    await assertFailed(w, r, { by: 'owner', code: 'ERR_FDO_TO2_REUSE_MISMATCH', fdoCode: 102 });
  });

  test('unusable stored state is an internal error, not the peer’s', async () => {
    const w = await makeTo2World();
    const r = await runTo2({
      credential: w.device.credential,
      owner: w.owner,
      ownerStateHook: (s) => (s.expect === T.TO2_ProveDevice ? { ...s, nonceProveDv: 'not base64!' } : s),
    });
    await assertFailed(w, r, { by: 'owner', code: 'ERR_FDO_TO2_STATE', fdoCode: 500 });
  });

  test('the stored voucher replaced during the session: TO2.DeviceServiceInfoReady refuses it before any ServiceInfo', async () => {
    const w = await makeTo2World({ intermediateOwners: 1 });
    const guid = w.device.credential.guid;
    const r = await runTo2({
      credential: w.device.credential,
      owner: w.owner,
      intercept: onDevice(T.TO2_DeviceServiceInfoReady, async (m) => {
        await w.owner.store.add(guid, flipLast(encodeVoucher(w.voucher)));
        return m;
      }),
    });
    assert.equal(codeOf(r.ownerError), 'ERR_FDO_TO2_VOUCHER_CHANGED');
    assert.equal((r.deviceError as FdoPeerError).peerCode, 500);
    assert.equal(r.ownerSteps.filter((s) => s.reply.msgType === T.TO2_OwnerServiceInfoReady).length, 0);
    assert.equal(w.owner.store.onboardedDevices.size, 0);
  });

  test('the voucher is read at TO2.HelloDevice and TO2.DeviceServiceInfoReady; a replica without it reads it once', async () => {
    for (const replicas of [1, 2]) {
      const w = await makeTo2World({ intermediateOwners: 2 });
      const get = w.owner.store.get.bind(w.owner.store);
      let reads = 0;
      w.owner.store.get = (g) => {
        reads++;
        return get(g);
      };
      const r = await runTo2({ credential: w.device.credential, owner: w.owner, replicas });
      assert.equal(r.deviceError, undefined);
      assert.ok(r.result);
      assert.equal(reads, replicas === 1 ? 2 : 3, `${replicas} replica(s)`);
    }
  });
});

describe('TO2 device refusals', () => {
  test('a header field tampered with in transit (the owner signs what it sends; the HMAC catches it)', async () => {
    const w = await makeTo2World();
    const r = await runTo2({
      credential: w.device.credential,
      owner: w.owner,
      intercept: onOwner(T.TO2_ProveOVHdr, (m) => ({
        msgType: m.msgType,
        body: resignProveOVHdr(m.body, w.owner.keys.privateKey, { ovHeader: tamperDeviceInfo(decodeTO2ProveOVHdr(m.body).ovHeader) }),
      })),
    });
    await assertFailed(w, r, { by: 'device', code: 'ERR_FDO_VOUCHER_HMAC', fdoCode: 2 });
  });

  test('a bad header HMAC: a wrong value, or a device with another secret', async () => {
    const w = await makeTo2World();
    const r = await runTo2({
      credential: w.device.credential,
      owner: w.owner,
      intercept: onOwner(T.TO2_ProveOVHdr, (m) => {
        const d = decodeTO2ProveOVHdr(m.body);
        return {
          msgType: m.msgType,
          body: resignProveOVHdr(m.body, w.owner.keys.privateKey, {
            ovHeaderHmac: { ...d.ovHeaderHmac, value: flipLast(d.ovHeaderHmac.value) },
          }),
        };
      }),
    });
    await assertFailed(w, r, { by: 'device', code: 'ERR_FDO_VOUCHER_HMAC', fdoCode: 2 });
    const r2 = await runTo2({ credential: { ...w.device.credential, hmacSecret: new Uint8Array(32).fill(1) }, owner: w.owner });
    await assertFailed(w, r2, { by: 'device', code: 'ERR_FDO_VOUCHER_HMAC', fdoCode: 2 });
  });

  test('a voucher for another manufacturer key than the credential holds', async () => {
    const w = await makeTo2World();
    const dc = w.device.credential;
    const r = await runTo2({
      credential: { ...dc, pubKeyHash: { ...dc.pubKeyHash, value: flipLast(dc.pubKeyHash.value) } },
      owner: w.owner,
    });
    await assertFailed(w, r, { by: 'device', code: 'ERR_FDO_VOUCHER_MFG_KEY_HASH', fdoCode: 2 });
  });

  test('a tampered voucher entry, or another entry than the one asked for', async () => {
    const w = await makeTo2World({ intermediateOwners: 1 });
    const flipEntry = onOwner(T.TO2_OVNextEntry, (m) => {
      const d = decodeTO2OVNextEntry(m.body);
      return { msgType: m.msgType, body: encodeTO2OVNextEntry({ ovEntryNum: d.ovEntryNum, ovEntry: flipLast(d.ovEntry) }) };
    });
    await assertFailed(w, await runTo2({ credential: w.device.credential, owner: w.owner, intercept: flipEntry }), {
      by: 'device',
      code: 'ERR_FDO_VOUCHER_ENTRY_SIGNATURE',
      fdoCode: 2,
    });
    const swap = onOwner(T.TO2_OVNextEntry, (m) => {
      const d = decodeTO2OVNextEntry(m.body);
      return { msgType: m.msgType, body: encodeTO2OVNextEntry({ ovEntryNum: 1, ovEntry: d.ovEntry }) };
    });
    await assertFailed(w, await runTo2({ credential: w.device.credential, owner: w.owner, intercept: swap }), {
      by: 'device',
      code: 'ERR_FDO_TO2_ENTRY_NUMBER',
      fdoCode: 101,
    });
  });

  test('a wrong owner key: an impostor signs TO2.ProveOVHdr with its own key', async () => {
    const w = await makeTo2World();
    const impostor = await cachedKeys('secp256r1', 42);
    const r = await runTo2({
      credential: w.device.credential,
      owner: w.owner,
      intercept: onOwner(T.TO2_ProveOVHdr, (m) => ({
        msgType: m.msgType,
        body: resignProveOVHdr(m.body, impostor.privateKey, { ownerPubKey: publicKeyFromKeyObject(impostor.publicKey, { encoding: 1 }) }),
      })),
    });
    await assertFailed(w, r, { by: 'device', code: 'ERR_FDO_VOUCHER_OWNER_MISMATCH', fdoCode: 2 });
  });

  test('TO2.ProveOVHdr with a broken signature, a wrong nonce or a wrong hello hash', async () => {
    const w = await makeTo2World();
    const key = w.owner.keys.privateKey;
    const cases: [(m: ProtocolMessage) => Uint8Array, string][] = [
      [(m) => flipLast(m.body), 'ERR_FDO_TO2_SIGNATURE'],
      [(m) => resignProveOVHdr(m.body, key, { nonceTO2ProveOV: new Uint8Array(16) }), 'ERR_FDO_TO2_NONCE'],
      [
        (m) => {
          const h = decodeTO2ProveOVHdr(m.body).helloDeviceHash;
          return resignProveOVHdr(m.body, key, { helloDeviceHash: { ...h, value: flipLast(h.value) } });
        },
        'ERR_FDO_TO2_HELLO_HASH',
      ],
    ];
    for (const [f, code] of cases) {
      const r = await runTo2({
        credential: w.device.credential,
        owner: w.owner,
        intercept: onOwner(T.TO2_ProveOVHdr, (m) => ({ msgType: m.msgType, body: f(m) })),
      });
      await assertFailed(w, r, { by: 'device', code, fdoCode: 101 });
    }
  });

  test('TO2.SetupDevice and TO2.Done2 with a wrong nonce', async () => {
    const w = await makeTo2World();
    const other = Buffer.alloc(16, 3).toString('base64');
    const r = await runTo2({
      credential: w.device.credential,
      owner: w.owner,
      deviceStateHook: (s) => (s.expect === T.TO2_SetupDevice ? { ...s, nonceSetupDv: other } : s),
    });
    await assertFailed(w, r, { by: 'device', code: 'ERR_FDO_TO2_NONCE', fdoCode: 101 });
    // The owner has finished when Done2 goes out; the device still refuses a Done2 with the wrong nonce.
    const r2 = await runTo2({
      credential: w.device.credential,
      owner: w.owner,
      ownerStateHook: (s) => (s.expect === T.TO2_Done ? { ...s, nonceSetupDv: other } : s),
    });
    assert.equal(r2.result, undefined);
    assert.equal(codeOf(r2.deviceError), 'ERR_FDO_TO2_NONCE');
  });

  test('the device refuses Credential Reuse when configured to', async () => {
    const w = await makeTo2World();
    const r = await runTo2({
      credential: w.device.credential,
      owner: w.owner,
      policy: { reuseCredential: async () => true },
      deviceOptions: { allowCredentialReuse: false },
    });
    await assertFailed(w, r, { by: 'device', code: 'ERR_FDO_TO2_REUSE_REFUSED', fdoCode: 102 });
  });

  test('garbage, a truncated or an unexpected message from the owner', async () => {
    const w = await makeTo2World();
    const noise = seededRandom('owner-noise');
    await assertFailed(
      w,
      await runTo2({
        credential: w.device.credential,
        owner: w.owner,
        intercept: onOwner(T.TO2_OwnerServiceInfoReady, (m) => ({ msgType: m.msgType, body: noise(48) })),
      }),
      { by: 'device', code: 'ERR_FDO_SESSION_MALFORMED', fdoCode: 100 },
    );
    await assertFailed(
      w,
      await runTo2({
        credential: w.device.credential,
        owner: w.owner,
        intercept: onOwner(T.TO2_ProveOVHdr, (m) => ({ msgType: m.msgType, body: m.body.subarray(0, 40) })),
      }),
      { by: 'device', code: 'ERR_FDO_MESSAGE_BODY', fdoCode: 100 },
    );
    await assertFailed(
      w,
      await runTo2({
        credential: w.device.credential,
        owner: w.owner,
        intercept: onOwner(T.TO2_ProveOVHdr, (m) => ({ msgType: T.TO2_OVNextEntry, body: m.body })),
      }),
      { by: 'device', code: 'ERR_FDO_UNEXPECTED_MESSAGE', fdoCode: 100 },
    );
  });

  test('an inactive credential is caller misuse', async () => {
    const w = await makeTo2World();
    const r = await runTo2({ credential: { ...w.device.credential, active: false }, owner: w.owner });
    assert.ok(r.deviceError instanceof TypeError);
  });
});
