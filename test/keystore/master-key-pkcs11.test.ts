/**
 * The store's master key sealed by the PKCS#11 token (--master-key-store pkcs11): the data
 * directory holds only the sealed form, a restart opens it through the token, and a copy of the
 * data directory opens neither with a file master key nor with another token.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { findObjects } from '../../src/keystore/pkcs11/keys.ts';
import { closeSession, openSession } from '../../src/keystore/pkcs11/session.ts';
import { SEALED_MASTER_KEY_FILE } from '../../src/platform/token-master-key.ts';
import { ConfigError, resolveConfig } from '../../src/server/platform/config.ts';
import { startPlatform } from '../../src/server/platform/platform.ts';
import { runCli } from '../helpers/cli.ts';
import { testConfig } from '../helpers/platform.ts';
import { makeToken, SOFTHSM_SKIP, TEST_PIN } from '../helpers/softhsm.ts';
import { tempDirs } from '../helpers/temp.ts';

const tempDir = tempDirs('iotopia-hsm-master-');

describe('--master-key-store settings', () => {
  it('needs --keystore pkcs11 and names the setting', () => {
    assert.throws(
      () => resolveConfig(['x', { masterKeyStore: 'pkcs11' }]),
      (e: unknown) => e instanceof ConfigError && /--master-key-store pkcs11: needs --keystore pkcs11/.test(e.message),
    );
    assert.throws(
      () => resolveConfig(['x', { masterKeyStore: 'vault' }]),
      (e: unknown) => e instanceof ConfigError && /master-key-store .*file, pkcs11/.test(e.message),
    );
  });
});

describe('the master key sealed by a SoftHSM2 token', { skip: SOFTHSM_SKIP }, () => {
  const token = SOFTHSM_SKIP === false ? makeToken('master') : undefined;
  const other = SOFTHSM_SKIP === false ? makeToken('master-other') : undefined;
  const options = { env: { IOTOPIA_PKCS11_PIN: TEST_PIN } };
  const settings = (t = token) => ({ keystore: 'pkcs11', pkcs11Module: t?.module, pkcs11Token: t?.token, masterKeyStore: 'pkcs11' });

  it('keeps only the sealed master key on disk, reopens through the token, and a copied data directory opens nowhere else', async () => {
    const dir = tempDir();
    const dataDir = join(dir, 'server');
    const first = await startPlatform(testConfig({ dataDir, ...settings() }), options);
    assert.equal(first.masterKey.created, true);
    await first.close();
    const sealedFile = join(dataDir, SEALED_MASTER_KEY_FILE);
    assert.equal(existsSync(join(dataDir, 'master.key')), false, 'no plain master key file');
    assert.equal(statSync(sealedFile).mode & 0o777, 0o600);
    assert.equal(readFileSync(sealedFile).length, 12 + 32 + 16);

    const again = await startPlatform(testConfig({ dataDir, ...settings() }), options);
    assert.equal(again.masterKey.created, false);
    assert.deepEqual(again.keys.created, []);
    await again.close();

    // The sealing key is an AES key the token will not reveal.
    const s = openSession(token!);
    try {
      const [aes] = findObjects(s, s.api.CKO_SECRET_KEY, 'iotopia:master-key-seal');
      assert.ok(aes !== undefined);
      assert.throws(() => s.p11.C_GetAttributeValue(s.session, aes, [{ type: s.api.CKA_VALUE }]), { code: s.api.CKR_ATTRIBUTE_SENSITIVE });
    } finally {
      closeSession(token!);
    }

    // A stolen copy: without the token, neither a file master key nor another token opens it.
    const copy = join(dir, 'copy');
    cpSync(dataDir, copy, { recursive: true });
    await assert.rejects(
      startPlatform(testConfig({ dataDir: copy })),
      (e: Error) => e instanceof ConfigError && /master key is sealed/.test(e.message),
    );
    assert.equal(existsSync(join(copy, 'master.key')), false, 'no second key file was made');
    await assert.rejects(startPlatform(testConfig({ dataDir: copy, ...settings(other) }), options), { code: 'ERR_KEYSTORE_KEY_NOT_FOUND' });

    // iotopia keys opens it the same way.
    const env = { ...process.env, IOTOPIA_PKCS11_PIN: TEST_PIN };
    const list = await runCli(
      [
        'keys',
        'list',
        '--data-dir',
        dataDir,
        '--keystore',
        'pkcs11',
        '--pkcs11-module',
        token?.module as string,
        '--pkcs11-token',
        'master',
        '--master-key-store',
        'pkcs11',
        '--json',
      ],
      dir,
      env,
    );
    assert.equal(list.code, 0, list.err);
    assert.ok((JSON.parse(list.out) as { backend: string }[]).every((k) => k.backend === 'pkcs11'));
  });

  it('refuses to seal over a data directory whose master key is a file', async () => {
    const dataDir = join(tempDir(), 'server');
    await (await startPlatform(testConfig({ dataDir }))).close();
    await assert.rejects(
      startPlatform(testConfig({ dataDir, ...settings() }), options),
      (e: Error) => e instanceof ConfigError && /master\.key exists/.test(e.message),
    );
  });
});
