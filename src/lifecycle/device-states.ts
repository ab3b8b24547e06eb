/**
 * The device state machine: every change of a device record's state goes through this table.
 * States are described on `DeviceState`; the events are what happened to the device:
 *
 * | event          | from                                               | to             |
 * |----------------|----------------------------------------------------|----------------|
 * | `manufactured` | (none)                                             | `manufactured` |
 * | `owned`        | (none) or any (an owner imported its voucher)      | `owned`        |
 * | `registered`   | `owned`; kept in every other state                 | `registered`   |
 * | `onboarded`    | (none), `manufactured`, `owned`, `registered`, `onboarded` | `onboarded` |
 * | `resold`       | `manufactured`, `owned`, `registered`, `onboarded` | `resold`       |
 *
 * A state under `keeps` takes the event without changing; any other state refuses it with
 * ERR_DEVICE_TRANSITION.
 */
import { IotopiaError } from '../errors.ts';
import { guidToHex } from '../fdo/types/guid.ts';
import type { DeviceState, OnboardInfo } from '../store/device-repository.ts';
import type { Repositories } from '../store/store.ts';

export type DeviceEvent = 'manufactured' | 'owned' | 'registered' | 'onboarded' | 'resold';

/** No device record yet for the GUID. */
export const NO_DEVICE = 'absent';
type From = DeviceState | typeof NO_DEVICE;

export interface DeviceTransition {
  from: readonly From[];
  to: DeviceState;
  keeps?: readonly DeviceState[];
}

export const DEVICE_STATES: readonly DeviceState[] = ['manufactured', 'owned', 'registered', 'onboarded', 'resold'];

export const DEVICE_TRANSITIONS: Readonly<Record<DeviceEvent, DeviceTransition>> = Object.freeze({
  manufactured: { from: [NO_DEVICE], to: 'manufactured' },
  owned: { from: [NO_DEVICE, ...DEVICE_STATES], to: 'owned' },
  registered: { from: ['owned'], to: 'registered', keeps: ['manufactured', 'registered', 'onboarded', 'resold'] },
  onboarded: { from: [NO_DEVICE, 'manufactured', 'owned', 'registered', 'onboarded'], to: 'onboarded' },
  resold: { from: ['manufactured', 'owned', 'registered', 'onboarded'], to: 'resold' },
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

/** The state `event` leads to from `state`, or undefined when the event keeps it; throws when not allowed. */
export function deviceTransition(event: DeviceEvent, state: From, guid: Uint8Array): DeviceState | undefined {
  const t = DEVICE_TRANSITIONS[event];
  if (state !== NO_DEVICE && t.keeps?.includes(state)) return undefined;
  if (!t.from.includes(state)) throw new DeviceTransitionError(event, state, guid);
  return t.to;
}

/**
 * Applies `event` to the device record inside a transaction. `onboarded` also records the GUID TO2
 * gave the device and what TO2 learned of it (`info`). `current` is the state the caller read in this transaction, to spare a second
 * read. Resolves with the state afterwards.
 */
export async function moveDevice(
  r: Repositories,
  guid: Uint8Array,
  event: DeviceEvent,
  o: { replacementGuid?: Uint8Array; current?: From; info?: OnboardInfo } = {},
): Promise<DeviceState> {
  const t = DEVICE_TRANSITIONS[event];
  // An event from every state (and none) needs no read: the table cannot refuse it.
  const any = t.from.includes(NO_DEVICE) && DEVICE_STATES.every((state) => t.from.includes(state));
  const current = any ? undefined : (o.current ?? (await r.devices.get(guid))?.state ?? NO_DEVICE);
  const to = current === undefined ? t.to : deviceTransition(event, current, guid);
  if (to === undefined) return current as DeviceState;
  if (event === 'onboarded') {
    if (o.replacementGuid === undefined) throw new TypeError('moveDevice: onboarded needs the replacement GUID');
    if (current === NO_DEVICE) await r.devices.upsert({ guid, state: 'owned' });
    await r.devices.markOnboarded(guid, o.replacementGuid, o.info);
    return to;
  }
  await r.devices.upsert({ guid, state: to });
  return to;
}
