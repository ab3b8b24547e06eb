/**
 * Violations seen by the firewall itself: the packets each device's default-deny rules dropped
 * (the Enforcer's drop counters), reported as violations of the ACL `default-deny` with no peer
 * known ("any"), so the quarantine threshold also counts what nftables refused.
 */
import type { ManagerCore } from './core.ts';
import { reportViolations } from './quarantine.ts';

/** The last counts read, per MAC; a device seen for the first time sets its baseline. */
export type DropBaseline = Map<string, { from: number; to: number }>;

const WATCHED = new Set(['enforced', 'default-deny']);

export async function pollDrops(core: ManagerCore, seen: DropBaseline, now: Date): Promise<number> {
  const read = core.o.enforcer.dropCounters;
  if (read === undefined) return 0;
  const counts = await read.call(core.o.enforcer);
  let reported = 0;
  for (const [mac, c] of counts) {
    const before = seen.get(mac);
    seen.set(mac, c);
    // A counter that went down was made again (the device's rules were replaced): a new baseline.
    if (before === undefined || c.from < before.from || c.to < before.to) continue;
    const flows = [
      { direction: 'from-device' as const, count: c.from - before.from },
      { direction: 'to-device' as const, count: c.to - before.to },
    ].filter((f) => f.count > 0);
    if (flows.length === 0) continue;
    const d = await core.o.store.intentDevices.get(mac);
    if (d === undefined || !WATCHED.has(d.state)) continue;
    await reportViolations(
      core,
      mac,
      flows.map((f) => ({ direction: f.direction, protocol: 0, peer: 'any', acl: 'default-deny', at: now, count: f.count })),
    );
    reported += flows.reduce((n, f) => n + f.count, 0);
  }
  for (const mac of [...seen.keys()]) if (!counts.has(mac)) seen.delete(mac);
  return reported;
}
