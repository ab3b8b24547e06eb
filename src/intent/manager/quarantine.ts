/**
 * Violations and quarantine: reported violations are stored; when a device's count reaches the
 * threshold it moves to its quarantine policy in one nft transaction. An operator releases it.
 */
import type { IntentDeviceRecord } from '../../store/intent-device-repository.ts';
import type { IntentQuarantineRecord } from '../../store/intent-quarantine-repository.ts';
import { IntentError } from '../errors.ts';
import { audit, getDevice, input, type ManagerCore } from './core.ts';
import { applyCurrent } from './refresh.ts';
import type { IntentViolationReport } from './types.ts';

export const DEFAULT_QUARANTINE_THRESHOLD = 10;

/** When an operator last released the device from quarantine (its quarantine actions are few). */
async function lastRelease(core: ManagerCore, mac: string): Promise<Date | undefined> {
  let last: Date | undefined;
  let after: string | undefined;
  do {
    const page = await core.o.store.intentQuarantine.list({ mac, limit: 100, ...(after === undefined ? {} : { after }) });
    for (const a of page.items) if (a.action === 'release') last = a.at;
    after = page.next;
  } while (after !== undefined);
  return last;
}

/**
 * Stores the reports and quarantines the device when its violations reach the threshold. Reports
 * last seen before the device's latest release are left out: they were judged against the policy
 * it had before (its quarantine policy), and the release cleared its violations.
 */
export async function reportViolations(core: ManagerCore, mac: string, reports: IntentViolationReport[]): Promise<IntentDeviceRecord> {
  const d = await getDevice(core, mac);
  const released = reports.length === 0 ? undefined : await lastRelease(core, d.mac);
  let added = 0;
  for (const r of reports) {
    if (released !== undefined && r.at <= released) continue;
    await core.o.store.intentViolations.record({
      mac: d.mac,
      direction: r.direction,
      protocol: r.protocol,
      peer: r.peer,
      peerPort: r.peerPort ?? 0,
      localPort: r.localPort ?? 0,
      acl: r.acl,
      at: r.at,
      ...(r.count === undefined ? {} : { count: r.count }),
    });
    added += r.count ?? 1;
  }
  core.o.metrics?.violations?.(added);
  const threshold = core.o.quarantine?.threshold ?? DEFAULT_QUARANTINE_THRESHOLD;
  if (threshold === 0 || d.state === 'quarantined' || d.state === 'removed') return d;
  const total = await core.o.store.intentViolations.total(d.mac);
  if (total < threshold) return d;
  await quarantine(core, d.mac, 'system', `${total} violations reach the quarantine threshold ${threshold}`);
  return getDevice(core, d.mac);
}

/** Moves the device to its quarantine policy (applied now, or by the lease holder at its next tick). */
export async function quarantine(core: ManagerCore, mac: string, actor: string, reason: string): Promise<IntentQuarantineRecord> {
  const d = await getDevice(core, mac);
  if (d.state === 'removed') throw new IntentError('ERR_INTENT_DEVICE_INPUT', 'mac', `device ${mac} is removed`);
  return move(core, d, 'quarantined', actor, reason);
}

/** Takes the device out of quarantine, back to its MUD file (or the never-good default); its violations are cleared. */
export async function release(core: ManagerCore, mac: string, actor: string, reason: string): Promise<IntentQuarantineRecord> {
  const d = await getDevice(core, mac);
  if (d.state !== 'quarantined') throw new IntentError('ERR_INTENT_DEVICE_INPUT', 'mac', `device ${mac} is not quarantined`);
  await core.o.store.intentViolations.clear(d.mac);
  return move(core, d, d.mud === undefined ? 'pending' : 'enforced', actor, reason);
}

async function move(
  core: ManagerCore,
  d: IntentDeviceRecord,
  state: 'quarantined' | 'enforced' | 'pending',
  actor: string,
  reason: string,
): Promise<IntentQuarantineRecord> {
  const action = state === 'quarantined' ? 'quarantine' : 'release';
  const moved = await core.o.store.intentDevices.put({ ...input(d), state, ...(core.leader ? {} : { dueAt: core.now() }) });
  // A failed apply is stored on the device by applyCurrent and retried at its due time.
  if (core.leader) await applyCurrent(core, moved, actor);
  const record = await core.o.store.intentQuarantine.append({ mac: d.mac, action, actor, reason: reason.slice(0, 1024) });
  await audit(core, actor, `intent.device.${action === 'quarantine' ? 'quarantined' : 'released'}`, d.mac, { reason });
  core.log('warn', `intent: device ${action === 'quarantine' ? 'quarantined' : 'released'}`, { mac: d.mac, actor, reason });
  if (d.guid !== undefined && core.o.onQuarantine !== undefined) {
    try {
      await core.o.onQuarantine(d.guid, action, actor, reason === '' ? `intent ${action}` : reason);
    } catch (e) {
      core.log('warn', 'intent: the device record did not follow the quarantine', { mac: d.mac, err: (e as Error).message });
    }
  }
  return record;
}
