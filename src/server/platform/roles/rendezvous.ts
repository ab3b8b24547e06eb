/** The rendezvous role: TO0 (owners register) and TO1 (devices ask where their owner is). */
import { createTo0Rendezvous, type To0RendezvousConfig } from '../../../fdo/protocol/to0-rendezvous.ts';
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

/** What this server's TO0 checks with, for TO0 over HTTP and for its own owner's TO0 in process alike. */
export function rendezvousTo0Config(ctx: RoleContext): To0RendezvousConfig {
  const { random, clock, store } = ctx;
  return {
    random,
    clock,
    store: storeRendezvousStore(store),
    acceptance: storedAcceptance(store, serverDefaultAcceptance(ctx.config, ctx.keys)),
    replacement: storedRegistrationReplacement(store),
  };
}

export function rendezvousRole(ctx: RoleContext): NonNullable<FdoRoles['rendezvous']> {
  const to0 = rendezvousTo0Config(ctx);
  return {
    to0: createTo0Rendezvous(to0),
    to1: createTo1Rendezvous({ random: to0.random, clock: to0.clock, store: to0.store }),
  };
}
