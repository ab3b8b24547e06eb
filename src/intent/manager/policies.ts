/**
 * The resolved policies of every device whose rules the firewall holds now, as the verdict engine
 * needs them to judge live traffic the way the nftables ruleset does. They are made again only
 * after the firewall changed: the same list (the same array) is returned until then.
 */
import type { ResolvedPolicy } from '../resolve-types.ts';
import type { ManagerCore } from './core.ts';
import { desiredPolicy } from './enforce.ts';
import { peerMaps } from './peers.ts';

/** States whose rules are in the firewall; 'failed' keeps the last good enforcement. */
const RULED = new Set(['enforced', 'default-deny', 'quarantined', 'failed']);

const made = new WeakMap<ManagerCore, { changes: number; policies: ResolvedPolicy[] }>();

export async function currentPolicies(core: ManagerCore): Promise<ResolvedPolicy[]> {
  const hit = made.get(core);
  if (hit !== undefined && hit.changes === core.firewallChanges) return hit.policies;
  const changes = core.firewallChanges;
  const policies = await makePolicies(core);
  made.set(core, { changes, policies });
  return policies;
}

async function makePolicies(core: ManagerCore): Promise<ResolvedPolicy[]> {
  const peers = await peerMaps(core.o.store);
  const out: ResolvedPolicy[] = [];
  let after: string | undefined;
  do {
    const page = await core.o.store.intentDevices.list({ limit: 1000, ...(after === undefined ? {} : { after }) });
    for (const d of page.items) {
      if (!RULED.has(d.state)) continue;
      try {
        const { compiled } = desiredPolicy(core, d, peers);
        if (compiled !== undefined) out.push(compiled.policy);
      } catch (e) {
        core.log('warn', 'intent: a device policy does not compile for the traffic watch', { mac: d.mac, err: (e as Error).message });
      }
    }
    after = page.next;
  } while (after !== undefined);
  return out;
}
