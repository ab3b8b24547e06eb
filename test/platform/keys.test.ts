import assert from 'node:assert/strict';
import { type KeyObject, X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { describeKey } from '../../src/crypto/key-describe.ts';
import { generateKeyPair } from '../../src/crypto/key-generate.ts';
import { runDi, runOnboard } from '../../src/fdo/client/flows.ts';
import { CipherSuite, KexSuite, PublicKeyEncoding, PublicKeyType } from '../../src/fdo/constants/crypto.ts';
import { parseVoucher } from '../../src/fdo/voucher/voucher-parse.ts';
import { putKeyPair } from '../../src/platform/key-records.ts';
import { type DeviceCaKey, ensurePlatformKeys } from '../../src/platform/keys.ts';
import { startPlatform } from '../../src/server/platform/platform.ts';
import { openStore } from '../../src/store/open-store.ts';
import { testConfig } from '../helpers/platform.ts';
import { systemRandom as random } from '../helpers/random.ts';
import { tempDirs } from '../helpers/temp.ts';

const tempDir = tempDirs('iotopia-platform-keys-');

describe('manufacturer key certificates', () => {
  test('made on first start, self-signed for their key, kept across starts', async () => {
    const store = await openStore({ path: join(tempDir(), 'db.sqlite') }, { kek: random(32) });
    try {
      const first = await ensurePlatformKeys(store, 'rsa3072');
      assert.deepEqual(
        first.manufacturer.map((k) => k.type),
        ['rsa3072', 'secp256r1', 'secp384r1'],
      );
      for (const k of first.manufacturer) {
        assert.equal(k.chain.length, 1);
        const [certificate] = k.chain as [X509Certificate];
        assert.ok(certificate.checkPrivateKey(k.privateKey as KeyObject), `${k.type}: the certificate is for its key`);
        assert.ok(certificate.subject === certificate.issuer && certificate.verify(certificate.publicKey), `${k.type}: self-signed`);
        assert.ok(first.created.includes(`manufacturer-${k.type}.certificate`));
      }
      const second = await ensurePlatformKeys(store, 'rsa3072');
      assert.deepEqual(second.created, []);
      for (const [i, k] of second.manufacturer.entries()) {
        assert.deepEqual(k.chain[0]?.raw, first.manufacturer[i]?.chain[0]?.raw, `${k.type}: the same certificate`);
      }
    } finally {
      await store.close();
    }
  });

  test('a certificate kept with a key that is unreadable, or for another key, is replaced at the next start', async () => {
    const store = await openStore({ path: join(tempDir(), 'db.sqlite') }, { kek: random(32) });
    try {
      const first = await ensurePlatformKeys(store, 'secp256r1');
      // Bytes that are no certificate at all.
      await store.keys.setCertificate('manufacturer-secp256r1', Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x00));
      // A certificate that is not for its key (the P-256 one kept with the P-384 key).
      const p256 = first.manufacturer.find((k) => k.type === 'secp256r1')?.chain[0] as X509Certificate;
      await store.keys.setCertificate('manufacturer-secp384r1', new Uint8Array(p256.raw));

      const next = await ensurePlatformKeys(store, 'secp256r1');
      assert.deepEqual(next.created.sort(), ['manufacturer-secp256r1.certificate', 'manufacturer-secp384r1.certificate']);
      for (const [i, k] of next.manufacturer.entries()) {
        assert.ok(k.chain[0]?.checkPrivateKey(k.privateKey as KeyObject), `${k.type}: a certificate for its key`);
        assert.deepEqual(
          (k.privateKey as KeyObject).export({ format: 'jwk' }),
          (first.manufacturer[i]?.privateKey as KeyObject | undefined)?.export({ format: 'jwk' }),
          'the key itself is kept',
        );
        const stored = (await store.keys.get(`manufacturer-${k.type}`))?.certificate;
        assert.ok(stored !== undefined);
        assert.deepEqual(new X509Certificate(stored).raw, k.chain[0]?.raw);
      }
    } finally {
      await store.close();
    }
  });
});

describe('device CAs', () => {
  test('a store that holds only the P-384 device CA gains the P-256 one at its next start; both are kept after', async () => {
    const store = await openStore({ path: join(tempDir(), 'db.sqlite') }, { kek: random(32) });
    try {
      const old = (await generateKeyPair('secp384r1')).privateKey;
      await putKeyPair(store.keys, { name: 'device-ca', type: 'secp384r1', privateKey: old });
      const first = await ensurePlatformKeys(store, 'secp256r1');
      assert.ok(first.created.includes('device-ca-secp256r1'));
      assert.ok(!first.created.includes('device-ca'));
      assert.deepEqual(
        first.deviceCas.map((ca) => [ca.type, describeKey(ca.certificate.publicKey)]),
        [
          ['secp384r1', { type: 'ec', curve: 'P-384' }],
          ['secp256r1', { type: 'ec', curve: 'P-256' }],
        ],
      );
      assert.ok((first.deviceCa.privateKey as KeyObject).equals(old), 'the existing P-384 CA is kept, and stays the default');
      for (const ca of first.deviceCas) {
        assert.ok(
          ca.certificate.ca && ca.certificate.checkPrivateKey(ca.privateKey as KeyObject),
          `${ca.type}: a CA certificate for its key`,
        );
      }
      const second = await ensurePlatformKeys(store, 'secp256r1');
      assert.deepEqual(second.created, []);
      assert.ok(second.deviceCas.every((ca, i) => (ca.privateKey as KeyObject).equals(first.deviceCas[i]?.privateKey as KeyObject)));
      // A CA certificate made again would differ in its ECDSA signature: the kept one is used.
      assert.ok(first.created.includes('device-ca.certificate') && first.created.includes('device-ca-secp256r1.certificate'));
      for (const [i, ca] of second.deviceCas.entries()) {
        assert.deepEqual(ca.certificate.raw, first.deviceCas[i]?.certificate.raw, `${ca.type}: the same CA certificate bytes`);
      }
    } finally {
      await store.close();
    }
  });

  test('DI certifies a P-256 device with the P-256 CA, and P-384 and RSA devices with the P-384 CA', async () => {
    // An RSA device needs an RSA manufacturer key: the configured key type.
    const platform = await startPlatform(testConfig({ dataDir: tempDir(), keyType: 'rsa2048' }));
    try {
      const cases = [
        ['secp256r1', PublicKeyType.SECP256R1, 'secp256r1'],
        ['secp384r1', PublicKeyType.SECP384R1, 'secp384r1'],
        ['rsa2048', PublicKeyType.RSA2048RESTR, 'secp384r1'],
      ] as const;
      for (const [type, keyType, caType] of cases) {
        const deviceKey = (await generateKeyPair(type)).privateKey;
        const credential = await runDi(platform.url, { random, deviceKey, serialNumber: `SN-${type}`, model: 'device CA test', keyType });
        const record = await platform.store.vouchers.get('manufacturer', credential.guid);
        const chain = parseVoucher(record?.voucher as Uint8Array).devCertChain as Uint8Array[];
        const ca = platform.keys.deviceCas.find((c) => c.type === caType) as DeviceCaKey;
        assert.equal(chain.length, 2, type);
        assert.deepEqual(chain[1], new Uint8Array(ca.certificate.raw), `${type}: the ${caType} CA certificate follows the device's`);
        const leaf = new X509Certificate(chain[0] as Uint8Array);
        assert.ok(leaf.checkIssued(ca.certificate) && leaf.verify(ca.certificate.publicKey), `${type}: signed by the ${caType} CA`);
      }
    } finally {
      await platform.close();
    }
  });
});

describe('DI on the server with all roles', () => {
  test('a device asking for X5CHAIN gets the manufacturer key with its certificate, and onboards', async () => {
    const platform = await startPlatform(testConfig({ dataDir: tempDir() }));
    try {
      const deviceKey = (await generateKeyPair('secp384r1')).privateKey;
      const credential = await runDi(platform.url, {
        random,
        deviceKey,
        serialNumber: 'SN-x5chain',
        model: 'platform keys test',
        keyType: PublicKeyType.SECP384R1,
        keyEncoding: PublicKeyEncoding.X5CHAIN,
      });
      const record = await platform.store.vouchers.get('manufacturer', credential.guid);
      assert.ok(record, 'the manufacturer holds the voucher');
      const { pubKey } = parseVoucher(record.voucher).header;
      assert.equal(pubKey.encoding, PublicKeyEncoding.X5CHAIN);
      assert.equal(pubKey.type, PublicKeyType.SECP384R1);
      const mfg = platform.keys.manufacturer.find((k) => k.type === 'secp384r1');
      assert.deepEqual(pubKey.body, [new Uint8Array(mfg?.chain[0]?.raw ?? [])]);

      const onboarded = await runOnboard(
        credential,
        {},
        {
          to2: {
            kexSuite: KexSuite.ECDH384,
            cipherSuite: CipherSuite.A256GCM,
            random,
            serviceInfo: { devmod: DEVMOD, modules: [] },
          },
          deviceKey,
        },
      );
      // TO2 verified the voucher with the X5CHAIN manufacturer key: the device onboarded with its GUID.
      assert.deepEqual(onboarded.to2.guid, credential.guid);
      assert.equal((await platform.store.devices.get(credential.guid))?.state, 'onboarded');
    } finally {
      await platform.close();
    }
  });
});

const DEVMOD = {
  os: 'linux',
  arch: 'x86_64',
  version: 'test',
  device: 'platform keys test',
  bin: 'x86_64',
  sep: ';',
};
