/**
 * fido_alliance, device side: in FIDO Alliance interop events the owner sends
 * `fido_alliance:dev_conformance`, a device-specific access token for the interop dashboard, which
 * the device then uses to report its onboarding. The module defines no answer, so a failing sink is
 * only remembered in the module state.
 */
import { FidoAllianceMessage, ModuleName } from '../../constants/serviceinfo.ts';
import type { DeviceModuleHandler } from '../device-module.ts';
import { readText } from '../lib/values.ts';
import type { ConformanceTokenSink } from '../ports.ts';

export interface DeviceFidoAllianceOptions {
  sink: ConformanceTokenSink;
}

interface State {
  received: boolean;
  error: string | null;
}

export function deviceFidoAllianceModule(options: DeviceFidoAllianceOptions): DeviceModuleHandler<State> {
  return {
    module: ModuleName.fido_alliance,
    initial: () => ({ received: false, error: null }),
    async receive(_ctx, s, message, value) {
      if (message !== FidoAllianceMessage.dev_conformance) return;
      const token = readText(value, `${ModuleName.fido_alliance}:${message}`, 8192);
      s.received = true;
      try {
        await options.sink.submit(token);
      } catch (e) {
        s.error = String((e as Error).message ?? e).slice(0, 256);
      }
    },
  };
}
