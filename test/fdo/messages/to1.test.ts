import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { describe, test } from 'node:test';
import { encode } from '../../../src/codec/cbor.ts';
import { signSign1, verifySign1 } from '../../../src/codec/cose/sign1.ts';
import { DeviceSgType, HashType } from '../../../src/fdo/constants/crypto.ts';
import { EatClaim, EatUnprotectedLabel } from '../../../src/fdo/messages/labels.ts';
import {
  decodeTO1HelloRV,
  decodeTO1HelloRVAck,
  decodeTO1ProveToRV,
  decodeTO1RVRedirect,
  encodeTO1HelloRV,
  encodeTO1HelloRVAck,
  encodeTO1ProveToRV,
  encodeTO1RVRedirect,
} from '../../../src/fdo/messages/to1.ts';
import { hashBytes } from '../../../src/fdo/types/hash.ts';
import { filled } from './fixtures.ts';
import { fdoError, fixtures, toHex } from './helpers.ts';

const { keys: k, fixtures: f } = await fixtures();

const eat = (claims: [number | string | Uint8Array, unknown][], unprotected?: Map<number, unknown>) =>
  signSign1({
    payload: encode(new Map(claims)),
    key: k.device.key,
    protectedHeaders: new Map([[1, k.device.alg]]),
    ...(unprotected ? { unprotectedHeaders: unprotected } : {}),
  });
const ueid = Uint8Array.of(1, ...f.guid);

describe('TO1.HelloRV (30) and TO1.HelloRVAck (31)', () => {
  test('round trip with EPID-style SigInfo info bytes', () => {
    const hello = { guid: f.guid, eASigInfo: { sgType: DeviceSgType.StSECP384R1, info: new Uint8Array(0) } };
    assert.deepEqual(decodeTO1HelloRV(encodeTO1HelloRV(hello)), hello);
    const ack = { nonceTO1Proof: f.nonces.to1Proof, eBSigInfo: { sgType: DeviceSgType.StEPID11, info: filled(40, 1) } };
    assert.deepEqual(decodeTO1HelloRVAck(encodeTO1HelloRVAck(ack)), ack);
  });

  test('field faults', () => {
    assert.throws(
      () => decodeTO1HelloRV(encode([f.guid.subarray(1), [-7, new Uint8Array(0)]])),
      fdoError('ERR_FDO_MESSAGE_BODY', /TO1\.HelloRV\.Guid/),
    );
    assert.throws(
      () => decodeTO1HelloRV(encode([f.guid, [-8, new Uint8Array(0)]])),
      fdoError('ERR_FDO_MESSAGE_BODY', /sgType: -8 is not one of/),
    );
    assert.throws(() => decodeTO1HelloRV(encode([f.guid, [-7, new Uint8Array(1025)]])), fdoError('ERR_FDO_MESSAGE_BODY', /Info/));
    assert.throws(
      () => encodeTO1HelloRVAck({ nonceTO1Proof: new Uint8Array(3), eBSigInfo: { sgType: -7, info: new Uint8Array(0) } }),
      TypeError,
    );
  });
});

describe('TO1.ProveToRV (32)', () => {
  test('the EAT names the nonce and the GUID; the device key verifies it', () => {
    const body = f.bodies.get(32)?.[0] as Uint8Array;
    const msg = decodeTO1ProveToRV(body);
    assert.equal(toHex(msg.nonceTO1Proof), toHex(f.nonces.to1Proof));
    assert.equal(toHex(msg.guid), toHex(f.guid));
    assert.equal(msg.otherClaims.size, 0);
    assert.equal(msg.maroePrefix, undefined);
    verifySign1(msg.sign1.bytes, { key: createPublicKey(k.device.key) });
    assert.equal(toHex(encodeTO1ProveToRV(msg)), toHex(body));
  });

  test('other claims, an EAT-FDO claim and a MAROE prefix are kept', () => {
    const other = new Map<number | string, unknown>([
      [-75000, 'x'],
      ['iotopia', 1],
    ]);
    const body = encodeTO1ProveToRV({
      nonceTO1Proof: f.nonces.to1Proof,
      guid: f.guid,
      otherClaims: other,
      fdoClaim: [1],
      maroePrefix: filled(8, 2),
      signer: k.device,
    });
    const msg = decodeTO1ProveToRV(body);
    assert.deepEqual(msg.otherClaims, other);
    assert.deepEqual(msg.fdoClaim, [1]);
    assert.equal(toHex(msg.maroePrefix as Uint8Array), toHex(filled(8, 2)));
    assert.throws(
      () =>
        encodeTO1ProveToRV({
          nonceTO1Proof: f.nonces.to1Proof,
          guid: f.guid,
          otherClaims: new Map([[EatClaim.EAT_NONCE, 1]]),
          signer: k.device,
        }),
      TypeError,
    );
  });

  test('EAT faults name the claim', () => {
    const nonce = f.nonces.to1Proof;
    assert.throws(
      () => decodeTO1ProveToRV(eat([[EatClaim.EAT_UEID, ueid]])),
      fdoError('ERR_FDO_MESSAGE_BODY', /EAT-NONCE: the claim is missing/),
    );
    assert.throws(
      () => decodeTO1ProveToRV(eat([[EatClaim.EAT_NONCE, nonce]])),
      fdoError('ERR_FDO_MESSAGE_BODY', /EAT-UEID: the claim is missing/),
    );
    assert.throws(
      () =>
        decodeTO1ProveToRV(
          eat([
            [EatClaim.EAT_NONCE, nonce],
            [EatClaim.EAT_UEID, Uint8Array.of(2, ...f.guid)],
          ]),
        ),
      fdoError('ERR_FDO_MESSAGE_BODY', /type byte 2 is not EAT-RAND/),
    );
    assert.throws(
      () =>
        decodeTO1ProveToRV(
          eat([
            [EatClaim.EAT_NONCE, nonce],
            [EatClaim.EAT_UEID, f.guid],
          ]),
        ),
      fdoError('ERR_FDO_MESSAGE_BODY', /EAT-UEID: byte string of 16 bytes is shorter than 17/),
    );
    assert.throws(
      () =>
        decodeTO1ProveToRV(
          eat([
            [EatClaim.EAT_NONCE, 'nonce'],
            [EatClaim.EAT_UEID, ueid],
          ]),
        ),
      fdoError('ERR_FDO_MESSAGE_BODY', /EAT-NONCE: expected a byte string/),
    );
    assert.throws(
      () =>
        decodeTO1ProveToRV(
          eat([
            [EatClaim.EAT_NONCE, nonce],
            [EatClaim.EAT_UEID, ueid],
            [Uint8Array.of(1), 1],
          ]),
        ),
      fdoError('ERR_FDO_MESSAGE_BODY', /claim key/),
    );
    const many: [number, unknown][] = Array.from({ length: 40 }, (_, i) => [1000 + i, i]);
    assert.throws(
      () => decodeTO1ProveToRV(eat([[EatClaim.EAT_NONCE, nonce], [EatClaim.EAT_UEID, ueid], ...many])),
      fdoError('ERR_FDO_MESSAGE_BODY', /claims exceed 32/),
    );
    const notMap = signSign1({ payload: encode([nonce, ueid]), key: k.device.key, protectedHeaders: new Map([[1, k.device.alg]]) });
    assert.throws(() => decodeTO1ProveToRV(notMap), fdoError('ERR_FDO_MESSAGE_BODY', /EATPayload: expected a map/));
    const maroe = eat(
      [
        [EatClaim.EAT_NONCE, nonce],
        [EatClaim.EAT_UEID, ueid],
      ],
      new Map([[EatUnprotectedLabel.EAT_MAROEPrefix, 'text']]),
    );
    assert.throws(() => decodeTO1ProveToRV(maroe), fdoError('ERR_FDO_MESSAGE_BODY', /EAT-MAROEPrefix/));
  });

  test('a pre-signed body is checked before it is sent', () => {
    assert.throws(() => encodeTO1ProveToRV({ sign1: { bytes: f.to1d } }), TypeError);
  });
});

describe('TO1.RVRedirect (33)', () => {
  test('a stored to1d is sent unchanged; a fresh one can be signed', () => {
    assert.equal(toHex(encodeTO1RVRedirect({ sign1: { bytes: f.to1d } })), toHex(f.to1d));
    const hash = hashBytes(HashType.SHA384, f.to0d);
    const fresh = encodeTO1RVRedirect({ rvTo2Addr: [{ ip: '198.51.100.7', port: 8043, protocol: 5 }], to0dHash: hash, signer: k.owner });
    const msg = decodeTO1RVRedirect(fresh);
    assert.deepEqual(msg.payload.to0dHash, hash);
    assert.equal(msg.payload.rvTo2Addr[0]?.ip, '198.51.100.7');
    verifySign1(msg.sign1.bytes, { key: createPublicKey(k.owner.key) });
  });

  test('a body that is not a to1d is refused', () => {
    assert.throws(
      () => decodeTO1RVRedirect(f.bodies.get(32)?.[0] as Uint8Array),
      fdoError('ERR_FDO_MESSAGE_BODY', /to1dBlobPayload: expected an array/),
    );
    assert.throws(() => encodeTO1RVRedirect({ sign1: { bytes: encode([1]) } }), TypeError);
  });
});
