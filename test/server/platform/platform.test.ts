import assert from 'node:assert/strict';
import type { KeyObject } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { generateKeyPair } from '../../../src/crypto/key-generate.ts';
import { runDi, runOnboard } from '../../../src/fdo/client/flows.ts';
import { CipherSuite, KexSuite, PublicKeyType } from '../../../src/fdo/constants/crypto.ts';
import { ConfigError, resolveConfig } from '../../../src/server/platform/config.ts';
import { startPlatform } from '../../../src/server/platform/platform.ts';
import { testConfig } from '../../helpers/platform.ts';
import { systemRandom } from '../../helpers/random.ts';
import { tempDirs } from '../../helpers/temp.ts';

const tempDir = tempDirs('iotopia-platform-');

describe('configuration', () => {
  test('defaults, then file, environment and flags, later sources winning', () => {
    const c = resolveConfig(['environment', { listen: '0.0.0.0:9000', roles: 'owner' }], ['command line', { roles: 'owner,rendezvous' }]);
    assert.deepEqual(c.roles, ['owner', 'rendezvous']);
    assert.equal(c.host, '0.0.0.0');
    assert.equal(c.port, 9000);
    assert.equal(c.keyType, 'secp256r1');
    assert.equal(c.autoOwner, undefined, 'not set: the platform decides from the listen host');
    assert.equal(resolveConfig(['flags', { autoOwner: true }]).autoOwner, true);
  });

  test('invalid settings name the setting and the source', () => {
    const bad = (settings: Parameters<typeof resolveConfig>[0][1], re: RegExp) =>
      assert.throws(
        () => resolveConfig(['environment', settings]),
        (e: unknown) => e instanceof ConfigError && e.code === 'ERR_CONFIG' && re.test(e.message),
      );
    bad({ roles: 'owner,cook' }, /roles \(from environment\): "cook"/);
    bad({ listen: 'localhost' }, /listen .*HOST:PORT/);
    bad({ database: 'mysql://x' }, /database .*postgres/);
    bad({ keyType: 'ed448' }, /key-type/);
    bad({ autoOwner: 'maybe' }, /auto-owner/);
  });
});

describe('the server with all roles on the embedded database', () => {
  test('a device made here onboards out of the box, for both default suites; health and metrics answer', async () => {
    const dataDir = tempDir();
    const platform = await startPlatform(testConfig({ dataDir }));
    try {
      assert.equal(statSync(join(dataDir, 'master.key')).mode & 0o777, 0o600);
      assert.ok(platform.keys.created.includes('device-ca'));
      for (const [keyType, kex, cipher, pkType] of [
        ['secp256r1', KexSuite.ECDH256, CipherSuite.A128GCM, PublicKeyType.SECP256R1],
        ['secp384r1', KexSuite.ECDH384, CipherSuite.A256GCM, PublicKeyType.SECP384R1],
      ] as const) {
        const deviceKey = (await generateKeyPair(keyType)).privateKey;
        const credential = await runDi(platform.url, {
          random: systemRandom,
          deviceKey,
          serialNumber: `SN-${keyType}`,
          model: 'platform test',
          keyType: pkType,
        });
        const result = await runOnboard(
          credential,
          {},
          {
            to2: {
              kexSuite: kex,
              cipherSuite: cipher,
              random: systemRandom,
              serviceInfo: { devmod: DEVMOD, modules: [] },
            },
            deviceKey,
          },
        );
        assert.ok(result, `${keyType} onboarded`);
      }
      const health = await fetch(`${platform.url}/healthz`);
      assert.equal(health.status, 200);
      assert.equal((await fetch(`${platform.url}/readyz`)).status, 200);
      const metrics = await (await fetch(`${platform.url}/metrics`)).text();
      assert.match(metrics, /iotopia_fdo_onboardings_total\{result="success"\} 2/);
      assert.match(metrics, /iotopia_fdo_request_duration_seconds_bucket/);
    } finally {
      await platform.close();
    }
  });

  test('a restart keeps the keys (sealed with the master key in the data directory)', async () => {
    const dataDir = tempDir();
    const config = testConfig({ dataDir });
    const first = await startPlatform(config);
    const ownerKey = (first.keys.owner[0]?.privateKey as KeyObject | undefined)?.export({ format: 'jwk' });
    await first.close();
    const second = await startPlatform(config);
    try {
      assert.deepEqual(second.keys.created, []);
      assert.deepEqual((second.keys.owner[0]?.privateKey as KeyObject | undefined)?.export({ format: 'jwk' }), ownerKey);
    } finally {
      await second.close();
    }
  });
});

const DEVMOD = {
  os: 'linux',
  arch: 'x86_64',
  version: 'test',
  device: 'platform test',
  bin: 'x86_64',
  sep: ';',
};
