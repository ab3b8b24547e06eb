/**
 * The device registry: what operators and the other pillars do to a device record after
 * onboarding. Every state change goes through the state machine (device-states.ts) in one
 * transaction with its audit record (who, why, from, to); a refused change is ERR_DEVICE_TRANSITION.
 * A device is found by its original GUID or by the one TO2 gave it.
 */
import { IotopiaError } from '../errors.ts';
import { guidToHex } from '../fdo/types/guid.ts';
import { DEVICE_LABEL, type DeviceLabelKind, type DeviceRecord, MAX_DEVICE_LABELS } from '../store/device-repository.ts';
import type { Store } from '../store/store.ts';
import { type DeviceEvent, moveDevice } from './device-states.ts';

/** The states an operator sets; the others follow from onboarding, the device API and the intent pillar. */
export const OPERATOR_STATES = ['suspended', 'active', 'decommissioned'] as const;
export type OperatorState = (typeof OPERATOR_STATES)[number];

export const OPERATOR_EVENTS: Record<OperatorState, DeviceEvent> = {
  suspended: 'suspended',
  active: 'resumed',
  decommissioned: 'decommissioned',
};

/** The longest reason kept with a change. */
export const MAX_REASON_LENGTH = 1024;

export interface DeviceRegistryOptions {
  store: Store;
  /**
   * Told after a device was decommissioned (GUID, hex), to take away what other pillars hold for it
   * (its intent enforcement). A failure is logged and does not undo the decommissioning.
   */
  onDecommissioned?: (guid: string, actor: string) => Promise<void>;
  log?: (level: 'warn', message: string, fields: Record<string, unknown>) => void;
}

export interface LabelChange {
  add?: string[];
  remove?: string[];
}

export interface DeviceRegistry {
  /** The device with this original or replacement GUID; ERR_DEVICE_NOT_FOUND otherwise. */
  get(guid: Uint8Array): Promise<DeviceRecord>;
  /** An operator's change of state, with the reason. */
  setState(guid: Uint8Array, state: OperatorState, actor: string, reason: string): Promise<DeviceRecord>;
  /** Adds and removes tags or groups. */
  label(guid: Uint8Array, kind: DeviceLabelKind, change: LabelChange, actor: string): Promise<DeviceRecord>;
  /** The intent pillar quarantined or released the device. */
  quarantined(guid: Uint8Array, actor: string, reason: string): Promise<DeviceRecord>;
  released(guid: Uint8Array, actor: string, reason: string): Promise<DeviceRecord>;
}

function checkReason(reason: string): string {
  const r = reason.trim();
  if (r.length === 0) throw new IotopiaError('ERR_DEVICE_REASON', 'a change of state needs a reason');
  if (r.length > MAX_REASON_LENGTH) throw new IotopiaError('ERR_DEVICE_REASON', `a reason is at most ${MAX_REASON_LENGTH} characters`);
  return r;
}

function checkLabels(labels: string[]): void {
  for (const l of labels)
    if (!DEVICE_LABEL.test(l))
      throw new IotopiaError('ERR_DEVICE_LABEL', `${JSON.stringify(l)} is not a label (letters, digits and ._:- , at most 64)`);
}

export function deviceRegistry(o: DeviceRegistryOptions): DeviceRegistry {
  async function get(guid: Uint8Array): Promise<DeviceRecord> {
    const d = (await o.store.devices.get(guid)) ?? (await o.store.devices.getByReplacementGuid(guid));
    if (d === undefined) throw new IotopiaError('ERR_DEVICE_NOT_FOUND', `no device with GUID ${guidToHex(guid)}`);
    return d;
  }

  /** Applies `event` with its audit record in one transaction; resolves with the record afterwards. */
  async function move(guid: Uint8Array, event: DeviceEvent, actor: string, reason: string): Promise<DeviceRecord> {
    const why = checkReason(reason);
    const d = await get(guid);
    await o.store.transaction(async (r) => {
      const from = (await r.devices.get(d.guid))?.state ?? d.state;
      const to = await moveDevice(r, d.guid, event, { current: from });
      if (to !== from)
        await r.audit.append({ actor, action: `device.${event}`, subject: guidToHex(d.guid), details: { from, to, reason: why } });
    });
    return get(d.guid);
  }

  return {
    get,
    async setState(guid, state, actor, reason) {
      const after = await move(guid, OPERATOR_EVENTS[state], actor, reason);
      if (state === 'decommissioned' && o.onDecommissioned !== undefined) {
        try {
          await o.onDecommissioned(guidToHex(after.guid), actor);
        } catch (e) {
          o.log?.('warn', 'lifecycle: a pillar could not release a decommissioned device', {
            guid: guidToHex(after.guid),
            err: (e as Error).message,
          });
        }
      }
      return after;
    },
    async label(guid, kind, change, actor) {
      const add = change.add ?? [];
      const remove = change.remove ?? [];
      checkLabels([...add, ...remove]);
      const d = await get(guid);
      return o.store.transaction(async (r) => {
        // Read again inside the transaction, so two changes at once do not lose one another.
        const current = (await r.devices.get(d.guid)) ?? d;
        const now = kind === 'tag' ? current.tags : current.groups;
        const next = [...new Set([...now.filter((l) => !remove.includes(l)), ...add])];
        if (next.length > MAX_DEVICE_LABELS)
          throw new IotopiaError('ERR_DEVICE_LABEL', `a device has at most ${MAX_DEVICE_LABELS} ${kind}s`);
        const after = await r.devices.setLabels(d.guid, kind, next);
        await r.audit.append({ actor, action: `device.${kind}s`, subject: guidToHex(d.guid), details: { add, remove } });
        return after;
      });
    },
    quarantined: (guid, actor, reason) => move(guid, 'quarantined', actor, reason),
    released: (guid, actor, reason) => move(guid, 'released', actor, reason),
  };
}
