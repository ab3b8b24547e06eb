import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encode } from '../../../src/codec/cbor.ts';
import { createDeviceServiceInfo } from '../../../src/fdo/serviceinfo/create-device-service-info.ts';
import type { DeviceModuleHandler } from '../../../src/fdo/serviceinfo/device-module.ts';
import { deviceCommandModule } from '../../../src/fdo/serviceinfo/modules/command-device.ts';
import { deviceDownloadModule } from '../../../src/fdo/serviceinfo/modules/download-device.ts';
import { deviceUploadModule } from '../../../src/fdo/serviceinfo/modules/upload-device.ts';
import { nextDeviceServiceInfo } from '../../../src/fdo/serviceinfo/next-device-service-info.ts';
import { encodeOwnerServiceInfo } from '../../../src/fdo/serviceinfo/owner-service-info-codec.ts';
import type { CommandExecutor } from '../../../src/fdo/serviceinfo/ports.ts';
import { bytes, DEVMOD, MemoryFiles, type RunResult, run } from './harness.ts';

const SIZES = [256, 1300, 4096, 65535];

function checkTurns(r: RunResult): void {
  const { ownerMessages: o, deviceMessages: d } = r;
  for (let i = 0; i < o.length; i++) {
    const om = o[i]!;
    assert.ok(!(om.isMoreServiceInfo && om.isDone), 'IsMore and IsDone together');
    if (d[i]!.isMoreServiceInfo) assert.deepEqual(om, { isMoreServiceInfo: false, isDone: false, serviceInfo: [] }, `owner answer ${i}`);
    if (om.isMoreServiceInfo) assert.deepEqual(d[i + 1], { isMoreServiceInfo: false, serviceInfo: [] }, `device answer ${i}`);
  }
  const last = o.at(-1)!;
  assert.equal(last.isDone, true);
  assert.equal(last.serviceInfo.length, 0);
  assert.ok(o.slice(0, -1).every((m) => !m.isDone));
}

for (const size of SIZES) {
  test(`download and upload of 100 kB at a negotiated size of ${size} reassemble exactly`, async () => {
    const owner = new MemoryFiles();
    const device = new MemoryFiles();
    const down = bytes(100_000, size);
    const up = bytes(100_003, size + 1);
    owner.files.set('image', down);
    device.files.set('/var/log/boot.log', up);
    const r = await run({
      plans: [
        { module: 'fdo.download', name: '/opt/image', source: 'image' },
        { module: 'fdo.upload', name: '/var/log/boot.log', target: 'logs/boot.log' },
      ],
      device: { devmod: DEVMOD, modules: [deviceDownloadModule({ sink: device }), deviceUploadModule({ source: device })] },
      ownerPorts: { downloadSource: owner, uploadSink: owner },
      deviceMax: size,
      ownerMax: size,
    });
    assert.deepEqual(device.files.get('/opt/image'), down);
    assert.deepEqual(owner.files.get('logs/boot.log'), up);
    assert.deepEqual(
      r.last.plans.map((p) => p.status),
      ['done', 'done'],
    );
    checkTurns(r);
    // Data blocks never exceed the module's 1014 bytes, and the room left beside one is used.
    const blocks = r.ownerMessages.flatMap((m) => m.serviceInfo).filter((kv) => kv.key === 'fdo.download:data');
    assert.ok(blocks.every((kv) => kv.value.length <= 1014 + 3));
    const carrying = r.ownerMessages.filter((m) => m.serviceInfo.some((kv) => kv.key === 'fdo.download:data'));
    if (size === 1300) assert.ok(carrying.length <= Math.ceil(100_000 / 1014), `${carrying.length} messages`);
  });
}

test('different sizes each way', async () => {
  const owner = new MemoryFiles();
  const device = new MemoryFiles();
  owner.files.set('a', bytes(20_000, 7));
  device.files.set('b', bytes(30_000, 8));
  const r = await run({
    plans: [
      { module: 'fdo.download', name: 'a', source: 'a', blockSize: 60_000 },
      { module: 'fdo.upload', name: 'b', target: 'b' },
    ],
    device: { devmod: DEVMOD, modules: [deviceDownloadModule({ sink: device }), deviceUploadModule({ source: device })] },
    ownerPorts: { downloadSource: owner, uploadSink: owner },
    deviceMax: 256,
    ownerMax: 65535,
  });
  assert.deepEqual(device.files.get('a'), owner.files.get('a'));
  assert.deepEqual(owner.files.get('b'), device.files.get('b'));
  checkTurns(r);
  // With a 64 kB limit and a larger block size, the whole file goes in one message.
  assert.equal(r.ownerMessages.filter((m) => m.serviceInfo.some((kv) => kv.key === 'fdo.download:data')).length, 1);
});

test('a value larger than one message is split into consecutive KVs with the same key and reassembled', async () => {
  const seen: string[][] = [];
  const executor: CommandExecutor = {
    async run(req) {
      seen.push(req.args);
      return { exitCode: 0, stdout: new TextEncoder().encode('x'.repeat(3000)) };
    },
  };
  const args = Array.from({ length: 40 }, (_, i) => `argument-number-${i}-${'y'.repeat(20)}`);
  const r = await run({
    plans: [{ module: 'fdo.command', command: 'sh', args }],
    device: { devmod: DEVMOD, modules: [deviceCommandModule({ executor })] },
    deviceMax: 256,
    ownerMax: 256,
  });
  assert.deepEqual(seen, [args]);
  const argKvs = r.ownerMessages.flatMap((m) => m.serviceInfo).filter((kv) => kv.key === 'fdo.command:args');
  assert.ok(argKvs.length > 1, 'args were split');
  const detail = r.last.plans[0]!.detail!;
  assert.equal(Buffer.from(detail.stdout as string, 'base64').toString(), 'x'.repeat(3000));
});

test('device reassembles a value split mid-item across two owner messages (go-fdo style)', async () => {
  const device = new MemoryFiles();
  const config = { devmod: DEVMOD, modules: [deviceDownloadModule({ sink: device }) as DeviceModuleHandler] };
  let st = (await nextDeviceServiceInfo(createDeviceServiceInfo(), null, 1300, config)).state;
  const data = bytes(900, 3);
  const item = encode(data);
  const first = encodeOwnerServiceInfo({
    isMoreServiceInfo: true,
    isDone: false,
    serviceInfo: [
      { key: 'fdo.download:active', value: encode(true) },
      { key: 'fdo.download:name', value: encode('f') },
      { key: 'fdo.download:length', value: encode(900) },
      { key: 'fdo.download:data', value: item.subarray(0, 500) },
    ],
  });
  let step = await nextDeviceServiceInfo(st, first, 1300, config);
  assert.deepEqual(step.message, { isMoreServiceInfo: false, serviceInfo: [] });
  assert.ok(step.state.inbox !== null);
  st = JSON.parse(JSON.stringify(step.state));
  const second = encodeOwnerServiceInfo({
    isMoreServiceInfo: false,
    isDone: false,
    serviceInfo: [{ key: 'fdo.download:data', value: item.subarray(500) }],
  });
  step = await nextDeviceServiceInfo(st, second, 1300, config);
  assert.deepEqual(device.files.get('f'), data);
  assert.deepEqual(
    step.message?.serviceInfo.map((kv) => kv.key),
    ['fdo.download:active', 'fdo.download:done'],
  );
  // Several items in one KV are read in turn.
  const both = encodeOwnerServiceInfo({
    isMoreServiceInfo: false,
    isDone: false,
    serviceInfo: [
      { key: 'fdo.download:name', value: encode('g') },
      { key: 'fdo.download:length', value: encode(4) },
      { key: 'fdo.download:data', value: new Uint8Array([...encode(new Uint8Array([1, 2])), ...encode(new Uint8Array([3, 4]))]) },
    ],
  });
  await nextDeviceServiceInfo(step.state, both, 1300, config);
  assert.deepEqual(device.files.get('g'), new Uint8Array([1, 2, 3, 4]));
});

test('a split value interrupted by another key is ERR_FDO_SVI_MALFORMED; an oversized one ERR_FDO_SVI_LIMIT', async () => {
  const config = { devmod: DEVMOD, modules: [] };
  const st = (await nextDeviceServiceInfo(createDeviceServiceInfo({ limits: { maxValueBytes: 1000 } }), null, 1300, config)).state;
  const item = encode(bytes(600));
  const broken = encodeOwnerServiceInfo({
    isMoreServiceInfo: false,
    isDone: false,
    serviceInfo: [
      { key: 'x:data', value: item.subarray(0, 100) },
      { key: 'x:other', value: encode(1) },
    ],
  });
  await assert.rejects(nextDeviceServiceInfo(st, broken, 1300, config), { code: 'ERR_FDO_SVI_MALFORMED', fdoCode: 100 });
  const huge = encodeOwnerServiceInfo({
    isMoreServiceInfo: false,
    isDone: false,
    serviceInfo: [{ key: 'x:data', value: encode(bytes(1100)).subarray(0, 1050) }],
  });
  await assert.rejects(nextDeviceServiceInfo(st, huge, 1300, config), { code: 'ERR_FDO_SVI_LIMIT' });
  const unfinishedAtDone = encodeOwnerServiceInfo({
    isMoreServiceInfo: false,
    isDone: true,
    serviceInfo: [{ key: 'x:data', value: item.subarray(0, 10) }],
  });
  await assert.rejects(nextDeviceServiceInfo(st, unfinishedAtDone, 1300, config), { code: 'ERR_FDO_SVI_MALFORMED' });
  const notCbor = encodeOwnerServiceInfo({
    isMoreServiceInfo: false,
    isDone: false,
    serviceInfo: [{ key: 'x:data', value: new Uint8Array([0xff]) }],
  });
  await assert.rejects(nextDeviceServiceInfo(st, notCbor, 1300, config), { code: 'ERR_FDO_SVI_MALFORMED' });
  for (const key of ['nocolon', ':m', 'm:', 'a\u0001:b']) {
    const bad = encodeOwnerServiceInfo({ isMoreServiceInfo: false, isDone: false, serviceInfo: [{ key, value: encode(1) }] });
    await assert.rejects(nextDeviceServiceInfo(st, bad, 1300, config), { code: 'ERR_FDO_SVI_KEY' }, key);
  }
});
