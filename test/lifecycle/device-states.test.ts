import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  DEVICE_TRANSITIONS,
  type DeviceEvent,
  DeviceTransitionError,
  deviceTransition,
  moveDevice,
  NO_DEVICE,
} from '../../src/lifecycle/device-states.ts';
import type { DeviceState } from '../../src/store/device-repository.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/store.ts';

const GUID = new Uint8Array(16).fill(9);
const ALL: readonly (DeviceState | typeof NO_DEVICE)[] = [
  NO_DEVICE,
  'manufactured',
  'sold',
  'owned',
  'registered',
  'onboarded',
  'active',
  'quarantined',
  'suspended',
  'decommissioned',
  'resold',
];

type Row = Partial<Record<DeviceState | typeof NO_DEVICE, DeviceState | 'keep'>>;
/** What each event does from each state, for a device that has not reached the device API. */
const EXPECTED: Record<DeviceEvent, Row> = {
  manufactured: { absent: 'manufactured' },
  sold: {
    manufactured: 'sold',
    sold: 'keep',
    owned: 'keep',
    registered: 'keep',
    onboarded: 'keep',
    active: 'keep',
    quarantined: 'keep',
    suspended: 'keep',
    decommissioned: 'keep',
    resold: 'keep',
  },
  owned: {
    absent: 'owned',
    manufactured: 'owned',
    sold: 'owned',
    owned: 'owned',
    registered: 'owned',
    onboarded: 'owned',
    resold: 'owned',
    active: 'keep',
    quarantined: 'keep',
    suspended: 'keep',
    decommissioned: 'keep',
  },
  registered: {
    owned: 'registered',
    manufactured: 'keep',
    sold: 'keep',
    registered: 'keep',
    onboarded: 'keep',
    active: 'keep',
    quarantined: 'keep',
    suspended: 'keep',
    decommissioned: 'keep',
    resold: 'keep',
  },
  onboarded: {
    absent: 'onboarded',
    manufactured: 'onboarded',
    sold: 'onboarded',
    owned: 'onboarded',
    registered: 'onboarded',
    onboarded: 'onboarded',
    active: 'onboarded',
  },
  activated: { onboarded: 'active', active: 'keep' },
  quarantined: { onboarded: 'quarantined', active: 'quarantined', quarantined: 'keep', suspended: 'keep', decommissioned: 'keep' },
  released: { quarantined: 'onboarded', onboarded: 'keep', active: 'keep', suspended: 'keep', decommissioned: 'keep' },
  suspended: { onboarded: 'suspended', active: 'suspended', quarantined: 'suspended', suspended: 'keep' },
  resumed: { suspended: 'onboarded' },
  decommissioned: {
    manufactured: 'decommissioned',
    sold: 'decommissioned',
    owned: 'decommissioned',
    registered: 'decommissioned',
    onboarded: 'decommissioned',
    active: 'decommissioned',
    quarantined: 'decommissioned',
    suspended: 'decommissioned',
    resold: 'decommissioned',
    decommissioned: 'keep',
  },
  resold: {
    manufactured: 'resold',
    owned: 'resold',
    registered: 'resold',
    onboarded: 'resold',
    active: 'resold',
    quarantined: 'resold',
    suspended: 'resold',
    decommissioned: 'resold',
  },
};

describe('device state machine', () => {
  for (const event of Object.keys(DEVICE_TRANSITIONS) as DeviceEvent[]) {
    test(`${event}: allowed from exactly the listed states, refused from every other`, () => {
      for (const state of ALL) {
        const want = EXPECTED[event][state];
        if (want === undefined) {
          assert.throws(
            () => deviceTransition(event, state, GUID),
            (e: unknown) => e instanceof DeviceTransitionError && e.code === 'ERR_DEVICE_TRANSITION' && e.state === state,
            `${event} from ${state}`,
          );
        } else {
          assert.equal(deviceTransition(event, state, GUID), want === 'keep' ? undefined : want, `${event} from ${state}`);
        }
      }
    });
  }

  test('released and resumed lead back to active once the device has reached the device API', () => {
    assert.equal(deviceTransition('released', 'quarantined', GUID, true), 'active');
    assert.equal(deviceTransition('resumed', 'suspended', GUID, true), 'active');
    assert.equal(deviceTransition('suspended', 'active', GUID, true), 'suspended');
  });

  describe('on a store', () => {
    let store: Store;
    before(async () => {
      store = await openStore(':memory:', { kek: new Uint8Array(randomBytes(32)) });
    });
    after(() => store.close());

    test('from DI to resale; onboarded records the replacement GUID; resold devices cannot onboard', async () => {
      const guid = new Uint8Array(randomBytes(16));
      const replacementGuid = new Uint8Array(randomBytes(16));
      await store.transaction((r) => moveDevice(r, guid, 'manufactured'));
      await assert.rejects(
        store.transaction((r) => moveDevice(r, guid, 'manufactured')),
        { code: 'ERR_DEVICE_TRANSITION' },
      );
      await store.transaction((r) => moveDevice(r, guid, 'owned'));
      await store.transaction((r) => moveDevice(r, guid, 'registered'));
      await store.transaction((r) => moveDevice(r, guid, 'onboarded', { replacementGuid }));
      const onboarded = await store.devices.get(guid);
      assert.equal(onboarded?.state, 'onboarded');
      assert.deepEqual(onboarded?.replacementGuid, replacementGuid);
      await store.transaction((r) => moveDevice(r, guid, 'resold'));
      await assert.rejects(
        store.transaction((r) => moveDevice(r, guid, 'onboarded', { replacementGuid })),
        { code: 'ERR_DEVICE_TRANSITION' },
      );
      assert.equal((await store.devices.get(guid))?.state, 'resold');
    });

    test('in service: activated sets activatedAt; suspended and resumed return to active; decommissioned cannot onboard', async () => {
      const guid = new Uint8Array(randomBytes(16));
      const replacementGuid = new Uint8Array(randomBytes(16));
      await store.transaction((r) => moveDevice(r, guid, 'onboarded', { replacementGuid }));
      assert.equal((await store.devices.get(guid))?.activatedAt, undefined);
      await store.transaction((r) => moveDevice(r, guid, 'activated'));
      const active = await store.devices.get(guid);
      assert.equal(active?.state, 'active');
      assert.ok(active?.activatedAt instanceof Date);
      await store.transaction((r) => moveDevice(r, guid, 'suspended'));
      assert.equal(await store.transaction((r) => moveDevice(r, guid, 'resumed')), 'active');
      await store.transaction((r) => moveDevice(r, guid, 'quarantined'));
      assert.equal(await store.transaction((r) => moveDevice(r, guid, 'released')), 'active');
      await store.transaction((r) => moveDevice(r, guid, 'decommissioned'));
      await assert.rejects(
        store.transaction((r) => moveDevice(r, guid, 'onboarded', { replacementGuid })),
        { code: 'ERR_DEVICE_TRANSITION' },
      );
      const kept = await store.devices.get(guid);
      assert.equal(kept?.state, 'decommissioned');
      assert.equal(kept?.activatedAt?.getTime(), active?.activatedAt?.getTime(), 'the record is kept');
    });
  });
});
