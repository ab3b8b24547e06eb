import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decode, encode } from '../../../src/codec/cbor.ts';
import { encodeCoseKey, keyObjectToCoseKey } from '../../../src/codec/cose/key.ts';
import { createDeviceServiceInfo } from '../../../src/fdo/serviceinfo/create-device-service-info.ts';
import { createOwnerServiceInfo } from '../../../src/fdo/serviceinfo/create-owner-service-info.ts';
import { deviceIotopiaOnboardModule } from '../../../src/fdo/serviceinfo/modules/iotopia-onboard-device.ts';
import { nextDeviceServiceInfo } from '../../../src/fdo/serviceinfo/next-device-service-info.ts';
import { encodeOwnerServiceInfo } from '../../../src/fdo/serviceinfo/owner-service-info-codec.ts';
import type { ManagementProvision } from '../../../src/fdo/serviceinfo/ports.ts';
import { cachedKeys } from '../../helpers/keys.ts';
import { DEVMOD, run } from './harness.ts';

// Byte strings compared by content only (encoders may attach properties to their output).
const norm = (list: ManagementProvision[]) =>
  list.map((p) => ({
    ...p,
    trustAnchors: p.trustAnchors.map((k) => Buffer.from(k).toString('hex')),
    credential:
      p.credential.type === 'bearer'
        ? p.credential
        : { ...p.credential, certChain: p.credential.certChain.map((c) => Buffer.from(c).toString('hex')) },
  }));

const MUD = 'https://mud.example.com/sensor-1.json';
const SBOM = 'https://sbom.example.com/sensor-1.cdx.json';

const keyPair = () => cachedKeys('secp256r1');

async function anchors(): Promise<Uint8Array[]> {
  const pair = await keyPair();
  return [encodeCoseKey(keyObjectToCoseKey(pair.publicKey, { alg: -7 }))];
}

async function provision(over: Partial<ManagementProvision> = {}): Promise<ManagementProvision> {
  return {
    endpoint: 'https://devices.example.com/api/v1',
    credential: { type: 'bearer', token: 'tok_0123456789abcdefABCDEF' },
    trustAnchors: await anchors(),
    ...over,
  };
}

test('iotopia.onboard: device reports its MUD and SBOM URLs, owner provisions, device stores', async () => {
  const saved: ManagementProvision[] = [];
  const p = await provision();
  const r = await run({
    plans: [{ module: 'iotopia.onboard', provision: p, requireMudUrl: true }],
    device: {
      devmod: DEVMOD,
      modules: [deviceIotopiaOnboardModule({ store: { save: async (x) => void saved.push(x) }, mudUrl: MUD, sbomUrl: SBOM })],
    },
  });
  assert.deepEqual(r.last.plans[0]?.status, 'done');
  assert.deepEqual(r.last.plans[0]?.detail, { mudUrl: MUD, sbomUrl: SBOM });
  assert.deepEqual(norm(saved), norm([p]));
});

test('iotopia.onboard: a client certificate credential with a large chain is split and reassembled', async () => {
  const saved: ManagementProvision[] = [];
  const chain = [new Uint8Array(900).fill(0x30), new Uint8Array(1200).fill(0x30)];
  const p = await provision({
    credential: { type: 'client-cert', certChain: chain, keyRef: 'keystore:device-api', expires: 2_000_000_000 },
  });
  await run({
    plans: [{ module: 'iotopia.onboard', provision: p }],
    device: { devmod: DEVMOD, modules: [deviceIotopiaOnboardModule({ store: { save: async (x) => void saved.push(x) }, mudUrl: MUD })] },
    ownerMax: 1300,
  });
  assert.deepEqual(norm(saved), norm([p]));
});

test('iotopia.onboard: plans are checked up front (TypeError)', async () => {
  const bad: Partial<ManagementProvision>[] = [
    { endpoint: 'http://devices.example.com/' },
    { endpoint: 'not a url' },
    { endpoint: 'https://user:pw@devices.example.com/' },
    { credential: { type: 'bearer', token: 'short' } },
    { credential: { type: 'bearer', token: 'has spaces in it and is long' } },
    { credential: { type: 'client-cert', certChain: [], keyRef: 'k' } },
    { trustAnchors: [] },
    {
      trustAnchors: [
        encode(
          new Map<number, unknown>([
            [1, 4],
            [-1, new Uint8Array(16)],
          ]),
        ),
      ],
    },
  ];
  for (const over of bad) {
    const p = await provision(over);
    assert.throws(() => createOwnerServiceInfo({ plans: [{ module: 'iotopia.onboard', provision: p }] }), TypeError, JSON.stringify(over));
  }
  // http is accepted for a loopback endpoint (development).
  createOwnerServiceInfo({ plans: [{ module: 'iotopia.onboard', provision: await provision({ endpoint: 'http://localhost:8080/api' }) }] });
});

test('iotopia.onboard: the device refuses a bad provision field by field; the owner fails the plan', async () => {
  const saved: unknown[] = [];
  const config = {
    devmod: DEVMOD,
    modules: [deviceIotopiaOnboardModule({ store: { save: async (x) => void saved.push(x) }, mudUrl: MUD })],
  };
  const st = (await nextDeviceServiceInfo(createDeviceServiceInfo(), null, 1300, config)).state;
  const privateKey = keyObjectToCoseKey((await keyPair()).privateKey, { includePrivate: true });
  const cases: [string, Map<string, unknown>][] = [
    [
      'provision.endpoint',
      new Map<string, unknown>([
        ['endpoint', 'ftp://x'],
        ['credential', new Map()],
        ['trust-anchors', []],
      ]),
    ],
    [
      'provision.credential.type',
      new Map<string, unknown>([
        ['endpoint', 'https://x.example'],
        ['credential', new Map([['type', 'password']])],
        ['trust-anchors', []],
      ]),
    ],
    [
      'provision.trust-anchors[0]',
      new Map<string, unknown>([
        ['endpoint', 'https://x.example'],
        [
          'credential',
          new Map([
            ['type', 'bearer'],
            ['token', 'tok_0123456789abcdef'],
          ]),
        ],
        ['trust-anchors', [privateKey]],
      ]),
    ],
    ['provision', new Map<string, unknown>([['extra', 1]])],
  ];
  for (const [field, map] of cases) {
    const body = encodeOwnerServiceInfo({
      isMoreServiceInfo: false,
      isDone: false,
      serviceInfo: [
        { key: 'iotopia.onboard:active', value: encode(true) },
        { key: 'iotopia.onboard:provision', value: encode(map) },
      ],
    });
    const step = await nextDeviceServiceInfo(st, body, 1300, config);
    const err = step.message?.serviceInfo.find((kv) => kv.key === 'iotopia.onboard:error');
    assert.ok(err !== undefined, field);
    assert.ok(String(decode(err.value)).startsWith(field), `${field}: ${String(decode(err.value))}`);
  }
  assert.equal(saved.length, 0);
  // A store failure is reported the same way, and the owner records it.
  const failing = deviceIotopiaOnboardModule({
    store: {
      save: async () => {
        throw new Error('flash write failed');
      },
    },
  });
  const r = await run({
    plans: [{ module: 'iotopia.onboard', provision: await provision(), required: false }],
    device: { devmod: DEVMOD, modules: [failing] },
  });
  assert.equal(r.last.plans[0]?.code, 'ERR_FDO_IOTOPIA_INVALID');
  assert.match(r.last.plans[0]!.reason!, /flash write failed/);
});

test('iotopia.onboard: the owner fails the plan on a device without a MUD URL when it is required', async () => {
  const r = await run({
    plans: [{ module: 'iotopia.onboard', provision: await provision(), requireMudUrl: true, required: false }],
    device: { devmod: DEVMOD, modules: [deviceIotopiaOnboardModule({ store: { save: async () => {} } })] },
  });
  assert.equal(r.last.plans[0]?.code, 'ERR_FDO_IOTOPIA_INVALID');
  assert.match(r.last.plans[0]!.reason!, /mud-url/);
  assert.throws(() => deviceIotopiaOnboardModule({ store: { save: async () => {} }, mudUrl: 'http://insecure.example/mud' }), TypeError);
});
