import type { ManufacturerVoucherStore } from '../fdo/protocol/ports.ts';
import { guidToHex } from '../fdo/types/guid.ts';
import { moveDevice } from '../lifecycle/device-states.ts';
import type { Repositories, Store } from '../store/store.ts';
import { moveVoucher } from './voucher-states.ts';

export interface StoreManufacturerVoucherStore extends ManufacturerVoucherStore {
  getVoucher(guid: Uint8Array): Promise<Uint8Array | undefined>;
  /** How DI was authorised, as recorded on each voucher saved here. */
  readonly diAuthorisedBy: string | undefined;
  /** `saveVoucher` with more writes in the same transaction (auto-owner's import and TO0); a throw rolls all back. */
  saveVoucherWith(guid: Uint8Array, voucher: Uint8Array, alsoIn: (r: Repositories) => Promise<void>): Promise<void>;
}

/**
 * DI's voucher sink on the store: the voucher, the device row and the audit record commit
 * together, so a killed manufacturer never has a device without its voucher or an unaudited one.
 * `diAuthorisedBy` (how DI was authorised) is recorded on the voucher and in the audit record.
 */
export function storeManufacturerVoucherStore(
  store: Store,
  options: { actor?: string; diAuthorisedBy?: string } = {},
): StoreManufacturerVoucherStore {
  const actor = options.actor ?? 'manufacturer';
  const di = options.diAuthorisedBy === undefined ? {} : { diAuthorisedBy: options.diAuthorisedBy };
  const made = async (r: Repositories, guid: Uint8Array, voucher: Uint8Array) => {
    await moveVoucher(r, guid, 'made', { voucher, ...di });
    await moveDevice(r, guid, 'manufactured');
    await r.audit.append({ actor, action: 'voucher.created', subject: guidToHex(guid), details: { bytes: voucher.length, ...di } });
  };
  return {
    diAuthorisedBy: options.diAuthorisedBy,
    saveVoucher: (guid, voucher) => store.transaction((r) => made(r, guid, voucher)),
    saveVoucherWith: (guid, voucher, alsoIn) =>
      store.transaction(async (r) => {
        await made(r, guid, voucher);
        await alsoIn(r);
      }),
    getVoucher: async (guid) => (await store.vouchers.get('manufacturer', guid))?.voucher,
  };
}
