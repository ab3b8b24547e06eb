/**
 * Devices whose product's defined support period has ended (support.ts says when), of products
 * whose support ended, listed by model and then GUID. Decommissioned and resold devices are left
 * out (owned-devices.ts).
 */
import type { ProductDeps } from './context.ts';
import { ownedDevicesOf } from './owned-devices.ts';
import { isOutOfSupport, supportDay } from './support.ts';

export interface OutOfSupportDevice {
  guid: string;
  model: string;
  supportEnd: string;
  state?: string;
}

export async function outOfSupport(d: ProductDeps, now: Date): Promise<OutOfSupportDevice[]> {
  const out: OutOfSupportDevice[] = [];
  for (const p of await d.store.products.supportEndedBefore(supportDay(now))) {
    if (p.supportEnd === undefined || !isOutOfSupport(p.supportEnd, now)) continue;
    for await (const { guid, state } of ownedDevicesOf(d.store, p.model))
      out.push({ guid, model: p.model, supportEnd: p.supportEnd, state });
  }
  return out;
}
