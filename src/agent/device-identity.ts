/**
 * What a device is, as DI recorded it: the model and serial number the device presented to its
 * manufacturer (DeviceMfgInfo), kept in `<data>/identity.json` beside the credential when the
 * device is made (`iotopia device init`, the fleet simulator), and the manufacturer's name when
 * known. The credential itself keeps only DCDeviceInfo, which stands in for the model when there is
 * no identity file (a credential made elsewhere).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeDeviceCredential } from '../fdo/credential/credential-decode.ts';
import { MAX_DEVICE_TEXT_CHARS } from '../lifecycle/device-config.ts';
import { mkdirPrivate, writeFileAtomic } from './local-ports.ts';

export const IDENTITY_FILE = 'identity.json';
/** The longest model, manufacturer or serial kept: the device API's bound. */
export const MAX_IDENTITY_CHARS = MAX_DEVICE_TEXT_CHARS;
const MAX_IDENTITY_BYTES = 4096;

export interface DeviceIdentity {
  model?: string;
  manufacturer?: string;
  serial?: string;
}

const FIELDS = ['model', 'manufacturer', 'serial'] as const;

const fits = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_IDENTITY_CHARS;

/** The identity fields of `v` that are text of 1–128 characters; the rest is dropped. */
export function checkedIdentity(v: unknown): DeviceIdentity {
  const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  const out: DeviceIdentity = {};
  for (const k of FIELDS) if (fits(o[k])) out[k] = o[k];
  return out;
}

export async function saveIdentity(dataDir: string, identity: DeviceIdentity): Promise<void> {
  await mkdirPrivate(dataDir);
  await writeFileAtomic(join(dataDir, IDENTITY_FILE), JSON.stringify(checkedIdentity(identity)));
}

async function identityFile(dataDir: string): Promise<DeviceIdentity> {
  try {
    const text = await readFile(join(dataDir, IDENTITY_FILE), 'utf8');
    return text.length > MAX_IDENTITY_BYTES ? {} : checkedIdentity(JSON.parse(text));
  } catch {
    return {};
  }
}

async function credentialModel(file: string): Promise<string | undefined> {
  try {
    const info = decodeDeviceCredential(new Uint8Array(await readFile(file))).deviceInfo;
    return fits(info) ? info : undefined;
  } catch {
    return undefined;
  }
}

/** The device's identity: its identity file, with the credential's device info as the model when the file names none. */
export async function readIdentity(dataDir: string, credentialFile?: string): Promise<DeviceIdentity> {
  const known = await identityFile(dataDir);
  if (known.model !== undefined || credentialFile === undefined) return known;
  const model = await credentialModel(credentialFile);
  return model === undefined ? known : { ...known, model };
}
