/** fido_alliance, owner side: sends the device's interop dashboard token; the module has no answer. */
import { FidoAllianceMessage, ModuleName } from '../../constants/serviceinfo.ts';
import type { OwnerModuleHandler } from '../lib/owner-module.ts';
import type { FidoAlliancePlan } from '../owner-plans.ts';

export const ownerFidoAllianceModule: OwnerModuleHandler<FidoAlliancePlan, { token: string }> = {
  module: ModuleName.fido_alliance,
  start(plan) {
    if (typeof plan.devConformance !== 'string' || plan.devConformance === '') {
      throw new TypeError('fido_alliance plan: devConformance must be a non-empty string');
    }
    return { token: plan.devConformance };
  },
  async produce(ctx, s) {
    ctx.activate();
    ctx.send(FidoAllianceMessage.dev_conformance, s.token);
    ctx.complete();
    return 'idle';
  },
  async receive() {},
};
