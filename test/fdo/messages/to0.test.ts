import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { describe, test } from 'node:test';
import { decode, encode, Tag } from '../../../src/codec/cbor.ts';
import { signSign1, verifySign1 } from '../../../src/codec/cose/sign1.ts';
import { HashType } from '../../../src/fdo/constants/crypto.ts';
import { ErrorCode } from '../../../src/fdo/constants/error-codes.ts';
import { TransportProtocol } from '../../../src/fdo/constants/rendezvous.ts';
import {
  decodeTO0AcceptOwner,
  decodeTO0HelloAck,
  decodeTO0OwnerSign,
  decodeTo0d,
  decodeTo1d,
  encodeTO0AcceptOwner,
  encodeTO0Hello,
  encodeTO0OwnerSign,
  encodeTo0d,
  signTo1d,
} from '../../../src/fdo/messages/to0.ts';
import { decodeTO1RVRedirect } from '../../../src/fdo/messages/to1.ts';
import { hashBytes } from '../../../src/fdo/types/hash.ts';
import { filled } from './fixtures.ts';
import { fdoError, fixtures, toHex } from './helpers.ts';

const { keys: k, fixtures: f } = await fixtures();
const ownerSign = (to0d: Uint8Array, to1d: Uint8Array) => encode([to0d, decode(to1d)]);
const to1dWith = (payload: unknown, tagged = true) =>
  signSign1({ payload: encode(payload), key: k.owner.key, protectedHeaders: new Map([[1, k.owner.alg]]), tagged });
const hash = hashBytes(HashType.SHA256, f.to0d);

describe('TO0.Hello (20), TO0.HelloAck (21), TO0.AcceptOwner (23)', () => {
  test('round trip and bounds', () => {
    assert.equal(toHex(encodeTO0Hello()), '80');
    assert.throws(() => decodeTO0HelloAck(encode([new Uint8Array(15)])), fdoError('ERR_FDO_MESSAGE_BODY', /NonceTO0Sign/));
    assert.equal(decodeTO0AcceptOwner(encodeTO0AcceptOwner({ waitSeconds: 0xffff_ffff })).waitSeconds, 0xffff_ffff);
    assert.throws(() => decodeTO0AcceptOwner(encode([2 ** 32])), fdoError('ERR_FDO_MESSAGE_BODY', /WaitSeconds: 4294967296 is larger/));
    assert.throws(() => decodeTO0AcceptOwner(encode([-1])), fdoError('ERR_FDO_MESSAGE_BODY', /WaitSeconds/));
    assert.throws(() => encodeTO0AcceptOwner({ waitSeconds: 1.5 }), TypeError);
  });
});

describe('TO0.OwnerSign (22)', () => {
  const body = f.bodies.get(22)?.[0] as Uint8Array;

  test('to0d and to1d decode; the hash and the signature check out with the kept bytes', () => {
    const msg = decodeTO0OwnerSign(body);
    assert.equal(msg.to0d.waitSeconds, 86_400);
    assert.equal(toHex(msg.to0d.nonceTO0Sign), toHex(f.nonces.to0Sign));
    assert.deepEqual(msg.to1d.payload.to0dHash, hashBytes(HashType.SHA256, msg.to0d.bytes));
    assert.deepEqual(msg.to1d.payload.rvTo2Addr, [
      { dns: 'owner.iotopia.example', port: 8043, protocol: TransportProtocol.ProtHTTPS },
      { ip: '2001:db8:0:0:0:0:0:43', port: 8080, protocol: TransportProtocol.ProtHTTP },
    ]);
    assert.equal(msg.to1d.sign1.alg, k.owner.alg);
    verifySign1(msg.to1d.sign1.bytes, { key: createPublicKey(k.owner.key) });
  });

  test('the encoder writes to0d bytes it is given unchanged, or encodes the fields', () => {
    const fresh = encodeTO0OwnerSign({
      to0d: { voucher: f.voucher, waitSeconds: 86_400, nonceTO0Sign: f.nonces.to0Sign },
      to1d: { sign1: { bytes: f.to1d } },
    });
    assert.equal(toHex(fresh), toHex(body));
    assert.throws(
      () => encodeTO0OwnerSign({ to0d: { voucher: f.voucher, waitSeconds: 1, nonceTO0Sign: f.nonces.to0Sign }, to1d: {} as never }),
      TypeError,
    );
    assert.throws(() => encodeTo0d({ voucher: encode([1, 2]), waitSeconds: 1, nonceTO0Sign: f.nonces.to0Sign }), TypeError);
  });

  test('an RVIP that is not an IP address is INVALID_IP_ADDRESS here, a body error in TO1.RVRedirect', () => {
    const bad = to1dWith([[[Uint8Array.of(10, 0, 0), null, 80, TransportProtocol.ProtHTTP]], [hash.type, hash.value]]);
    assert.throws(
      () => decodeTO0OwnerSign(ownerSign(f.to0d, bad)),
      fdoError('ERR_FDO_INVALID_IP_ADDRESS', /to1dRV\[0\]\.RVIP/, ErrorCode.INVALID_IP_ADDRESS),
    );
    assert.throws(() => decodeTO1RVRedirect(bad), fdoError('ERR_FDO_MESSAGE_BODY', /RVIP/));
    const strText = to1dWith([[['10.0.0.1', null, 80, TransportProtocol.ProtHTTP]], [hash.type, hash.value]]);
    assert.throws(
      () => decodeTO0OwnerSign(ownerSign(f.to0d, strText)),
      fdoError('ERR_FDO_INVALID_IP_ADDRESS', undefined, ErrorCode.INVALID_IP_ADDRESS),
    );
  });

  test('to1d faults: untagged, detached, wrong payload shape, HMAC as to0d hash, no address', () => {
    const good = [[[null, 'owner.example', 443, TransportProtocol.ProtHTTPS]], [hash.type, hash.value]];
    assert.throws(
      () => decodeTO0OwnerSign(encode([f.to0d, decode(to1dWith(good, false))])),
      fdoError('ERR_FDO_MESSAGE_BODY', /COSE_Sign1.*tag 18 is required/),
    );
    const detached = signSign1({ payload: encode(good), key: k.owner.key, protectedHeaders: new Map([[1, k.owner.alg]]), detached: true });
    assert.throws(() => decodeTo1d(detached), fdoError('ERR_FDO_MESSAGE_BODY', /payload: .*detached/));
    assert.throws(() => decodeTo1d(to1dWith([good[0]])), fdoError('ERR_FDO_MESSAGE_BODY', /to1dBlobPayload: expected 2 elements/));
    assert.throws(
      () => decodeTo1d(to1dWith([good[0], [HashType.HMAC_SHA256, hash.value]])),
      fdoError('ERR_FDO_MESSAGE_BODY', /to1dTo0dHash/),
    );
    assert.throws(
      () => decodeTo1d(to1dWith([[[null, null, 443, 5]], good[1]])),
      fdoError('ERR_FDO_MESSAGE_BODY', /neither RVIP nor RVDNS/),
    );
    assert.throws(() => decodeTo1d(to1dWith([[], good[1]])), fdoError('ERR_FDO_MESSAGE_BODY', /to1dRV/));
    assert.throws(
      () => decodeTo1d(encode(new Tag([new Uint8Array(0), new Map(), encode(good), new Uint8Array(64)], 18))),
      fdoError('ERR_FDO_MESSAGE_BODY', /alg/),
    );
  });

  test('to0d faults: not a voucher, WaitSeconds over uint32, bad nonce, not wrapped', () => {
    const nonce = f.nonces.to0Sign;
    assert.throws(
      () => decodeTo0d(encode([[1, 2, 3], 1, nonce])),
      fdoError('ERR_FDO_MESSAGE_BODY', /OwnershipVoucher: expected 5 elements/),
    );
    assert.throws(() => decodeTo0d(encode([decode(f.voucher), 2 ** 32, nonce])), fdoError('ERR_FDO_MESSAGE_BODY', /WaitSeconds/));
    assert.throws(() => decodeTo0d(encode([decode(f.voucher), 1, nonce.subarray(1)])), fdoError('ERR_FDO_MESSAGE_BODY', /NonceTO0Sign/));
    assert.throws(
      () => decodeTO0OwnerSign(encode([decode(f.to0d), decode(f.to1d)])),
      fdoError('ERR_FDO_MESSAGE_BODY', /to0d: expected a byte string/),
    );
  });

  test('signTo1d refuses a signer it cannot use', () => {
    const payload = { rvTo2Addr: [{ dns: 'a.example', port: 1, protocol: TransportProtocol.ProtTCP }], to0dHash: hash };
    assert.throws(() => signTo1d(payload, { key: k.owner.key, alg: -7 }), TypeError);
    assert.throws(() => signTo1d(payload, undefined as never), TypeError);
    assert.equal(decodeTo1d(signTo1d(payload, k.owner)).payload.rvTo2Addr[0]?.dns, 'a.example');
  });

  test('large vouchers up to the cap pass through; filled bytes stay exact', () => {
    const big = encode([101, filled(200_000, 3), [HashType.HMAC_SHA256, new Uint8Array(32)], null, []]);
    const to0d = encodeTo0d({ voucher: big, waitSeconds: 60, nonceTO0Sign: f.nonces.to0Sign });
    const to1d = signTo1d(
      { rvTo2Addr: [{ dns: 'o.example', port: 443, protocol: 5 }], to0dHash: hashBytes(HashType.SHA384, to0d) },
      k.owner,
    );
    const msg = decodeTO0OwnerSign(encodeTO0OwnerSign({ to0d: { ...decodeTo0d(to0d) }, to1d: { sign1: { bytes: to1d } } }));
    assert.equal(toHex(msg.to0d.voucher), toHex(big));
  });
});
