/**
 * The rendezvous role's TO0 acceptance from the stored policy. It is read at every TO0, so a change
 * made through any replica applies to the next registration everywhere; TO0 is rare next to TO1
 * and TO2, so the one extra read costs little.
 */
import type { VoucherAcceptance } from '../fdo/protocol/ports.ts';
import { publicKeyFingerprint } from '../fdo/types/public-key.ts';
import { readAcceptancePolicy } from '../server/api/rendezvous-policy.ts';
import type { Store } from '../store/store.ts';

export function storedAcceptance(store: Pick<Store, 'settings'>): VoucherAcceptance {
  return async (voucher) => {
    const policy = await readAcceptancePolicy(store);
    if (policy.mode === 'open') return true;
    return (
      policy.manufacturerKeys.includes(publicKeyFingerprint(voucher.manufacturerKey)) ||
      policy.ownerKeys.includes(publicKeyFingerprint(voucher.ownerKey))
    );
  };
}
