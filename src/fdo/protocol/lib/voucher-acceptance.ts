/**
 * Ready-made TO0 acceptance policies for the rendezvous server: accept every verified voucher
 * (an open rendezvous service), or only vouchers whose manufacturer key is one the operator
 * trusts (a rendezvous service run for known device makers).
 */
import type { KeyObject } from 'node:crypto';
import { samePublicKey } from '../../types/public-key.ts';
import type { VoucherAcceptance } from '../ports.ts';

export const acceptAnyVoucher: VoucherAcceptance = async () => true;

export function acceptVouchersFromManufacturers(trusted: readonly KeyObject[]): VoucherAcceptance {
  if (!Array.isArray(trusted) || trusted.length === 0) throw new TypeError('acceptVouchersFromManufacturers needs at least one key');
  const keys = [...trusted];
  return async (voucher) => keys.some((k) => samePublicKey(k, voucher.manufacturerKey));
}
