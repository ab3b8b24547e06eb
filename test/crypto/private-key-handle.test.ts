/**
 * A KeyHandle is used, not bypassed: a handle whose private half is out of the core's reach (here a
 * KeyObject behind a closure, counting its uses) signs COSE_Sign1, X.509 certificates and CSRs and
 * decrypts the ASYMKEX2048 exchange, and node:crypto verifies the results. Runs without SoftHSM2.
 */
import assert from 'node:assert/strict';
import {
  constants,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  privateDecrypt,
  sign,
  verify,
  X509Certificate,
} from 'node:crypto';
import { describe, it } from 'node:test';
import { signSign1, verifySign1 } from '../../src/codec/cose/sign1.ts';
import { createCertificationRequest, readCertificationRequest } from '../../src/crypto/csr.ts';
import { CryptoError } from '../../src/crypto/errors.ts';
import { generateKeyPair } from '../../src/crypto/key-generate.ts';
import { isKeyHandle, type KeyHandle, publicKeyOf, type SignRequest, signWith } from '../../src/crypto/private-key-handle.ts';
import { createCertificate } from '../../src/crypto/x509-create.ts';
import { KexSuite } from '../../src/fdo/constants/crypto.ts';
import { deviceRespondKex } from '../../src/fdo/session/device-kex.ts';
import { createOwnerKex, ownerFinishKex } from '../../src/fdo/session/owner-kex.ts';
import { seededRandom } from '../helpers/random.ts';

function handleOf(key: KeyObject): KeyHandle & { uses: string[] } {
  const uses: string[] = [];
  return {
    backend: 'test',
    name: 'k',
    publicKey: createPublicKey(key),
    uses,
    sign(request: SignRequest, data: Uint8Array) {
      uses.push(`sign ${request.scheme} ${request.hash}`);
      const opts =
        request.scheme === 'ecdsa'
          ? { key, dsaEncoding: 'ieee-p1363' as const }
          : request.scheme === 'rsa-pss'
            ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }
            : key;
      return new Uint8Array(sign(request.hash, data, opts));
    },
    decryptOaep(hash, ciphertext) {
      uses.push(`oaep ${hash}`);
      try {
        return new Uint8Array(privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, ciphertext));
      } catch {
        // As the KeyHandle contract asks: a ciphertext that does not decode is ERR_DECRYPT_FAILED.
        throw new CryptoError('ERR_DECRYPT_FAILED', 'RSA-OAEP decryption failed');
      }
    },
  };
}

describe('KeyHandle in the crypto core', () => {
  it('is told apart from KeyObjects and COSE_Key maps', async () => {
    const { privateKey } = await generateKeyPair('secp256r1');
    assert.equal(isKeyHandle(handleOf(privateKey)), true);
    assert.equal(isKeyHandle(privateKey), false);
    assert.equal(isKeyHandle(new Map()), false);
    assert.equal(publicKeyOf(handleOf(privateKey)).type, 'public');
  });

  it('signs a COSE_Sign1 (ES384) through the handle', async () => {
    const { privateKey } = await generateKeyPair('secp384r1');
    const h = handleOf(privateKey);
    const msg = signSign1({ payload: Uint8Array.of(1, 2, 3), key: h, protectedHeaders: new Map([[1, -35]]) });
    assert.deepEqual(h.uses, ['sign ecdsa sha384']);
    assert.deepEqual(verifySign1(msg, { key: h.publicKey }).payload, Uint8Array.of(1, 2, 3));
    // The algorithm is still checked against the key: a P-384 handle cannot make ES256.
    assert.throws(() => signSign1({ payload: Uint8Array.of(1), key: h, protectedHeaders: new Map([[1, -7]]) }), {
      code: 'ERR_COSE_KEY_MISMATCH',
    });
  });

  it('signs X.509 certificates (DER ECDSA from r||s) and CSRs through the handle', async () => {
    const { privateKey } = await generateKeyPair('secp384r1');
    const ca = handleOf(privateKey);
    const root = createCertificate({
      subject: { commonName: 'handle CA' },
      publicKey: ca,
      signer: { privateKey: ca },
      notBefore: new Date('2025-01-01T00:00:00Z'),
      notAfter: new Date('2035-01-01T00:00:00Z'),
      ca: true,
    });
    assert.ok(root.verify(ca.publicKey));
    const device = await generateKeyPair('secp256r1');
    const leaf = createCertificate({
      subject: { commonName: 'device' },
      publicKey: device.publicKey,
      signer: { privateKey: ca, certificate: root },
      notBefore: new Date('2025-01-01T00:00:00Z'),
      notAfter: new Date('2035-01-01T00:00:00Z'),
    });
    assert.ok(new X509Certificate(leaf.raw).verify(ca.publicKey));
    assert.equal(ca.uses.length, 2);
    const wrong = handleOf((await generateKeyPair('secp384r1')).privateKey);
    assert.throws(
      () =>
        createCertificate({
          subject: { commonName: 'x' },
          publicKey: device.publicKey,
          signer: { privateKey: wrong, certificate: root },
          notBefore: new Date('2025-01-01T00:00:00Z'),
          notAfter: new Date('2035-01-01T00:00:00Z'),
        }),
      TypeError,
    );
    const dh = handleOf(device.privateKey);
    const csr = createCertificationRequest(dh, 'SN-1');
    assert.deepEqual(readCertificationRequest(csr).publicKey.export({ format: 'jwk' }), device.publicKey.export({ format: 'jwk' }));
  });

  it('unwraps ASYMKEX2048 with the owner handle, and a tampered xB fails as a decryption failure', async () => {
    const { privateKey } = await generateKeyPair('rsa2048');
    const owner = handleOf(privateKey);
    const random = seededRandom('asymkex-handle');
    const kex = createOwnerKex(KexSuite.ASYMKEX2048, { random, ownerKey: owner });
    const device = deviceRespondKex(KexSuite.ASYMKEX2048, kex.xA, { random, ownerPublicKey: owner.publicKey });
    const shared = ownerFinishKex(kex.state, device.xB, { ownerPrivateKey: owner });
    assert.deepEqual(shared.shSe, device.sharedSecret.shSe);
    assert.deepEqual(owner.uses, ['oaep sha256']);
    const bad = new Uint8Array(device.xB);
    bad[0] = (bad[0] as number) ^ 0xff;
    assert.throws(() => ownerFinishKex(kex.state, bad, { ownerPrivateKey: owner }), { code: 'ERR_FDO_KEX_DECRYPT' });
  });
});

describe('signWith with a software EC key', () => {
  for (const curve of ['P-256', 'P-384', 'P-521'] as const) {
    it(`gives the fixed-size r||s of ${curve} that node verifies as IEEE P1363`, () => {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
      const size = curve === 'P-256' ? 32 : curve === 'P-384' ? 48 : 66;
      const hash = curve === 'P-256' ? 'sha256' : curve === 'P-384' ? 'sha384' : 'sha512';
      for (let i = 0; i < 50; i++) {
        const data = Buffer.from(`message ${i}`);
        const rs = signWith(privateKey, { scheme: 'ecdsa', hash }, data);
        assert.equal(rs.length, 2 * size);
        assert.equal(Object.getPrototypeOf(rs), Uint8Array.prototype);
        assert.ok(verify(hash, data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, rs));
      }
    });
  }
});
