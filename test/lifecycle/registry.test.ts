import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { moveDevice } from '../../src/lifecycle/device-states.ts';
import { deviceRegistry } from '../../src/lifecycle/registry.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/store.ts';

describe('device registry', () => {
  let store: Store;
  before(async () => {
    store = await openStore(':memory:', { kek: new Uint8Array(randomBytes(32)) });
  });
  after(() => store.close());

  async function onboardedDevice(): Promise<{ guid: Uint8Array; replacement: Uint8Array }> {
    const guid = new Uint8Array(randomBytes(16));
    const replacement = new Uint8Array(randomBytes(16));
    await store.transaction((r) => moveDevice(r, guid, 'onboarded', { replacementGuid: replacement }));
    return { guid, replacement };
  }

  test('decommissioning tells the other pillars once, by the original GUID; their failure is logged, not undone', async () => {
    const told: string[] = [];
    const logged: unknown[] = [];
    const registry = deviceRegistry({
      store,
      onDecommissioned: async (g, actor) => {
        told.push(`${g} ${actor}`);
        throw new Error('intent role down');
      },
      log: (_level, message, fields) => logged.push([message, fields.guid]),
    });
    const { guid, replacement } = await onboardedDevice();
    const d = await registry.setState(replacement, 'decommissioned', 'token:ops', 'end of life');
    assert.equal(d.state, 'decommissioned');
    const hex = Buffer.from(guid).toString('hex');
    assert.deepEqual(told, [`${hex} token:ops`]);
    assert.equal(logged.length, 1);
    assert.equal((await store.devices.get(guid))?.state, 'decommissioned');
  });

  test('a reason is required and bounded; labels are checked; an unknown GUID is ERR_DEVICE_NOT_FOUND', async () => {
    const registry = deviceRegistry({ store });
    const { guid } = await onboardedDevice();
    await assert.rejects(registry.setState(guid, 'suspended', 'token:ops', '  '), { code: 'ERR_DEVICE_REASON' });
    await assert.rejects(registry.setState(guid, 'suspended', 'token:ops', 'x'.repeat(1025)), { code: 'ERR_DEVICE_REASON' });
    assert.equal((await store.devices.get(guid))?.state, 'onboarded', 'nothing changed');
    await assert.rejects(registry.label(guid, 'tag', { add: ['a b'] }, 'token:ops'), { code: 'ERR_DEVICE_LABEL' });
    const many = Array.from({ length: 64 }, (_, i) => `t${i}`);
    assert.equal((await registry.label(guid, 'tag', { add: many }, 'token:ops')).tags.length, 64);
    await assert.rejects(registry.label(guid, 'tag', { add: ['one-more'] }, 'token:ops'), { code: 'ERR_DEVICE_LABEL' });
    await assert.rejects(registry.get(new Uint8Array(16)), { code: 'ERR_DEVICE_NOT_FOUND' });
  });

  test('the intent pillar quarantines and releases; a suspended device keeps its state through both', async () => {
    const registry = deviceRegistry({ store });
    const { guid } = await onboardedDevice();
    assert.equal((await registry.quarantined(guid, 'system', 'threshold')).state, 'quarantined');
    assert.equal((await registry.released(guid, 'token:ops', 'patched')).state, 'onboarded');
    await registry.setState(guid, 'suspended', 'token:ops', 'recall');
    assert.equal((await registry.quarantined(guid, 'system', 'threshold')).state, 'suspended');
    assert.equal((await registry.released(guid, 'token:ops', 'patched')).state, 'suspended');
    const audit = (await store.audit.list({ subject: Buffer.from(guid).toString('hex') })).items.map((a) => a.action);
    assert.deepEqual(audit, ['device.quarantined', 'device.released', 'device.suspended'], 'a change that keeps the state writes nothing');
  });
});
