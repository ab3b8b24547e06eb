/** The voucher's current owner: the key of the last entry, or the manufacturer key with none. */
import type { FdoPublicKey } from '../types/public-key.ts';
import type { OwnershipVoucher } from './voucher.ts';

/** Unverified: call `verifyVoucher` before trusting the answer. */
export function voucherOwner(voucher: OwnershipVoucher): FdoPublicKey {
  return voucher.entries.at(-1)?.payload.pubKey ?? voucher.header.pubKey;
}
