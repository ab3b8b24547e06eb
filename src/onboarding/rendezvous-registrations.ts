import type { RendezvousStore } from '../fdo/protocol/ports.ts';
import { guidToHex } from '../fdo/types/guid.ts';
import type { Store } from '../store/store.ts';

/** TO0/TO1's registration store on the store; each accepted TO0 is audited with it. */
export function storeRendezvousStore(store: Store, options: { actor?: string } = {}): RendezvousStore {
  const actor = options.actor ?? 'rendezvous';
  return {
    put: (registration) =>
      store.transaction(async (r) => {
        await r.rendezvous.put(registration);
        await r.audit.append({
          actor,
          action: 'rendezvous.registered',
          subject: guidToHex(registration.guid),
          details: { expiresAt: registration.expiresAt.toISOString() },
        });
      }),
    get: (guid) => store.rendezvous.get(guid),
  };
}
