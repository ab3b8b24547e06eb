import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { describe, test } from 'node:test';
import { decode, encode, Tag } from '../../../src/codec/cbor.ts';
import { Algorithm } from '../../../src/codec/cose/algorithms.ts';
import { signSign1, verifySign1 } from '../../../src/codec/cose/sign1.ts';
import { generateKeyPair } from '../../../src/crypto/key-generate.ts';
import { DeviceSgType, HashType, PublicKeyEncoding, PublicKeyType } from '../../../src/fdo/constants/crypto.ts';
import { CoseUnprotectedLabel, EatClaim, EatUnprotectedLabel } from '../../../src/fdo/messages/labels.ts';
import * as to2 from '../../../src/fdo/messages/to2.ts';
import { hashBytes, hmacBytes } from '../../../src/fdo/types/hash.ts';
import { encodePublicKey, publicKeyFromKeyObject, publicKeyToKeyObject } from '../../../src/fdo/types/public-key.ts';
import { filled } from './fixtures.ts';
import { fdoError, fixtures, hex, toHex } from './helpers.ts';

const { keys: k, fixtures: f } = await fixtures();
const first = (t: number) => f.bodies.get(t as 60)?.[0] as Uint8Array;
const sign = (payload: unknown, unprotected: Map<number, unknown>, signer = k.owner, protectedExtra: [number, unknown][] = []) =>
  signSign1({
    payload: encode(payload),
    key: signer.key,
    protectedHeaders: new Map([[1, signer.alg], ...protectedExtra]),
    unprotectedHeaders: unprotected,
  });

describe('TO2.HelloDevice (60)', () => {
  test('fields and the bytes helloDeviceHash covers', () => {
    const msg = to2.decodeTO2HelloDevice(f.helloDevice);
    assert.equal(msg.kexSuiteName, 'ECDH256');
    assert.equal(msg.cipherSuiteName, 1);
    assert.equal(msg.maxDeviceMessageSize, 0);
    assert.equal(toHex(msg.bytes), toHex(f.helloDevice));
    assert.deepEqual(to2.decodeTO2ProveOVHdr(first(61)).helloDeviceHash, hashBytes(HashType.SHA256, msg.bytes));
  });

  test('bounds: uint16 size, kex name, 32-bit cipher id', () => {
    const base = decode(f.helloDevice) as unknown[];
    const withAt = (i: number, v: unknown) => encode(base.map((x, j) => (j === i ? v : x)));
    assert.equal(to2.decodeTO2HelloDevice(withAt(0, 65_535)).maxDeviceMessageSize, 65_535);
    assert.throws(() => to2.decodeTO2HelloDevice(withAt(0, 65_536)), fdoError('ERR_FDO_MESSAGE_BODY', /maxDeviceMessageSize/));
    assert.throws(() => to2.decodeTO2HelloDevice(withAt(3, '')), fdoError('ERR_FDO_MESSAGE_BODY', /kexSuiteName: empty/));
    assert.throws(() => to2.decodeTO2HelloDevice(withAt(3, 'x'.repeat(65))), fdoError('ERR_FDO_MESSAGE_BODY', /kexSuiteName/));
    assert.equal(to2.decodeTO2HelloDevice(withAt(4, -17760703)).cipherSuiteName, -17760703);
    assert.throws(() => to2.decodeTO2HelloDevice(withAt(4, 2 ** 31)), fdoError('ERR_FDO_MESSAGE_BODY', /32-bit/));
    assert.throws(() => to2.decodeTO2HelloDevice(withAt(4, 'A128GCM')), fdoError('ERR_FDO_MESSAGE_BODY', /cipherSuiteName/));
  });
});

describe('TO2.ProveOVHdr (61)', () => {
  const payload = (over: Partial<Record<number, unknown>> = {}) => {
    const p: unknown[] = [
      f.ovHeader,
      1,
      [HashType.HMAC_SHA256, new Uint8Array(32)],
      f.nonces.proveOV,
      [DeviceSgType.StSECP256R1, new Uint8Array(0)],
      filled(68, 1),
      [HashType.SHA256, new Uint8Array(32)],
      0,
    ];
    for (const [i, v] of Object.entries(over)) p[Number(i)] = v;
    return p;
  };
  const headers = () =>
    new Map<number, unknown>([
      [CoseUnprotectedLabel.CUPHNonce, f.nonces.proveDv],
      [CoseUnprotectedLabel.CUPHOwnerPubKey, encodePublicKey(f.ownerPubKey)],
    ]);

  test('payload and headers decode; CUPHOwnerPubKey verifies the signature', () => {
    const msg = to2.decodeTO2ProveOVHdr(first(61));
    assert.equal(msg.numOVEntries, 1);
    assert.equal(toHex(msg.nonceTO2ProveOV), toHex(f.nonces.proveOV));
    assert.equal(toHex(msg.nonceTO2ProveDv), toHex(f.nonces.proveDv));
    assert.deepEqual(msg.ownerPubKey, f.ownerPubKey);
    assert.equal(msg.sign1.alg, Algorithm.ES384);
    verifySign1(msg.sign1.bytes, { key: publicKeyToKeyObject(msg.ownerPubKey).key });
  });

  test('an RSA owner with an X5CHAIN-free X509 key signs RS256', async () => {
    const rsa = await generateKeyPair('rsa2048');
    const ownerPubKey = publicKeyFromKeyObject(rsa.publicKey, { type: PublicKeyType.RSAPKCS, encoding: PublicKeyEncoding.X509 });
    const body = to2.encodeTO2ProveOVHdr({
      ...to2.decodeTO2ProveOVHdr(first(61)),
      ownerPubKey,
      signer: { key: rsa.privateKey, alg: Algorithm.RS256 },
    });
    const msg = to2.decodeTO2ProveOVHdr(body);
    assert.equal(msg.sign1.alg, Algorithm.RS256);
    verifySign1(body, { key: rsa.publicKey });
  });

  test('payload faults', () => {
    const h = headers();
    const n = to2.decodeTO2ProveOVHdr;
    n(sign(payload(), h));
    assert.throws(() => n(sign(payload({ 1: 256 }), h)), fdoError('ERR_FDO_MESSAGE_BODY', /NumOVEntries: 256 is larger than 255/));
    assert.throws(
      () => n(sign(payload({ 2: [HashType.SHA256, new Uint8Array(32)] }), h)),
      fdoError('ERR_FDO_MESSAGE_BODY', /HMac\.hashtype/),
    );
    assert.throws(
      () => n(sign(payload({ 5: new Uint8Array(1025) }), h)),
      fdoError('ERR_FDO_MESSAGE_BODY', /xAKeyExchange: .*longer than 1024/),
    );
    assert.throws(() => n(sign(payload({ 5: new Uint8Array(0) }), h)), fdoError('ERR_FDO_MESSAGE_BODY', /xAKeyExchange/));
    assert.throws(
      () => n(sign(payload({ 6: [HashType.HMAC_SHA256, new Uint8Array(32)] }), h)),
      fdoError('ERR_FDO_MESSAGE_BODY', /helloDeviceHash/),
    );
    assert.throws(() => n(sign(payload({ 7: 65_536 }), h)), fdoError('ERR_FDO_MESSAGE_BODY', /maxOwnerMessageSize/));
    assert.throws(
      () => n(sign(payload({ 0: decode(f.ovHeader) }), h)),
      fdoError('ERR_FDO_MESSAGE_BODY', /OVHeader: expected a byte string/),
    );
    assert.throws(
      () => n(sign([...payload(), 0], h)),
      fdoError('ERR_FDO_MESSAGE_BODY', /TO2ProveOVHdrPayload: expected 8 elements, got 9/),
    );
  });

  test('header faults: missing, in the protected bucket, of the wrong type', () => {
    const n = to2.decodeTO2ProveOVHdr;
    const noNonce = headers();
    noNonce.delete(CoseUnprotectedLabel.CUPHNonce);
    assert.throws(() => n(sign(payload(), noNonce)), fdoError('ERR_FDO_MESSAGE_BODY', /CUPHNonce: unprotected header 256 is missing/));
    const noKey = headers();
    noKey.delete(CoseUnprotectedLabel.CUPHOwnerPubKey);
    assert.throws(() => n(sign(payload(), noKey)), fdoError('ERR_FDO_MESSAGE_BODY', /CUPHOwnerPubKey: unprotected header 257 is missing/));
    assert.throws(
      () => n(sign(payload(), noNonce, k.owner, [[CoseUnprotectedLabel.CUPHNonce, f.nonces.proveDv]])),
      fdoError('ERR_FDO_MESSAGE_BODY', /belongs in the unprotected bucket/),
    );
    const badKey = headers();
    badKey.set(CoseUnprotectedLabel.CUPHOwnerPubKey, [99, 1, new Uint8Array(10)]);
    assert.throws(() => n(sign(payload(), badKey)), fdoError('ERR_FDO_MESSAGE_BODY', /CUPHOwnerPubKey\.pkType/));
    const shortNonce = headers();
    shortNonce.set(CoseUnprotectedLabel.CUPHNonce, new Uint8Array(8));
    assert.throws(() => n(sign(payload(), shortNonce)), fdoError('ERR_FDO_MESSAGE_BODY', /CUPHNonce/));
  });

  test('COSE faults: wrong tag, untagged, four elements required', () => {
    const body = decode(first(61)) as Tag;
    assert.throws(() => to2.decodeTO2ProveOVHdr(encode(new Tag(body.value, 17))), fdoError('ERR_FDO_MESSAGE_BODY', /ERR_COSE_TAG/));
    assert.throws(() => to2.decodeTO2ProveOVHdr(encode(body.value)), fdoError('ERR_FDO_MESSAGE_BODY', /tag 18 is required/));
    assert.throws(
      () => to2.decodeTO2ProveOVHdr(encode(new Tag((body.value as unknown[]).slice(0, 3), 18))),
      fdoError('ERR_FDO_MESSAGE_BODY', /COSE_Sign1/),
    );
  });

  test('encoding needs a signer or a valid signed message', () => {
    const msg = to2.decodeTO2ProveOVHdr(first(61));
    assert.throws(() => to2.encodeTO2ProveOVHdr({ ...msg, sign1: undefined as never, signer: undefined as never }), TypeError);
    assert.throws(() => to2.encodeTO2ProveOVHdr({ sign1: { bytes: first(64) } }), TypeError);
    assert.throws(() => to2.encodeTO2ProveOVHdr({ ...msg, nonceTO2ProveDv: new Uint8Array(3), signer: k.owner }), TypeError);
  });
});

describe('TO2.GetOVNextEntry (62) and TO2.OVNextEntry (63)', () => {
  test('entry numbers are uint8', () => {
    assert.equal(to2.decodeTO2GetOVNextEntry(to2.encodeTO2GetOVNextEntry({ ovEntryNum: 255 })).ovEntryNum, 255);
    assert.throws(
      () => to2.decodeTO2GetOVNextEntry(hex('81190100')),
      fdoError('ERR_FDO_MESSAGE_BODY', /OVEntryNum: 256 is larger than 255/),
    );
    assert.throws(() => to2.encodeTO2OVNextEntry({ ovEntryNum: -1, ovEntry: f.ovEntry }), TypeError);
  });

  test('the entry is kept byte for byte with its COSE structure decoded', () => {
    const msg = to2.decodeTO2OVNextEntry(first(63));
    assert.equal(toHex(msg.ovEntry), toHex(f.ovEntry));
    assert.equal(msg.sign1.alg, k.manufacturer.alg);
    verifySign1(msg.ovEntry, { key: createPublicKey(k.manufacturer.key) });
  });

  test('an entry that is no tagged COSE_Sign1 is refused', () => {
    const untagged = (decode(f.ovEntry) as Tag).value;
    assert.throws(
      () => to2.decodeTO2OVNextEntry(encode([0, untagged])),
      fdoError('ERR_FDO_MESSAGE_BODY', /OVEntry: not a valid COSE_Sign1/),
    );
    assert.throws(() => to2.decodeTO2OVNextEntry(encode([0, f.ovEntry])), fdoError('ERR_FDO_MESSAGE_BODY', /OVEntry/));
    assert.throws(() => to2.encodeTO2OVNextEntry({ ovEntryNum: 0, ovEntry: encode([1]) }), TypeError);
  });
});

describe('TO2.ProveDevice (64)', () => {
  const claims = (fdo?: unknown) =>
    new Map<number, unknown>([
      ...(fdo === undefined ? [] : ([[EatClaim.EAT_FDO, fdo]] as [number, unknown][])),
      [EatClaim.EAT_NONCE, f.nonces.proveDv],
      [EatClaim.EAT_UEID, Uint8Array.of(1, ...f.guid)],
    ]);
  const euph = () => new Map<number, unknown>([[EatUnprotectedLabel.EUPHNonce, f.nonces.setupDv]]);

  test('the EAT carries both nonces and xB; the device key verifies it', () => {
    const msg = to2.decodeTO2ProveDevice(first(64));
    assert.equal(toHex(msg.nonceTO2ProveDv), toHex(f.nonces.proveDv));
    assert.equal(toHex(msg.nonceTO2SetupDv), toHex(f.nonces.setupDv));
    assert.equal(toHex(msg.guid), toHex(f.guid));
    assert.equal(toHex(msg.xBKeyExchange), toHex(filled(68, 12)));
    verifySign1(msg.sign1.bytes, { key: createPublicKey(k.device.key) });
  });

  test('faults: EUPHNonce missing, EAT-FDO missing or misshapen, xB too large', () => {
    const n = to2.decodeTO2ProveDevice;
    n(sign(claims([filled(32, 1)]), euph(), k.device));
    assert.throws(
      () => n(sign(claims([filled(32, 1)]), new Map(), k.device)),
      fdoError('ERR_FDO_MESSAGE_BODY', /EUPHNonce: unprotected header -259 is missing/),
    );
    assert.throws(() => n(sign(claims(), euph(), k.device)), fdoError('ERR_FDO_MESSAGE_BODY', /EAT-FDO: the claim is missing/));
    assert.throws(
      () => n(sign(claims([filled(32, 1), 1]), euph(), k.device)),
      fdoError('ERR_FDO_MESSAGE_BODY', /EAT-FDO: expected 1 elements, got 2/),
    );
    assert.throws(() => n(sign(claims(filled(32, 1)), euph(), k.device)), fdoError('ERR_FDO_MESSAGE_BODY', /EAT-FDO: expected an array/));
    assert.throws(() => n(sign(claims([new Uint8Array(1025)]), euph(), k.device)), fdoError('ERR_FDO_MESSAGE_BODY', /xBKeyExchange/));
  });
});

describe('TO2.SetupDevice (65)', () => {
  test('the replacement credential decodes; the owner key verifies it', () => {
    const msg = to2.decodeTO2SetupDevice(first(65));
    assert.deepEqual(msg.rendezvousInfo, f.rvInfo);
    assert.equal(toHex(msg.guid), toHex(f.replacementGuid));
    assert.deepEqual(msg.owner2Key, f.nextOwnerPubKey);
    verifySign1(msg.sign1.bytes, { key: createPublicKey(k.owner.key) });
  });

  test('faults', () => {
    const p = [[], f.replacementGuid, f.nonces.setupDv, encodePublicKey(f.nextOwnerPubKey)];
    to2.decodeTO2SetupDevice(sign(p, new Map()));
    assert.throws(
      () => to2.decodeTO2SetupDevice(sign(p.slice(0, 3), new Map())),
      fdoError('ERR_FDO_MESSAGE_BODY', /TO2SetupDevicePayload: expected 4/),
    );
    assert.throws(
      () => to2.decodeTO2SetupDevice(sign([p[0], filled(17, 1), p[2], p[3]], new Map())),
      fdoError('ERR_FDO_MESSAGE_BODY', /\.Guid/),
    );
    assert.throws(
      () => to2.decodeTO2SetupDevice(sign([[[]], p[1], p[2], p[3]], new Map())),
      fdoError('ERR_FDO_MESSAGE_BODY', /RendezvousInfo\[0\]/),
    );
    assert.throws(
      () => to2.decodeTO2SetupDevice(sign([p[0], p[1], p[2], [10, 7, 1]], new Map())),
      fdoError('ERR_FDO_MESSAGE_BODY', /Owner2Key\.pkEnc/),
    );
  });
});

describe('TO2 ServiceInfo messages (66-69)', () => {
  test('ready messages: HMac or null, uint16 sizes or null', () => {
    const h = hmacBytes(HashType.HMAC_SHA384, filled(48, 1), f.ovHeader);
    const ready = { replacementHmac: h, maxOwnerServiceInfoSz: 65_535 };
    assert.deepEqual(to2.decodeTO2DeviceServiceInfoReady(to2.encodeTO2DeviceServiceInfoReady(ready)), ready);
    assert.throws(
      () => to2.decodeTO2DeviceServiceInfoReady(encode([null, 65_536])),
      fdoError('ERR_FDO_MESSAGE_BODY', /maxOwnerServiceInfoSz/),
    );
    assert.throws(
      () => to2.decodeTO2DeviceServiceInfoReady(encode([[HashType.SHA384, new Uint8Array(48)], null])),
      fdoError('ERR_FDO_MESSAGE_BODY', /ReplacementHMac/),
    );
    assert.deepEqual(to2.decodeTO2OwnerServiceInfoReady(hex('8119ffff')), { maxDeviceServiceInfoSz: 65_535 });
    assert.throws(
      () => to2.decodeTO2OwnerServiceInfoReady(hex('811a00010000')),
      fdoError('ERR_FDO_MESSAGE_BODY', /maxDeviceServiceInfoSz/),
    );
  });

  test('ServiceInfo entries: keys bounded and non-empty, values kept as bytes (chunks need not be CBOR)', () => {
    const chunk = Uint8Array.of(0x59, 0x10); // the head of a longer bstr, continued in the next message
    const msg = { isMoreServiceInfo: true, serviceInfo: [{ key: 'fdo.download:data', value: chunk }] };
    assert.deepEqual(to2.decodeTO2DeviceServiceInfo(to2.encodeTO2DeviceServiceInfo(msg)), msg);
    const d = to2.decodeTO2DeviceServiceInfo;
    assert.throws(() => d(encode([false, [['', new Uint8Array(1)]]])), fdoError('ERR_FDO_MESSAGE_BODY', /ServiceInfoKey: empty/));
    assert.throws(
      () => d(encode([false, [['k'.repeat(257), new Uint8Array(1)]]])),
      fdoError('ERR_FDO_MESSAGE_BODY', /ServiceInfoKey: text longer than 256/),
    );
    assert.throws(
      () => d(encode([false, [['devmod:os', 'Linux']]])),
      fdoError('ERR_FDO_MESSAGE_BODY', /ServiceInfoVal: expected a byte string/),
    );
    assert.throws(() => d(encode([false, [['devmod:os']]])), fdoError('ERR_FDO_MESSAGE_BODY', /ServiceInfo\[0\]: expected 2 elements/));
    assert.throws(() => d(encode([0, []])), fdoError('ERR_FDO_MESSAGE_BODY', /IsMoreServiceInfo: expected a boolean/));
    const three = encode([
      false,
      [
        ['a:b', new Uint8Array(1)],
        ['a:c', new Uint8Array(1)],
        ['a:d', new Uint8Array(1)],
      ],
    ]);
    assert.throws(() => d(three, { maxEntries: 2 }), fdoError('ERR_FDO_MESSAGE_BODY', /expected 0 to 2 elements/));
    assert.throws(() => d(three, { maxBytes: 20 }), fdoError('ERR_FDO_MESSAGE_TOO_LARGE'));
    assert.equal(d(three, { maxKeyBytes: 3 }).serviceInfo.length, 3);
  });

  test('TO2.OwnerServiceInfo', () => {
    const msg = { isMoreServiceInfo: false, isDone: true, serviceInfo: [] };
    assert.deepEqual(to2.decodeTO2OwnerServiceInfo(to2.encodeTO2OwnerServiceInfo(msg)), msg);
    assert.throws(() => to2.decodeTO2OwnerServiceInfo(encode([false, null, []])), fdoError('ERR_FDO_MESSAGE_BODY', /IsDone/));
    assert.throws(
      () => to2.encodeTO2OwnerServiceInfo({ ...msg, serviceInfo: [{ key: 'x'.repeat(300), value: new Uint8Array(0) }] }),
      TypeError,
    );
  });
});

describe('TO2.Done (70) and TO2.Done2 (71)', () => {
  test('each carries a nonce', () => {
    assert.equal(
      toHex(to2.decodeTO2Done(to2.encodeTO2Done({ nonceTO2ProveDv: f.nonces.proveDv })).nonceTO2ProveDv),
      toHex(f.nonces.proveDv),
    );
    assert.throws(
      () => to2.decodeTO2Done2(encode([new Uint8Array(17)])),
      fdoError('ERR_FDO_MESSAGE_BODY', /NonceTO2SetupDv: byte string of 17 bytes is longer than 16/),
    );
  });
});
