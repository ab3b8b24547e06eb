/**
 * The resolved policies of every device whose rules the firewall holds now, as the verdict engine
 * needs them to judge live traffic the way the nftables ruleset does.
 */
import type { ResolvedPolicy } from '../resolve-types.ts';
import type { ManagerCore } from './core.ts';
import { desiredPolicy } from './enforce.ts';
import { peerMaps } from './peers.ts';

/** States whose rules are in the firewall; 'failed' keeps the last good enforcement. */
const RULED = new Set(['enforced', 'default-deny', 'quarantined', 'failed']);

export async function currentPolicies(core: ManagerCore): Promise<ResolvedPolicy[]> {
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
