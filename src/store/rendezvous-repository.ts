import type { RendezvousRegistration } from '../fdo/protocol/ports.ts';
import type { Page, PageRequest } from './page.ts';

export type { RendezvousRegistration };

/** TO0 registrations held by the rendezvous role (the shape of the FDO RendezvousStore port). */
export interface RendezvousRepository {
  /** Replaces any earlier registration for the same GUID. */
  put(r: RendezvousRegistration): Promise<void>;
  /** The registration even when expired: TO1 and TO0 decide what expiry means. */
  get(guid: Uint8Array): Promise<RendezvousRegistration | undefined>;
  list(page?: PageRequest): Promise<Page<RendezvousRegistration>>;
  deleteExpired(now?: Date): Promise<number>;
}
