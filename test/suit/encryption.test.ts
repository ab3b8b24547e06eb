import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, createSecretKey, generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { decode, encode, Tag } from '../../src/codec/cbor.ts';
import { Algorithm } from '../../src/codec/cose/algorithms.ts';
import { decryptEncrypt, encryptEncrypt } from '../../src/codec/cose/encrypt.ts';
import { encryptEncrypt0Detached } from '../../src/codec/cose/encrypt0.ts';
import { type CoseKey, coseKeyToKeyObject, decodeCoseKey } from '../../src/codec/cose/key.ts';
import { Parameter } from '../../src/suit/constants.ts';
import { decryptPayload } from '../../src/suit/encryption/decrypt-payload.ts';
import { encryptPayload } from '../../src/suit/encryption/encrypt-payload.ts';
import { decodeEnvelope } from '../../src/suit/envelope.ts';
import { SuitError } from '../../src/suit/errors.ts';
import { vectorsMissing } from '../helpers/vectors.ts';
import { flip, hexFile, LIBCSUIT_DIR, suitRejects } from './helpers.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);
const INSTALL = 20;

function coseKeyFile(name: string): KeyObject {
  const key = decodeCoseKey(hexFile(join(LIBCSUIT_DIR!, 'key', `${name}.hex`))) as CoseKey;
  return coseKeyToKeyObject(key, { private: name.includes('private') || name.includes('secret') });
}

/** The encryption info and the integrated ciphertext (suit-parameter-content) of a libcsuit envelope. */
function encryptedParameters(file: string): { encryptionInfo: Uint8Array; ciphertext: Uint8Array; envelope: Uint8Array } {
  const envelope = new Uint8Array(readFileSync(join(LIBCSUIT_DIR!, file)));
  const install = decodeEnvelope(envelope).manifest.sequences.get(INSTALL) ?? [];
  let encryptionInfo: Uint8Array | undefined;
  let ciphertext: Uint8Array | undefined;
  for (const c of install) {
    if (c.argument.kind !== 'parameters') continue;
    for (const p of c.argument.parameters) {
      if (p.code === Parameter.encryptionInfo) encryptionInfo = encode(p.value);
      if (p.code === Parameter.content) ciphertext = p.value as Uint8Array;
    }
  }
  assert.ok(encryptionInfo !== undefined && ciphertext !== undefined, `${file}: encryption info and content in install`);
  return { encryptionInfo, ciphertext, envelope };
}

const indexOf = (hay: Uint8Array, needle: Uint8Array) => Buffer.from(hay).indexOf(Buffer.from(needle));

test('libcsuit AW (A128KW + A128GCM) and EW (ECDH-ES+A128KW + A128GCM) decrypt to raw_image.bin', (t) => {
  if (LIBCSUIT_DIR === undefined) return t.skip(vectorsMissing('suit/libcsuit'));
  const image = new Uint8Array(readFileSync(join(LIBCSUIT_DIR, 'raw_image.bin')));
  const kek = coseKeyFile('trust_anchor_a128_cose_key_secret');
  const device = coseKeyFile('device_esdh_cose_key_private');
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  for (const [file, key] of [
    ['suit_manifest_expAW.suit', kek],
    ['suit_manifest_expEW.suit', device],
  ] as const) {
    const { encryptionInfo, ciphertext, envelope } = encryptedParameters(file);
    // The re-encoded parameter is the envelope's own bytes (the processor hands it over this way).
    assert.ok(indexOf(envelope, encryptionInfo) > 0, `${file}: encryption info re-encodes byte for byte`);
    assert.deepEqual(decryptPayload({ encryptionInfo, ciphertext, keys: [key] }), image, file);
    // Keys of the wrong kind first, and a wrong key of the right kind: still found.
    assert.deepEqual(decryptPayload({ encryptionInfo, ciphertext, keys: [other, createSecretKey(randomBytes(16)), key] }), image);
    // A wrong key alone, a flipped ciphertext byte, a flipped tag byte.
    const wrong = key.type === 'secret' ? createSecretKey(randomBytes(16)) : other;
    suitRejects(() => decryptPayload({ encryptionInfo, ciphertext, keys: [wrong] }), 'ERR_SUIT_DECRYPT_NO_KEY');
    for (const at of [0, ciphertext.length - 1]) {
      suitRejects(() => decryptPayload({ encryptionInfo, ciphertext: flip(ciphertext, at), keys: [key] }), 'ERR_SUIT_DECRYPT_FAILED');
    }
    // The IV and the protected header are authenticated (AEAD), so flipping them fails too.
    const iv = (decode(encryptionInfo) as Tag).value as unknown[];
    const ivBytes = (iv[1] as Map<number, Uint8Array>).get(5)!;
    const ivAt = indexOf(encryptionInfo, ivBytes);
    suitRejects(
      () => decryptPayload({ encryptionInfo: flip(encryptionInfo, ivAt + 3), ciphertext, keys: [key] }),
      'ERR_SUIT_DECRYPT_FAILED',
    );
  }
});

test('every byte of the libcsuit encryption info, flipped, fails with a typed error or still decrypts correctly', (t) => {
  if (LIBCSUIT_DIR === undefined) return t.skip(vectorsMissing('suit/libcsuit'));
  const image = new Uint8Array(readFileSync(join(LIBCSUIT_DIR, 'raw_image.bin')));
  const { encryptionInfo, ciphertext } = encryptedParameters('suit_manifest_expEW.suit');
  const key = coseKeyFile('device_esdh_cose_key_private');
  let failures = 0;
  for (let i = 0; i < encryptionInfo.length; i++) {
    try {
      // A changed kid, say, is only a hint: decryption may still succeed, and then must be right.
      assert.deepEqual(decryptPayload({ encryptionInfo: flip(encryptionInfo, i, 0x40), ciphertext, keys: [key] }), image);
    } catch (e) {
      assert.ok(e instanceof Error && 'code' in e && /^ERR_SUIT_(DECRYPT_|LIMIT)/.test(String(e.code)), `byte ${i}: ${String(e)}`);
      failures++;
    }
  }
  assert.ok(failures > encryptionInfo.length / 2, `${failures} of ${encryptionInfo.length} flips failed`);
});

test('round trips: A128KW and ECDH-ES+A128KW with A128GCM and A128CTR, one and several recipients', () => {
  const kek = createSecretKey(randomBytes(16));
  const device = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const second = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const plaintext = randomBytes(5000);
  for (const alg of [Algorithm.A128GCM, Algorithm.A128CTR, Algorithm.A256GCM, Algorithm.A256CTR]) {
    for (const recipients of [
      [{ kind: 'aes-kw' as const, kek, kid: utf8('kid-1') }],
      [{ kind: 'es-dh' as const, publicKey: device.publicKey, kid: utf8('kid-2') }],
      [
        { kind: 'es-dh' as const, publicKey: second.publicKey },
        { kind: 'aes-kw' as const, kek },
        { kind: 'es-dh' as const, publicKey: device.publicKey },
      ],
    ]) {
      const out = encryptPayload({ plaintext, recipients, contentAlgorithm: alg });
      const info = (decode(out.encryptionInfo) as Tag).value as unknown[];
      assert.equal((decode(out.encryptionInfo) as Tag).tag, 96);
      assert.equal(info[2], null, 'ciphertext detached');
      const ctr = alg === Algorithm.A128CTR || alg === Algorithm.A256CTR;
      assert.equal(out.ciphertext.length, plaintext.length + (ctr ? 0 : 16));
      assert.equal((info[0] as Uint8Array).length === 0, ctr, 'AES-CTR has an empty protected header');
      for (const key of recipients.length === 1
        ? [recipients[0]!.kind === 'aes-kw' ? kek : device.privateKey]
        : [kek, device.privateKey, second.privateKey]) {
        assert.deepEqual(Buffer.from(decryptPayload({ ...out, keys: [key] })), plaintext);
      }
      suitRejects(
        () => decryptPayload({ ...out, keys: [generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey] }),
        'ERR_SUIT_DECRYPT_NO_KEY',
      );
      if (ctr) {
        // Not authenticated: a flipped byte gives a different plaintext, which only the manifest's
        // image digest can catch.
        const k = recipients.length > 1 || recipients[0]!.kind === 'aes-kw' ? kek : device.privateKey;
        const changed = decryptPayload({ encryptionInfo: out.encryptionInfo, ciphertext: flip(out.ciphertext, 10), keys: [k] });
        assert.notDeepEqual(Buffer.from(changed), plaintext);
      } else {
        suitRejects(
          () => decryptPayload({ ...out, ciphertext: flip(out.ciphertext, 10), keys: [kek, device.privateKey, second.privateKey] }),
          'ERR_SUIT_DECRYPT_FAILED',
        );
      }
    }
  }
});

test('ECDH-ES+A128KW to an X25519 device key round trips', () => {
  const device = generateKeyPairSync('x25519');
  const plaintext = randomBytes(300);
  const out = encryptPayload({ plaintext, recipients: [{ kind: 'es-dh', publicKey: device.publicKey }] });
  assert.deepEqual(Buffer.from(decryptPayload({ ...out, keys: [device.privateKey] })), plaintext);
  suitRejects(() => decryptPayload({ ...out, keys: [generateKeyPairSync('x25519').privateKey] }), 'ERR_SUIT_DECRYPT_NO_KEY');
  suitRejects(
    () => decryptPayload({ ...out, keys: [generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey] }),
    'ERR_SUIT_DECRYPT_NO_KEY',
  );
});

test('ES-DH uses the KDF context of the draft (SuppPubInfo other "SUIT Payload Encryption"), not the bare RFC 9053 one', () => {
  const device = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const plaintext = utf8('This is a real firmware image.');
  const ours = encryptPayload({ plaintext, recipients: [{ kind: 'es-dh', publicKey: device.publicKey }] });
  const withContext = { key: device.privateKey, detachedCiphertext: ours.ciphertext };
  assert.deepEqual(
    decryptEncrypt(ours.encryptionInfo, { ...withContext, kdfContext: { suppPubOther: utf8('SUIT Payload Encryption') } }).plaintext,
    plaintext,
  );
  assert.throws(() => decryptEncrypt(ours.encryptionInfo, withContext), /key unwrap failed/);
  // And a COSE_Encrypt made with the bare RFC 9053 context does not open here.
  const bare = decode(
    encryptEncrypt({
      plaintext,
      protectedHeaders: new Map([[1, Algorithm.A128GCM]]),
      recipients: [{ key: device.publicKey, protectedHeaders: new Map([[1, Algorithm.ECDH_ES_A128KW]]) }],
    }),
  ) as Tag;
  suitRejects(
    () => decryptPayload({ encryptionInfo: encode(bare), ciphertext: new Uint8Array(0), keys: [device.privateKey] }),
    'ERR_SUIT_DECRYPT_NO_KEY',
  );
});

test('AES-KW + AES-CTR example of draft-ietf-suit-firmware-encryption-19 §7.2.1 (KEK "aaaaaaaaaaaaaaaa")', () => {
  // The draft gives the wrapped CEK, the 16-byte IV and the ciphertext; the outer protected header
  // here is empty, as the draft's "Content Encryption" section requires for AES-CTR.
  const info = encode(
    new Tag(
      [
        new Uint8Array(0),
        new Map<number, unknown>([
          [1, Algorithm.A128CTR],
          [5, Buffer.from('93702C81590F845D9EC866CCAC767BD1', 'hex')],
        ]),
        null,
        [
          [
            new Uint8Array(0),
            new Map<number, unknown>([
              [1, -3],
              [4, utf8('kid-1')],
            ]),
            Buffer.from('CE34035CE5C2E2666E46D4C131FC561DD190A6D26CFA1990', 'hex'),
          ],
        ],
      ],
      96,
    ),
  );
  const ciphertext = new Uint8Array(Buffer.from('B74188DE68CD904873C7D4AB265A7F5608AC63F68DBBCE7773ADCB38DA07', 'hex'));
  const kek = createSecretKey(Buffer.from('aaaaaaaaaaaaaaaa'));
  assert.equal(
    new TextDecoder().decode(decryptPayload({ encryptionInfo: info, ciphertext, keys: [{ key: kek, kid: utf8('kid-1') }] })),
    'This is a real firmware image.',
  );
});

test('ES-DH + AES-CTR example of draft-ietf-suit-firmware-encryption-19 §7.2.2 (the receiver key the draft gives)', () => {
  // The draft's COSE_Encrypt, with alg moved to the unprotected bucket (the draft's "Content
  // Encryption" section wants an empty protected header with AES-CTR; it does not enter AES-CTR).
  const draft = decode(
    Buffer.from(
      'D8608445A10139FFFDA10550DAE613B2E0DC55F4322BE38BDBA9DC68F6818344A101381CA120A401022001215820CB2A8EEAF7E260F02AD5C29E4608' +
        '939A6487E2172D239562819E5F52C6D34674225820FB6F870883864A9B14828501FE47A4E9282A7065CD1C234E8A3BCE46F49A1A9F581818DC08054C' +
        '462C7977EE90FA2B9DE62FF6D42E398CEE8168',
      'hex',
    ),
  ) as Tag;
  const body = draft.value as unknown[];
  body[0] = new Uint8Array(0);
  (body[1] as Map<number, unknown>).set(1, Algorithm.A128CTR);
  const receiver = coseKeyToKeyObject(
    new Map<number, unknown>([
      [1, 2],
      [-1, 1],
      [-2, Buffer.from('5886CD61DD875862E5AAA820E7A15274C968A9BC96048DDCACE32F50C3651BA3', 'hex')],
      [-3, Buffer.from('9EED8125E932CD60C0EAD3650D0A485CF726D378D1B016ED4298B2961E258F1B', 'hex')],
      [-4, Buffer.from('60FE6DD6D85D5740A5349B6F91267EEAC5BA81B8CB53EE249E4B4EB102C476B3', 'hex')],
    ]),
    { private: true },
  );
  const ciphertext = new Uint8Array(Buffer.from('2BB8DB522AE978246CC775C3B0241BD4B0333FFDD2DB70C7EE7A4966E3B7', 'hex'));
  const plaintext = decryptPayload({ encryptionInfo: encode(new Tag(body, 96)), ciphertext, keys: [receiver] });
  assert.equal(new TextDecoder().decode(plaintext), 'This is a real firmware image.');
});

test('COSE_Encrypt0 with the content key; kid picks the key for AES-CTR', () => {
  const cek = createSecretKey(randomBytes(16));
  const plaintext = utf8('personalisation data');
  const gcm = encryptEncrypt0Detached({ plaintext, key: cek, protectedHeaders: new Map([[1, Algorithm.A128GCM]]), detached: true });
  assert.deepEqual(
    decryptPayload({ encryptionInfo: gcm.message, ciphertext: gcm.ciphertext, keys: [createSecretKey(randomBytes(16)), cek] }),
    plaintext,
  );
  suitRejects(
    () => decryptPayload({ encryptionInfo: gcm.message, ciphertext: gcm.ciphertext, keys: [createSecretKey(randomBytes(16))] }),
    'ERR_SUIT_DECRYPT_FAILED',
  );
  const ctr = encryptEncrypt0Detached({
    plaintext,
    key: cek,
    protectedHeaders: new Map(),
    unprotectedHeaders: new Map<number, unknown>([
      [1, Algorithm.A128CTR],
      [4, utf8('cek-1')],
    ]),
    detached: true,
  });
  const keys = [
    { key: createSecretKey(randomBytes(16)), kid: utf8('cek-0') },
    { key: cek, kid: utf8('cek-1') },
  ];
  assert.deepEqual(decryptPayload({ encryptionInfo: ctr.message, ciphertext: ctr.ciphertext, keys }), plaintext);
  suitRejects(
    () => decryptPayload({ encryptionInfo: ctr.message, ciphertext: ctr.ciphertext, keys: [createSecretKey(randomBytes(16)), cek] }),
    'ERR_SUIT_DECRYPT_NO_KEY',
  );
});

test('structure rules, unsupported algorithms and limits', () => {
  const kek = createSecretKey(randomBytes(16));
  const plaintext = utf8('x'.repeat(100));
  const out = encryptPayload({ plaintext, recipients: [{ kind: 'aes-kw', kek }], contentAlgorithm: Algorithm.A128CTR });
  const body = () => (decode(out.encryptionInfo) as Tag).value as unknown[];
  const rebuild = (b: unknown[], tag = 96) => encode(new Tag(b, tag));
  // Not COSE_Encrypt/Encrypt0, not CBOR, untagged.
  suitRejects(
    () => decryptPayload({ encryptionInfo: encode(new Tag(body(), 98)), ciphertext: out.ciphertext, keys: [kek] }),
    'ERR_SUIT_DECRYPT_MALFORMED',
  );
  suitRejects(
    () => decryptPayload({ encryptionInfo: encode(body()), ciphertext: out.ciphertext, keys: [kek] }),
    'ERR_SUIT_DECRYPT_MALFORMED',
  );
  suitRejects(
    () => decryptPayload({ encryptionInfo: Uint8Array.of(0xd8, 0x60, 0x84, 0x40), ciphertext: out.ciphertext, keys: [kek] }),
    'ERR_SUIT_DECRYPT_MALFORMED',
  );
  // AES-CTR with a non-empty protected header.
  const b1 = body();
  b1[0] = encode(new Map([[1, Algorithm.A128CTR]]));
  (b1[1] as Map<number, unknown>).delete(1);
  suitRejects(() => decryptPayload({ encryptionInfo: rebuild(b1), ciphertext: out.ciphertext, keys: [kek] }), 'ERR_SUIT_DECRYPT_MALFORMED');
  // Content algorithm outside the profile (ChaCha20/Poly1305), recipient algorithm outside it (direct).
  const b2 = body();
  (b2[1] as Map<number, unknown>).set(1, Algorithm.ChaCha20_Poly1305);
  suitRejects(
    () => decryptPayload({ encryptionInfo: rebuild(b2), ciphertext: out.ciphertext, keys: [kek] }),
    'ERR_SUIT_DECRYPT_UNSUPPORTED',
  );
  const b3 = body();
  ((b3[3] as unknown[][])[0]![1] as Map<number, unknown>).set(1, Algorithm.direct);
  suitRejects(
    () => decryptPayload({ encryptionInfo: rebuild(b3), ciphertext: out.ciphertext, keys: [kek] }),
    'ERR_SUIT_DECRYPT_UNSUPPORTED',
  );
  // An AES-KW recipient with a protected header.
  const b4 = body();
  (b4[3] as unknown[][])[0]![0] = encode(new Map([[1, -3]]));
  suitRejects(() => decryptPayload({ encryptionInfo: rebuild(b4), ciphertext: out.ciphertext, keys: [kek] }), 'ERR_SUIT_DECRYPT_MALFORMED');
  // Ciphertext both attached and detached; attached alone works.
  const b5 = body();
  b5[2] = out.ciphertext;
  suitRejects(() => decryptPayload({ encryptionInfo: rebuild(b5), ciphertext: out.ciphertext, keys: [kek] }), 'ERR_SUIT_DECRYPT_MALFORMED');
  assert.deepEqual(decryptPayload({ encryptionInfo: rebuild(b5), ciphertext: new Uint8Array(0), keys: [kek] }), plaintext);
  // No key of a usable kind.
  suitRejects(() => decryptPayload({ ...out, keys: [] }), 'ERR_SUIT_DECRYPT_NO_KEY');
  suitRejects(
    () =>
      decryptPayload({
        ...out,
        keys: [createPrivateKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }))],
      }),
    'ERR_SUIT_DECRYPT_NO_KEY',
  );
  // Limits.
  suitRejects(() => decryptPayload({ ...out, keys: [kek], limits: { maxCiphertextBytes: 99 } }), 'ERR_SUIT_LIMIT');
  suitRejects(() => decryptPayload({ ...out, keys: [kek], limits: { maxEncryptionInfoBytes: 10 } }), 'ERR_SUIT_LIMIT');
  const many = encryptPayload({ plaintext, recipients: Array.from({ length: 3 }, () => ({ kind: 'aes-kw' as const, kek })) });
  suitRejects(() => decryptPayload({ ...many, keys: [kek], limits: { maxRecipients: 2 } }), 'ERR_SUIT_LIMIT');
  // Caller errors are TypeErrors.
  assert.throws(
    () => decryptPayload({ ...out, keys: [createPublicKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)] as never }),
    (e) => e instanceof SuitError || e instanceof TypeError,
  );
  assert.throws(() => decryptPayload({ ...out, keys: ['key'] as never }), TypeError);
  assert.throws(() => encryptPayload({ plaintext, recipients: [], contentAlgorithm: Algorithm.A128GCM }), TypeError);
  assert.throws(
    () => encryptPayload({ plaintext, recipients: [{ kind: 'aes-kw', kek }], contentAlgorithm: Algorithm.ChaCha20_Poly1305 }),
    TypeError,
  );
});
