/** The rendezvous role: TO0 (owners register) and TO1 (devices ask where their owner is). */
import { createTo0Rendezvous } from '../../../fdo/protocol/to0-rendezvous.ts';
import { createTo1Rendezvous } from '../../../fdo/protocol/to1-rendezvous.ts';
import { storedAcceptance } from '../../../onboarding/acceptance.ts';
import { storeRendezvousStore } from '../../../onboarding/rendezvous-registrations.ts';
import type { FdoRoles } from '../../fdo/fdo-transport.ts';
import type { RoleContext } from './context.ts';

export function rendezvousRole(ctx: RoleContext): NonNullable<FdoRoles['rendezvous']> {
  const { random, clock, store } = ctx;
  const registrations = storeRendezvousStore(store);
  return {
    to0: createTo0Rendezvous({ random, clock, store: registrations, acceptance: storedAcceptance(store) }),
    to1: createTo1Rendezvous({ random, clock, store: registrations }),
  };
}
