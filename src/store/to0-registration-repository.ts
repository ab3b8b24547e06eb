import type { Page, PageRequest } from './page.ts';

/** The owner's view of one voucher's TO0 registration at its rendezvous (FDO 1.1 §5.3). */
export interface To0RegistrationRecord {
  /** The device GUID, 16 bytes. */
  guid: Uint8Array;
  /** The rendezvous of the last accepted registration (URL, or `in-process`). */
  rendezvous?: string;
  /** The lifetime that rendezvous granted (TO0.AcceptOwner WaitSeconds). */
  waitSeconds?: number;
  registeredAt?: Date;
  /** When the last accepted registration runs out at the rendezvous. */
  registeredUntil?: Date;
  /**
   * When the owner wants to register again, before `registeredUntil`. The writer computes it from
   * its own refresh margin, so the store compares times and knows no policy.
   */
  refreshAt?: Date;
  lastAttemptAt: Date;
  /** Failed attempts since the last success. */
  failures: number;
  lastError?: { code: string; message: string; at: Date };
  /** After a failure: not tried again automatically before this time. */
  retryAt?: Date;
}

/**
 * TO0 registrations of the owner's vouchers, one per GUID. `put` replaces the whole record:
 * fields left out are stored as absent.
 */
export interface To0RegistrationRepository {
  get(guid: Uint8Array): Promise<To0RegistrationRecord | undefined>;
  /** Creates or replaces the GUID's record. Throws TypeError for a malformed one. */
  put(record: To0RegistrationRecord): Promise<void>;
  /** true when something was deleted. */
  delete(guid: Uint8Array): Promise<boolean>;
  /**
   * The registrations to act on at `now`, in GUID order: those whose `refreshAt` has come, and
   * every one whose last attempt failed (`failures` > 0), also while its `retryAt` is ahead, so
   * that the caller waits out the backoff and can say so. Failing registrations are few; the
   * healthy rest of the fleet is not read. Only registrations of owner vouchers still to keep
   * registered (`imported` or `registered`) are listed: an onboarded or resold device needs none.
   */
  listDue(now: Date, page?: PageRequest): Promise<Page<To0RegistrationRecord>>;
}
