/** Starts the device side of a TO2 ServiceInfo exchange. */
import type { DeviceServiceInfoState } from './device-state.ts';
import { resolveLimits, type ServiceInfoLimits } from './limits.ts';

export interface CreateDeviceServiceInfoOptions {
  /** Limits on what the owner sends; `maxBodyBytes` should be the maxOwnerServiceInfoSz this device advertised. */
  limits?: Partial<ServiceInfoLimits>;
}

export function createDeviceServiceInfo(options: CreateDeviceServiceInfoOptions = {}): DeviceServiceInfoState {
  return {
    v: 1,
    role: 'device',
    phase: 'start',
    sentMore: false,
    inbox: null,
    outbox: [],
    active: {},
    limits: resolveLimits(options.limits),
  };
}
