import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CryptoError, KeyFormatError } from '../../src/crypto/errors.ts';
import { describeKey } from '../../src/crypto/key-describe.ts';
import { exportPrivateKey, exportPublicKey } from '../../src/crypto/key-export.ts';
import { detectKeyFormat, MAX_KEY_INPUT_BYTES } from '../../src/crypto/key-format.ts';
import { generateKeyPair, type KeyPairType } from '../../src/crypto/key-generate.ts';
import { importPrivateKey, importPublicKey } from '../../src/crypto/key-import.ts';
import { vectorPath, vectorsMissing } from '../helpers/vectors.ts';
import { unhex } from './python/run.ts';

const spki = (k: KeyObject) => (k.type === 'private' ? createPublicKey(k) : k).export({ format: 'der', type: 'spki' }).toString('hex');

function formatError(fn: () => unknown, format: string): KeyFormatError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof KeyFormatError, `expected KeyFormatError, got ${String(err)}`);
    assert.equal(err.code, 'ERR_KEY_FORMAT');
    assert.equal(err.format, format, err.message);
    return err;
  }
  assert.fail('expected ERR_KEY_FORMAT');
}

describe('generateKeyPair', () => {
  const expected: Record<KeyPairType, ReturnType<typeof describeKey>> = {
    secp256r1: { type: 'ec', curve: 'P-256' },
    secp384r1: { type: 'ec', curve: 'P-384' },
    rsa2048: { type: 'rsa', modulusBits: 2048 },
    rsa3072: { type: 'rsa', modulusBits: 3072 },
    ed25519: { type: 'ed25519' },
  };
  for (const [type, description] of Object.entries(expected) as [KeyPairType, ReturnType<typeof describeKey>][]) {
    test(`${type}`, async () => {
      const kp = await generateKeyPair(type);
      assert.equal(kp.privateKey.type, 'private');
      assert.equal(kp.publicKey.type, 'public');
      assert.deepEqual(describeKey(kp.privateKey), description);
      assert.deepEqual(describeKey(kp.publicKey), description);
    });
  }
  test('an unknown type is a TypeError', async () => {
    await assert.rejects(generateKeyPair('rsa1024' as KeyPairType), TypeError);
  });
});

describe('key export and import round trips', () => {
  const pairs: [string, { privateKey: KeyObject; publicKey: KeyObject }][] = [
    ['P-256', generateKeyPairSync('ec', { namedCurve: 'P-256' })],
    ['P-384', generateKeyPairSync('ec', { namedCurve: 'P-384' })],
    ['P-521', generateKeyPairSync('ec', { namedCurve: 'P-521' })],
    ['RSA-2048', generateKeyPairSync('rsa', { modulusLength: 2048 })],
    ['Ed25519', generateKeyPairSync('ed25519')],
  ];
  for (const [name, kp] of pairs) {
    test(`${name}: every public encoding`, () => {
      const der = exportPublicKey(kp.publicKey, 'spki-der');
      assert.equal(der.constructor, Uint8Array);
      const pem = exportPublicKey(kp.publicKey, 'spki-pem');
      const cose = exportPublicKey(kp.publicKey, 'cose-key', { kid: Uint8Array.of(1, 2) });
      assert.deepEqual(detectKeyFormat(der), { encoding: 'der', format: 'spki', bytes: der });
      assert.equal(detectKeyFormat(pem).format, 'spki');
      assert.equal(detectKeyFormat(new TextEncoder().encode(pem)).encoding, 'pem');
      assert.equal(detectKeyFormat(cose).format, 'cose-key');
      for (const input of [der, pem, cose]) assert.equal(spki(importPublicKey(input)), spki(kp.publicKey));
      // A public key can be exported from its private key too.
      assert.deepEqual(exportPublicKey(kp.privateKey, 'spki-der'), der);
    });

    test(`${name}: every private encoding`, () => {
      const inputs: (Uint8Array | string)[] = [
        exportPrivateKey(kp.privateKey, 'pkcs8-der'),
        exportPrivateKey(kp.privateKey, 'pkcs8-pem'),
        exportPrivateKey(kp.privateKey, 'cose-key'),
      ];
      if (name.startsWith('P-')) inputs.push(exportPrivateKey(kp.privateKey, 'sec1-der'), exportPrivateKey(kp.privateKey, 'sec1-pem'));
      if (name.startsWith('RSA')) {
        inputs.push(
          kp.privateKey.export({ format: 'der', type: 'pkcs1' }),
          kp.privateKey.export({ format: 'pem', type: 'pkcs1' }) as string,
        );
      }
      for (const input of inputs) {
        const imported = importPrivateKey(input);
        assert.equal(imported.type, 'private');
        assert.equal(spki(imported), spki(kp.publicKey), String(detectKeyFormat(input).format));
      }
    });
  }

  test('PKCS #1 RSAPublicKey imports', () => {
    const kp = pairs[3]![1];
    const der = kp.publicKey.export({ format: 'der', type: 'pkcs1' });
    assert.equal(detectKeyFormat(der).format, 'pkcs1-public');
    assert.equal(spki(importPublicKey(der)), spki(kp.publicKey));
    assert.equal(spki(importPublicKey(kp.publicKey.export({ format: 'pem', type: 'pkcs1' }) as string)), spki(kp.publicKey));
  });

  test('the format option pins the expected format', () => {
    const der = exportPublicKey(pairs[0]![1].publicKey, 'spki-der');
    assert.equal(importPublicKey(der, { format: 'spki' }).type, 'public');
    formatError(() => importPublicKey(der, { format: 'x509' }), 'x509');
  });

  test('SEC 1 export of a non-EC key is a TypeError', () => {
    assert.throws(() => exportPrivateKey(pairs[4]![1].privateKey, 'sec1-der'), TypeError);
    assert.throws(() => exportPrivateKey(pairs[4]![1].publicKey, 'pkcs8-der'), TypeError);
    assert.throws(() => exportPublicKey(pairs[0]![1].publicKey, 'jwk' as never), TypeError);
  });
});

describe('key import failures', () => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pkcs8Pem = ec.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
  const spkiDer = new Uint8Array(ec.publicKey.export({ format: 'der', type: 'spki' }));

  test('unrecognisable input names the format it could not find', () => {
    formatError(() => importPublicKey(new Uint8Array(0)), 'unknown');
    formatError(() => importPublicKey(Uint8Array.of(1, 2, 3)), 'unknown');
    formatError(() => importPublicKey(Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x00)), 'unknown');
    formatError(() => importPublicKey('not a key'), 'pem');
  });

  test('broken DER: truncated, trailing bytes, deep nesting', () => {
    formatError(() => importPublicKey(spkiDer.subarray(0, spkiDer.length - 5)), 'unknown');
    formatError(() => importPublicKey(Uint8Array.of(...spkiDer, 0)), 'unknown');
    const deep = new Uint8Array(MAX_KEY_INPUT_BYTES).map((_, i) => (i % 2 === 0 ? 0x30 : 0x80));
    formatError(() => importPublicKey(deep), 'unknown');
    // A valid container whose key OpenSSL rejects: an EC point off the curve.
    const offCurve = spkiDer.slice();
    offCurve[offCurve.length - 1]! ^= 1;
    formatError(() => importPublicKey(offCurve), 'spki');
  });

  test('broken PEM: bad base64, mismatched END, missing END, headers', () => {
    formatError(() => importPrivateKey(pkcs8Pem.replace(/\n[A-Za-z0-9]/, '\n*')), 'pem');
    formatError(() => importPrivateKey(pkcs8Pem.replace('END PRIVATE', 'END PUBLIC')), 'pem');
    formatError(() => importPrivateKey(pkcs8Pem.slice(0, 80)), 'pem');
    formatError(() => importPrivateKey(pkcs8Pem.replace('-----\n', '-----\nComment: x\n\n')), 'pem');
    formatError(() => importPrivateKey(`${pkcs8Pem}${pkcs8Pem}`), 'pem');
    formatError(() => importPrivateKey(pkcs8Pem.replace(/PRIVATE KEY/g, 'DSA PARAMETERS')), 'pem');
  });

  test('a PEM label that contradicts the content is ERR_KEY_FORMAT', () => {
    formatError(() => importPublicKey(pkcs8Pem.replace(/PRIVATE KEY/g, 'PUBLIC KEY')), 'spki');
    formatError(() => importPublicKey(pkcs8Pem.replace(/PRIVATE KEY/g, 'CERTIFICATE')), 'x509');
    // Private-key containers under one another's label are read by their content, as OpenSSL does.
    assert.equal(importPrivateKey(pkcs8Pem.replace(/PRIVATE KEY/g, 'EC PRIVATE KEY')).type, 'private');
  });

  test('a private key where a public key is expected, and the reverse', () => {
    const err = formatError(() => importPublicKey(pkcs8Pem), 'pkcs8');
    assert.match(err.message, /holds no public key/);
    formatError(() => importPrivateKey(spkiDer), 'spki');
  });

  test('encrypted private keys are ERR_KEY_UNSUPPORTED', () => {
    const encrypted = ec.privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'x' }) as string;
    assert.throws(() => importPrivateKey(encrypted), { code: 'ERR_KEY_UNSUPPORTED' });
    const legacy = ec.privateKey.export({ format: 'pem', type: 'sec1', cipher: 'aes-256-cbc', passphrase: 'x' }) as string;
    assert.throws(() => importPrivateKey(legacy), { code: 'ERR_KEY_UNSUPPORTED' });
  });

  test('unsupported key types are ERR_KEY_UNSUPPORTED', () => {
    const unsupported: KeyObject[] = [
      generateKeyPairSync('x25519').publicKey,
      generateKeyPairSync('ed448').publicKey,
      generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey,
      generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey,
      generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).publicKey,
      generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 }).publicKey,
    ];
    for (const key of unsupported) {
      const der = new Uint8Array(key.export({ format: 'der', type: 'spki' }));
      assert.throws(() => importPublicKey(der), { code: 'ERR_KEY_UNSUPPORTED' }, key.asymmetricKeyType);
      assert.throws(
        () => describeKey(key),
        (e) => e instanceof CryptoError && e.code === 'ERR_KEY_UNSUPPORTED',
      );
    }
  });

  test('a key of an unknown algorithm that OpenSSL cannot read either is unsupported, not malformed', () => {
    // SEQUENCE { SEQUENCE { OID 1.3.6.1.4.1.99999.7 }, BIT STRING 01 02 03 04 }
    const der = unhex('3014300b06092b06010401868d1f0703050001020304');
    assert.equal(detectKeyFormat(der).format, 'spki');
    assert.throws(() => importPublicKey(der), { code: 'ERR_KEY_UNSUPPORTED' });
  });

  test('COSE_Key problems are ERR_KEY_FORMAT for cose-key; symmetric keys are unsupported', () => {
    const cose = exportPublicKey(ec.publicKey, 'cose-key');
    formatError(() => importPublicKey(cose.subarray(0, cose.length - 3)), 'cose-key');
    formatError(() => importPrivateKey(cose), 'cose-key');
    // { 1: 4 (Symmetric), -1: h'00112233' }
    assert.throws(() => importPublicKey(unhex('a20104204400112233')), { code: 'ERR_KEY_UNSUPPORTED' });
  });

  test('oversized input is ERR_CRYPTO_INPUT_TOO_LARGE', () => {
    assert.throws(() => importPublicKey(new Uint8Array(MAX_KEY_INPUT_BYTES + 1)), { code: 'ERR_CRYPTO_INPUT_TOO_LARGE' });
    assert.throws(() => importPublicKey(' '.repeat(MAX_KEY_INPUT_BYTES + 1)), { code: 'ERR_CRYPTO_INPUT_TOO_LARGE' });
  });

  test('misuse is a TypeError', () => {
    assert.throws(() => importPublicKey(42 as never), TypeError);
    assert.throws(() => describeKey('key' as never), TypeError);
  });
});

describe('keys from independent implementations', () => {
  test('go-fdo manufacturer key (SEC 1 PEM, P-384)', (t) => {
    const path = vectorPath('fdo', 'go-fdo-mfg_key.pem');
    if (path === undefined) return t.skip(vectorsMissing('fdo/go-fdo-mfg_key.pem'));
    const pem = readFileSync(path, 'utf8');
    assert.equal(detectKeyFormat(pem).format, 'sec1');
    assert.deepEqual(describeKey(importPrivateKey(pem)), { type: 'ec', curve: 'P-384' });
  });

  test('libcsuit trust anchor: the same P-256 key as PEM, DER, public PEM/DER and COSE_Key', (t) => {
    const dir = vectorPath('suit', 'libcsuit', 'key');
    if (dir === undefined) return t.skip(vectorsMissing('suit/libcsuit/key'));
    const priv = importPrivateKey(readFileSync(join(dir, 'trust_anchor_secp256r1.pem'), 'utf8'));
    const privDer = importPrivateKey(readFileSync(join(dir, 'trust_anchor_secp256r1.der')));
    assert.equal(detectKeyFormat(readFileSync(join(dir, 'trust_anchor_secp256r1.der'))).format, 'sec1');
    const pub = importPublicKey(readFileSync(join(dir, 'trust_anchor_secp256r1_pub.pem'), 'utf8'));
    const pubDer = importPublicKey(readFileSync(join(dir, 'trust_anchor_secp256r1_pub.der')));
    for (const k of [priv, privDer, pubDer]) assert.equal(spki(k), spki(pub));
    const coseHex = readFileSync(join(dir, 'device_esdh_cose_key_private.hex'), 'utf8').trim();
    const device = importPrivateKey(unhex(coseHex));
    assert.deepEqual(describeKey(device), { type: 'ec', curve: 'P-256' });
    const devicePublic = readFileSync(join(dir, 'device_esdh_cose_key_public.hex'), 'utf8').trim();
    assert.equal(spki(importPublicKey(unhex(devicePublic))), spki(device));
  });
});
