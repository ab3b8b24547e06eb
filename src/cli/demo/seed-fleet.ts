/**
 * The demo's devices, made as `iotopia fleet simulate` makes them: each model's devices run DI
 * against this server's manufacturer role and onboard (TO1, TO2) with its owner, over HTTP.
 */
import { type DeviceOutcome, runFleet } from '../../agent/fleet.ts';
import { IotopiaError } from '../../errors.ts';
import type { DemoModel } from './models.ts';

export interface DemoDevice {
  index: number;
  model: string;
  /** The GUID DI gave the device (hex): the registry knows it by this one and by the one TO2 gave. */
  guid: string;
  outcome: DeviceOutcome;
}

/** Makes and onboards every model's devices, numbered apart; resolves the onboarded ones. */
export async function seedFleet(
  url: string,
  models: readonly DemoModel[],
  dir: string,
  progress: (line: string) => void,
  signal: AbortSignal,
): Promise<DemoDevice[]> {
  const devices: DemoDevice[] = [];
  let first = 0;
  for (const m of models) {
    if (signal.aborted) break;
    const summary = await runFleet({ count: m.devices, manufacturer: url, model: m.model, firstIndex: first, concurrency: 4, dir, signal });
    first += m.devices;
    if (summary.failed > 0)
      throw new IotopiaError(
        'ERR_DEMO_SEED',
        `${m.model}: ${summary.failed} devices failed DI or onboarding: ${JSON.stringify(summary.failures)}`,
      );
    for (const o of summary.devices) devices.push({ index: o.index, model: m.model, guid: o.guid ?? '', outcome: o });
    progress(
      `  ${m.model}: ${summary.succeeded} devices manufactured (DI) and onboarded (TO1, TO2) in ${(summary.durationMs / 1000).toFixed(1)} s`,
    );
  }
  return devices;
}
