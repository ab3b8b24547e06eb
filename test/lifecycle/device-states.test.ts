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
const ALL: readonly (DeviceState | typeof NO_DEVICE)[] = [NO_DEVICE, 'manufactured', 'owned', 'registered', 'onboarded', 'resold'];

const EXPECTED: Record<DeviceEvent, Partial<Record<DeviceState | typeof NO_DEVICE, DeviceState | 'keep'>>> = {
  manufactured: { absent: 'manufactured' },
  owned: { absent: 'owned', manufactured: 'owned', owned: 'owned', registered: 'owned', onboarded: 'owned', resold: 'owned' },
  registered: { owned: 'registered', manufactured: 'keep', registered: 'keep', onboarded: 'keep', resold: 'keep' },
  onboarded: { absent: 'onboarded', manufactured: 'onboarded', owned: 'onboarded', registered: 'onboarded', onboarded: 'onboarded' },
  resold: { manufactured: 'resold', owned: 'resold', registered: 'resold', onboarded: 'resold' },
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
  });
});
