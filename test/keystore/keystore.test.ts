/**
 * The keystore contract, run on both backends: software (sealed in the store) and PKCS#11
 * (SoftHSM2). Keys are made, used to sign and decrypt, and checked with node:crypto; for the token,
 * the private halves are shown not to leave it.
 */
import assert from 'node:assert/strict';
import { constants, generateKeyPairSync, publicEncrypt, verify } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { signSign1, verifySign1 } from '../../src/codec/cose/sign1.ts';
import { isKeyHandle, publicKeyOf, signWith } from '../../src/crypto/private-key-handle.ts';
import { rsaOaepDecrypt } from '../../src/crypto/rsa-oaep.ts';
import type { Keystore, KeystoreKeyType } from '../../src/keystore/keystore.ts';
import { openPkcs11Keystore } from '../../src/keystore/pkcs11/keystore.ts';
import { softwareKeystore } from '../../src/keystore/software.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/store.ts';
import { makeToken, SOFTHSM_SKIP } from '../helpers/softhsm.ts';

const KEK = new Uint8Array(32).fill(5);
const MESSAGE = new TextEncoder().encode('IoTopia keystore contract');
const COSE_ALG: Record<KeystoreKeyType, number> = { secp256r1: -7, secp384r1: -35, rsa2048: -257, rsa3072: -258 };

interface Backend {
  name: 'software' | 'pkcs11';
  skip: string | false;
  open(): Promise<Keystore>;
  done(): Promise<void>;
}

function softwareBackend(): Backend {
  let store: Store | undefined;
  return {
    name: 'software',
    skip: false,
    async open() {
      store ??= await openStore(':memory:', { kek: KEK });
      return softwareKeystore(store.keys);
    },
    async done() {
      await store?.close();
    },
  };
}

function pkcs11Backend(): Backend {
  const config = SOFTHSM_SKIP === false ? makeToken('contract') : undefined;
  return {
    name: 'pkcs11',
    skip: SOFTHSM_SKIP,
    async open() {
      return openPkcs11Keystore(config!);
    },
    async done() {},
  };
}

for (const backend of [softwareBackend(), pkcs11Backend()]) {
  describe(`keystore contract: ${backend.name}`, { skip: backend.skip }, () => {
    let ks: Keystore;
    before(async () => {
      ks = await backend.open();
    });
    after(async () => {
      await ks.close();
      await backend.done();
    });

    for (const type of ['secp256r1', 'secp384r1', 'rsa2048'] as const) {
      it(`generates a ${type} key whose signatures node:crypto verifies, as raw signatures and as COSE_Sign1`, async () => {
        const key = await ks.generate(`sig-${type}`, type);
        assert.equal(isKeyHandle(key), backend.name === 'pkcs11');
        const pub = publicKeyOf(key);
        assert.equal(pub.type, 'public');
        const ec = type.startsWith('secp');
        const hash = type === 'secp384r1' ? 'sha384' : 'sha256';
        const sig = signWith(key, { scheme: ec ? 'ecdsa' : 'rsa-pkcs1', hash }, MESSAGE);
        assert.ok(verify(hash, MESSAGE, ec ? { key: pub, dsaEncoding: 'ieee-p1363' } : pub, sig));
        const sign1 = signSign1({ payload: MESSAGE, key, protectedHeaders: new Map([[1, COSE_ALG[type]]]) });
        assert.deepEqual(verifySign1(sign1, { key: pub }).payload, MESSAGE);
        // A signature over other bytes does not verify: the check above can fail.
        assert.equal(verify(hash, Buffer.from('other'), ec ? { key: pub, dsaEncoding: 'ieee-p1363' } : pub, sig), false);
      });
    }

    it('signs RSASSA-PSS with a salt as long as the hash (PS256)', async () => {
      const key = await ks.generate('pss', 'rsa2048');
      const sig = signWith(key, { scheme: 'rsa-pss', hash: 'sha256' }, MESSAGE);
      const opts = { key: publicKeyOf(key), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
      assert.ok(verify('sha256', MESSAGE, opts, sig));
    });

    it('decrypts RSA-OAEP (SHA-256, MGF1-SHA-256) as the ASYMKEX owner does', async (t) => {
      const key = await ks.generate('oaep', 'rsa2048');
      const secret = new Uint8Array(32).fill(0x5a);
      const ct = publicEncrypt({ key: publicKeyOf(key), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, secret);
      let plain: Uint8Array;
      try {
        plain = rsaOaepDecrypt(key, new Uint8Array(ct));
      } catch (e) {
        // SoftHSM2 2.6 runs CKM_RSA_PKCS_OAEP with SHA-1 only; a token that refuses the mechanism
        // says so with a keystore error naming the CKR_ value, never as a bad ciphertext.
        if (backend.name !== 'pkcs11' || (e as { code?: string }).code !== 'ERR_KEYSTORE_PKCS11') throw e;
        assert.match((e as Error).message, /C_Decrypt failed with CKR_(ARGUMENTS_BAD|MECHANISM_PARAM_INVALID|MECHANISM_INVALID)/);
        t.skip('this PKCS#11 module does not run CKM_RSA_PKCS_OAEP with SHA-256 (SoftHSM2 2.6 supports SHA-1 only)');
        return;
      }
      assert.deepEqual(plain, secret);
      const tampered = new Uint8Array(ct);
      tampered[10] = (tampered[10] as number) ^ 1;
      assert.throws(() => rsaOaepDecrypt(key, tampered), { code: 'ERR_DECRYPT_FAILED' });
    });

    it('exports the public key, lists its keys with their backend, and answers undefined for unknown names', async () => {
      await ks.generate('listed', 'secp256r1');
      const pub = await ks.exportPublic('listed');
      assert.deepEqual(pub?.export({ format: 'jwk' }), publicKeyOf((await ks.get('listed'))!).export({ format: 'jwk' }));
      const entry = (await ks.list()).find((e) => e.name === 'listed');
      assert.equal(entry?.backend, backend.name);
      assert.equal(entry?.type, 'secp256r1');
      assert.equal(await ks.get('no-such-key'), undefined);
      assert.equal(await ks.exportPublic('no-such-key'), undefined);
    });

    it('refuses to replace a key under a taken name', async () => {
      await ks.generate('taken', 'secp256r1');
      await assert.rejects(ks.generate('taken', 'secp256r1'), { code: 'ERR_KEYSTORE_KEY_EXISTS' });
    });

    it('refuses names that are not plain labels', async () => {
      await assert.rejects(ks.generate('../escape', 'secp256r1'), TypeError);
      await assert.rejects(ks.generate('', 'secp256r1'), TypeError);
    });

    it(backend.name === 'software' ? 'imports a private key' : 'refuses to import a key: token keys are made in the token', async () => {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      if (backend.name === 'software') {
        await ks.import('imported', privateKey);
        assert.deepEqual((await ks.exportPublic('imported'))?.export({ format: 'jwk' }), publicKeyOf(privateKey).export({ format: 'jwk' }));
      } else {
        await assert.rejects(ks.import('imported', privateKey), { code: 'ERR_KEYSTORE_UNSUPPORTED' });
        assert.equal(await ks.get('imported'), undefined);
      }
    });
  });
}
