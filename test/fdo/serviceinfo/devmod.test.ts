import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encode } from '../../../src/codec/cbor.ts';
import { createDeviceServiceInfo } from '../../../src/fdo/serviceinfo/create-device-service-info.ts';
import { createOwnerServiceInfo } from '../../../src/fdo/serviceinfo/create-owner-service-info.ts';
import type { DeviceModuleHandler } from '../../../src/fdo/serviceinfo/device-module.ts';
import { encodeDeviceServiceInfo } from '../../../src/fdo/serviceinfo/device-service-info-codec.ts';
import { nextDeviceServiceInfo } from '../../../src/fdo/serviceinfo/next-device-service-info.ts';
import { nextOwnerServiceInfo } from '../../../src/fdo/serviceinfo/next-owner-service-info.ts';
import { DEVMOD, run } from './harness.ts';

const dummy = (module: string): DeviceModuleHandler => ({ module, initial: () => ({}), receive: async () => {} });

const REQUIRED: [string, unknown][] = [
  ['devmod:active', true],
  ['devmod:os', 'Linux'],
  ['devmod:arch', 'x86_64'],
  ['devmod:version', '6.1'],
  ['devmod:device', 'box'],
  ['devmod:sep', ':'],
  ['devmod:bin', 'x86_64'],
  ['devmod:nummodules', 1],
  ['devmod:modules', [0, 1, 'devmod']],
];

function feed(kvs: [string, unknown][], isMore = false) {
  const body = encodeDeviceServiceInfo({ isMoreServiceInfo: isMore, serviceInfo: kvs.map(([key, v]) => ({ key, value: encode(v) })) });
  return nextOwnerServiceInfo(createOwnerServiceInfo({ plans: [] }), body, 1300);
}

test('devmod comes first and the owner reports it, modules included', async () => {
  const r = await run({ plans: [], device: { devmod: { ...DEVMOD, sn: new Uint8Array([1, 2, 3]) }, modules: [dummy('acme.thing')] } });
  const first = r.deviceMessages[0]!.serviceInfo;
  assert.equal(first[0]!.key, 'devmod:active');
  assert.ok(first.every((kv) => kv.key.startsWith('devmod:')));
  assert.deepEqual(r.last.devmod?.modules, ['devmod', 'acme.thing']);
  assert.deepEqual(r.last.devmod?.sn, new Uint8Array([1, 2, 3]));
  assert.equal(r.last.devmod?.mudurl, DEVMOD.mudurl);
  assert.equal(r.ownerMessages.length, 1);
});

test('a long module list is chunked over several messages at the smallest size', async () => {
  const modules = Array.from({ length: 60 }, (_, i) => dummy(`vendor.module-with-a-long-name-${i}`));
  const r = await run({ plans: [], device: { devmod: DEVMOD, modules }, deviceMax: 256 });
  assert.ok(r.deviceMessages.filter((m) => m.isMoreServiceInfo).length >= 5);
  const chunks = r.deviceMessages.flatMap((m) => m.serviceInfo).filter((kv) => kv.key === 'devmod:modules');
  assert.ok(chunks.length > 5);
  assert.equal(r.last.devmod?.modules.length, 61);
  assert.ok(r.deviceMessages.every((m) => encodeDeviceServiceInfo(m).length <= 256));
});

test('the complete required set is accepted', async () => {
  const step = await feed(REQUIRED);
  assert.equal(step.devmod?.os, 'Linux');
  assert.equal(step.done, true);
});

test('a missing required devmod message is ERR_FDO_DEVMOD_MISSING', async () => {
  for (const [drop] of REQUIRED) {
    if (drop === 'devmod:active') continue;
    const kvs = REQUIRED.filter(([k]) => k !== drop);
    await assert.rejects(feed(kvs), { code: 'ERR_FDO_DEVMOD_MISSING', fdoCode: 100 }, drop);
  }
  await assert.rejects(feed([]), { code: 'ERR_FDO_DEVMOD_MISSING' });
  await assert.rejects(feed([['acme:x', 1], ...REQUIRED]), { code: 'ERR_FDO_DEVMOD_MISSING' });
  await assert.rejects(feed([['devmod:os', 'Linux'], ...REQUIRED.slice(2)]), { code: 'ERR_FDO_DEVMOD_MISSING' });
});

test('devmod checks are deferred while the device has more to send', async () => {
  const step = await feed(REQUIRED.slice(0, 3), true);
  assert.deepEqual(step.message, { isMoreServiceInfo: false, isDone: false, serviceInfo: [] });
  assert.equal(step.devmod, undefined);
});

test('wrong devmod values are ERR_FDO_DEVMOD_INVALID', async () => {
  const swap = (key: string, v: unknown) => REQUIRED.map(([k, x]): [string, unknown] => [k, k === key ? v : x]);
  for (const [key, v] of [
    ['devmod:active', false],
    ['devmod:os', 7],
    ['devmod:nummodules', 0],
    ['devmod:modules', [1, 1, 'devmod']],
    ['devmod:modules', [0, 2, 'devmod']],
    ['devmod:modules', [0, 1, 5]],
    ['devmod:modules', 'devmod'],
  ] as [string, unknown][]) {
    await assert.rejects(feed(swap(key, v)), { code: 'ERR_FDO_DEVMOD_INVALID', fdoCode: 100 }, `${key}=${JSON.stringify(v)}`);
  }
  // nummodules that the list does not reach
  await assert.rejects(feed(swap('devmod:nummodules', 2)), { code: 'ERR_FDO_DEVMOD_MISSING' });
});

test('the device refuses an incomplete DevmodInfo as caller misuse', async () => {
  const { bin: _, ...noBin } = DEVMOD;
  await assert.rejects(
    nextDeviceServiceInfo(createDeviceServiceInfo(), null, 1300, { devmod: noBin as typeof DEVMOD, modules: [] }),
    TypeError,
  );
});
