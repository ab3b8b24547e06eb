import type { ManufacturerVoucherStore } from '../fdo/protocol/ports.ts';
import { guidToHex } from '../fdo/types/guid.ts';
import { moveDevice } from '../lifecycle/device-states.ts';
import type { Store } from '../store/store.ts';
import { moveVoucher } from './voucher-states.ts';

export interface StoreManufacturerVoucherStore extends ManufacturerVoucherStore {
  getVoucher(guid: Uint8Array): Promise<Uint8Array | undefined>;
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
  return {
    saveVoucher: (guid, voucher) =>
      store.transaction(async (r) => {
        await moveVoucher(r, guid, 'made', { voucher, ...di });
        await moveDevice(r, guid, 'manufactured');
        await r.audit.append({ actor, action: 'voucher.created', subject: guidToHex(guid), details: { bytes: voucher.length, ...di } });
      }),
    getVoucher: async (guid) => (await store.vouchers.get('manufacturer', guid))?.voucher,
  };
}
