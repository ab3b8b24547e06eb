/**
 * What the registry shows of a device beyond its record: the model, manufacturer and serial it
 * reports on the device API (`PUT /device/v1/config`), and the firmware it installed as its verified
 * SUIT reports prove it (release, version, the manifest's sequence number, each component's SUIT
 * component id and image digest, and when). Device-reported firmware claims are not shown here:
 * only a verified report sets the firmware.
 */
import { guidToHex } from '../fdo/types/guid.ts';
import type { InstalledComponent } from '../store/campaign-repository.ts';
import type { Store } from '../store/store.ts';

export interface DeviceFirmware {
  releaseId?: string;
  version?: string;
  sequenceNumber: number;
  components: InstalledComponent[];
  /** The campaign action whose verified report proved it. */
  reportAction?: string;
  installedAt: Date;
}

export interface DeviceProfile {
  model?: string;
  manufacturer?: string;
  serial?: string;
  firmware?: DeviceFirmware;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** The device's profile by its original GUID. */
export async function deviceProfile(store: Store, guid: Uint8Array): Promise<DeviceProfile> {
  const [config, installed] = await Promise.all([store.deviceConfig.get(guid), store.campaigns.installed(guidToHex(guid))]);
  const c = config?.config ?? {};
  const out: DeviceProfile = {};
  for (const k of ['model', 'manufacturer', 'serial'] as const) {
    const v = text(c[k]);
    if (v !== undefined) out[k] = v;
  }
  if (installed?.components !== undefined)
    out.firmware = {
      ...(installed.releaseId === undefined ? {} : { releaseId: installed.releaseId }),
      ...(installed.version === undefined ? {} : { version: installed.version }),
      sequenceNumber: installed.sequenceNumber,
      components: installed.components,
      ...(installed.reportAction === undefined ? {} : { reportAction: installed.reportAction }),
      installedAt: installed.updatedAt,
    };
  return out;
}
