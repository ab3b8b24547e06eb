/**
 * The agent with its device key in a token, through the CLI: `device init --keystore pkcs11`
 * makes the key in the token and writes only a PKCS#11 URI into the credential; `device onboard`
 * signs TO1 and TO2 there, and `device run` signs its SUIT reports there. The server's keys are in
 * another token. Also the settings' checks.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeDeviceCredential } from '../../src/fdo/credential/credential-decode.ts';
import { ConfigError, resolveConfig } from '../../src/server/platform/config.ts';
import { type Platform, startPlatform } from '../../src/server/platform/platform.ts';
import { runCli } from '../helpers/cli.ts';
import { testConfig } from '../helpers/platform.ts';
import { makeToken, SOFTHSM_SKIP, TEST_PIN } from '../helpers/softhsm.ts';
import { tempDir } from '../helpers/temp.ts';

describe('keystore settings of iotopia up', () => {
  it('needs a module and a token for pkcs11, and the pkcs11 options only with it', () => {
    const bad = (s: Parameters<typeof resolveConfig>[0][1], re: RegExp) =>
      assert.throws(
        () => resolveConfig(['command line', s]),
        (e: unknown) => e instanceof ConfigError && re.test(e.message),
      );
    bad({ keystore: 'tpm' }, /keystore .*software, pkcs11/);
    bad({ keystore: 'pkcs11', pkcs11Token: 't' }, /--pkcs11-module/);
    bad({ keystore: 'pkcs11', pkcs11Module: '/m.so' }, /--pkcs11-token/);
    bad({ pkcs11Module: '/m.so' }, /--pkcs11-module: only with --keystore pkcs11/);
    assert.equal(resolveConfig(['x', {}]).keystore, undefined);
    assert.deepEqual(resolveConfig(['x', { keystore: 'pkcs11', pkcs11Module: '/m.so', pkcs11Token: 't' }]).keystore, {
      backend: 'pkcs11',
      module: '/m.so',
      token: 't',
    });
  });
});

describe('iotopia device init | onboard --keystore pkcs11 (SoftHSM2)', { skip: SOFTHSM_SKIP }, () => {
  const server = SOFTHSM_SKIP === false ? makeToken('cli-server') : undefined;
  const device = SOFTHSM_SKIP === false ? makeToken('cli-device') : undefined;
  const dir = tempDir('iotopia-hsm-cli-');
  const env = { ...process.env, IOTOPIA_PKCS11_PIN: TEST_PIN };
  let platform: Platform;
  before(async () => {
    platform = await startPlatform(
      testConfig({ dataDir: join(dir, 'server'), keystore: 'pkcs11', pkcs11Module: server?.module, pkcs11Token: server?.token }),
      { env: { IOTOPIA_PKCS11_PIN: TEST_PIN } },
    );
  });
  after(async () => {
    await platform.close();
  });

  it('makes the device key in the token, keeps only its URI in the credential, and onboards signing there', async () => {
    const module = device?.module as string;
    const init = await runCli(
      [
        'device',
        'init',
        '--manufacturer',
        platform.url,
        '--keystore',
        'pkcs11',
        '--pkcs11-module',
        module,
        '--pkcs11-token',
        'cli-device',
        '--json',
      ],
      dir,
      env,
    );
    assert.equal(init.code, 0, init.err);
    const made = JSON.parse(init.out) as { credential: string; keystore: string; guid: string };
    assert.equal(made.keystore, 'pkcs11');
    const credential = decodeDeviceCredential(new Uint8Array(readFileSync(made.credential)));
    assert.ok('keystoreRef' in credential.deviceKey);
    assert.match(credential.deviceKey.keystoreRef, /^pkcs11:token=cli-device;object=iotopia%3Adevice-[0-9a-f]{16}$/);

    // Without the module the agent cannot reach the key, and says which option is missing.
    const noModule = await runCli(['device', 'onboard'], dir, env);
    assert.equal(noModule.code, 2);
    assert.match(noModule.err, /--pkcs11-module/);
    const noPin = await runCli(['device', 'onboard', '--pkcs11-module', module], dir, { ...process.env, IOTOPIA_PKCS11_PIN: '' });
    assert.equal(noPin.code, 2);
    assert.match(noPin.err, /IOTOPIA_PKCS11_PIN/);

    const onboard = await runCli(['device', 'onboard', '--pkcs11-module', module, '--json'], dir, env);
    assert.equal(onboard.code, 0, onboard.err);
    const result = JSON.parse(onboard.out) as { onboarded: boolean; previousGuid: string };
    assert.equal(result.onboarded, true);
    assert.equal(result.previousGuid, made.guid);
    const replaced = decodeDeviceCredential(new Uint8Array(readFileSync(made.credential)));
    assert.deepEqual(replaced.deviceKey, credential.deviceKey);

    // device run signs its SUIT report in the token, and the server verifies it.
    const api = { ...env, IOTOPIA_SERVER: platform.url, IOTOPIA_TOKEN: platform.firstAdminToken };
    const ok = async (args: string[]) => {
      const r = await runCli([...args, '--json'], dir, api);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.err}`);
      return JSON.parse(r.out);
    };
    const runArgs = ['device', 'run', '--once', '--pkcs11-module', module];
    await ok(runArgs);
    writeFileSync(join(dir, 'fw.bin'), randomBytes(1000));
    const release = await ok(['release', 'create', '--model', 'hsm', '--version', '2.0.0', '--seq', '2', '--component', 'fw=fw.bin']);
    const campaign = await ok(['campaign', 'create', '--name', 'hsm', '--release', release.id, '--target', 'state==active']);
    await ok(['campaign', 'start', campaign.id]);
    const ran = await ok(runArgs);
    assert.equal(ran.update?.status, 'succeeded', JSON.stringify(ran.update));
    const shown = await ok(['device', 'show', made.guid]);
    assert.equal(shown.firmware?.sequenceNumber, 2);
  });
});
