/** The lease of one gateway: the replica that programs its nftables until `expiresAt`. */
export interface IntentLease {
  gateway: string;
  holder: string;
  expiresAt: Date;
}

/**
 * Replica leases, one per gateway name. `acquire` takes a free or expired lease, or renews the
 * caller's own, with one conditional write; it returns the lease as it stands afterwards, so the
 * caller holds it exactly when `holder` is its id.
 */
export interface IntentLeaseRepository {
  acquire(gateway: string, holder: string, ttlMs: number): Promise<IntentLease>;
  /** Gives the lease up when `holder` has it; true when it did. */
  release(gateway: string, holder: string): Promise<boolean>;
  get(gateway: string): Promise<IntentLease | undefined>;
}
