import type { OwnerVoucherStore } from '../../fdo/protocol/ports.ts';
import { guidToHex } from '../../fdo/types/guid.ts';
import type { Store } from '../store.ts';

export interface StoreOwnerVoucherStore extends OwnerVoucherStore {
  /** Records a voucher this owner holds (imported, or made here and extended to our key). */
  add(guid: Uint8Array, voucher: Uint8Array): Promise<void>;
  /** Records a TO0 registration that the rendezvous accepted until `until`. */
  registered(guid: Uint8Array, until: Date): Promise<void>;
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

/**
 * TO2's voucher store on the store. A voucher TO2 replaced is no longer offered, so a device that
 * still presents its old GUID cannot onboard a second time on it; the end of TO2 (old voucher
 * retired, replacement stored, device onboarded, audit record) is one transaction.
 */
export function storeOwnerVoucherStore(store: Store, options: { actor?: string } = {}): StoreOwnerVoucherStore {
  const actor = options.actor ?? 'owner';
  return {
    add: (guid, voucher) =>
      store.transaction(async (r) => {
        await r.vouchers.put({ side: 'owner', guid, voucher, state: 'imported' });
        await r.devices.upsert({ guid, state: 'owned' });
        await r.audit.append({ actor, action: 'voucher.imported', subject: guidToHex(guid), details: { bytes: voucher.length } });
      }),
    registered: (guid, until) =>
      store.transaction(async (r) => {
        await r.vouchers.setRegisteredUntil('owner', guid, until);
        // A registration renewed after onboarding (Credential Reuse) leaves the later states alone.
        if ((await r.vouchers.get('owner', guid))?.state === 'imported') await r.vouchers.setState('owner', guid, 'registered');
        if ((await r.devices.get(guid))?.state === 'owned') await r.devices.upsert({ guid, state: 'registered' });
        await r.audit.append({ actor, action: 'voucher.registered', subject: guidToHex(guid), details: { until: until.toISOString() } });
      }),
    async get(guid) {
      const v = await store.vouchers.get('owner', guid);
      return v === undefined || v.state === 'replaced' ? undefined : { guid: v.guid, voucher: v.voucher };
    },
    onboarded: (guid, { replacementGuid, replacementVoucher }) =>
      store.transaction(async (r) => {
        const newGuid = !sameBytes(guid, replacementGuid);
        if (replacementVoucher === undefined) {
          await r.vouchers.setState('owner', guid, 'onboarded');
        } else {
          if (newGuid) await r.vouchers.setState('owner', guid, 'replaced');
          await r.vouchers.put({ side: 'owner', guid: replacementGuid, voucher: replacementVoucher, state: 'onboarded' });
        }
        if ((await r.devices.get(guid)) === undefined) await r.devices.upsert({ guid, state: 'owned' });
        await r.devices.markOnboarded(guid, replacementGuid);
        await r.audit.append({
          actor,
          action: 'device.onboarded',
          subject: guidToHex(guid),
          details: { replacementGuid: guidToHex(replacementGuid), replacementVoucher: replacementVoucher !== undefined },
        });
      }),
  };
}
