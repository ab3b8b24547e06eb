import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deviceDownloadModule } from '../../../src/fdo/serviceinfo/modules/download-device.ts';
import { bytes, DEVMOD, MemoryFiles, run } from './harness.ts';

test('smoke: download', async () => {
  const ownerFiles = new MemoryFiles();
  const deviceFiles = new MemoryFiles();
  const data = bytes(5000);
  ownerFiles.files.set('fw.bin', data);
  const r = await run({
    plans: [{ module: 'fdo.download', name: '/tmp/fw.bin', source: 'fw.bin' }],
    device: { devmod: DEVMOD, modules: [deviceDownloadModule({ sink: deviceFiles })] },
    ownerPorts: { downloadSource: ownerFiles },
  });
  assert.deepEqual(deviceFiles.files.get('/tmp/fw.bin'), data);
  console.log(r.rounds, r.last.plans, r.last.devmod);
});
