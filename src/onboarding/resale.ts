/**
 * Resale from the owner side: the owner extends the device's current voucher to the next owner's
 * key (FDO 1.1 §3.4: the current owner signs the new entry) and hands it on. In the same
 * transaction everything this owner holds for the device leaves the TO2 offer (the voucher state
 * machine's `resold`), its TO0 registrations go, so the refresh job stops keeping them fresh, and
 * the audit log says so.
 *
 * The current voucher is the one TO2 last gave the device (its replacement GUID) after an
 * onboarding here, the imported one before; any GUID the device had here names it.
 */
import type { KeyObject } from 'node:crypto';
import type { PrivateKeyLike } from '../crypto/private-key-handle.ts';
import { IotopiaError } from '../errors.ts';
import { guidToHex } from '../fdo/types/guid.ts';
import { publicKeyFingerprint, samePublicKey } from '../fdo/types/public-key.ts';
import { encodeVoucher } from '../fdo/voucher/voucher-encode.ts';
import { extendVoucher } from '../fdo/voucher/voucher-extend.ts';
import { voucherOwner } from '../fdo/voucher/voucher-owner.ts';
import { parseVoucher } from '../fdo/voucher/voucher-parse.ts';
import type { Store } from '../store/store.ts';
import { type Resale, storeOwnerVoucherStore } from './owner-vouchers.ts';

export interface ResaleDeps {
  store: Store;
  /** This server's owner private keys: the one the current voucher names signs the new entry. */
  ownerKeys: readonly PrivateKeyLike[];
}

/**
 * Resells the device `guid` names to `nextOwner`. Throws ERR_VOUCHER_NOT_OURS when no owner key of
 * this server owns the current voucher, and the owner voucher store's ERR_STORE_NOT_FOUND (nothing
 * current held) or ERR_STORE_CONFLICT (resold already, or a resale racing this one).
 */
export function resellDevice(d: ResaleDeps, guid: Uint8Array, nextOwner: KeyObject, actor: string): Promise<Resale> {
  return storeOwnerVoucherStore(d.store, { actor }).resell(guid, {
    extend(current) {
      const voucher = parseVoucher(current.voucher);
      const owner = voucherOwner(voucher);
      const signer = d.ownerKeys.find((k) => samePublicKey(owner, k));
      if (signer === undefined) {
        throw new IotopiaError(
          'ERR_VOUCHER_NOT_OURS',
          `the voucher for ${guidToHex(current.guid)} is not owned by an owner key of this server, so it cannot sign the transfer`,
        );
      }
      return encodeVoucher(extendVoucher(voucher, { ownerPrivateKey: signer, nextOwner }));
    },
    details: { nextOwner: publicKeyFingerprint(nextOwner) },
    async alsoIn(r, guids) {
      for (const g of guids) await r.to0Registrations.delete(g);
    },
  });
}
