import assert from 'node:assert/strict';
import { generateKeyPairSync, getDiffieHellman, type KeyObject } from 'node:crypto';
import { describe, test } from 'node:test';
import { ErrorCode } from '../../../src/fdo/constants/error-codes.ts';
import { deviceRespondKex } from '../../../src/fdo/session/device-kex.ts';
import { isKexSuiteSupported } from '../../../src/fdo/session/kex-registry.ts';
import { createOwnerKex, ownerFinishKex } from '../../../src/fdo/session/owner-kex.ts';
import { importOwnerKexState, type OwnerKexState } from '../../../src/fdo/session/owner-kex-state.ts';
import { seededRandom } from '../../helpers/random.ts';
import { assertFdoError } from './helpers.ts';

const rsa2048 = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsa3072 = generateKeyPairSync('rsa', { modulusLength: 3072 });
const ec256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

function ownerKeys(suite: string): { publicKey: KeyObject; privateKey: KeyObject } | undefined {
  return suite === 'ASYMKEX2048' ? rsa2048 : suite === 'ASYMKEX3072' ? rsa3072 : undefined;
}

/** Runs one exchange, passing the owner's state through JSON as a replica would. */
function exchange(suite: string, seed = suite) {
  const keys = ownerKeys(suite);
  const random = seededRandom(seed);
  const owner = createOwnerKex(suite, { random, ownerKey: keys?.publicKey });
  const stored = importOwnerKexState(JSON.parse(JSON.stringify(owner.state)));
  const device = deviceRespondKex(suite, owner.xA, { random, ownerPublicKey: keys?.publicKey });
  const ownerSecret = ownerFinishKex(stored, device.xB, { ownerPrivateKey: keys?.privateKey });
  return { owner, device, ownerSecret };
}

const LAYOUT = {
  ECDH256: { xA: 2 + 32 + 2 + 32 + 2 + 16, xB: 86, shSe: 32 + 16 + 16, contextRand: 0 },
  ECDH384: { xA: 2 + 48 + 2 + 48 + 2 + 48, xB: 150, shSe: 48 + 48 + 48, contextRand: 0 },
  DHKEXid14: { xA: 256, xB: 256, shSe: 256, contextRand: 0 },
  DHKEXid15: { xA: 384, xB: 384, shSe: 384, contextRand: 0 },
  ASYMKEX2048: { xA: 32, xB: 256, shSe: 32, contextRand: 32 },
  ASYMKEX3072: { xA: 96, xB: 384, shSe: 96, contextRand: 96 },
} as const;

describe('key exchange: both sides agree (FDO 1.1 §3.6)', () => {
  for (const [suite, sizes] of Object.entries(LAYOUT)) {
    test(`${suite}: equal shared secret, sizes as the spec lays them out`, () => {
      assert.ok(isKexSuiteSupported(suite));
      const { owner, device, ownerSecret } = exchange(suite);
      assert.deepEqual(ownerSecret, device.sharedSecret);
      assert.equal(owner.xA.length, sizes.xA);
      assert.equal(device.xB.length, sizes.xB);
      assert.equal(ownerSecret.shSe.length, sizes.shSe);
      assert.equal(ownerSecret.contextRand.length, sizes.contextRand);
    });
  }

  test('ECDH: ShSe ends with DeviceRandom || OwnerRandom, taken from xB and xA', () => {
    for (const [suite, size, rnd] of [
      ['ECDH256', 32, 16],
      ['ECDH384', 48, 48],
    ] as const) {
      const { owner, device, ownerSecret } = exchange(suite);
      const ownerRandom = owner.xA.subarray(owner.xA.length - rnd);
      const deviceRandom = device.xB.subarray(device.xB.length - rnd);
      assert.deepEqual(ownerSecret.shSe.subarray(size), new Uint8Array([...deviceRandom, ...ownerRandom]));
      // blen fields are 16-bit big-endian.
      assert.deepEqual([...owner.xA.subarray(0, 2)], [0, size]);
      assert.deepEqual([...owner.xA.subarray(2 + size, 4 + size)], [0, size]);
      assert.deepEqual([...owner.xA.subarray(4 + 2 * size, 6 + 2 * size)], [0, rnd]);
    }
  });

  test('ASYMKEX: xA is OwnerRandom, which becomes ContextRand', () => {
    const { owner, ownerSecret } = exchange('ASYMKEX2048');
    assert.deepEqual(ownerSecret.contextRand, owner.xA);
  });

  test('the same random stream gives the same exchange (randomness is injected)', () => {
    for (const suite of ['ECDH256', 'ECDH384', 'DHKEXid14', 'ASYMKEX2048']) {
      const a = exchange(suite, 'fixed');
      const b = exchange(suite, 'fixed');
      assert.deepEqual(a.owner.xA, b.owner.xA);
      assert.deepEqual(a.ownerSecret, b.ownerSecret);
      if (!suite.startsWith('ASYM')) assert.deepEqual(a.device.xB, b.device.xB);
    }
  });

  test('ECDH: coordinates shorter than the field (minimal integers) are accepted', () => {
    // Find an owner key whose X starts with a zero byte, then send X without it.
    for (let i = 0; i < 5000; i++) {
      const owner = createOwnerKex('ECDH256', { random: seededRandom(`short-${i}`) });
      if (owner.xA[2] !== 0) continue;
      const short = new Uint8Array([0, 31, ...owner.xA.subarray(3)]);
      const device = deviceRespondKex('ECDH256', short, { random: seededRandom('dev') });
      assert.deepEqual(ownerFinishKex(owner.state, device.xB), device.sharedSecret);
      return;
    }
    assert.fail('no key with a leading zero byte in 5000 tries');
  });

  test('DH: received values with leading zeros or shorter than the prime are read by value', () => {
    const owner = createOwnerKex('DHKEXid14', { random: seededRandom('dh') });
    const device = deviceRespondKex('DHKEXid14', new Uint8Array([0, ...owner.xA]), { random: seededRandom('dh2') });
    assert.deepEqual(ownerFinishKex(owner.state, new Uint8Array([0, 0, ...device.xB])), device.sharedSecret);
  });

  test('injected private values are used (known-answer hook)', () => {
    const d = new Uint8Array(32).fill(7);
    const a = createOwnerKex('ECDH256', { random: seededRandom('x'), privateKey: d });
    const b = createOwnerKex('ECDH256', { random: seededRandom('y'), privateKey: d });
    // Same key, different OwnerRandom.
    assert.deepEqual(a.xA.subarray(0, 68), b.xA.subarray(0, 68));
    assert.notDeepEqual(a.xA.subarray(68), b.xA.subarray(68));
    assert.throws(() => createOwnerKex('ECDH256', { random: seededRandom('x'), privateKey: new Uint8Array(32) }), TypeError);
    assert.throws(() => createOwnerKex('DHKEXid14', { random: seededRandom('x'), privateKey: new Uint8Array(31) }), TypeError);
  });
});

describe('key exchange: hostile and broken input', () => {
  const BODY = ErrorCode.MESSAGE_BODY_ERROR;
  const INVALID = ErrorCode.INVALID_MESSAGE_ERROR;
  const random = seededRandom('neg');

  test('unknown suite names are ERR_FDO_KEX_UNSUPPORTED', () => {
    for (const name of ['ECDH521', 'ecdh256', '', 42]) {
      assertFdoError(() => createOwnerKex(name as string, { random }), 'ERR_FDO_KEX_UNSUPPORTED', INVALID);
      assertFdoError(() => deviceRespondKex(name as string, new Uint8Array(86), { random }), 'ERR_FDO_KEX_UNSUPPORTED', INVALID);
    }
  });

  test('ECDH: truncated, padded, over-long and wrong-random layouts are ERR_FDO_KEX_MALFORMED', () => {
    const { xA } = createOwnerKex('ECDH256', { random });
    const cases: Uint8Array[] = [
      new Uint8Array(0),
      xA.subarray(0, 1),
      xA.subarray(0, xA.length - 1),
      new Uint8Array([...xA, 0]),
      // X of 33 bytes.
      new Uint8Array([0, 33, 0, ...xA.subarray(2)]),
      // X of 0 bytes.
      new Uint8Array([0, 0, ...xA.subarray(34)]),
      // random of 15 bytes.
      new Uint8Array([...xA.subarray(0, 68), 0, 15, ...xA.subarray(70, 85)]),
      // An ECDH384 value sent for ECDH256.
      createOwnerKex('ECDH384', { random }).xA,
    ];
    for (const bad of cases) assertFdoError(() => deviceRespondKex('ECDH256', bad, { random }), 'ERR_FDO_KEX_MALFORMED', BODY);
  });

  test('ECDH: a point off the curve is ERR_FDO_KEX_PUBLIC_INVALID, on either side', () => {
    const owner = createOwnerKex('ECDH256', { random });
    const offCurve = new Uint8Array(owner.xA);
    offCurve[40] = (offCurve[40] ?? 0) ^ 1; // a bit of Y
    assertFdoError(() => deviceRespondKex('ECDH256', offCurve, { random }), 'ERR_FDO_KEX_PUBLIC_INVALID', INVALID);
    const device = deviceRespondKex('ECDH256', owner.xA, { random });
    const badB = new Uint8Array(device.xB);
    badB[5] = (badB[5] ?? 0) ^ 0x80; // a bit of X
    assertFdoError(() => ownerFinishKex(owner.state, badB), 'ERR_FDO_KEX_PUBLIC_INVALID', INVALID);
  });

  test('DH: values outside 1 < y < p-1 are ERR_FDO_KEX_PUBLIC_INVALID; empty or too long are malformed', () => {
    const owner = createOwnerKex('DHKEXid14', { random });
    const p = BigInt(`0x${getDiffieHellman('modp14').getPrime('hex')}`);
    const be = (v: bigint) => new Uint8Array(Buffer.from(v.toString(16).padStart(512, '0'), 'hex'));
    for (const y of [0n, 1n, p - 1n, p, p + 1n]) {
      assertFdoError(() => ownerFinishKex(owner.state, be(y)), 'ERR_FDO_KEX_PUBLIC_INVALID', INVALID);
      assertFdoError(() => deviceRespondKex('DHKEXid14', be(y), { random }), 'ERR_FDO_KEX_PUBLIC_INVALID', INVALID);
    }
    assertFdoError(() => ownerFinishKex(owner.state, new Uint8Array(0)), 'ERR_FDO_KEX_MALFORMED', BODY);
    assertFdoError(() => ownerFinishKex(owner.state, new Uint8Array(300).fill(1)), 'ERR_FDO_KEX_MALFORMED', BODY);
  });

  test('ASYMKEX: a tampered or foreign xB is ERR_FDO_KEX_DECRYPT', () => {
    const owner = createOwnerKex('ASYMKEX2048', { random, ownerKey: rsa2048.publicKey });
    const device = deviceRespondKex('ASYMKEX2048', owner.xA, { random, ownerPublicKey: rsa2048.publicKey });
    const tampered = new Uint8Array(device.xB);
    tampered[10] = (tampered[10] ?? 0) ^ 1;
    const opts = { ownerPrivateKey: rsa2048.privateKey };
    assertFdoError(() => ownerFinishKex(owner.state, tampered, opts), 'ERR_FDO_KEX_DECRYPT', INVALID);
    assertFdoError(() => ownerFinishKex(owner.state, device.xB.subarray(1), opts), 'ERR_FDO_KEX_DECRYPT', INVALID);
    // A well-formed OAEP ciphertext of a random of the wrong length.
    const other = deviceRespondKex('ASYMKEX3072', new Uint8Array(96), { random, ownerPublicKey: rsa3072.publicKey });
    assertFdoError(() => ownerFinishKex(owner.state, other.xB, opts), 'ERR_FDO_KEX_DECRYPT', INVALID);
  });

  test('ASYMKEX: an owner key of the wrong type or size is ERR_FDO_KEX_OWNER_KEY', () => {
    assertFdoError(() => createOwnerKex('ASYMKEX3072', { random, ownerKey: rsa2048.publicKey }), 'ERR_FDO_KEX_OWNER_KEY', INVALID);
    assertFdoError(
      () => deviceRespondKex('ASYMKEX2048', new Uint8Array(32), { random, ownerPublicKey: ec256.publicKey }),
      'ERR_FDO_KEX_OWNER_KEY',
      INVALID,
    );
    assertFdoError(
      () => deviceRespondKex('ASYMKEX2048', new Uint8Array(32), { random, ownerPublicKey: rsa3072.publicKey }),
      'ERR_FDO_KEX_OWNER_KEY',
      INVALID,
    );
    assertFdoError(
      () => deviceRespondKex('ASYMKEX2048', new Uint8Array(31), { random, ownerPublicKey: rsa2048.publicKey }),
      'ERR_FDO_KEX_MALFORMED',
      BODY,
    );
  });

  test('ASYMKEX: missing keys are caller misuse (TypeError)', () => {
    const owner = createOwnerKex('ASYMKEX2048', { random });
    assert.throws(() => deviceRespondKex('ASYMKEX2048', owner.xA, { random }), TypeError);
    assert.throws(() => ownerFinishKex(owner.state, new Uint8Array(256)), TypeError);
  });

  test('corrupt stored owner state is ERR_FDO_KEX_STATE', () => {
    const { state } = createOwnerKex('ECDH256', { random });
    const corrupt: unknown[] = [
      null,
      'x',
      { ...state, version: 2 },
      { ...state, suite: 'ECDH521' },
      { ...state, xA: '***' },
      { ...state, secret: Buffer.alloc(31).toString('base64') },
      { ...state, secret: Buffer.alloc(32).toString('base64') },
      { ...state, suite: 'ECDH384' },
    ];
    for (const c of corrupt) {
      assertFdoError(() => importOwnerKexState(c), 'ERR_FDO_KEX_STATE', ErrorCode.INTERNAL_SERVER_ERROR);
      assertFdoError(() => ownerFinishKex(c as OwnerKexState, new Uint8Array(86)), 'ERR_FDO_KEX_STATE', ErrorCode.INTERNAL_SERVER_ERROR);
    }
  });

  test('a random source that breaks its contract is caller misuse', () => {
    assert.throws(() => createOwnerKex('ECDH256', { random: () => new Uint8Array(3) }), TypeError);
    assert.throws(() => createOwnerKex('ECDH256', { random: () => new Uint8Array(32) }), TypeError); // d = 0 forever
    assert.throws(() => createOwnerKex('ECDH256', {} as never), TypeError);
  });
});
