/**
 * The manufacturer role: DI behind the authorisation rule (factory listener, DI token, or a
 * loopback-only server), with the stored rendezvous info and, with auto-owner on and the owner
 * role in the same server, every new voucher extended to this server's owner (and registered
 * with its rendezvous). The start-up sweep finishes what a process killed mid-way left undone.
 */

import { createDiManufacturer } from '../../../fdo/protocol/di-manufacturer.ts';
import { createTo0Direct } from '../../../fdo/protocol/to0-rendezvous.ts';
import { guidToHex } from '../../../fdo/types/guid.ts';
import { type AutoOwnerOptions, sweepAutoOwner, withAutoOwner } from '../../../onboarding/auto-owner.ts';
import { type DiAuthorisationPolicy, type DiAuthorisedBy, diAuthoriser } from '../../../onboarding/di-authorisation.ts';
import { diAuthorised } from '../../../onboarding/di-authorised.ts';
import { diWithStoredRvInfo } from '../../../onboarding/di-rv-info.ts';
import { storeManufacturerVoucherStore } from '../../../onboarding/manufacturer-vouchers.ts';
import type { FdoRoles } from '../../fdo/fdo-transport.ts';
import type { RoleContext } from './context.ts';
import { rendezvousTo0Config } from './rendezvous.ts';

export async function manufacturerRole(
  ctx: RoleContext,
  o: { autoOwner: boolean; rendezvous: FdoRoles['rendezvous']; diPolicy: DiAuthorisationPolicy },
): Promise<NonNullable<FdoRoles['manufacturer']>> {
  const { store, keys, random, clock, log } = ctx;
  const autoOwner: AutoOwnerOptions = {
    store,
    manufacturerKeys: keys.manufacturer,
    ownerKeys: keys.owner,
    ownerStore: ctx.ownerVouchers,
    ownerKeyRing: ctx.ownerKeyRing,
    // This server's own rendezvous takes its owner's TO0 directly, with the same checks as over HTTP.
    ...(o.rendezvous === undefined ? {} : { to0: createTo0Direct(rendezvousTo0Config(ctx)) }),
    to2Address: ctx.currentTo2Address,
    clock,
    ...(ctx.config.to0RefreshMargin === undefined ? {} : { margin: ctx.config.to0RefreshMargin }),
    onError: (error, guid) => log?.error({ err: error, guid: guidToHex(guid) }, 'automatic owner registration failed'),
  };
  if (o.autoOwner) {
    const swept = await sweepAutoOwner(store, autoOwner);
    if (swept.imported + swept.registered + swept.failed + swept.unauthorised > 0)
      log?.warn(swept, 'start-up sweep of automatic owner registration');
  }
  const handlerFor = (by: DiAuthorisedBy) => {
    const made = storeManufacturerVoucherStore(store, { diAuthorisedBy: by });
    const sink = o.autoOwner ? withAutoOwner(made, autoOwner) : made;
    return diWithStoredRvInfo(store, ctx.defaultRvInfo, clock, (rvInfo) =>
      createDiManufacturer({
        random,
        clock,
        store: sink,
        rvInfo,
        deviceCa: keys.deviceCas.map((ca) => ({ privateKey: ca.privateKey, chain: [ca.certificate] })),
        manufacturerKeys: keys.manufacturer.map((k) => ({ privateKey: k.privateKey, chain: k.chain })),
      }),
    );
  };
  const authorise = diAuthoriser({ store, policy: o.diPolicy, clock });
  return { di: diAuthorised(authorise, cached(handlerFor), clock) };
}

/** Handlers by authorisation, kept so that DI does not rebuild one per message; a full cache starts again. */
function cached<H>(make: (by: DiAuthorisedBy) => H, max = 256): (by: DiAuthorisedBy) => H {
  const kept = new Map<DiAuthorisedBy, H>();
  return (by) => {
    let h = kept.get(by);
    if (h === undefined) {
      if (kept.size >= max) kept.clear();
      h = make(by);
      kept.set(by, h);
    }
    return h;
  };
}
