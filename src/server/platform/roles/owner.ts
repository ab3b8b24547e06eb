/**
 * The owner role: TO2 with ServiceInfo from the stored plans, TO0 registration of its vouchers
 * (with this server's own rendezvous in process when it plays that role too, else over HTTP), and
 * the refresh job that keeps those registrations from running out.
 */
import { join } from 'node:path';
import { createTo2Owner } from '../../../fdo/protocol/to2-owner.ts';
import { withDeviceApiPlan } from '../../../onboarding/device-api-provision.ts';
import { storedServiceInfoPlans } from '../../../onboarding/serviceinfo-choice.ts';
import { ownerServiceInfoPorts } from '../../../onboarding/serviceinfo-files.ts';
import { createTo0Refresh, DEFAULT_TO0_REFRESH_INTERVAL_S, type To0Refresh } from '../../../onboarding/to0-refresh.ts';
import { type OwnerRegister, ownerRegistrar } from '../../../onboarding/to0-registrar.ts';
import { DEFAULT_TO0_REFRESH_MARGIN } from '../../../onboarding/to0-status.ts';
import { DEVICE_API_PREFIX } from '../../device-api/device-api.ts';
import type { FdoRoles } from '../../fdo/fdo-transport.ts';
import { readExtraAnchors } from '../releases-config.ts';
import type { RoleContext } from './context.ts';
import { updateTrustAnchors } from './update-trust.ts';

export interface OwnerRole {
  handlers: NonNullable<FdoRoles['owner']>;
  register: OwnerRegister;
  refresh: To0Refresh;
  /** Seconds between refresh passes; 0: the job does not run on a timer. */
  refreshEvery: number;
}

export function ownerRole(ctx: RoleContext, rendezvous: FdoRoles['rendezvous']): OwnerRole {
  const { config, store, random, clock } = ctx;
  const to2 = createTo2Owner({
    vouchers: ctx.ownerVouchers,
    keys: ctx.ownerKeyRing,
    random,
    clock,
    policy: {
      // Every TO2 provisions the device API beside the operator's plans (ADR 0027).
      serviceInfoPlans: withDeviceApiPlan(storedServiceInfoPlans(store), {
        endpoint: `${ctx.url}${DEVICE_API_PREFIX}`,
        credentials: ctx.deviceCredentials,
        trustAnchors: updateTrustAnchors(store.keys, readExtraAnchors(config.releases?.extraAnchorFiles ?? [])),
        ...(ctx.log === undefined ? {} : { warn: (m: string) => ctx.log?.warn(m) }),
      }),
    },
    serviceInfoPorts: ownerServiceInfoPorts({ store, serviceInfoDir: ctx.serviceInfoDir, uploadDir: join(config.dataDir, 'uploads') }),
  });
  const register = ownerRegistrar({
    store,
    keyRing: ctx.ownerKeyRing,
    to2Address: ctx.currentTo2Address,
    addresses: ctx.rendezvousAddresses,
    ...(rendezvous === undefined ? {} : { self: { to0: rendezvous.to0, urls: [ctx.url] } }),
    // TO0 to another rendezvous over https trusts the outbound CA bundle when one is set.
    ...(ctx.outboundTlsCa === undefined ? {} : { tlsCa: ctx.outboundTlsCa }),
  });
  const refresh = createTo0Refresh({
    store,
    register,
    clock,
    margin: config.to0RefreshMargin ?? DEFAULT_TO0_REFRESH_MARGIN,
    ...(ctx.log === undefined ? {} : { log: ctx.log }),
  });
  return { handlers: { to2 }, register, refresh, refreshEvery: config.to0RefreshInterval ?? DEFAULT_TO0_REFRESH_INTERVAL_S };
}
