/**
 * The devices a campaign starts with: the registry's devices its query matches, or those of its
 * GUID list that the registry knows (by original GUID), among those that can reach the device API
 * (onboarded, active or quarantined: a suspended or decommissioned device is never targeted, as
 * it would hold its wave back forever). GUIDs are returned as hex, original GUIDs.
 */
import { guidToHex } from '../../fdo/types/guid.ts';
import type { CampaignRecord } from '../../store/campaign-repository.ts';
import type { DeviceRecord } from '../../store/device-repository.ts';
import type { Store } from '../../store/store.ts';
import { targetPredicate } from './target.ts';

/** The device states a campaign targets. */
export const TARGETED_STATES: readonly DeviceRecord['state'][] = ['onboarded', 'active', 'quarantined'];

const reachable = (d: DeviceRecord) => TARGETED_STATES.includes(d.state);

export async function selectTargets(store: Store, c: CampaignRecord): Promise<string[]> {
  if (c.targetGuids !== undefined) {
    const found: string[] = [];
    for (const g of c.targetGuids) {
      const d = await store.devices.get(new Uint8Array(Buffer.from(g, 'hex')));
      if (d !== undefined && reachable(d)) found.push(guidToHex(d.guid));
    }
    return found;
  }
  const matches = targetPredicate(c.targetQuery ?? '');
  const out: string[] = [];
  let after: string | undefined;
  do {
    const page = await store.devices.list({ limit: 500, ...(after === undefined ? {} : { after }) });
    for (const d of page.items) if (reachable(d) && matches(d)) out.push(guidToHex(d.guid));
    after = page.next;
  } while (after !== undefined);
  return out;
}
