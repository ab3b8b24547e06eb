/** Limits on ServiceInfo received from a peer; every decode of a peer's message applies them. */
export interface ServiceInfoLimits {
  /**
   * Largest TO2.DeviceServiceInfo / TO2.OwnerServiceInfo body accepted, in bytes: the size this side
   * advertised in TO2.DeviceServiceInfoReady or TO2.OwnerServiceInfoReady.
   */
  maxBodyBytes: number;
  /** Most ServiceInfoKV entries in one message. */
  maxKvs: number;
  /** Longest ServiceInfoKey, in UTF-8 bytes. */
  maxKeyBytes: number;
  /**
   * Largest single module message value once reassembled from consecutive KVs with the same key
   * (CBOR bytes), and the largest partial value carried from one message to the next.
   */
  maxValueBytes: number;
}

export const DEFAULT_SERVICEINFO_LIMITS: Readonly<ServiceInfoLimits> = Object.freeze({
  maxBodyBytes: 65_535,
  maxKvs: 2048,
  maxKeyBytes: 256,
  maxValueBytes: 65_536,
});

/** The defaults with `overrides` applied; each limit must be a positive safe integer. */
export function resolveLimits(overrides: Partial<ServiceInfoLimits> = {}): ServiceInfoLimits {
  const limits = { ...DEFAULT_SERVICEINFO_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value <= 0) throw new TypeError(`ServiceInfo limit ${name} must be a positive integer`);
  }
  return limits;
}
