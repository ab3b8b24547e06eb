/** Starts the owner side of a TO2 ServiceInfo exchange with the plans to carry out on this device. */
import { ownerHandler } from './lib/owner-registry.ts';
import { resolveLimits, type ServiceInfoLimits } from './limits.ts';
import { emptyDevmod } from './modules/devmod-owner.ts';
import type { OwnerModulePlan } from './owner-plans.ts';
import type { OwnerServiceInfoState } from './owner-state.ts';

export interface CreateOwnerServiceInfoOptions {
  plans: readonly OwnerModulePlan[];
  /** Limits on what the device sends; `maxBodyBytes` should be the maxDeviceServiceInfoSz this owner advertised. */
  limits?: Partial<ServiceInfoLimits>;
  /**
   * Rounds in a row with nothing sent either way while a plan waits for the device, before the
   * exchange fails with ERR_FDO_SVI_STALLED (default 10000).
   */
  maxIdleRounds?: number;
}

/** Checks every plan (TypeError on misuse) and returns the initial state. */
export function createOwnerServiceInfo(options: CreateOwnerServiceInfoOptions): OwnerServiceInfoState {
  if (!Array.isArray(options.plans)) throw new TypeError('plans must be an array');
  const maxIdleRounds = options.maxIdleRounds ?? 10_000;
  if (!Number.isSafeInteger(maxIdleRounds) || maxIdleRounds < 1) throw new TypeError('maxIdleRounds must be a positive integer');
  const plans = options.plans.map((plan) => {
    if (plan.required !== undefined && typeof plan.required !== 'boolean') throw new TypeError('plan.required must be a boolean');
    return { module: plan.module, status: 'pending' as const, required: plan.required ?? true, s: ownerHandler(plan.module).start(plan) };
  });
  return {
    v: 1,
    role: 'owner',
    phase: 'devmod',
    sentMore: false,
    idleRounds: 0,
    maxIdleRounds,
    inbox: null,
    outbox: [],
    devmod: emptyDevmod(),
    activated: [],
    plans: structuredClone(plans),
    current: 0,
    limits: resolveLimits(options.limits),
  };
}
