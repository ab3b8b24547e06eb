/**
 * iotopia.onboard, device side: once activated the device reports its intent (MUD URL, RFC 8520, and
 * optionally its SBOM URL) in `device-info`; the owner answers with `provision` (management
 * endpoint, device-API credential, SUIT trust anchors), which the device checks field by field and
 * stores through the injected ManagementStore, answering `done` (0) or `error` (text naming the field).
 */
import { IotopiaOnboardMessage, ModuleName } from '../../constants/serviceinfo.ts';
import type { DeviceModuleHandler } from '../device-module.ts';
import type { ManagementStore } from '../ports.ts';
import { checkUrl, type DeviceInfo, OnboardValueError, readProvision, writeDeviceInfo } from './iotopia-onboard-values.ts';

export interface DeviceIotopiaOnboardOptions {
  store: ManagementStore;
  /** The MUD URL (https) the device declares; usually the one in its certificate or devmod. */
  mudUrl?: string;
  sbomUrl?: string;
}

interface State {
  provisioned: boolean;
}

export function deviceIotopiaOnboardModule(options: DeviceIotopiaOnboardOptions): DeviceModuleHandler<State> {
  const info: DeviceInfo = {};
  try {
    if (options.mudUrl !== undefined) info.mudUrl = checkUrl(options.mudUrl, 'mudUrl');
    if (options.sbomUrl !== undefined) info.sbomUrl = checkUrl(options.sbomUrl, 'sbomUrl');
  } catch (e) {
    throw new TypeError(`iotopia.onboard: ${(e as Error).message}`);
  }
  return {
    module: ModuleName.iotopia_onboard,
    initial: () => ({ provisioned: false }),
    async activated(ctx) {
      ctx.send(IotopiaOnboardMessage.device_info, writeDeviceInfo(info));
    },
    async receive(ctx, s, message, value) {
      if (message !== IotopiaOnboardMessage.provision) return;
      let provision: ReturnType<typeof readProvision>;
      try {
        provision = readProvision(value);
      } catch (e) {
        if (!(e instanceof OnboardValueError)) throw e;
        ctx.send(IotopiaOnboardMessage.error, e.message);
        return;
      }
      try {
        await options.store.save(provision);
      } catch (e) {
        ctx.send(IotopiaOnboardMessage.error, `storing the provision failed: ${(e as Error).message ?? 'error'}`.slice(0, 256));
        return;
      }
      s.provisioned = true;
      ctx.send(IotopiaOnboardMessage.done, 0);
    },
  };
}
