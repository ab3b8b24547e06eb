import type { RendezvousRegistration, RendezvousStore } from '../fdo/protocol/ports.ts';
import { guidToHex } from '../fdo/types/guid.ts';
import type { Repositories, Store } from '../store/store.ts';

/** The actor of the rendezvous' audit records. */
export const RENDEZVOUS_ACTOR = 'rendezvous';

/**
 * The registration store inside one transaction `r`: each registration stored is audited in it.
 * The in-process TO0 of auto-owner stores with it in the transaction of the owner import.
 */
export function rendezvousStoreIn(r: Repositories, actor = RENDEZVOUS_ACTOR): RendezvousStore {
  const audit = (registration: RendezvousRegistration) =>
    r.audit.append({
      actor,
      action: 'rendezvous.registered',
      subject: guidToHex(registration.guid),
      details: { expiresAt: registration.expiresAt.toISOString() },
    });
  return {
    async put(registration) {
      await r.rendezvous.put(registration);
      await audit(registration);
    },
    async putIf(registration, replaces, now) {
      const stored = await r.rendezvous.putIf(registration, replaces, now);
      if (stored) await audit(registration);
      return stored;
    },
    get: (guid) => r.rendezvous.get(guid),
  };
}

/**
 * TO0/TO1's registration store on the store; each accepted TO0 is audited with it. `putIf` lets
 * the TO0 rendezvous replace a registration only if it is still the one its rules were checked
 * against, whichever replica another TO0 for the GUID reached.
 */
export function storeRendezvousStore(store: Store, options: { actor?: string } = {}): RendezvousStore {
  const actor = options.actor ?? RENDEZVOUS_ACTOR;
  return {
    put: (registration) => store.transaction((r) => rendezvousStoreIn(r, actor).put(registration)),
    putIf: (registration, replaces, now) =>
      store.transaction((r) => (rendezvousStoreIn(r, actor).putIf as NonNullable<RendezvousStore['putIf']>)(registration, replaces, now)),
    get: (guid) => store.rendezvous.get(guid),
  };
}
