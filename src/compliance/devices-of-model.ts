/**
 * Which devices are a product model's: the one answer the product service (affected devices, the
 * out-of-support report, a device's product), the device view and the evidence collector all use.
 *
 * A device record belongs to model M when the DeviceInfo in its voucher's header is M. IoTopia's
 * DI writes the model the device presented into OVDeviceInfo (FDO 1.1 §3.4.1); the device MACs the
 * header (OVHeaderHMac) and every voucher entry hashes it, so it cannot change later. The voucher
 * is the manufacturer's under the record's GUID when DI ran here, else the owner's (the one
 * imported before any TO2; those TO2 gives later keep its DeviceInfo). The model a device reports
 * on the device API is the device's own claim and decides nothing here.
 *
 * The store keeps each voucher's DeviceInfo in an indexed column, so a model's devices are read a
 * page at a time without reading other models' vouchers.
 */
import type { DeviceRecord, DeviceRepository } from '../store/device-repository.ts';
import type { Page, PageRequest } from '../store/page.ts';
import type { VoucherRecord, VoucherRepository } from '../store/voucher-repository.ts';

/** The largest page the store gives (MAX_PAGE_LIMIT). */
const PAGE = 1000;

export interface ModelDeviceStore {
  devices: Pick<DeviceRepository, 'get'>;
  vouchers: Pick<VoucherRepository, 'get' | 'listDeviceVouchers'>;
}

/** A device of the model and the voucher its DeviceInfo was read from. */
export interface ModelDevice {
  device: DeviceRecord;
  voucher: VoucherRecord;
}

/** One page of the model's devices, in GUID order. */
export async function devicesOfModel(store: ModelDeviceStore, model: string, page?: PageRequest): Promise<Page<ModelDevice>> {
  const vouchers = await store.vouchers.listDeviceVouchers(model, page);
  const items: ModelDevice[] = [];
  for (const voucher of vouchers.items) {
    const device = await store.devices.get(voucher.guid);
    // A record removed between the two reads is no longer a device here.
    if (device !== undefined) items.push({ device, voucher });
  }
  return { items, ...(vouchers.next === undefined ? {} : { next: vouchers.next }) };
}

/** Every device of the model, read a page at a time. */
export async function* everyDeviceOfModel(store: ModelDeviceStore, model: string): AsyncGenerator<ModelDevice> {
  let after: string | undefined;
  do {
    const page = await devicesOfModel(store, model, { limit: PAGE, ...(after === undefined ? {} : { after }) });
    yield* page.items;
    after = page.next;
  } while (after !== undefined);
}

/** How many device records have a voucher whose bytes could not be read: no model can be told for them. */
export async function devicesOfNoModel(store: ModelDeviceStore): Promise<number> {
  let count = 0;
  let after: string | undefined;
  do {
    const page = await store.vouchers.listDeviceVouchers(null, { limit: PAGE, ...(after === undefined ? {} : { after }) });
    count += page.items.length;
    after = page.next;
  } while (after !== undefined);
  return count;
}

/** The model of the device record `guid`, by the same rule; undefined when no readable voucher says. */
export async function modelOfDevice(store: ModelDeviceStore, guid: Uint8Array): Promise<string | undefined> {
  const voucher = (await store.vouchers.get('manufacturer', guid)) ?? (await store.vouchers.get('owner', guid));
  return voucher?.deviceInfo;
}
