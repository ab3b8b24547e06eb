/**
 * What the intent pillar knows of one onboarded device, found by its FDO GUID: each intent record
 * carrying that GUID (one per MAC) with its enforcement state, its last good MUD file described in
 * plain words (describeMud), its most recent flows (accepted and dropped) and its most recent
 * violations. Reads only; the MUD manager changes.
 */
import { describeMud, type RuleRow } from '../mud/describe/describe.ts';
import { parseMud } from '../mud/validate/parse-mud.ts';
import type { IntentDeviceRecord, IntentDeviceRepository } from '../store/intent-device-repository.ts';
import type { IntentFlowRecord, IntentFlowRepository } from '../store/intent-flow-repository.ts';
import type { IntentViolationRecord, IntentViolationRepository } from '../store/intent-violation-repository.ts';

/** How many violations each record shows at most (the per-MAC route pages through all of them). */
export const RECENT_VIOLATIONS = 20;

/** How many recent flows each record shows at most (the per-MAC route shows up to the stored bound). */
export const RECENT_FLOWS = 50;

export interface DescribedPolicy {
  sentences: string[];
  rows: RuleRow[];
}

export interface DeviceIntentEntry {
  device: IntentDeviceRecord;
  /** The last good file in plain words; undefined when the device has none or it no longer reads. */
  policy?: DescribedPolicy;
  /** The most recent flows, accepted or dropped, last seen first, at most RECENT_FLOWS. */
  flows: IntentFlowRecord[];
  /** The most recent violations, last seen first, at most RECENT_VIOLATIONS. */
  violations: IntentViolationRecord[];
  /** The sum of the counts of all its violations. */
  violationTotal: number;
}

export interface DeviceIntentStore {
  intentDevices: Pick<IntentDeviceRepository, 'findByGuid'>;
  intentViolations: Pick<IntentViolationRepository, 'list' | 'total'>;
  intentFlows: Pick<IntentFlowRepository, 'recent'>;
}

function describe(d: IntentDeviceRecord): DescribedPolicy | undefined {
  if (d.mud === undefined) return undefined;
  // The manager accepted the file leniently; it reads it the same way.
  const parsed = parseMud(d.mud.json, { lenient: true });
  if (parsed.mud === undefined) return undefined;
  const { sentences, rows } = describeMud(parsed.mud);
  return { sentences, rows };
}

/** Reads at most this many violation records of one MAC to pick the most recent. */
const VIOLATION_SCAN = 1000;

async function recentViolations(store: DeviceIntentStore, mac: string): Promise<IntentViolationRecord[]> {
  const page = await store.intentViolations.list({ mac, limit: VIOLATION_SCAN });
  return page.items.sort((a, b) => b.lastSeen.getTime() - a.lastSeen.getTime()).slice(0, RECENT_VIOLATIONS);
}

/** The intent records of the devices carrying any of `guids` (lowercase hex), in MAC order. */
export async function deviceIntent(store: DeviceIntentStore, guids: readonly string[]): Promise<DeviceIntentEntry[]> {
  const seen = new Set<string>();
  const entries: DeviceIntentEntry[] = [];
  for (const guid of guids)
    for (const device of await store.intentDevices.findByGuid(guid)) {
      if (seen.has(device.mac)) continue;
      seen.add(device.mac);
      const [flows, violations, violationTotal] = await Promise.all([
        store.intentFlows.recent(device.mac, RECENT_FLOWS),
        recentViolations(store, device.mac),
        store.intentViolations.total(device.mac),
      ]);
      const policy = describe(device);
      entries.push({ device, ...(policy === undefined ? {} : { policy }), flows, violations, violationTotal });
    }
  return entries.sort((a, b) => (a.device.mac < b.device.mac ? -1 : 1));
}

/** The MACs of the intent records carrying any of `guids` (lowercase hex): the intent pillar's audit subjects of the device. */
export async function intentMacs(store: Pick<DeviceIntentStore, 'intentDevices'>, guids: readonly string[]): Promise<string[]> {
  const macs = new Set<string>();
  for (const guid of guids) for (const d of await store.intentDevices.findByGuid(guid)) macs.add(d.mac);
  return [...macs].sort();
}
