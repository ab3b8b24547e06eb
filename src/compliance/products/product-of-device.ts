/**
 * A device's product: the product whose model is the device's (devices-of-model.ts: its voucher's
 * DeviceInfo), with its support end and whether it is out of support now (support.ts).
 */
import { modelOfDevice } from '../devices-of-model.ts';
import type { ProductDeps } from './context.ts';
import { productOf } from './product-record.ts';
import { isOutOfSupport } from './support.ts';

export interface DeviceProduct {
  model: string;
  supportEnd?: string;
  outOfSupport: boolean;
}

/** Undefined when the device has no readable voucher or its model is not a product. */
export async function productOfDevice(d: ProductDeps, guid: Uint8Array): Promise<DeviceProduct | undefined> {
  const model = await modelOfDevice(d.store, guid);
  const row = model === undefined ? undefined : await d.store.products.get(model);
  if (row === undefined) return undefined;
  const { supportEnd } = productOf(row);
  return { model: row.model, ...(supportEnd === undefined ? {} : { supportEnd }), outOfSupport: isOutOfSupport(supportEnd, d.clock()) };
}
