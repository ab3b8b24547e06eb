/**
 * MUD enforcement of the model's devices: the MUD manager's records (one per MAC, carrying the
 * device's GUID once onboarded), their violations and quarantines within a window. Each list is
 * read once in pages and filtered here, since the intent tables are keyed by MAC, not by model.
 */
import type { IntentDeviceRecord } from '../../../store/intent-device-repository.ts';
import type { IntentFacts } from '../evidence-facts.ts';
import { MAX_EXAMPLES } from '../evidence-facts.ts';
import type { EvidenceStore } from '../evidence-ports.ts';
import type { Member } from './collect-devices.ts';
import { allItems, keep, PAGE } from './paged.ts';

const page = (after: string | undefined) => ({ limit: PAGE, ...(after === undefined ? {} : { after }) });

/** The MUD manager's records of the model's devices, by the member they belong to. */
export async function intentRecords(store: EvidenceStore, byGuid: ReadonlyMap<string, Member>): Promise<Map<Member, IntentDeviceRecord[]>> {
  const out = new Map<Member, IntentDeviceRecord[]>();
  for await (const d of allItems((after) => store.intentDevices.list(page(after)))) {
    const member = d.guid === undefined ? undefined : byGuid.get(d.guid);
    if (member === undefined || d.state === 'removed') continue;
    const list = out.get(member);
    if (list === undefined) out.set(member, [d]);
    else list.push(d);
  }
  return out;
}

interface Window {
  from: Date;
  to: Date;
}

export async function collectIntent(
  store: EvidenceStore,
  members: Iterable<Member>,
  records: ReadonlyMap<Member, IntentDeviceRecord[]>,
  window: Window,
): Promise<IntentFacts> {
  const facts: IntentFacts = {
    known: 0,
    enforced: 0,
    quarantined: 0,
    notEnforcedExamples: [],
    quarantinedExamples: [],
    window,
    violations: 0,
    devicesWithViolations: 0,
    quarantines: 0,
  };
  const macs = new Map<string, Member>();
  for (const m of members) {
    if (!m.inService) continue;
    const list = records.get(m) ?? [];
    for (const d of list) macs.set(d.mac, m);
    if (list.length > 0) facts.known++;
    if (list.some((d) => d.state === 'quarantined')) {
      facts.quarantined++;
      keep(facts.quarantinedExamples, m.guid, MAX_EXAMPLES);
    }
    // Enforced: every interface of the device runs its MUD policy (or its quarantine).
    if (list.length > 0 && list.every((d) => d.state === 'enforced' || d.state === 'quarantined')) facts.enforced++;
    else keep(facts.notEnforcedExamples, m.guid, MAX_EXAMPLES);
  }
  await history(store, macs, window, facts);
  return facts;
}

async function history(store: EvidenceStore, macs: ReadonlyMap<string, Member>, w: Window, facts: IntentFacts): Promise<void> {
  if (macs.size === 0) return;
  const violating = new Set<Member>();
  for await (const v of allItems((after) => store.intentViolations.list(page(after)))) {
    const m = macs.get(v.mac);
    if (m === undefined || v.lastSeen < w.from || v.firstSeen > w.to) continue;
    facts.violations += v.count;
    violating.add(m);
  }
  facts.devicesWithViolations = violating.size;
  for await (const q of allItems((after) => store.intentQuarantine.list(page(after)))) {
    if (q.action === 'quarantine' && macs.has(q.mac) && q.at >= w.from && q.at <= w.to) facts.quarantines++;
  }
}
