/**
 * iotopia.onboard, owner side: activates the module, waits for the device's `device-info` (MUD and
 * SBOM URLs, checked), then sends `provision` and completes on `done`. The outcome's detail carries
 * the device's URLs for the intent and lifecycle pillars.
 */
import { decode, encode } from '../../../codec/cbor.ts';
import { IotopiaOnboardMessage, ModuleName } from '../../constants/serviceinfo.ts';
import { fromB64, toB64 } from '../lib/b64.ts';
import type { OwnerModuleHandler } from '../lib/owner-module.ts';
import { readText, readUint } from '../lib/values.ts';
import type { IotopiaOnboardPlan } from '../owner-plans.ts';
import type { PlanState } from '../owner-state.ts';
import type { ManagementProvision } from '../ports.ts';
import { type DeviceInfo, OnboardValueError, readDeviceInfo, readProvision, writeProvision } from './iotopia-onboard-values.ts';

interface State {
  /** The provision map as CBOR, base64 (checked at start). */
  provision: string;
  requireMudUrl: boolean;
  activated: boolean;
  info: DeviceInfo | null;
  sent: boolean;
}

const key = (m: string) => `${ModuleName.iotopia_onboard}:${m}`;

function checkedProvision(p: ManagementProvision): Map<string, unknown> {
  try {
    // Reading back what is written applies the device's own checks before anything is sent.
    const map = writeProvision(p);
    readProvision(map);
    return map;
  } catch (e) {
    throw new TypeError(`iotopia.onboard plan: ${(e as Error).message}`);
  }
}

export const ownerIotopiaOnboardModule: OwnerModuleHandler<IotopiaOnboardPlan, State> = {
  module: ModuleName.iotopia_onboard,
  start(plan) {
    if (typeof plan.provision !== 'object' || plan.provision === null) throw new TypeError('iotopia.onboard plan: provision is required');
    return {
      provision: toB64(encode(checkedProvision(plan.provision))),
      requireMudUrl: plan.requireMudUrl ?? false,
      activated: false,
      info: null,
      sent: false,
    };
  },
  async produce(ctx, s) {
    if (!s.activated) {
      ctx.activate();
      s.activated = true;
      return 'idle';
    }
    if (s.info === null || s.sent) return 'idle';
    ctx.send(IotopiaOnboardMessage.provision, decode(fromB64(s.provision)));
    s.sent = true;
    return 'idle';
  },
  async receive(ctx, s, message, value) {
    switch (message) {
      case IotopiaOnboardMessage.device_info:
        try {
          s.info = readDeviceInfo(value);
        } catch (e) {
          if (!(e instanceof OnboardValueError)) throw e;
          return ctx.fail('ERR_FDO_IOTOPIA_INVALID', e.message);
        }
        if (s.requireMudUrl && s.info.mudUrl === undefined) ctx.fail('ERR_FDO_IOTOPIA_INVALID', 'device-info.mud-url is missing');
        return;
      case IotopiaOnboardMessage.done:
        readUint(value, key(message));
        if (s.info === null || !s.sent) return ctx.fail('ERR_FDO_IOTOPIA_INVALID', 'done arrived before provision');
        return ctx.complete({ ...s.info });
      case IotopiaOnboardMessage.error:
        return ctx.fail('ERR_FDO_IOTOPIA_INVALID', `the device refused the provision: ${readText(value, key(message), 1024)}`);
      default:
        return;
    }
  },
};

/**
 * The provision a completed iotopia.onboard plan delivered (the device took it and answered
 * `done`), read back from the plan's state; undefined for a plan in any other status.
 */
export function deliveredProvision(plan: PlanState): ManagementProvision | undefined {
  if (plan.module !== ModuleName.iotopia_onboard || plan.status !== 'done') return undefined;
  const provision = (plan.s as Partial<State>).provision;
  return typeof provision === 'string' ? readProvision(decode(fromB64(provision))) : undefined;
}
