/**
 * The device state machine: every change of a device record's state goes through this table.
 * States are described on `DeviceState`; the events are what happened to the device:
 *
 * | event            | from                                                                       | to               |
 * |------------------|----------------------------------------------------------------------------|------------------|
 * | `manufactured`   | (none)                                                                     | `manufactured`   |
 * | `sold`           | `manufactured`; kept in every later state                                  | `sold`           |
 * | `owned`          | (none), `manufactured`, `sold`, `owned`, `registered`, `onboarded`, `resold`; kept in `active`, `quarantined`, `suspended`, `decommissioned` | `owned` |
 * | `registered`     | `owned`; kept in every other state                                         | `registered`     |
 * | `onboarded`      | (none), `manufactured`, `sold`, `owned`, `registered`, `onboarded`, `active` | `onboarded`    |
 * | `activated`      | `onboarded`; kept in `active`                                              | `active`         |
 * | `quarantined`    | `onboarded`, `active`; kept in `quarantined`, `suspended`, `decommissioned` | `quarantined`   |
 * | `released`       | `quarantined`; kept in `onboarded`, `active`, `suspended`, `decommissioned` | back (below)    |
 * | `suspended`      | `onboarded`, `active`, `quarantined`; kept in `suspended`                  | `suspended`      |
 * | `resumed`        | `suspended`                                                                | back (below)     |
 * | `decommissioned` | every state; kept in `decommissioned`                                      | `decommissioned` |
 * | `resold`         | `manufactured`, `owned`, `registered`, `onboarded`, `active`, `quarantined`, `suspended`, `decommissioned` | `resold` |
 *
 * `released` and `resumed` lead back to `active` for a device that has reached the device API
 * (`activatedAt`), otherwise to `onboarded`. A state under `keeps` takes the event without
 * changing; any other state refuses it with ERR_DEVICE_TRANSITION. A device that is quarantined,
 * suspended, decommissioned or resold cannot run TO2 here again (its outcome rolls back).
 */
import { IotopiaError } from '../errors.ts';
import { guidToHex } from '../fdo/types/guid.ts';
import type { DeviceState, OnboardInfo } from '../store/device-repository.ts';
import type { Repositories } from '../store/store.ts';

export type DeviceEvent =
  | 'manufactured'
  | 'sold'
  | 'owned'
  | 'registered'
  | 'onboarded'
  | 'activated'
  | 'quarantined'
  | 'released'
  | 'suspended'
  | 'resumed'
  | 'decommissioned'
  | 'resold';

/** No device record yet for the GUID. */
export const NO_DEVICE = 'absent';
type From = DeviceState | typeof NO_DEVICE;

export interface DeviceTransition {
  from: readonly From[];
  to: DeviceState;
  /** The state instead of `to` for a device that has reached the device API. */
  toOnceActive?: DeviceState;
  keeps?: readonly DeviceState[];
}

export const DEVICE_STATES: readonly DeviceState[] = [
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

const IN_SERVICE: readonly DeviceState[] = ['active', 'quarantined', 'suspended'];

export const DEVICE_TRANSITIONS: Readonly<Record<DeviceEvent, DeviceTransition>> = Object.freeze({
  manufactured: { from: [NO_DEVICE], to: 'manufactured' },
  sold: { from: ['manufactured'], to: 'sold', keeps: DEVICE_STATES.filter((s) => s !== 'manufactured') },
  owned: {
    from: [NO_DEVICE, 'manufactured', 'sold', 'owned', 'registered', 'onboarded', 'resold'],
    to: 'owned',
    keeps: [...IN_SERVICE, 'decommissioned'],
  },
  registered: { from: ['owned'], to: 'registered', keeps: DEVICE_STATES.filter((s) => s !== 'owned') },
  onboarded: { from: [NO_DEVICE, 'manufactured', 'sold', 'owned', 'registered', 'onboarded', 'active'], to: 'onboarded' },
  activated: { from: ['onboarded'], to: 'active', keeps: ['active'] },
  quarantined: { from: ['onboarded', 'active'], to: 'quarantined', keeps: ['quarantined', 'suspended', 'decommissioned'] },
  released: {
    from: ['quarantined'],
    to: 'onboarded',
    toOnceActive: 'active',
    keeps: ['onboarded', 'active', 'suspended', 'decommissioned'],
  },
  suspended: { from: ['onboarded', 'active', 'quarantined'], to: 'suspended', keeps: ['suspended'] },
  resumed: { from: ['suspended'], to: 'onboarded', toOnceActive: 'active' },
  decommissioned: { from: DEVICE_STATES.filter((s) => s !== 'decommissioned'), to: 'decommissioned', keeps: ['decommissioned'] },
  resold: {
    from: ['manufactured', 'owned', 'registered', 'onboarded', ...IN_SERVICE, 'decommissioned'],
    to: 'resold',
  },
});

export class DeviceTransitionError extends IotopiaError {
  readonly event: DeviceEvent;
  readonly state: From;

  constructor(event: DeviceEvent, state: From, guid: Uint8Array) {
    super('ERR_DEVICE_TRANSITION', `device ${guidToHex(guid)} is ${state}: it cannot become ${DEVICE_TRANSITIONS[event].to} (${event})`);
    this.event = event;
    this.state = state;
  }
}

/**
 * The state `event` leads to from `state` (`activated`: the device has reached the device API), or
 * undefined when the event keeps it; throws when not allowed.
 */
export function deviceTransition(event: DeviceEvent, state: From, guid: Uint8Array, activated = false): DeviceState | undefined {
  const t = DEVICE_TRANSITIONS[event];
  if (state !== NO_DEVICE && t.keeps?.includes(state)) return undefined;
  if (!t.from.includes(state)) throw new DeviceTransitionError(event, state, guid);
  return activated ? (t.toOnceActive ?? t.to) : t.to;
}

/**
 * Applies `event` to the device record inside a transaction. `onboarded` also records the GUID TO2
 * gave the device, the GUID it ran that TO2 with (`ranWith`, when not the record's), and what TO2
 * learned of it (`info`). `current` is the state the caller read in this transaction, to spare a second
 * read. Resolves with the state afterwards.
 */
export async function moveDevice(
  r: Repositories,
  guid: Uint8Array,
  event: DeviceEvent,
  o: { replacementGuid?: Uint8Array; current?: From; info?: OnboardInfo; ranWith?: Uint8Array } = {},
): Promise<DeviceState> {
  const t = DEVICE_TRANSITIONS[event];
  // An event from every state (and none) needs no read: the table cannot refuse it.
  const any = t.from.includes(NO_DEVICE) && DEVICE_STATES.every((state) => t.from.includes(state));
  const record = any || (o.current !== undefined && t.toOnceActive === undefined) ? undefined : await r.devices.get(guid);
  const current = any ? undefined : (o.current ?? record?.state ?? NO_DEVICE);
  const to = current === undefined ? t.to : deviceTransition(event, current, guid, record?.activatedAt !== undefined);
  if (to === undefined) return current as DeviceState;
  if (event === 'onboarded') {
    if (o.replacementGuid === undefined) throw new TypeError('moveDevice: onboarded needs the replacement GUID');
    if (current === NO_DEVICE) await r.devices.upsert({ guid, state: 'owned' });
    await r.devices.markOnboarded(guid, o.replacementGuid, o.info, o.ranWith);
    return to;
  }
  await r.devices.upsert({ guid, state: to });
  return to;
}
