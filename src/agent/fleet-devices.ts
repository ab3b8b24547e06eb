/**
 * The devices a fleet directory holds (`iotopia fleet simulate --dir`): each onboarded device's
 * provision in `device-<n>.provision.json`, and its data (components, downloads) in `device-<n>/`.
 */
import type { KeyObject } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { importPrivateKey } from '../crypto/key-import.ts';
import { decodeDeviceCredential } from '../fdo/credential/credential-decode.ts';
import { readIdentity } from './device-identity.ts';
import type { DeviceOutcome } from './fleet.ts';
import type { FleetDevice } from './fleet-run.ts';
import { fileManagementStore } from './local-ports.ts';

/** Where the device at `index` keeps its data. */
export const fleetDataDir = (dir: string, index: number): string => join(dir, `device-${index}`);

/** The device key a fleet credential file holds, when it can be read (without it reports go unsigned). */
async function credentialKey(file: string): Promise<KeyObject | undefined> {
  try {
    const c = decodeDeviceCredential(new Uint8Array(await readFile(file)));
    return 'pkcs8' in c.deviceKey ? importPrivateKey(c.deviceKey.pkcs8) : undefined;
  } catch {
    return undefined;
  }
}

/** The onboarded devices of a fleet directory, by index; a provision that cannot be read is skipped and named. */
export async function loadFleetDevices(dir: string): Promise<{ devices: FleetDevice[]; unreadable: string[] }> {
  const devices: FleetDevice[] = [];
  const unreadable: string[] = [];
  for (const name of await readdir(dir)) {
    const m = /^device-(\d{1,9})\.provision\.json$/.exec(name);
    if (m === null) continue;
    const index = Number(m[1]);
    const provision = await fileManagementStore(join(dir, name))
      .load()
      .catch(() => undefined);
    const credential = join(dir, `device-${index}.cbor`);
    const reportKey = await credentialKey(credential);
    const dataDir = fleetDataDir(dir, index);
    if (provision === undefined || typeof provision.endpoint !== 'string') unreadable.push(name);
    else
      devices.push({
        index,
        provision,
        dataDir,
        identity: await readIdentity(dataDir, credential),
        ...(reportKey === undefined ? {} : { reportKey }),
      });
  }
  devices.sort((a, b) => a.index - b.index);
  return { devices, unreadable };
}

/** The devices onboarding just gave a provision; their data goes under `dataRoot`. */
export function onboardedDevices(outcomes: readonly DeviceOutcome[], dataRoot: string): FleetDevice[] {
  return outcomes.flatMap((o) =>
    o.ok && o.provision !== undefined
      ? [
          {
            index: o.index,
            provision: o.provision,
            dataDir: fleetDataDir(dataRoot, o.index),
            ...(o.deviceKey === undefined ? {} : { reportKey: o.deviceKey }),
            ...(o.identity === undefined ? {} : { identity: o.identity }),
          },
        ]
      : [],
  );
}
