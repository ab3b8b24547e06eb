import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encode } from '../../../src/codec/cbor.ts';
import { encodeCoseKey, keyObjectToCoseKey } from '../../../src/codec/cose/key.ts';
import { generateKeyPair } from '../../../src/crypto/key-generate.ts';
import { createDeviceServiceInfo } from '../../../src/fdo/serviceinfo/create-device-service-info.ts';
import { createOwnerServiceInfo } from '../../../src/fdo/serviceinfo/create-owner-service-info.ts';
import type { DeviceModuleHandler } from '../../../src/fdo/serviceinfo/device-module.ts';
import { encodeDeviceServiceInfo } from '../../../src/fdo/serviceinfo/device-service-info-codec.ts';
import { deviceCommandModule } from '../../../src/fdo/serviceinfo/modules/command-device.ts';
import { deviceDownloadModule } from '../../../src/fdo/serviceinfo/modules/download-device.ts';
import { deviceIotopiaOnboardModule } from '../../../src/fdo/serviceinfo/modules/iotopia-onboard-device.ts';
import { deviceUploadModule } from '../../../src/fdo/serviceinfo/modules/upload-device.ts';
import { nextDeviceServiceInfo } from '../../../src/fdo/serviceinfo/next-device-service-info.ts';
import { nextOwnerServiceInfo } from '../../../src/fdo/serviceinfo/next-owner-service-info.ts';
import { encodeOwnerServiceInfo } from '../../../src/fdo/serviceinfo/owner-service-info-codec.ts';
import { bytes, DEVMOD, MemoryFiles, run } from './harness.ts';

const REQUIRED_DEVMOD = encodeDeviceServiceInfo({
  isMoreServiceInfo: false,
  serviceInfo: (
    [
      ['devmod:active', true],
      ['devmod:os', 'Linux'],
      ['devmod:arch', 'x86_64'],
      ['devmod:version', '6.1'],
      ['devmod:device', 'box'],
      ['devmod:sep', ':'],
      ['devmod:bin', 'x86_64'],
      ['devmod:nummodules', 2],
      ['devmod:modules', [0, 2, 'devmod', 'fdo.download']],
    ] as [string, unknown][]
  ).map(([key, v]) => ({ key, value: encode(v) })),
});

test('every module through JSON-serialised state between all messages, at the minimum size', async () => {
  const owner = new MemoryFiles();
  const device = new MemoryFiles();
  owner.files.set('cfg', bytes(7000, 4));
  device.files.set('log', bytes(6000, 5));
  const pair = await generateKeyPair('secp256r1');
  const saved: unknown[] = [];
  const r = await run({
    plans: [
      { module: 'fdo.download', name: 'cfg', source: 'cfg' },
      { module: 'fdo.upload', name: 'log', target: 'log' },
      { module: 'fdo.command', command: 'sh', args: ['-c', 'true'] },
      {
        module: 'iotopia.onboard',
        provision: {
          endpoint: 'https://devices.example.com/',
          credential: { type: 'bearer', token: 'tok_0123456789abcdefABCDEF' },
          trustAnchors: [encodeCoseKey(keyObjectToCoseKey(pair.publicKey))],
        },
      },
    ],
    device: {
      devmod: DEVMOD,
      modules: [
        deviceDownloadModule({ sink: device }),
        deviceUploadModule({ source: device }),
        deviceCommandModule({ executor: { run: async () => ({ exitCode: 0, stdout: bytes(2000) }) } }),
        deviceIotopiaOnboardModule({ store: { save: async (p) => void saved.push(p) }, mudUrl: DEVMOD.mudurl! }),
      ],
    },
    ownerPorts: { downloadSource: owner, uploadSink: owner },
    deviceMax: 256,
    ownerMax: 256,
    viaJson: true,
  });
  assert.deepEqual(device.files.get('cfg'), owner.files.get('cfg'));
  assert.deepEqual(owner.files.get('log'), device.files.get('log'));
  assert.equal(saved.length, 1);
  assert.deepEqual(
    r.last.plans.map((p) => p.status),
    ['done', 'done', 'done', 'done'],
  );
  assert.deepEqual(JSON.parse(JSON.stringify(r.last.state)), r.last.state);
});

test('a step does not modify its input state, so a retried message gives the same answer', async () => {
  const st = createOwnerServiceInfo({ plans: [{ module: 'fdo.wget', url: 'https://x.example/f', required: false }] });
  const copy = structuredClone(st);
  const a = await nextOwnerServiceInfo(st, REQUIRED_DEVMOD, 1300);
  const b = await nextOwnerServiceInfo(st, REQUIRED_DEVMOD, 1300);
  assert.deepEqual(st, copy);
  assert.deepEqual(a.body, b.body);
});

test('turn-taking violations are ERR_FDO_SVI_SEQUENCE', async () => {
  const config = {
    devmod: DEVMOD,
    modules: Array.from(
      { length: 40 },
      (_, i): DeviceModuleHandler => ({ module: `m.${'x'.repeat(20)}${i}`, initial: () => ({}), receive: async () => {} }),
    ),
  };
  const first = await nextDeviceServiceInfo(createDeviceServiceInfo(), null, 256, config);
  assert.equal(first.message?.isMoreServiceInfo, true);
  const withSi = encodeOwnerServiceInfo({ isMoreServiceInfo: false, isDone: false, serviceInfo: [{ key: 'a:b', value: encode(1) }] });
  await assert.rejects(nextDeviceServiceInfo(first.state, withSi, 256, config), { code: 'ERR_FDO_SVI_SEQUENCE', fdoCode: 100 });
  const both = encodeOwnerServiceInfo({ isMoreServiceInfo: true, isDone: true, serviceInfo: [] });
  await assert.rejects(nextDeviceServiceInfo({ ...first.state, sentMore: false }, both, 256, config), { code: 'ERR_FDO_SVI_SEQUENCE' });
  // The owner side: the device speaks while the owner has more to send.
  const owner = createOwnerServiceInfo({ plans: [] });
  const talking = encodeDeviceServiceInfo({ isMoreServiceInfo: false, serviceInfo: [{ key: 'a:b', value: encode(1) }] });
  await assert.rejects(nextOwnerServiceInfo({ ...owner, phase: 'modules', sentMore: true }, talking, 1300), {
    code: 'ERR_FDO_SVI_SEQUENCE',
  });
});

test('a device that never answers stalls the owner: ERR_FDO_SVI_STALLED', async () => {
  let st = createOwnerServiceInfo({ plans: [{ module: 'fdo.download', name: 'f', source: 'f' }], maxIdleRounds: 5 });
  const files = new MemoryFiles();
  files.files.set('f', bytes(10));
  let step = await nextOwnerServiceInfo(st, REQUIRED_DEVMOD, 1300, { downloadSource: files });
  st = step.state;
  const empty = encodeDeviceServiceInfo({ isMoreServiceInfo: false, serviceInfo: [] });
  await assert.rejects(
    (async () => {
      for (let i = 0; i < 10; i++) {
        step = await nextOwnerServiceInfo(st, empty, 1300, { downloadSource: files });
        st = step.state;
      }
    })(),
    { code: 'ERR_FDO_SVI_STALLED', fdoCode: 500 },
  );
});

test('misuse is a TypeError', async () => {
  const owner = createOwnerServiceInfo({ plans: [] });
  await assert.rejects(nextOwnerServiceInfo(owner, REQUIRED_DEVMOD, 100), TypeError);
  await assert.rejects(nextOwnerServiceInfo(createDeviceServiceInfo() as never, REQUIRED_DEVMOD, 1300), TypeError);
  const done = await nextOwnerServiceInfo(owner, REQUIRED_DEVMOD, 1300);
  assert.equal(done.done, true);
  await assert.rejects(nextOwnerServiceInfo(done.state, REQUIRED_DEVMOD, 1300), TypeError);
  assert.throws(() => createOwnerServiceInfo({ plans: [{ module: 'nope' } as never] }), TypeError);
  assert.throws(() => createOwnerServiceInfo({ plans: [{ module: 'fdo.download', name: '', source: 'x' }] }), TypeError);
  const config = { devmod: DEVMOD, modules: [] };
  await assert.rejects(nextDeviceServiceInfo(createDeviceServiceInfo(), new Uint8Array([0x80]), 1300, config), TypeError);
  const dup = { module: 'x', initial: () => ({}), receive: async () => {} };
  await assert.rejects(nextDeviceServiceInfo(createDeviceServiceInfo(), null, 1300, { devmod: DEVMOD, modules: [dup, dup] }), TypeError);
});
