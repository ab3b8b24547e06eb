import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ownerServiceInfoPorts } from '../../src/onboarding/serviceinfo-files.ts';
import { toOwnerPlans } from '../../src/onboarding/serviceinfo-plans.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/store.ts';

describe('owner ServiceInfo ports', () => {
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-si-ports-'));
  const siDir = join(dir, 'si');
  const uploadDir = join(dir, 'uploads');
  const guid = new Uint8Array(16).fill(0xab);
  const hex = 'ab'.repeat(16);
  let store: Store;
  before(async () => {
    store = await openStore({ path: join(dir, 'db.sqlite') }, { kek: new Uint8Array(randomBytes(32)) });
    mkdirSync(join(siDir, 'sub'), { recursive: true });
    writeFileSync(join(siDir, 'sub', 'ok.bin'), 'inside');
    writeFileSync(join(dir, 'outside.txt'), 'outside');
    symlinkSync(join(dir, 'outside.txt'), join(siDir, 'escape.txt'));
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('inline data is read by reference, and a changed setting is refused rather than sent', async () => {
    const data = Buffer.from('first version');
    await store.settings.put('owner', 'serviceinfo-default', {
      plans: [{ module: 'fdo.download', name: 'a', data: data.toString('base64') }],
    });
    const [plan] = toOwnerPlans([{ module: 'fdo.download', name: 'a', data: data.toString('base64') }], {
      scope: 'owner',
      key: 'serviceinfo-default',
      guid,
    });
    assert.ok(plan?.module === 'fdo.download');
    // A fresh port set per read: as a replica that never saw the session would.
    const fresh = () => ownerServiceInfoPorts({ store, serviceInfoDir: siDir, uploadDir }).downloadSource;
    assert.equal(await fresh()?.size(plan.source), data.length);
    assert.equal(Buffer.from((await fresh()?.read(plan.source, 6, 7)) ?? []).toString(), 'version');
    await store.settings.put('owner', 'serviceinfo-default', {
      plans: [{ module: 'fdo.download', name: 'a', data: Buffer.from('second').toString('base64') }],
    });
    await assert.rejects(async () => fresh()?.size(plan.source), { code: 'ERR_OWNER_SERVICEINFO_CHANGED' });
  });

  test('files come only from inside the ServiceInfo directory', async () => {
    const src = ownerServiceInfoPorts({ store, serviceInfoDir: siDir, uploadDir }).downloadSource;
    assert.equal(await src?.size('file:sub/ok.bin'), 6);
    for (const ref of ['file:escape.txt', 'file:../outside.txt', 'file:sub', 'file:missing.bin', 'other:x']) {
      await assert.rejects(async () => src?.size(ref), { code: 'ERR_OWNER_SERVICEINFO_SOURCE' }, ref);
    }
    const none = ownerServiceInfoPorts({ store, uploadDir }).downloadSource;
    await assert.rejects(async () => none?.size('file:sub/ok.bin'), { code: 'ERR_OWNER_SERVICEINFO_SOURCE' });
  });

  test('uploads are published under <GUID>/<base name> only on commit; handles work across port instances', async () => {
    const [plan] = toOwnerPlans([{ module: 'fdo.upload', name: 'C:\\logs\\boot.log' }], { scope: 'owner', key: 'k', guid });
    assert.ok(plan?.module === 'fdo.upload');
    assert.equal(plan.target, `${hex}/boot.log`);
    const sink = () => {
      const s = ownerServiceInfoPorts({ store, uploadDir }).uploadSink;
      assert.ok(s);
      return s;
    };
    const handle = await sink().create(plan.target);
    await sink().append(handle, new TextEncoder().encode('line 1\n'));
    await sink().append(handle, new TextEncoder().encode('line 2\n'));
    assert.equal(Buffer.from(await sink().read(handle, 0, 100)).toString(), 'line 1\nline 2\n');
    assert.throws(() => readFileSync(join(uploadDir, hex, 'boot.log')), { code: 'ENOENT' });
    await sink().commit(handle);
    assert.equal(readFileSync(join(uploadDir, hex, 'boot.log'), 'utf8'), 'line 1\nline 2\n');
    for (const bad of ['../x', `${hex}/..`, 'short/x', `${hex}/a/b`])
      await assert.rejects(async () => sink().create(bad), { code: 'ERR_OWNER_SERVICEINFO_SOURCE' }, bad);
    await assert.rejects(async () => sink().append('../../etc/passwd', new Uint8Array(1)), { code: 'ERR_OWNER_SERVICEINFO_SOURCE' });
  });
});
