import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encode } from '../../../src/codec/cbor.ts';
import { FdoError } from '../../../src/fdo/errors.ts';
import { createDeviceServiceInfo } from '../../../src/fdo/serviceinfo/create-device-service-info.ts';
import { createOwnerServiceInfo } from '../../../src/fdo/serviceinfo/create-owner-service-info.ts';
import { encodeDeviceServiceInfo } from '../../../src/fdo/serviceinfo/device-service-info-codec.ts';
import { deviceCommandModule } from '../../../src/fdo/serviceinfo/modules/command-device.ts';
import { deviceDownloadModule } from '../../../src/fdo/serviceinfo/modules/download-device.ts';
import { deviceIotopiaOnboardModule } from '../../../src/fdo/serviceinfo/modules/iotopia-onboard-device.ts';
import { deviceUploadModule } from '../../../src/fdo/serviceinfo/modules/upload-device.ts';
import { nextDeviceServiceInfo } from '../../../src/fdo/serviceinfo/next-device-service-info.ts';
import { nextOwnerServiceInfo } from '../../../src/fdo/serviceinfo/next-owner-service-info.ts';
import { encodeOwnerServiceInfo } from '../../../src/fdo/serviceinfo/owner-service-info-codec.ts';
import { DEVMOD, MemoryFiles } from './harness.ts';

// A seeded mutation loop: whatever the bytes, a step either succeeds or fails with an FdoError.
function mutate(seed: number, input: Uint8Array): Uint8Array {
  let x = seed;
  const rnd = (n: number) => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x % n;
  };
  const out = Array.from(input);
  for (let k = 1 + rnd(4); k > 0; k--) {
    const at = rnd(out.length + 1);
    switch (rnd(3)) {
      case 0:
        out[at] = rnd(256);
        break;
      case 1:
        out.splice(at, 1);
        break;
      default:
        out.splice(at, 0, rnd(256));
    }
  }
  return new Uint8Array(out);
}

const kv = (key: string, v: unknown) => ({ key, value: encode(v) });

test('mutated TO2.OwnerServiceInfo bodies fail only with FdoError on the device', async () => {
  const files = new MemoryFiles();
  files.files.set('up', new Uint8Array(100));
  const config = {
    devmod: DEVMOD,
    modules: [
      deviceDownloadModule({ sink: files }),
      deviceUploadModule({ source: files }),
      deviceCommandModule({ executor: { run: async () => ({ exitCode: 0 }) } }),
      deviceIotopiaOnboardModule({ store: { save: async () => {} } }),
    ],
  };
  const start = (await nextDeviceServiceInfo(createDeviceServiceInfo(), null, 1300, config)).state;
  const seed = encodeOwnerServiceInfo({
    isMoreServiceInfo: false,
    isDone: false,
    serviceInfo: [
      kv('fdo.download:active', true),
      kv('fdo.download:name', 'f'),
      kv('fdo.download:length', 3),
      kv('fdo.download:data', new Uint8Array([1, 2, 3])),
      kv('fdo.upload:active', true),
      kv('fdo.upload:name', 'up'),
      kv('fdo.command:active', true),
      kv('fdo.command:args', encode(['a'])),
      kv('fdo.command:command', 'x'),
      kv('fdo.command:may_fail', true),
      kv('fdo.command:execute', null),
      kv('iotopia.onboard:active', true),
      kv('iotopia.onboard:provision', new Map([['endpoint', 'https://x.example']])),
    ],
  });
  const clean = await nextDeviceServiceInfo(start, seed, 1300, config);
  assert.ok(clean.message!.serviceInfo.some((x) => x.key === 'iotopia.onboard:error'));
  for (let i = 0; i < 3000; i++) {
    try {
      await nextDeviceServiceInfo(start, mutate(i + 1, seed), 1300, config);
    } catch (e) {
      assert.ok(e instanceof FdoError, `seed ${i + 1}: ${(e as Error).stack}`);
    }
  }
});

test('mutated TO2.DeviceServiceInfo bodies fail only with FdoError on the owner', async () => {
  const st = createOwnerServiceInfo({ plans: [{ module: 'fdo.command', command: 'x', required: false }] });
  const seed = encodeDeviceServiceInfo({
    isMoreServiceInfo: false,
    serviceInfo: [
      kv('devmod:active', true),
      kv('devmod:os', 'L'),
      kv('devmod:arch', 'a'),
      kv('devmod:version', 'v'),
      kv('devmod:device', 'd'),
      kv('devmod:sep', ':'),
      kv('devmod:bin', 'a'),
      kv('devmod:sn', new Uint8Array([1])),
      kv('devmod:nummodules', 2),
      kv('devmod:modules', [0, 2, 'devmod', 'fdo.command']),
    ],
  });
  assert.equal((await nextOwnerServiceInfo(st, seed, 1300)).devmod?.os, 'L');
  for (let i = 0; i < 3000; i++) {
    try {
      await nextOwnerServiceInfo(st, mutate(i + 1, seed), 1300);
    } catch (e) {
      assert.ok(e instanceof FdoError, `seed ${i + 1}: ${(e as Error).stack}`);
    }
  }
});
