import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encode } from '../../../src/codec/cbor.ts';
import { createDeviceServiceInfo } from '../../../src/fdo/serviceinfo/create-device-service-info.ts';
import { deviceCommandModule } from '../../../src/fdo/serviceinfo/modules/command-device.ts';
import { deviceDownloadModule } from '../../../src/fdo/serviceinfo/modules/download-device.ts';
import { deviceFidoAllianceModule } from '../../../src/fdo/serviceinfo/modules/fido-alliance-device.ts';
import { deviceUploadModule } from '../../../src/fdo/serviceinfo/modules/upload-device.ts';
import { deviceWgetModule } from '../../../src/fdo/serviceinfo/modules/wget-device.ts';
import { nextDeviceServiceInfo } from '../../../src/fdo/serviceinfo/next-device-service-info.ts';
import { encodeOwnerServiceInfo } from '../../../src/fdo/serviceinfo/owner-service-info-codec.ts';
import type { CommandExecutor, HttpFetch } from '../../../src/fdo/serviceinfo/ports.ts';
import { bytes, DEVMOD, MemoryFiles, run, sha384 } from './harness.ts';

const text = (s: string) => new TextEncoder().encode(s);
const b64text = (s: unknown) => Buffer.from(s as string, 'base64').toString();

test('fdo.download: a wrong sha-384 makes the device answer done -1 and store nothing', async () => {
  const owner = new MemoryFiles();
  const device = new MemoryFiles();
  owner.files.set('f', bytes(3000));
  const plans = [{ module: 'fdo.download' as const, name: 'f', source: 'f', sha384: sha384(bytes(10)), required: false }];
  const r = await run({
    plans,
    device: { devmod: DEVMOD, modules: [deviceDownloadModule({ sink: device })] },
    ownerPorts: { downloadSource: owner },
  });
  assert.equal(r.last.plans[0]?.status, 'failed');
  assert.equal(r.last.plans[0]?.code, 'ERR_FDO_DOWNLOAD_FAILED');
  assert.equal(device.files.size, 0);
  assert.equal(device.staged.size, 0);
  const done = r.deviceMessages.flatMap((m) => m.serviceInfo).find((kv) => kv.key === 'fdo.download:done');
  assert.deepEqual(done?.value, encode(-1));
});

test('fdo.download: a required plan that fails ends TO2 with ERR_FDO_MODULE_FAILED', async () => {
  const owner = new MemoryFiles();
  const device = new MemoryFiles();
  device.failAppend = true;
  owner.files.set('f', bytes(100));
  await assert.rejects(
    run({
      plans: [{ module: 'fdo.download', name: 'f', source: 'f' }],
      device: { devmod: DEVMOD, modules: [deviceDownloadModule({ sink: device })] },
      ownerPorts: { downloadSource: owner },
    }),
    { code: 'ERR_FDO_MODULE_FAILED', fdoCode: 500 },
  );
});

test('fdo.download: an empty file and streaming mode', async () => {
  const owner = new MemoryFiles();
  const device = new MemoryFiles();
  owner.files.set('empty', new Uint8Array(0));
  await run({
    plans: [{ module: 'fdo.download', name: 'e', source: 'empty' }],
    device: { devmod: DEVMOD, modules: [deviceDownloadModule({ sink: device })] },
    ownerPorts: { downloadSource: owner },
  });
  assert.deepEqual(device.files.get('e'), new Uint8Array(0));
  // Streaming mode (no length) as another owner may send it: an empty block ends the file.
  const config = { devmod: DEVMOD, modules: [deviceDownloadModule({ sink: device })] };
  const st = (await nextDeviceServiceInfo(createDeviceServiceInfo(), null, 1300, config)).state;
  const kv = (k: string, v: unknown) => ({ key: `fdo.download:${k}`, value: encode(v) });
  const body = encodeOwnerServiceInfo({
    isMoreServiceInfo: false,
    isDone: false,
    serviceInfo: [kv('active', true), kv('name', 's'), kv('data', text('ab')), kv('data', text('cd')), kv('data', new Uint8Array(0))],
  });
  const step = await nextDeviceServiceInfo(st, body, 1300, config);
  assert.equal(Buffer.from(device.files.get('s')!).toString(), 'abcd');
  assert.deepEqual(step.message?.serviceInfo.at(-1), { key: 'fdo.download:done', value: encode(4) });
});

test('fdo.upload: a device file the owner cannot verify is not committed; a missing file is reported', async () => {
  const owner = new MemoryFiles();
  const device = new MemoryFiles();
  device.files.set('present', bytes(2500));
  // A source whose read-back for hashing differs from what was sent.
  let reads = 0;
  const flaky = {
    size: (ref: string) => device.size(ref),
    read: async (ref: string, at: number, n: number) => {
      const b = await device.read(ref, at, n);
      if (++reads > 3) b[0] = (b[0] ?? 0) ^ 0xff;
      return b;
    },
  };
  const r = await run({
    plans: [
      { module: 'fdo.upload', name: 'present', target: 'p', required: false },
      { module: 'fdo.upload', name: 'absent', target: 'a', required: false },
    ],
    device: { devmod: DEVMOD, modules: [deviceUploadModule({ source: flaky })] },
    ownerPorts: { uploadSink: owner },
  });
  assert.deepEqual(
    r.last.plans.map((p) => [p.status, p.code]),
    [
      ['failed', 'ERR_FDO_UPLOAD_FAILED'],
      ['failed', 'ERR_FDO_UPLOAD_FAILED'],
    ],
  );
  assert.match(r.last.plans[0]!.reason!, /SHA-384/);
  assert.match(r.last.plans[1]!.reason!, /absent/);
  assert.equal(owner.files.size, 0);
});

test('fdo.upload: over the size limit', async () => {
  const owner = new MemoryFiles();
  const device = new MemoryFiles();
  device.files.set('big', bytes(5000));
  const r = await run({
    plans: [{ module: 'fdo.upload', name: 'big', target: 'b', maxBytes: 4096, required: false }],
    device: { devmod: DEVMOD, modules: [deviceUploadModule({ source: device })] },
    ownerPorts: { uploadSink: owner },
  });
  assert.equal(r.last.plans[0]?.code, 'ERR_FDO_UPLOAD_FAILED');
  assert.equal(owner.files.size, 0);
});

test('fdo.command: runs through the executor and returns stdout, stderr and exit code', async () => {
  const calls: unknown[] = [];
  const executor: CommandExecutor = {
    async run(req) {
      calls.push(req);
      return req.args[0] === 'fail' ? { exitCode: 3, stderr: text('bad') } : { exitCode: 0, stdout: text('ok\n'), stderr: text('warn') };
    },
  };
  const r = await run({
    plans: [
      { module: 'fdo.command', command: 'sh', args: ['-c', 'echo ok'] },
      { module: 'fdo.command', command: 'sh', args: ['fail'], required: false, returnStdout: false },
    ],
    device: { devmod: DEVMOD, modules: [deviceCommandModule({ executor })] },
  });
  assert.deepEqual(calls, [
    { command: 'sh', args: ['-c', 'echo ok'], returnStdout: true, returnStderr: true },
    { command: 'sh', args: ['fail'], returnStdout: false, returnStderr: true },
  ]);
  const [ok, bad] = r.last.plans;
  assert.equal(ok?.status, 'done');
  assert.equal(b64text(ok?.detail?.stdout), 'ok\n');
  assert.equal(b64text(ok?.detail?.stderr), 'warn');
  assert.equal(bad?.status, 'failed');
  assert.equal(bad?.code, 'ERR_FDO_COMMAND_FAILED');
  assert.equal(bad?.detail?.exitCode, 3);
  assert.equal(b64text(bad?.detail?.stderr), 'bad');
  // Only one command per message, as the module requires.
  for (const m of r.ownerMessages) assert.ok(m.serviceInfo.filter((kv) => kv.key === 'fdo.command:execute').length <= 1);
});

test('fdo.command: without may_fail a failing command ends TO2 on the device', async () => {
  const executor: CommandExecutor = { run: async () => ({ exitCode: 1 }) };
  await assert.rejects(
    run({
      plans: [{ module: 'fdo.command', command: 'false', mayFail: false }],
      device: { devmod: DEVMOD, modules: [deviceCommandModule({ executor })] },
    }),
    { code: 'ERR_FDO_COMMAND_FAILED', fdoCode: 500 },
  );
  const throwing: CommandExecutor = {
    run: async () => {
      throw new Error('no such file');
    },
  };
  const r = await run({
    plans: [{ module: 'fdo.command', command: 'nope', required: false }],
    device: { devmod: DEVMOD, modules: [deviceCommandModule({ executor: throwing })] },
  });
  assert.equal(r.last.plans[0]?.detail?.exitCode, -1);
});

function fetcher(files: Record<string, Uint8Array>): HttpFetch & { urls: string[] } {
  const urls: string[] = [];
  return {
    urls,
    async get(url) {
      urls.push(url);
      const body = files[url];
      if (body === undefined) return { status: 404, body: (async function* () {})() };
      return {
        status: 200,
        body: (async function* () {
          for (let at = 0; at < body.length; at += 700) yield body.slice(at, at + 700);
        })(),
      };
    },
  };
}

test('fdo.wget: fetch, hash check, default name, and errors', async () => {
  const data = bytes(5000, 9);
  const http = fetcher({ 'https://updates.example.com/pkg/tool.tar': data });
  const device = new MemoryFiles();
  const r = await run({
    plans: [
      { module: 'fdo.wget', url: 'https://updates.example.com/pkg/tool.tar', sha384: sha384(data), length: 5000 },
      { module: 'fdo.wget', url: 'https://updates.example.com/pkg/tool.tar', name: '/opt/bad', sha384: sha384(bytes(1)), required: false },
      { module: 'fdo.wget', url: 'https://updates.example.com/missing', name: 'm', required: false },
    ],
    device: { devmod: DEVMOD, modules: [deviceWgetModule({ fetch: http, sink: device })] },
  });
  assert.deepEqual(device.files.get('tool.tar'), data);
  assert.equal(device.files.has('/opt/bad'), false);
  assert.deepEqual(
    r.last.plans.map((p) => [p.status, p.code]),
    [
      ['done', undefined],
      ['failed', 'ERR_FDO_WGET_FAILED'],
      ['failed', 'ERR_FDO_WGET_FAILED'],
    ],
  );
  assert.match(r.last.plans[1]!.reason!, /SHA-384/);
  assert.match(r.last.plans[2]!.reason!, /404/);
  assert.equal(device.staged.size, 0);
});

test('fido_alliance: dev_conformance reaches the device token sink', async () => {
  const tokens: string[] = [];
  const r = await run({
    plans: [{ module: 'fido_alliance', devConformance: 'dashboard-token-123' }],
    device: { devmod: DEVMOD, modules: [deviceFidoAllianceModule({ sink: { submit: async (t) => void tokens.push(t) } })] },
  });
  assert.deepEqual(tokens, ['dashboard-token-123']);
  assert.equal(r.last.plans[0]?.status, 'done');
});

test('unknown modules: skipped by the owner, answered active=false and otherwise ignored by the device', async () => {
  const r = await run({
    plans: [{ module: 'fdo.wget', url: 'http://x.example/f', required: false }],
    device: { devmod: DEVMOD, modules: [] },
  });
  assert.equal(r.last.plans[0]?.status, 'skipped');
  assert.equal(r.last.plans[0]?.code, 'ERR_FDO_MODULE_INACTIVE');
  await assert.rejects(run({ plans: [{ module: 'fdo.wget', url: 'http://x.example/f' }], device: { devmod: DEVMOD, modules: [] } }), {
    code: 'ERR_FDO_MODULE_FAILED',
  });
  const config = { devmod: DEVMOD, modules: [] };
  const st = (await nextDeviceServiceInfo(createDeviceServiceInfo(), null, 1300, config)).state;
  const body = encodeOwnerServiceInfo({
    isMoreServiceInfo: false,
    isDone: false,
    serviceInfo: [
      { key: 'vendor.x:active', value: encode(true) },
      { key: 'vendor.x:anything', value: encode({ a: 1 }) },
      { key: 'fdo.download:data', value: encode(bytes(10)) },
    ],
  });
  const step = await nextDeviceServiceInfo(st, body, 1300, config);
  assert.deepEqual(step.message?.serviceInfo, [{ key: 'vendor.x:active', value: encode(false) }]);
});

test('module message values of the wrong type are ERR_FDO_SVI_VALUE', async () => {
  const device = new MemoryFiles();
  const config = {
    devmod: DEVMOD,
    modules: [deviceDownloadModule({ sink: device }), deviceCommandModule({ executor: { run: async () => ({ exitCode: 0 }) } })],
  };
  const st = (await nextDeviceServiceInfo(createDeviceServiceInfo(), null, 1300, config)).state;
  for (const [key, value] of [
    ['fdo.download:active', 1],
    ['fdo.download:length', -5],
    ['fdo.download:sha-384', new Uint8Array(47)],
    ['fdo.command:args', ['ls']],
    ['fdo.command:args', encode([1, 2])],
    ['fdo.command:execute', 0],
  ] as [string, unknown][]) {
    const body = encodeOwnerServiceInfo({
      isMoreServiceInfo: false,
      isDone: false,
      serviceInfo: [
        ...(key.endsWith(':active') ? [] : [{ key: `${key.split(':')[0]}:active`, value: encode(true) }]),
        { key, value: encode(value) },
      ],
    });
    await assert.rejects(nextDeviceServiceInfo(st, body, 1300, config), { code: 'ERR_FDO_SVI_VALUE', fdoCode: 100 }, key);
  }
});

test('fdo.upload: a transfer abandoned half-way is stopped, and the next upload starts clean', async () => {
  const owner = new MemoryFiles();
  const device = new MemoryFiles();
  device.files.set('big', bytes(20_000, 1));
  device.files.set('small', bytes(3000, 2));
  const r = await run({
    plans: [
      { module: 'fdo.upload', name: 'big', target: 'big', maxBytes: 100_000, required: false },
      { module: 'fdo.upload', name: 'small', target: 'small' },
    ],
    device: { devmod: DEVMOD, modules: [deviceUploadModule({ source: device })] },
    ownerPorts: {
      uploadSink: {
        create: (n) => owner.create(n),
        read: (h, a, l) => owner.read(h, a, l),
        commit: (h) => owner.commit(h),
        discard: (h) => owner.discard(h),
        append: async (h, b) => {
          if (owner.staged.get(h)?.name === 'big' && (owner.staged.get(h)?.data.length ?? 0) > 5000) throw new Error('quota');
          return owner.append(h, b);
        },
      },
    },
  });
  assert.deepEqual(
    r.last.plans.map((p) => p.status),
    ['failed', 'done'],
  );
  assert.deepEqual(owner.files.get('small'), device.files.get('small'));
  assert.equal(owner.files.has('big'), false);
});
