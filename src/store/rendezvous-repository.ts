import type { RendezvousRegistration } from '../fdo/protocol/ports.ts';
import type { Page, PageRequest } from './page.ts';

export type { RendezvousRegistration };

/** TO0 registrations held by the rendezvous role (the shape of the FDO RendezvousStore port). */
export interface RendezvousRepository {
  /** Replaces any earlier registration for the same GUID. */
  put(r: RendezvousRegistration): Promise<void>;
  /**
   * Stores `r` only if the registration held for its GUID is still `replaces` (compared by to1d),
   * or with `replaces` undefined, none or only one expired at `now` is held; one statement, so
   * two servers cannot both replace the same registration. Resolves whether it was stored.
   */
  putIf(r: RendezvousRegistration, replaces: RendezvousRegistration | undefined, now: Date): Promise<boolean>;
  /** The registration even when expired: TO1 and TO0 decide what expiry means. */
  get(guid: Uint8Array): Promise<RendezvousRegistration | undefined>;
  list(page?: PageRequest): Promise<Page<RendezvousRegistration>>;
  deleteExpired(now?: Date): Promise<number>;
}
