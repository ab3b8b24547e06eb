/**
 * What the TO2 roles need from the world beyond the shared ports (ports.ts): the owner's policy
 * for each device it onboards, and where a device whose attestation key lives in a keystore finds
 * it. Every method is asked per message, so a server replica needs nothing but its stores.
 */

import type { PrivateKeyLike } from '../../crypto/private-key-handle.ts';
import type { OwnerModulePlan } from '../serviceinfo/owner-plans.ts';
import type { FdoPublicKey } from '../types/public-key.ts';
import type { RendezvousInfo } from '../types/rendezvous-info.ts';
import type { OwnershipVoucher } from '../voucher/voucher.ts';

/** The owner's decisions about one device (`guid` is the GUID the device onboards with). */
export interface To2OwnerPolicy {
  /**
   * Whether the device keeps its credential (the Credential Reuse protocol): TO2.SetupDevice then
   * repeats the current GUID, rendezvous info and owner key, and the voucher stays as it is.
   * Default: never.
   */
  reuseCredential?(guid: Uint8Array, voucher: OwnershipVoucher): Promise<boolean>;
  /** Rendezvous info of the replacement credential. Default: the voucher header's. */
  replacementRvInfo?(guid: Uint8Array, voucher: OwnershipVoucher): Promise<RendezvousInfo>;
  /**
   * Owner2Key, the first owner of the replacement voucher; the key ring must hold its private key,
   * which signs TO2.SetupDevice. Default: the voucher's current owner key, as the voucher encodes it.
   */
  replacementOwnerKey?(guid: Uint8Array, voucher: OwnershipVoucher): Promise<FdoPublicKey>;
  /** The ServiceInfo plans to carry out on the device after devmod. Default: none. */
  serviceInfoPlans?(guid: Uint8Array, voucher: OwnershipVoucher): Promise<OwnerModulePlan[]>;
}

/** A device attestation key held in a keystore, for credentials that name one by reference. */
export interface DeviceKeyStore {
  privateKeyFor(keystoreRef: string): Promise<PrivateKeyLike | undefined>;
}
