/** `iotopia keys` on a server's data directory: software keys and keys in a SoftHSM2 token, each listed with its backend. */
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startPlatform } from '../../src/server/platform/platform.ts';
import { runCli } from '../helpers/cli.ts';
import { testConfig } from '../helpers/platform.ts';
import { makeToken, SOFTHSM_SKIP, TEST_PIN } from '../helpers/softhsm.ts';
import { tempDirs } from '../helpers/temp.ts';

const tempDir = tempDirs('iotopia-keys-cli-');

interface View {
  name: string;
  type: string;
  backend: string;
  fingerprint: string;
}

describe('iotopia keys (software keystore)', () => {
  it('lists, generates, imports and exports public keys, naming the backend', async () => {
    const dir = tempDir();
    const dataDir = join(dir, 'server');
    await (await startPlatform(testConfig({ dataDir }))).close();
    const list = await runCli(['keys', 'list', '--data-dir', dataDir, '--json'], dir);
    assert.equal(list.code, 0, list.err);
    const views = JSON.parse(list.out) as View[];
    assert.ok(views.some((v) => v.name === 'owner-secp256r1' && v.backend === 'software'));
    assert.ok(views.some((v) => v.name === 'device-ca' && v.type === 'secp384r1'));
    assert.ok(views.some((v) => v.name === 'device-ca-secp256r1' && v.type === 'secp256r1' && v.backend === 'software'));

    const gen = await runCli(['keys', 'generate', 'extra', '--type', 'secp384r1', '--data-dir', dataDir, '--json'], dir);
    assert.equal(gen.code, 0, gen.err);
    const made = JSON.parse(gen.out) as View;
    assert.equal(made.backend, 'software');
    const again = await runCli(['keys', 'generate', 'extra', '--type', 'secp384r1', '--data-dir', dataDir], dir);
    assert.equal(again.code, 1);
    assert.match(again.err, /ERR_KEYSTORE_KEY_EXISTS/);

    const pem = await runCli(['keys', 'export-public', 'extra', '--data-dir', dataDir], dir);
    assert.equal(pem.code, 0, pem.err);
    assert.match(pem.out, /^-----BEGIN PUBLIC KEY-----/);
    assert.ok(!pem.out.includes('PRIVATE'));
    const spki = createPublicKey(pem.out).export({ format: 'der', type: 'spki' });
    assert.equal(made.fingerprint, (await import('node:crypto')).createHash('sha256').update(spki).digest('hex'));

    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const file = join(dir, 'k.pem');
    writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
    const imp = await runCli(['keys', 'import', 'imported', file, '--data-dir', dataDir, '--json'], dir);
    assert.equal(imp.code, 0, imp.err);
    const bad = await runCli(['keys', 'generate', 'x', '--type', 'ed448', '--data-dir', dataDir], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--type/);
  });
});

describe('iotopia keys --keystore pkcs11 (SoftHSM2)', { skip: SOFTHSM_SKIP }, () => {
  const token = SOFTHSM_SKIP === false ? makeToken('keys-cli') : undefined;
  it('lists token keys as pkcs11, generates in the token, and refuses to import', async () => {
    const dir = tempDir();
    const dataDir = join(dir, 'server');
    const env = { ...process.env, IOTOPIA_PKCS11_PIN: TEST_PIN };
    const flags = ['--data-dir', dataDir, '--keystore', 'pkcs11', '--pkcs11-module', token?.module as string, '--pkcs11-token', 'keys-cli'];
    await (
      await startPlatform(testConfig({ dataDir, keystore: 'pkcs11', pkcs11Module: token?.module, pkcs11Token: token?.token }), {
        env: { IOTOPIA_PKCS11_PIN: TEST_PIN },
      })
    ).close();
    const list = await runCli(['keys', 'list', ...flags, '--json'], dir, env);
    assert.equal(list.code, 0, list.err);
    const views = JSON.parse(list.out) as View[];
    assert.ok(views.length >= 5);
    assert.ok(
      views.every((v) => v.backend === 'pkcs11'),
      list.out,
    );
    // Without the keystore settings, the same keys show as public only: their private halves are not in the store.
    const plain = JSON.parse((await runCli(['keys', 'list', '--data-dir', dataDir, '--json'], dir, env)).out) as View[];
    assert.ok(plain.every((v) => v.backend === 'public'));

    const gen = await runCli(['keys', 'generate', 'extra-signing', '--type', 'secp256r1', ...flags, '--json'], dir, env);
    assert.equal(gen.code, 0, gen.err);
    assert.equal((JSON.parse(gen.out) as View).backend, 'pkcs11');
    const pem = await runCli(['keys', 'export-public', 'extra-signing', ...flags], dir, env);
    assert.match(pem.out, /BEGIN PUBLIC KEY/);

    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const file = join(dir, 'k.pem');
    writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
    const imp = await runCli(['keys', 'import', 'imported', file, ...flags], dir, env);
    assert.equal(imp.code, 1);
    assert.match(imp.err, /ERR_KEYSTORE_UNSUPPORTED/);
    const wrongPin = await runCli(['keys', 'list', ...flags], dir, { ...process.env, IOTOPIA_PKCS11_PIN: 'nope-4711' });
    assert.equal(wrongPin.code, 2);
    assert.match(wrongPin.err, /ERR_KEYSTORE_LOGIN/);
    assert.ok(!wrongPin.err.includes('nope-4711'));
  });
});
