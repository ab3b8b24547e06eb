/**
 * Cross-check with independent code (Python cbor2 and pycose): the peer decodes IoTopia's bodies
 * and verifies its signed ones, and writes FDO messages from the CDDL that IoTopia must decode
 * and verify.
 */
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describe, test } from 'node:test';
import { encodeCoseKey, keyObjectToCoseKey } from '../../../src/codec/cose/key.ts';
import { verifySign1 } from '../../../src/codec/cose/sign1.ts';
import { HashType } from '../../../src/fdo/constants/crypto.ts';
import { MsgType } from '../../../src/fdo/constants/message-types.ts';
import { decodeMessage } from '../../../src/fdo/messages/registry.ts';
import { hashBytes } from '../../../src/fdo/types/hash.ts';
import { pythonMissing, runPythonJson } from '../../helpers/python.ts';
import { filled } from './fixtures.ts';
import { fixtures, hex, toHex } from './helpers.ts';

const PEER = new URL('./python/fdo_peer.py', import.meta.url).pathname;
const missing = pythonMissing(['cbor2', 'pycose']);
const { keys: k, fixtures: f } = await fixtures();

const coseKey = (key: KeyObject, includePrivate = false): string =>
  toHex(encodeCoseKey(keyObjectToCoseKey(includePrivate ? key : createPublicKey(key), { includePrivate })));

interface Checked {
  ok: boolean;
  error: string | null;
  unprotected: number[];
  claims: number[] | null;
  elements: number | null;
}

describe('Python cbor2/pycose peer', { skip: missing ?? false }, () => {
  const signer: Partial<Record<number, KeyObject>> = {
    [MsgType.TO1_ProveToRV]: k.device.key,
    [MsgType.TO1_RVRedirect]: k.owner.key,
    [MsgType.TO2_ProveOVHdr]: k.owner.key,
    [MsgType.TO2_ProveDevice]: k.device.key,
    [MsgType.TO2_SetupDevice]: k.owner.key,
  };
  const cases = [...f.bodies].flatMap(([type, list]) => list.map((body) => ({ type, body })));
  cases.push({ type: 0 as 10, body: f.to1d }, { type: 1 as 10, body: f.ovEntry });
  const keyFor = (type: number) => (type === 0 ? k.owner.key : type === 1 ? k.manufacturer.key : signer[type]);
  const device = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const owner = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const make = {
    device_key: coseKey(device, true),
    owner_key: coseKey(owner, true),
    guid: toHex(f.guid),
    nonce: toHex(f.nonces.proveDv),
    nonce2: toHex(f.nonces.setupDv),
    xb: toHex(filled(97, 5)),
    to0d: toHex(f.to0d),
  };
  const answer = missing
    ? { checked: [] as Checked[], made: {} as Record<string, string> }
    : runPythonJson<{ checked: Checked[]; made: Record<string, string> }>(PEER, {
        check: cases.map(({ type, body }) => {
          const key = keyFor(type);
          return { type, body: toHex(body), key: key === undefined ? null : coseKey(key) };
        }),
        make,
      });

  test('the peer decodes every IoTopia body and verifies every signature', () => {
    cases.forEach(({ type, body }, i) => {
      const r = answer.checked[i] as Checked;
      assert.equal(r.error, null, `type ${type}`);
      assert.ok(r.ok);
      assert.ok(body.length > 0);
    });
  });

  test('the peer sees the FDO labels where the spec puts them', () => {
    const at = (type: number) => answer.checked[cases.findIndex((c) => c.type === type)] as Checked;
    assert.deepEqual(at(MsgType.TO2_ProveOVHdr).unprotected, [256, 257]);
    assert.equal(at(MsgType.TO2_ProveOVHdr).elements, 8);
    assert.deepEqual(at(MsgType.TO2_ProveDevice).unprotected, [-259]);
    assert.deepEqual(at(MsgType.TO2_ProveDevice).claims, [-257, 10, 256]);
    assert.deepEqual(at(MsgType.TO1_ProveToRV).claims, [10, 256]);
    assert.equal(at(MsgType.TO2_SetupDevice).elements, 4);
  });

  test('IoTopia decodes the messages the peer wrote and verifies their signatures', () => {
    const made = (t: number) => hex(answer.made[String(t)] as string);
    const hello = decodeMessage(MsgType.TO2_HelloDevice, made(60));
    assert.equal(hello.maxDeviceMessageSize, 1300);
    assert.equal(toHex(hello.guid), toHex(f.guid));

    const prove = decodeMessage(MsgType.TO1_ProveToRV, made(32));
    assert.equal(toHex(prove.nonceTO1Proof), toHex(f.nonces.proveDv));
    verifySign1(prove.sign1.bytes, { key: createPublicKey(device) });

    const proveDevice = decodeMessage(MsgType.TO2_ProveDevice, made(64));
    assert.equal(toHex(proveDevice.nonceTO2SetupDv), toHex(f.nonces.setupDv));
    assert.equal(toHex(proveDevice.xBKeyExchange), toHex(filled(97, 5)));
    verifySign1(proveDevice.sign1.bytes, { key: createPublicKey(device) });

    const redirect = decodeMessage(MsgType.TO1_RVRedirect, made(33));
    assert.deepEqual(redirect.payload.to0dHash, hashBytes(HashType.SHA256, f.to0d));
    assert.deepEqual(redirect.payload.rvTo2Addr[1], { ip: '192.0.2.1', port: 80, protocol: 3 });
    verifySign1(redirect.sign1.bytes, { key: createPublicKey(owner) });

    assert.deepEqual(
      decodeMessage(MsgType.TO2_DeviceServiceInfo, made(68)).serviceInfo.map((e) => e.key),
      ['devmod:active', 'devmod:os'],
    );
    assert.deepEqual(decodeMessage(MsgType.Error, made(255)), {
      code: 101,
      prevMsgType: 64,
      message: 'invalid message',
      timestamp: 1_700_000_000,
    });
  });
});
