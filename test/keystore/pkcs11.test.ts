/**
 * The PKCS#11 backend's own guarantees, against SoftHSM2: private keys are made sensitive and not
 * extractable and the token refuses to hand out their values; the session logs in once and a
 * wrong PIN never appears in an error; keys outlive the session; a closed keystore's handles stop.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { publicKeyOf, signWith } from '../../src/crypto/private-key-handle.ts';
import { readPkcs11Pin } from '../../src/keystore/pkcs11/config.ts';
import { findObjects } from '../../src/keystore/pkcs11/keys.ts';
import { openPkcs11Keystore } from '../../src/keystore/pkcs11/keystore.ts';
import { closeSession, openSession } from '../../src/keystore/pkcs11/session.ts';
import { makeToken, SOFTHSM_SKIP } from '../helpers/softhsm.ts';
import { tempDir } from '../helpers/temp.ts';

const MESSAGE = new TextEncoder().encode('in the token');

describe('PKCS#11 keystore on SoftHSM2', { skip: SOFTHSM_SKIP }, () => {
  const config = SOFTHSM_SKIP === false ? makeToken('pkcs11-test') : { module: '', token: '', pin: '' };
  const dir = tempDir('iotopia-pkcs11-');

  it('makes private keys sensitive, never extractable, kept in the token and private', async () => {
    const ks = openPkcs11Keystore(config);
    try {
      await ks.generate('attrs-ec', 'secp256r1');
      await ks.generate('attrs-rsa', 'rsa2048');
      const s = openSession(config);
      try {
        const a = s.api;
        for (const label of ['iotopia:attrs-ec', 'iotopia:attrs-rsa']) {
          const [key] = findObjects(s, a.CKO_PRIVATE_KEY, label);
          assert.ok(key !== undefined);
          const attrs = s.p11.C_GetAttributeValue(s.session, key, [
            { type: a.CKA_SENSITIVE },
            { type: a.CKA_EXTRACTABLE },
            { type: a.CKA_TOKEN },
            { type: a.CKA_PRIVATE },
            { type: a.CKA_ALWAYS_SENSITIVE },
            { type: a.CKA_NEVER_EXTRACTABLE },
          ]);
          assert.deepEqual(
            attrs.map((x) => (x.value as Buffer)[0]),
            [1, 0, 1, 1, 1, 1],
            label,
          );
        }
      } finally {
        closeSession(config);
      }
    } finally {
      await ks.close();
    }
  });

  it('refuses to reveal a private key: C_GetAttributeValue on CKA_VALUE, CKA_PRIVATE_EXPONENT and CKA_PRIME_1 fails', async () => {
    const ks = openPkcs11Keystore(config);
    try {
      await ks.generate('steal-ec', 'secp384r1');
      await ks.generate('steal-rsa', 'rsa2048');
      const s = openSession(config);
      try {
        const a = s.api;
        const [ec] = findObjects(s, a.CKO_PRIVATE_KEY, 'iotopia:steal-ec');
        const [rsa] = findObjects(s, a.CKO_PRIVATE_KEY, 'iotopia:steal-rsa');
        const sensitive = { code: a.CKR_ATTRIBUTE_SENSITIVE };
        assert.throws(() => s.p11.C_GetAttributeValue(s.session, ec as Buffer, [{ type: a.CKA_VALUE }]), sensitive);
        assert.throws(() => s.p11.C_GetAttributeValue(s.session, rsa as Buffer, [{ type: a.CKA_PRIVATE_EXPONENT }]), sensitive);
        assert.throws(() => s.p11.C_GetAttributeValue(s.session, rsa as Buffer, [{ type: a.CKA_PRIME_1 }]), sensitive);
        // Nor can the key be made extractable afterwards (PKCS#11 v2.40 §4.9: CKA_EXTRACTABLE may only go to false).
        assert.throws(() => s.p11.C_SetAttributeValue(s.session, ec as Buffer, [{ type: a.CKA_EXTRACTABLE, value: true }]));
        assert.throws(() => s.p11.C_SetAttributeValue(s.session, ec as Buffer, [{ type: a.CKA_SENSITIVE, value: false }]));
        // The public half stays readable: the check above is about secrecy, not a broken read.
        const [pub] = findObjects(s, a.CKO_PUBLIC_KEY, 'iotopia:steal-ec');
        const [point] = s.p11.C_GetAttributeValue(s.session, pub as Buffer, [{ type: a.CKA_EC_POINT }]);
        assert.ok(Buffer.isBuffer(point?.value) && point.value.length > 90);
      } finally {
        closeSession(config);
      }
    } finally {
      await ks.close();
    }
  });

  it('keeps keys across sessions, and a closed keystore’s handles stop working', async () => {
    const first = openPkcs11Keystore(config);
    const made = await first.generate('kept', 'secp256r1');
    await first.close();
    assert.throws(() => signWith(made, { scheme: 'ecdsa', hash: 'sha256' }, MESSAGE), { code: 'ERR_KEYSTORE_CLOSED' });
    const second = openPkcs11Keystore(config);
    try {
      const again = await second.get('kept');
      assert.ok(again !== undefined);
      assert.deepEqual(publicKeyOf(again).export({ format: 'jwk' }), publicKeyOf(made).export({ format: 'jwk' }));
      assert.equal(signWith(again, { scheme: 'ecdsa', hash: 'sha256' }, MESSAGE).length, 64);
    } finally {
      await second.close();
    }
  });

  it('lists only keys under its label prefix', async () => {
    const other = openPkcs11Keystore({ ...config, labelPrefix: 'other:' });
    try {
      await other.generate('foreign', 'secp256r1');
      assert.deepEqual(
        (await other.list()).map((e) => e.name),
        ['foreign'],
      );
      const ours = openPkcs11Keystore(config);
      try {
        assert.ok(!(await ours.list()).some((e) => e.name === 'foreign'));
        assert.equal(await ours.get('foreign'), undefined);
      } finally {
        await ours.close();
      }
    } finally {
      await other.close();
    }
  });

  it('refuses a wrong PIN without printing it, both on login and when joining an open session', async () => {
    const wrong = 'guess-9931';
    assert.throws(
      () => openPkcs11Keystore({ ...config, pin: wrong }),
      (e: Error & { code?: string }) => e.code === 'ERR_KEYSTORE_LOGIN' && !e.message.includes(wrong) && !String(e.stack).includes(wrong),
    );
    const open = openPkcs11Keystore(config);
    try {
      assert.throws(() => openPkcs11Keystore({ ...config, pin: wrong }), { code: 'ERR_KEYSTORE_LOGIN' });
    } finally {
      await open.close();
    }
  });

  it('names the setting when the token, the module or the PIN is missing', () => {
    assert.throws(() => openPkcs11Keystore({ ...config, token: 'no-such-token' }), {
      code: 'ERR_KEYSTORE_TOKEN_NOT_FOUND',
      message: /--pkcs11-token/,
    });
    assert.throws(() => openPkcs11Keystore({ ...config, module: join(dir, 'missing.so') }), {
      code: 'ERR_KEYSTORE_MODULE',
      message: /--pkcs11-module/,
    });
    assert.throws(() => openPkcs11Keystore({ ...config, module: '' }), { code: 'ERR_KEYSTORE_CONFIG', message: /--pkcs11-module/ });
    assert.throws(() => readPkcs11Pin({}, undefined), { code: 'ERR_KEYSTORE_CONFIG', message: /IOTOPIA_PKCS11_PIN/ });
    assert.equal(readPkcs11Pin({ IOTOPIA_PKCS11_PIN: '1234' }, undefined), '1234');
    const file = join(dir, 'pin');
    writeFileSync(file, '5678\n', { mode: 0o600 });
    assert.equal(readPkcs11Pin({ IOTOPIA_PKCS11_PIN: '1234' }, file), '5678');
  });
});
