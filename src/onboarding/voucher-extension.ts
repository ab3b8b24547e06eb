/**
 * The manufacturer hands a voucher it made at DI to a buyer: the voucher is extended to the
 * buyer's owner key (FDO 1.1 §3.4.1 OVEntry), signed by whichever of this server's keys owns it
 * now, and stored in place of the one made at DI, `extended`, in one transaction with its audit.
 */
import type { KeyObject } from 'node:crypto';
import type { PrivateKeyLike } from '../crypto/private-key-handle.ts';
import { IotopiaError } from '../errors.ts';
import { guidToHex } from '../fdo/types/guid.ts';
import { samePublicKey } from '../fdo/types/public-key.ts';
import type { OwnershipVoucher } from '../fdo/voucher/voucher.ts';
import { encodeVoucher } from '../fdo/voucher/voucher-encode.ts';
import { extendVoucher } from '../fdo/voucher/voucher-extend.ts';
import { voucherOwner } from '../fdo/voucher/voucher-owner.ts';
import { parseVoucher } from '../fdo/voucher/voucher-parse.ts';
import { moveDevice } from '../lifecycle/device-states.ts';
import type { Store } from '../store/store.ts';
import type { VoucherRecord } from '../store/voucher-repository.ts';
import { ABSENT, moveVoucher, VoucherTransitionError } from './voucher-states.ts';

export interface VoucherExtensionDeps {
  store: Store;
  /** This server's private keys (manufacturer and owner): the one the voucher names as owner signs. */
  keys: readonly PrivateKeyLike[];
}

/**
 * Extends the manufacturer's voucher for `guid` to `nextOwner`. Throws ERR_VOUCHER_NOT_OURS when
 * no key of this server owns the voucher now, ERR_VOUCHER_TRANSITION (state `absent`) when none was made here.
 */
export async function extendMadeVoucher(
  d: VoucherExtensionDeps,
  guid: Uint8Array,
  nextOwner: KeyObject,
  actor: string,
): Promise<{ record: VoucherRecord; extended: OwnershipVoucher }> {
  const made = await d.store.vouchers.get('manufacturer', guid);
  if (made === undefined) throw new VoucherTransitionError('extended', ABSENT, guid);
  const voucher = parseVoucher(made.voucher);
  const current = voucherOwner(voucher);
  const signer = d.keys.find((k) => samePublicKey(current, k));
  if (signer === undefined) {
    throw new IotopiaError(
      'ERR_VOUCHER_NOT_OURS',
      "the voucher's current owner is not a key of this server, so it cannot sign the transfer",
    );
  }
  const extended = extendVoucher(voucher, { ownerPrivateKey: signer, nextOwner });
  const record = await d.store.transaction(async (r) => {
    await moveVoucher(r, guid, 'extended', { voucher: encodeVoucher(extended) });
    // The device is sold; one that this server also owns or onboarded already keeps its state.
    if ((await r.devices.get(guid)) !== undefined) await moveDevice(r, guid, 'sold');
    await r.audit.append({ actor, action: 'voucher.extended', subject: guidToHex(guid), details: { entries: extended.entries.length } });
    return (await r.vouchers.get('manufacturer', guid)) as VoucherRecord;
  });
  return { record, extended };
}
