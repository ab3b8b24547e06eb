/**
 * Devices whose product's defined support period has ended: the support end date is the last day
 * of support, so a product is out of support from the day after it (UTC). Decommissioned devices
 * are left out.
 */
import { devicesOf } from './affected-devices.ts';
import type { ProductDeps } from './context.ts';
import { guidFromHex } from './guid-hex.ts';

/** Devices no longer this owner's to run: retired or sold on. */
const GONE: readonly string[] = ['decommissioned', 'resold'];

export interface OutOfSupportDevice {
  guid: string;
  model: string;
  supportEnd: string;
  state?: string;
}

export async function outOfSupport(d: ProductDeps, now: Date): Promise<OutOfSupportDevice[]> {
  const today = now.toISOString().slice(0, 10);
  const out: OutOfSupportDevice[] = [];
  for (const p of await d.store.products.supportEndedBefore(today)) {
    for (const guid of await devicesOf(d, p.model)) {
      const device = await d.store.devices.get(guidFromHex(guid));
      if (device !== undefined && GONE.includes(device.state)) continue;
      out.push({ guid, model: p.model, supportEnd: p.supportEnd as string, ...(device === undefined ? {} : { state: device.state }) });
    }
  }
  return out;
}
