/**
 * What the MUD manager needs from the host, as narrow ports: a firewall it programs (nftables in
 * production, `src/intent/nft/`) and a DNS resolver for the names in MUD files. The manager service
 * depends on these interfaces only.
 */

/** A firewall the manager programs; every call is one atomic change or none. */
export interface Enforcer {
  /**
   * Applies an nftables script (as `nft -f` reads it) as one transaction. On failure nothing has
   * changed and it throws an IntentError `ERR_INTENT_APPLY` (or `ERR_INTENT_NFT_MISSING`).
   */
  apply(script: string): Promise<void>;
  /** Removes every rule, chain and set of the device with this MAC; nothing to remove is fine. */
  removeDevice(mac: string): Promise<void>;
  /** Per-device packet counts of the default-deny rules, keyed by normalised MAC. */
  dropCounters?(): Promise<Map<string, { from: number; to: number }>>;
}

/** The answers for one DNS name: A and AAAA addresses and the smallest TTL among them (seconds). */
export interface NameAnswer {
  addresses: string[];
  ttl: number;
}

/** Resolves the `src-dnsname` / `dst-dnsname` of MUD files. */
export interface NameResolver {
  /** A and AAAA answers; throws an IntentError `ERR_INTENT_DNS` when neither can be had. */
  resolve(name: string): Promise<NameAnswer>;
}
