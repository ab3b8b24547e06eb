import type { RendezvousRegistration, RendezvousStore } from '../fdo/protocol/ports.ts';
import { guidToHex } from '../fdo/types/guid.ts';
import type { Repositories, Store } from '../store/store.ts';

/**
 * TO0/TO1's registration store on the store; each accepted TO0 is audited with it. `putIf` lets
 * the TO0 rendezvous replace a registration only if it is still the one its rules were checked
 * against, whichever replica another TO0 for the GUID reached.
 */
export function storeRendezvousStore(store: Store, options: { actor?: string } = {}): RendezvousStore {
  const actor = options.actor ?? 'rendezvous';
  const audit = (r: Repositories, registration: RendezvousRegistration) =>
    r.audit.append({
      actor,
      action: 'rendezvous.registered',
      subject: guidToHex(registration.guid),
      details: { expiresAt: registration.expiresAt.toISOString() },
    });
  return {
    put: (registration) =>
      store.transaction(async (r) => {
        await r.rendezvous.put(registration);
        await audit(r, registration);
      }),
    putIf: (registration, replaces, now) =>
      store.transaction(async (r) => {
        const stored = await r.rendezvous.putIf(registration, replaces, now);
        if (stored) await audit(r, registration);
        return stored;
      }),
    get: (guid) => store.rendezvous.get(guid),
  };
}
