/**
 * DNS snooping (docs/intent.md, "Watching live traffic"): the answers a device received, seen in the
 * gateway's capture, add addresses to the names of its MUD file, as gateways that enforce names do.
 * A device connects to the address it was told, which may not be one the manager's own resolver
 * returned (round-robin, geo-DNS). Learned addresses are kept beside the resolver's until the name's
 * next re-resolution; only names the file uses are learned, and the device's rules change only when
 * a name gains an address.
 */
import type { IntentDeviceRecord, IntentResolvedName } from '../../store/intent-device-repository.ts';
import { input, lastGoodFile, type ManagerCore } from './core.ts';
import { MAX_NAME_TTL_SECONDS, MIN_NAME_TTL_SECONDS, mudNames } from './names.ts';
import { applyCurrent } from './refresh.ts';

/** Addresses a device was told for a name, with the answer's TTL (seconds). */
export interface SnoopedName {
  name: string;
  addresses: string[];
  ttl: number;
}

/** At most this many addresses per name: a flood of answers cannot grow a device's sets without end. */
export const MAX_LEARNED_ADDRESSES = 64;

const key = (name: string) => name.toLowerCase().replace(/\.$/, '');

function merged(prev: IntentResolvedName | undefined, s: SnoopedName, now: Date): IntentResolvedName | undefined {
  const before = prev?.addresses ?? [];
  const addresses = [...new Set([...before, ...s.addresses])].sort().slice(0, MAX_LEARNED_ADDRESSES);
  if (addresses.length === before.length && addresses.every((a, i) => a === before[i])) return undefined;
  const ttl = Math.min(MAX_NAME_TTL_SECONDS, Math.max(MIN_NAME_TTL_SECONDS, s.ttl));
  // The resolver's schedule stays: a learned address lives until the name is re-resolved.
  return { name: key(s.name), addresses, expiresAt: prev?.expiresAt ?? new Date(now.getTime() + ttl * 1000) };
}

export async function learnNames(core: ManagerCore, mac: string, snooped: SnoopedName[]): Promise<IntentDeviceRecord | undefined> {
  const d = await core.o.store.intentDevices.get(mac);
  if (d === undefined || d.state === 'removed') return d;
  const file = lastGoodFile(core, d);
  if (file === undefined) return d;
  const wanted = new Set(mudNames(file));
  const names = [...d.names];
  const now = core.now();
  const learned: string[] = [];
  for (const s of snooped) {
    if (!wanted.has(key(s.name))) continue;
    const at = names.findIndex((n) => n.name === key(s.name));
    const next = merged(names[at], s, now);
    if (next === undefined) continue;
    if (at < 0) names.push(next);
    else names[at] = next;
    learned.push(next.name);
  }
  if (learned.length === 0) return d;
  const saved = await core.o.store.intentDevices.put({ ...input(d), names, ...(core.leader ? {} : { dueAt: now }) });
  core.log('info', 'intent: addresses learned from DNS answers to the device', { mac, names: learned });
  return core.leader ? applyCurrent(core, saved, 'system') : saved;
}
