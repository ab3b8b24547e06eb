import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describe, test } from 'node:test';
import { decode as decodeCbor, encode, Tag } from '../../../src/codec/cbor.ts';
import { createMac0 } from '../../../src/codec/cose/mac0.ts';
import { CipherSuite } from '../../../src/fdo/constants/crypto.ts';
import { ErrorCode } from '../../../src/fdo/constants/error-codes.ts';
import { FdoError } from '../../../src/fdo/errors.ts';
import { isCipherSuiteSupported } from '../../../src/fdo/session/cipher-suites.ts';
import { deviceRespondKex } from '../../../src/fdo/session/device-kex.ts';
import { createOwnerKex, ownerFinishKex } from '../../../src/fdo/session/owner-kex.ts';
import { openMessage, sealMessage } from '../../../src/fdo/session/session-cipher.ts';
import { deriveSessionKeys } from '../../../src/fdo/session/session-keys.ts';
import { createSessionState, importSessionState, RECENT_IV_LIMIT, type SessionState } from '../../../src/fdo/session/session-state.ts';
import { seededRandom } from '../../helpers/random.ts';
import { assertFdoError } from './helpers.ts';

const rsa2048 = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsa3072 = generateKeyPairSync('rsa', { modulusLength: 3072 });
const ownerKeys: Record<string, { publicKey: KeyObject; privateKey: KeyObject } | undefined> = {
  ASYMKEX2048: rsa2048,
  ASYMKEX3072: rsa3072,
};

const KEX = ['ECDH256', 'ECDH384', 'DHKEXid14', 'DHKEXid15', 'ASYMKEX2048', 'ASYMKEX3072'] as const;
const SUITES = Object.entries(CipherSuite) as [string, number][];
const KEY_LENGTHS: Record<string, [number, number]> = {
  A128GCM: [16, 0],
  A256GCM: [32, 0],
  AES_CCM_64_128_128: [16, 0],
  AES_CCM_64_128_256: [32, 0],
  COSEAES128CBC: [16, 32],
  COSEAES128CTR: [16, 32],
  COSEAES256CBC: [32, 64],
  COSEAES256CTR: [32, 64],
};

const BODY = ErrorCode.MESSAGE_BODY_ERROR;
const INVALID = ErrorCode.INVALID_MESSAGE_ERROR;

/** A finished key exchange and a session on each side. */
function sessions(kex: string, cipherSuite: number, seed = `${kex}/${cipherSuite}`) {
  const random = seededRandom(seed);
  const keys = ownerKeys[kex];
  const owner = createOwnerKex(kex, { random, ownerKey: keys?.publicKey });
  const device = deviceRespondKex(kex, owner.xA, { random, ownerPublicKey: keys?.publicKey });
  const ownerSecret = ownerFinishKex(owner.state, device.xB, { ownerPrivateKey: keys?.privateKey });
  const ownerKeysDerived = deriveSessionKeys(ownerSecret, cipherSuite);
  const deviceKeysDerived = deriveSessionKeys(device.sharedSecret, cipherSuite);
  return {
    random,
    ownerKeys: ownerKeysDerived,
    deviceKeys: deviceKeysDerived,
    owner: createSessionState(ownerKeysDerived, { random }),
    device: createSessionState(deviceKeysDerived, { random }),
  };
}

/** A JSON round trip through storage, as a server replica would do between messages. */
const stored = (state: SessionState): SessionState => importSessionState(JSON.parse(JSON.stringify(state)));

const text = (s: string) => new TextEncoder().encode(s);
const PLAINTEXTS = [
  new Uint8Array(0),
  text('x'),
  new Uint8Array(15).fill(1),
  new Uint8Array(16).fill(2),
  new Uint8Array(17).fill(3),
  new Uint8Array(1300).map((_, i) => i),
];

describe('session: every key exchange × every cipher suite', () => {
  for (const kex of KEX) {
    for (const [name, id] of SUITES) {
      test(`${kex} × ${name}: equal keys, messages both ways, state stored between messages`, () => {
        assert.ok(isCipherSuiteSupported(id));
        const s = sessions(kex, id);
        assert.deepEqual(s.ownerKeys, s.deviceKeys);
        assert.deepEqual([s.ownerKeys.sek.length, s.ownerKeys.svk.length], KEY_LENGTHS[name]);
        let owner = s.owner;
        let device = s.device;
        for (const plaintext of PLAINTEXTS) {
          const up = sealMessage(stored(device), plaintext, { random: s.random });
          device = up.state;
          const got = openMessage(stored(owner), up.message);
          owner = got.state;
          assert.deepEqual(got.plaintext, plaintext);
          const down = sealMessage(stored(owner), plaintext, { random: s.random });
          owner = down.state;
          const back = openMessage(stored(device), down.message);
          device = back.state;
          assert.deepEqual(back.plaintext, plaintext);
        }
      });
    }
  }
});

describe('session: wire format', () => {
  test('AEAD suites: tagged COSE_Encrypt0 (16); ETM suites: tagged COSE_Mac0 (17)', () => {
    for (const [name, id] of SUITES) {
      const s = sessions('ECDH256', id);
      const { message } = sealMessage(s.device, text('hello'), { random: s.random });
      const expectedTag = KEY_LENGTHS[name]?.[1] === 0 ? 0xd0 : 0xd1;
      assert.equal(message[0], expectedTag, name);
    }
  });

  test('AES-CTR: IV = the session nonce || a 32-bit block counter that continues across messages', () => {
    const s = sessions('ECDH256', CipherSuite.COSEAES128CTR);
    const nonce = Buffer.from(s.device.sendCtr?.nonce ?? '', 'base64');
    let state = s.device;
    const ivs: Buffer[] = [];
    for (const n of [1, 33, 16]) {
      const r = sealMessage(state, new Uint8Array(n), { random: s.random });
      state = r.state;
      const last = state.recentIvs.at(-1) ?? '';
      ivs.push(Buffer.from(last, 'base64'));
    }
    for (const iv of ivs) assert.deepEqual(iv.subarray(0, 12), nonce);
    assert.deepEqual(
      ivs.map((iv) => iv.readUInt32BE(12)),
      [0, 1, 4],
    );
    assert.equal(state.sendCtr?.block, 5);
  });

  test('each side draws its own AES-CTR nonce', () => {
    const s = sessions('ECDH256', CipherSuite.COSEAES256CTR);
    assert.notEqual(s.owner.sendCtr?.nonce, s.device.sendCtr?.nonce);
  });
});

describe('session: tampering, wrong keys, replays, wrong suites', () => {
  test('changing any byte of a message fails with a session error, never silently or with a crash', () => {
    for (const id of [CipherSuite.A128GCM, CipherSuite.AES_CCM_64_128_256, CipherSuite.COSEAES128CBC, CipherSuite.COSEAES256CTR]) {
      const s = sessions('ECDH256', id);
      const { message } = sealMessage(s.device, text('the body of TO2.ProveDevice'), { random: s.random });
      for (let i = 0; i < message.length; i++) {
        for (const flip of [0x01, 0x80]) {
          const bad = new Uint8Array(message);
          bad[i] = (bad[i] ?? 0) ^ flip;
          assert.throws(
            () => openMessage(s.owner, bad),
            (e: unknown) => e instanceof FdoError && /^ERR_FDO_SESSION_/.test(e.code),
            `suite ${id}, byte ${i} ^ ${flip}`,
          );
        }
      }
      for (const cut of [0, 1, message.length - 1]) {
        assert.throws(() => openMessage(s.owner, message.subarray(0, cut)), FdoError);
      }
    }
  });

  test('a flipped ciphertext or tag bit is ERR_FDO_SESSION_DECRYPT', () => {
    for (const id of [CipherSuite.A256GCM, CipherSuite.COSEAES128CTR]) {
      const s = sessions('ECDH384', id);
      const { message } = sealMessage(s.device, text('body'), { random: s.random });
      const bad = new Uint8Array(message);
      bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 1;
      assertFdoError(() => openMessage(s.owner, bad), 'ERR_FDO_SESSION_DECRYPT', INVALID);
    }
  });

  test('another session’s keys: ERR_FDO_SESSION_DECRYPT', () => {
    for (const [, id] of SUITES) {
      const a = sessions('ECDH256', id, 'a');
      const b = sessions('ECDH256', id, 'b');
      const { message } = sealMessage(a.device, text('body'), { random: a.random });
      assertFdoError(() => openMessage(b.owner, message), 'ERR_FDO_SESSION_DECRYPT', INVALID);
    }
  });

  test('a replayed message, or our own reflected back, is ERR_FDO_SESSION_REPLAY', () => {
    for (const [, id] of SUITES) {
      const s = sessions('DHKEXid14', id);
      const m1 = sealMessage(s.device, text('one'), { random: s.random });
      const m2 = sealMessage(m1.state, text('two'), { random: s.random });
      let owner = openMessage(s.owner, m1.message).state;
      owner = openMessage(owner, m2.message).state;
      assertFdoError(() => openMessage(owner, m1.message), 'ERR_FDO_SESSION_REPLAY', INVALID);
      assertFdoError(() => openMessage(stored(owner), m2.message), 'ERR_FDO_SESSION_REPLAY', INVALID);
      const reply = sealMessage(owner, text('reply'), { random: s.random });
      assertFdoError(() => openMessage(reply.state, reply.message), 'ERR_FDO_SESSION_REPLAY', INVALID);
    }
  });

  test('AES-CTR: an old message is a replay by its counter even after its IV left the window', () => {
    const s = sessions('ECDH256', CipherSuite.COSEAES128CTR);
    const m1 = sealMessage(s.device, text('one'), { random: s.random });
    const m2 = sealMessage(m1.state, text('two'), { random: s.random });
    let owner = openMessage(s.owner, m1.message).state;
    owner = openMessage(owner, m2.message).state;
    const forgetful = { ...owner, recentIvs: [] };
    assertFdoError(() => openMessage(forgetful, m1.message), 'ERR_FDO_SESSION_REPLAY', INVALID);
  });

  test('the window of recent IVs is bounded', () => {
    const s = sessions('ECDH256', CipherSuite.A128GCM);
    let device = s.device;
    for (let i = 0; i < RECENT_IV_LIMIT + 10; i++) device = sealMessage(device, text('x'), { random: s.random }).state;
    assert.equal(device.recentIvs.length, RECENT_IV_LIMIT);
  });

  test('a message of another suite is ERR_FDO_SESSION_ALG', () => {
    const pairs: [number, number][] = [
      [CipherSuite.A128GCM, CipherSuite.A256GCM],
      [CipherSuite.A128GCM, CipherSuite.AES_CCM_64_128_128],
      [CipherSuite.COSEAES128CBC, CipherSuite.A128GCM],
      [CipherSuite.A256GCM, CipherSuite.COSEAES256CTR],
      [CipherSuite.COSEAES128CBC, CipherSuite.COSEAES256CBC],
    ];
    for (const [from, to] of pairs) {
      const a = sessions('ECDH256', from);
      const b = sessions('ECDH256', to);
      const { message } = sealMessage(a.device, text('body'), { random: a.random });
      assertFdoError(() => openMessage(b.owner, message), 'ERR_FDO_SESSION_ALG', INVALID);
    }
  });

  test('ETM: an authentic outer MAC around an inner block of another mode is ERR_FDO_SESSION_ALG', () => {
    const s = sessions('ECDH256', CipherSuite.COSEAES128CBC);
    const inner = encode([encode(new Map([[1, CipherSuite.COSEAES128CTR]])), new Map([[5, new Uint8Array(16)]]), new Uint8Array(16)]);
    const message = etmMessage(s.ownerKeys.svk, 5, inner);
    assertFdoError(() => openMessage(s.owner, message), 'ERR_FDO_SESSION_ALG', INVALID);
  });

  test('IVs missing, partial or of the wrong length are ERR_FDO_SESSION_IV', () => {
    const s = sessions('ECDH256', CipherSuite.COSEAES256CBC);
    const inners = [
      encode([encode(new Map([[1, CipherSuite.COSEAES256CBC]])), new Map(), new Uint8Array(16)]),
      encode([encode(new Map([[1, CipherSuite.COSEAES256CBC]])), new Map([[5, new Uint8Array(15)]]), new Uint8Array(16)]),
      encode([encode(new Map([[1, CipherSuite.COSEAES256CBC]])), new Map([[6, new Uint8Array(4)]]), new Uint8Array(16)]),
      encode([encode(new Map([[1, CipherSuite.COSEAES256CBC]])), new Map([[5, 'not bytes']]), new Uint8Array(16)]),
    ];
    for (const inner of inners) {
      assertFdoError(() => openMessage(s.owner, etmMessage(s.ownerKeys.svk, 6, inner)), 'ERR_FDO_SESSION_IV', BODY);
    }
    const g = sessions('ECDH256', CipherSuite.A128GCM);
    const protectedBytes = encode(new Map([[1, CipherSuite.A128GCM]]));
    for (const unprotected of [new Map(), new Map([[5, new Uint8Array(11)]]), new Map([[5, new Uint8Array(16)]])]) {
      const message = encode(new Tag([protectedBytes, unprotected, new Uint8Array(32)], 16));
      assertFdoError(() => openMessage(g.owner, message), 'ERR_FDO_SESSION_IV', BODY);
    }
  });

  test('structurally broken messages are ERR_FDO_SESSION_MALFORMED', () => {
    const g = sessions('ECDH256', CipherSuite.A128GCM);
    const e = sessions('ECDH256', CipherSuite.COSEAES128CTR);
    for (const bytes of [new Uint8Array(0), new Uint8Array([0xff]), encode('text'), encode([1, 2, 3])]) {
      assertFdoError(() => openMessage(g.owner, bytes), 'ERR_FDO_SESSION_MALFORMED', BODY);
      assertFdoError(() => openMessage(e.owner, bytes), 'ERR_FDO_SESSION_MALFORMED', BODY);
    }
    assertFdoError(() => openMessage(g.owner, encode(new Tag([], 16))), 'ERR_FDO_SESSION_MALFORMED', BODY);
    assertFdoError(() => openMessage(e.owner, encode(new Tag([], 17))), 'ERR_FDO_SESSION_MALFORMED', BODY);
    for (const inner of [
      encode('x'),
      new Uint8Array([0x83]),
      encode([new Uint8Array(0), new Map()]),
      encode([1, new Map(), new Uint8Array(1)]),
    ]) {
      assertFdoError(() => openMessage(e.owner, etmMessage(e.ownerKeys.svk, 5, inner)), 'ERR_FDO_SESSION_MALFORMED', BODY);
    }
  });

  test('ETM: authentic CBC ciphertext with broken padding is ERR_FDO_SESSION_DECRYPT', () => {
    const s = sessions('ECDH256', CipherSuite.COSEAES128CBC);
    for (const ct of [new Uint8Array(0), new Uint8Array(15), new Uint8Array(32)]) {
      const inner = encode([encode(new Map([[1, CipherSuite.COSEAES128CBC]])), new Map([[5, new Uint8Array(16).fill(9)]]), ct]);
      assertFdoError(() => openMessage(s.owner, etmMessage(s.ownerKeys.svk, 5, inner)), 'ERR_FDO_SESSION_DECRYPT', INVALID);
    }
  });

  test('ETM: the RFC 9459 AES-CBC/CTR ids are read in the inner block', () => {
    const s = sessions('ECDH256', CipherSuite.COSEAES128CTR);
    const sealed = sealMessage(s.device, text('body'), { random: s.random });
    // Re-wrap the same inner block with A128CTR (-65534) as its algorithm.
    const inner = reencodeInnerAlg(sealed.message, -65534);
    const got = openMessage(s.owner, etmMessage(s.ownerKeys.svk, 5, inner));
    assert.deepEqual(got.plaintext, text('body'));
  });

  test('ETM: the inner algorithm is also read from the unprotected header, as RFC 9459 implementations write it', () => {
    for (const [suite, rfc9459] of [
      [CipherSuite.COSEAES128CBC, -65531],
      [CipherSuite.COSEAES256CTR, -65532],
    ] as const) {
      const s = sessions(suite === CipherSuite.COSEAES128CBC ? 'ECDH256' : 'ECDH384', suite);
      const macAlg = suite === CipherSuite.COSEAES128CBC ? 5 : 6;
      for (const alg of [rfc9459, suite]) {
        const sealed = sealMessage(s.device, text('body'), { random: s.random });
        const got = openMessage(s.owner, etmMessage(s.ownerKeys.svk, macAlg, moveInnerAlgToUnprotected(sealed.message, alg)));
        assert.deepEqual(got.plaintext, text('body'), `${suite}: alg ${alg} in the unprotected header`);
      }
      // Another suite's algorithm there (A128CTR, -65534) is still refused.
      const sealed = sealMessage(s.device, text('body'), { random: s.random });
      const other = moveInnerAlgToUnprotected(sealed.message, -65534);
      assertFdoError(() => openMessage(s.owner, etmMessage(s.ownerKeys.svk, macAlg, other)), 'ERR_FDO_SESSION_ALG', INVALID);
    }
  });

  test('ETM: an inner algorithm in both headers is ERR_FDO_SESSION_MALFORMED', () => {
    const s = sessions('ECDH256', CipherSuite.COSEAES128CTR);
    const sealed = sealMessage(s.device, text('body'), { random: s.random });
    const inner = decodeCbor(((decodeCbor(sealed.message) as Tag).value as unknown[])[2] as Uint8Array) as unknown[];
    const both = encode([
      encode(new Map([[1, CipherSuite.COSEAES128CTR]])),
      new Map([...(inner[1] as Map<number, unknown>), [1, CipherSuite.COSEAES128CTR]]),
      inner[2],
    ]);
    assertFdoError(() => openMessage(s.owner, etmMessage(s.ownerKeys.svk, 5, both)), 'ERR_FDO_SESSION_MALFORMED', BODY);
  });
});

describe('session: limits and state', () => {
  test('AES-CTR: a used-up block counter is ERR_FDO_SESSION_EXHAUSTED', () => {
    const s = sessions('ECDH256', CipherSuite.COSEAES128CTR);
    const nearEnd = { ...s.device, sendCtr: { nonce: s.device.sendCtr?.nonce ?? '', block: 2 ** 32 - 1 } };
    sealMessage(nearEnd, new Uint8Array(16), { random: s.random });
    assertFdoError(
      () => sealMessage(nearEnd, new Uint8Array(17), { random: s.random }),
      'ERR_FDO_SESSION_EXHAUSTED',
      ErrorCode.INTERNAL_SERVER_ERROR,
    );
  });

  test('a random source that repeats a recent IV is ERR_FDO_SESSION_EXHAUSTED, not a reused GCM nonce', () => {
    const s = sessions('ECDH256', CipherSuite.A128GCM);
    const stuck = () => new Uint8Array(12).fill(5);
    const first = sealMessage(s.device, text('a'), { random: stuck });
    assertFdoError(
      () => sealMessage(first.state, text('b'), { random: stuck }),
      'ERR_FDO_SESSION_EXHAUSTED',
      ErrorCode.INTERNAL_SERVER_ERROR,
    );
  });

  test('unknown cipher suites are ERR_FDO_CIPHER_UNSUPPORTED', () => {
    const secret = { shSe: new Uint8Array(32), contextRand: new Uint8Array(0) };
    for (const id of [2, 0, 30, -17760707, '1']) {
      assertFdoError(() => deriveSessionKeys(secret, id as number), 'ERR_FDO_CIPHER_UNSUPPORTED', INVALID);
    }
  });

  test('corrupt stored session state is ERR_FDO_SESSION_STATE', () => {
    const gcm = sessions('ECDH256', CipherSuite.A128GCM).owner;
    const ctr = sessions('ECDH256', CipherSuite.COSEAES128CTR).owner;
    const corrupt: unknown[] = [
      undefined,
      [],
      { ...gcm, version: 0 },
      { ...gcm, cipherSuite: 99 },
      { ...gcm, sek: Buffer.alloc(32).toString('base64') },
      { ...gcm, sek: 'AAAA====' },
      { ...gcm, svk: Buffer.alloc(32).toString('base64') },
      { ...gcm, sendCtr: { nonce: Buffer.alloc(12).toString('base64'), block: 0 } },
      { ...gcm, recentIvs: [Buffer.alloc(16).toString('base64')] },
      { ...gcm, recentIvs: 'x' },
      { ...ctr, sendCtr: null },
      { ...ctr, sendCtr: { nonce: Buffer.alloc(11).toString('base64'), block: 0 } },
      { ...ctr, sendCtr: { nonce: Buffer.alloc(12).toString('base64'), block: -1 } },
      { ...ctr, sendCtr: { nonce: Buffer.alloc(12).toString('base64'), block: 2 ** 33 } },
    ];
    for (const c of corrupt) {
      assertFdoError(() => importSessionState(c), 'ERR_FDO_SESSION_STATE', ErrorCode.INTERNAL_SERVER_ERROR);
      assertFdoError(() => openMessage(c as SessionState, new Uint8Array(1)), 'ERR_FDO_SESSION_STATE', ErrorCode.INTERNAL_SERVER_ERROR);
    }
  });

  test('sealing and opening leave the given state untouched', () => {
    const s = sessions('ECDH256', CipherSuite.COSEAES256CTR);
    const before = JSON.stringify(s.device);
    const { message } = sealMessage(s.device, text('x'), { random: s.random });
    assert.equal(JSON.stringify(s.device), before);
    const ownerBefore = JSON.stringify(s.owner);
    openMessage(s.owner, message);
    assert.equal(JSON.stringify(s.owner), ownerBefore);
  });

  test('misuse is a TypeError', () => {
    const s = sessions('ECDH256', CipherSuite.A128GCM);
    assert.throws(() => sealMessage(s.device, 'x' as never, { random: s.random }), TypeError);
    assert.throws(() => openMessage(s.device, 'x' as never), TypeError);
    assert.throws(
      () => createSessionState({ cipherSuite: 1, sek: new Uint8Array(15), svk: new Uint8Array(0) }, { random: s.random }),
      TypeError,
    );
  });
});

/** A COSE_Mac0 (tagged) around `inner` with HMAC `macAlg` under `svk`, as a peer could build it. */
function etmMessage(svk: Uint8Array, macAlg: number, inner: Uint8Array): Uint8Array {
  return createMac0({
    payload: inner,
    key: new Map<number, unknown>([
      [1, 4],
      [-1, svk],
    ]) as never,
    protectedHeaders: new Map([[1, macAlg]]),
    tagged: true,
  });
}

/** The inner block of an ETM message with its algorithm id replaced. */
function reencodeInnerAlg(message: Uint8Array, alg: number): Uint8Array {
  const outer = decodeCbor(message) as Tag;
  const payload = (outer.value as unknown[])[2] as Uint8Array;
  const inner = decodeCbor(payload) as unknown[];
  return encode([encode(new Map([[1, alg]])), inner[1], inner[2]]);
}

/** The inner block of an ETM message with an empty protected header and `alg` beside the IV. */
function moveInnerAlgToUnprotected(message: Uint8Array, alg: number): Uint8Array {
  const outer = decodeCbor(message) as Tag;
  const payload = (outer.value as unknown[])[2] as Uint8Array;
  const inner = decodeCbor(payload) as unknown[];
  return encode([new Uint8Array(0), new Map([...(inner[1] as Map<number, unknown>), [1, alg]]), inner[2]]);
}
