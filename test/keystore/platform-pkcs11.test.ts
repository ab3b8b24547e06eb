/**
 * The platform with its manufacturer, owner and device-CA keys in a PKCS#11 token (SoftHSM2):
 * devices of each key type onboard over HTTP, the store holds no private half of those keys, and
 * a restart uses the same token keys. The device side also keeps its attestation key in a token:
 * DI records only a keystoreRef in the credential, and TO1 and TO2 sign in the token.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateKeyPair } from '../../src/crypto/key-generate.ts';
import { isKeyHandle, type PrivateKeyLike } from '../../src/crypto/private-key-handle.ts';
import { runDi, runOnboard } from '../../src/fdo/client/flows.ts';
import { CipherSuite, KexSuite, PublicKeyType } from '../../src/fdo/constants/crypto.ts';
import { openPkcs11Keystore } from '../../src/keystore/pkcs11/keystore.ts';
import { type StartOptions, startPlatform } from '../../src/server/platform/platform.ts';
import { testConfig } from '../helpers/platform.ts';
import { systemRandom } from '../helpers/random.ts';
import { makeToken, SOFTHSM_SKIP, TEST_PIN } from '../helpers/softhsm.ts';
import { tempDirs } from '../helpers/temp.ts';

const DEVMOD = { os: 'linux', arch: 'x86_64', version: 'test', device: 'pkcs11 test', bin: 'x86_64', sep: ';' };
const tempDir = tempDirs('iotopia-hsm-platform-');

describe('platform keys in a PKCS#11 token (SoftHSM2)', { skip: SOFTHSM_SKIP }, () => {
  const server = SOFTHSM_SKIP === false ? makeToken('server') : undefined;
  const device = SOFTHSM_SKIP === false ? makeToken('device') : undefined;
  const options: StartOptions = { env: { IOTOPIA_PKCS11_PIN: TEST_PIN } };
  const settings = () => ({
    keyType: 'rsa2048',
    keystore: 'pkcs11',
    pkcs11Module: server?.module,
    pkcs11Token: server?.token,
  });

  it('onboards P-256, P-384 and RSA-2048 devices with the manufacturer, owner and CA keys in the token, and restarts on the same keys', async () => {
    const dataDir = tempDir();
    const platform = await startPlatform(testConfig({ dataDir, ...settings() }), options);
    try {
      assert.equal(platform.keys.backend, 'pkcs11');
      assert.deepEqual(
        platform.keys.deviceCas.map((ca) => ca.type),
        ['secp384r1', 'secp256r1'],
      );
      for (const k of [...platform.keys.owner, ...platform.keys.manufacturer, ...platform.keys.deviceCas])
        assert.ok(isKeyHandle(k.privateKey));
      // The store keeps public records only: nothing to steal from the database or its backups.
      for (const r of await platform.store.keys.list()) {
        const full = await platform.store.keys.get(r.name);
        assert.equal(full?.privateKey, undefined, `${r.name} has no private half in the store`);
      }
      const cases = [
        ['secp256r1', PublicKeyType.SECP256R1, KexSuite.ECDH256, CipherSuite.A128GCM],
        ['secp384r1', PublicKeyType.SECP384R1, KexSuite.ECDH384, CipherSuite.A256GCM],
        ['rsa2048', PublicKeyType.RSA2048RESTR, KexSuite.DHKEXid14, CipherSuite.A128GCM],
      ] as const;
      for (const [type, pkType, kexSuite, cipherSuite] of cases) {
        const deviceKey = (await generateKeyPair(type)).privateKey;
        const credential = await runDi(platform.url, {
          random: systemRandom,
          deviceKey,
          serialNumber: `HSM-${type}`,
          model: 'pkcs11 test',
          keyType: pkType,
        });
        const result = await runOnboard(
          credential,
          {},
          { to2: { kexSuite, cipherSuite, random: systemRandom, serviceInfo: { devmod: DEVMOD, modules: [] } }, deviceKey },
        );
        assert.deepEqual(result.to2.guid, credential.guid, `${type} onboarded`);
        assert.notDeepEqual(result.to2.credential.guid, credential.guid, `${type} got its replacement credential`);
      }
    } finally {
      await platform.close();
    }
    const again = await startPlatform(testConfig({ dataDir, ...settings() }), options);
    try {
      assert.deepEqual(again.keys.created, []);
      assert.equal(again.keys.backend, 'pkcs11');
    } finally {
      await again.close();
    }
  });

  it('refuses to start on a data directory whose keys are software keys, naming --keystore', async () => {
    const dataDir = tempDir();
    const soft = await startPlatform(testConfig({ dataDir }));
    await soft.close();
    await assert.rejects(startPlatform(testConfig({ dataDir, ...settings() }), options), {
      code: 'ERR_KEYSTORE_CONFIG',
      message: /--keystore/,
    });
  });

  it('refuses to start without the PIN, naming IOTOPIA_PKCS11_PIN', async () => {
    await assert.rejects(startPlatform(testConfig({ dataDir: tempDir(), ...settings() }), { env: {} }), {
      code: 'ERR_KEYSTORE_CONFIG',
      message: /IOTOPIA_PKCS11_PIN/,
    });
  });

  it('onboards a device whose attestation key is in its own token: the credential holds only a keystoreRef', async () => {
    const platform = await startPlatform(testConfig({ dataDir: tempDir(), ...settings() }), options);
    const ks = openPkcs11Keystore(device!);
    try {
      for (const [type, pkType, kexSuite, cipherSuite] of [
        ['secp256r1', PublicKeyType.SECP256R1, KexSuite.ECDH256, CipherSuite.A128GCM],
        ['secp384r1', PublicKeyType.SECP384R1, KexSuite.ECDH384, CipherSuite.A256GCM],
        ['rsa2048', PublicKeyType.RSA2048RESTR, KexSuite.DHKEXid14, CipherSuite.A128GCM],
      ] as const) {
        const name = `device-${type}`;
        const deviceKey = await ks.generate(name, type);
        const keystoreRef = `pkcs11:${name}`;
        const credential = await runDi(platform.url, {
          random: systemRandom,
          deviceKey,
          keystoreRef,
          serialNumber: `HSM-DEV-${type}`,
          model: 'pkcs11 device',
          keyType: pkType,
        });
        assert.deepEqual(credential.deviceKey, { keystoreRef });
        const deviceKeys = {
          async privateKeyFor(ref: string): Promise<PrivateKeyLike | undefined> {
            return ref.startsWith('pkcs11:') ? ks.get(ref.slice('pkcs11:'.length)) : undefined;
          },
        };
        const result = await runOnboard(
          credential,
          {},
          { to2: { kexSuite, cipherSuite, random: systemRandom, serviceInfo: { devmod: DEVMOD, modules: [] }, deviceKeys } },
        );
        assert.deepEqual(result.to2.guid, credential.guid);
        // The replacement credential still names the token key, never its value.
        assert.deepEqual(result.to2.credential.deviceKey, { keystoreRef });
      }
      // Without the token's key the device cannot prove itself: the credential alone is not enough.
      const other = await generateKeyPair('secp256r1');
      const credential = await runDi(platform.url, {
        random: systemRandom,
        deviceKey: await ks.generate('device-gone', 'secp256r1'),
        keystoreRef: 'pkcs11:device-gone',
        serialNumber: 'HSM-GONE',
        model: 'pkcs11 device',
        keyType: PublicKeyType.SECP256R1,
      });
      await ks.delete('device-gone');
      const noKey = { privateKeyFor: async (ref: string) => (ref === 'pkcs11:device-gone' ? ks.get('device-gone') : undefined) };
      await assert.rejects(
        runOnboard(
          credential,
          {},
          {
            to2: {
              kexSuite: KexSuite.ECDH256,
              cipherSuite: CipherSuite.A128GCM,
              random: systemRandom,
              serviceInfo: { devmod: DEVMOD, modules: [] },
              deviceKeys: noKey,
            },
          },
        ),
        TypeError,
      );
      // And another key in its place is refused by the owner.
      await assert.rejects(
        runOnboard(
          credential,
          {},
          {
            to2: {
              kexSuite: KexSuite.ECDH256,
              cipherSuite: CipherSuite.A128GCM,
              random: systemRandom,
              serviceInfo: { devmod: DEVMOD, modules: [] },
              deviceKeys: noKey,
            },
            deviceKey: other.privateKey,
          },
        ),
      );
    } finally {
      await ks.close();
      await platform.close();
    }
  });
});
