/** The rendezvous role: TO0 (owners register) and TO1 (devices ask where their owner is). */
import { createTo0Rendezvous } from '../../../fdo/protocol/to0-rendezvous.ts';
import { createTo1Rendezvous } from '../../../fdo/protocol/to1-rendezvous.ts';
import { type AcceptancePolicy, defaultAcceptancePolicy, storedAcceptance } from '../../../onboarding/acceptance.ts';
import { storedRegistrationReplacement } from '../../../onboarding/registration-replacement.ts';
import { storeRendezvousStore } from '../../../onboarding/rendezvous-registrations.ts';
import type { PlatformKeys } from '../../../platform/keys.ts';
import type { FdoRoles } from '../../fdo/fdo-transport.ts';
import type { PlatformConfig } from '../config.ts';
import type { RoleContext } from './context.ts';

/** What TO0 accepts while no policy is stored: this server's own keys, or open when configured so. */
export function serverDefaultAcceptance(config: Pick<PlatformConfig, 'rendezvousPolicy'>, keys: PlatformKeys): AcceptancePolicy {
  return defaultAcceptancePolicy(config.rendezvousPolicy ?? 'own-keys', {
    manufacturer: keys.manufacturer.map((k) => k.privateKey),
    owner: keys.owner.map((k) => k.privateKey),
  });
}

export function rendezvousRole(ctx: RoleContext): NonNullable<FdoRoles['rendezvous']> {
  const { random, clock, store } = ctx;
  const registrations = storeRendezvousStore(store);
  return {
    to0: createTo0Rendezvous({
      random,
      clock,
      store: registrations,
      acceptance: storedAcceptance(store, serverDefaultAcceptance(ctx.config, ctx.keys)),
      replacement: storedRegistrationReplacement(store),
    }),
    to1: createTo1Rendezvous({ random, clock, store: registrations }),
  };
}
