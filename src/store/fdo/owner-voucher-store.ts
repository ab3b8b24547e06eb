import type { To2OwnerVoucherStore } from '../../fdo/protocol/to2-owner.ts';
import { guidToHex } from '../../fdo/types/guid.ts';
import type { Repositories, Store } from '../store.ts';

export interface StoreOwnerVoucherStore extends To2OwnerVoucherStore {
  /** Records a voucher this owner holds (imported, or made here and extended to our key). */
  add(guid: Uint8Array, voucher: Uint8Array): Promise<void>;
  /** Like `add`, unless the owner already holds a voucher for the GUID: then nothing changes and it resolves false. */
  addIfAbsent(guid: Uint8Array, voucher: Uint8Array): Promise<boolean>;
  /** Records a TO0 registration that the rendezvous accepted until `until`. */
  registered(guid: Uint8Array, until: Date): Promise<void>;
  deviceProved(guid: Uint8Array): Promise<void>;
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

/**
 * TO2's voucher store on the store (docs/decisions/0009-lost-to2-done2.md).
 *
 * The end of TO2 (replacement voucher stored, device onboarded, audit record) is one transaction,
 * committed before TO2.Done2 is sent. The device switches to the replacement credential only when
 * TO2.Done2 arrives, so the voucher it replaces stays `onboarded` and offered: a device whose
 * TO2.Done2 was lost runs TO2 again on its old credential and gets a new replacement, which
 * supersedes the first one (`replaced`, audited `voucher.superseded`). Only the holder of the
 * device key can finish TO2, so the old voucher offers nothing to anyone else. Once the device
 * proves a replacement GUID in TO2.ProveDevice, the voucher it replaced retires for good
 * (`replaced`, audited `voucher.retired`) and is never offered again.
 */
export function storeOwnerVoucherStore(store: Store, options: { actor?: string } = {}): StoreOwnerVoucherStore {
  const actor = options.actor ?? 'owner';
  const record = async (r: Repositories, guid: Uint8Array, voucher: Uint8Array) => {
    await r.vouchers.put({ side: 'owner', guid, voucher, state: 'imported' });
    await r.devices.upsert({ guid, state: 'owned' });
    await r.audit.append({ actor, action: 'voucher.imported', subject: guidToHex(guid), details: { bytes: voucher.length } });
  };
  return {
    add: (guid, voucher) => store.transaction((r) => record(r, guid, voucher)),
    addIfAbsent: (guid, voucher) =>
      store.transaction(async (r) => {
        if ((await r.vouchers.get('owner', guid)) !== undefined) return false;
        await record(r, guid, voucher);
        return true;
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
        const earlier = (await r.devices.get(guid))?.replacementGuid;
        await r.vouchers.setState('owner', guid, 'onboarded');
        if (replacementVoucher !== undefined) {
          await r.vouchers.put({ side: 'owner', guid: replacementGuid, voucher: replacementVoucher, state: 'onboarded' });
        }
        // A TO2 before this one ended with a replacement the device never took (its TO2.Done2 was
        // lost): that replacement is superseded, so no two vouchers ever name this device as current.
        const superseded = earlier !== undefined && !sameBytes(earlier, guid) && !sameBytes(earlier, replacementGuid) ? earlier : undefined;
        if (superseded !== undefined && (await r.vouchers.get('owner', superseded))?.state === 'onboarded') {
          await r.vouchers.setState('owner', superseded, 'replaced');
          await r.audit.append({
            actor,
            action: 'voucher.superseded',
            subject: guidToHex(superseded),
            details: { guid: guidToHex(guid), by: guidToHex(replacementGuid) },
          });
        }
        if ((await r.devices.get(guid)) === undefined) await r.devices.upsert({ guid, state: 'owned' });
        await r.devices.markOnboarded(guid, replacementGuid);
        await r.audit.append({
          actor,
          action: 'device.onboarded',
          subject: guidToHex(guid),
          details: {
            replacementGuid: guidToHex(replacementGuid),
            replacementVoucher: replacementVoucher !== undefined,
            ...(superseded === undefined ? {} : { superseded: guidToHex(superseded) }),
          },
        });
      }),
    async deviceProved(guid) {
      // Read first, outside a transaction: the common case (nothing pending) writes nothing.
      const device = await store.devices.getByReplacementGuid(guid);
      if (device === undefined || sameBytes(device.guid, guid)) return;
      await store.transaction(async (r) => {
        const d = await r.devices.get(device.guid);
        if (d?.replacementGuid === undefined || !sameBytes(d.replacementGuid, guid)) return;
        if ((await r.vouchers.get('owner', d.guid))?.state !== 'onboarded') return;
        await r.vouchers.setState('owner', d.guid, 'replaced');
        await r.audit.append({
          actor,
          action: 'voucher.retired',
          subject: guidToHex(d.guid),
          details: { replacementGuid: guidToHex(guid) },
        });
      });
    },
  };
}
