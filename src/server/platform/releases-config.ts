/**
 * The `iotopia up` settings of releases: where payloads are kept (the database unless a payload
 * directory is set), the largest payload taken, and further SUIT trust anchors (COSE_Key files)
 * that an uploaded signed envelope may verify with besides the update-authority key.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type CoseKey, decodeCoseKey } from '../../codec/cose/key.ts';
import type { PayloadStorageConfig } from '../../lifecycle/releases/service.ts';
import { ConfigError } from '../../platform/errors.ts';

export interface ReleasesConfig {
  storage: PayloadStorageConfig;
  maxPayloadBytes?: number;
  /** Paths of COSE_Key files (CBOR), read at start. */
  extraAnchorFiles: string[];
}

export interface ReleasesRawSettings {
  payloadDir?: string | undefined;
  maxPayloadBytes?: string | undefined;
  updateAnchors?: string | undefined;
}

export const RELEASES_ENV: Readonly<Record<keyof ReleasesRawSettings, string>> = {
  payloadDir: 'IOTOPIA_PAYLOAD_DIR',
  maxPayloadBytes: 'IOTOPIA_MAX_PAYLOAD_BYTES',
  updateAnchors: 'IOTOPIA_UPDATE_ANCHORS',
};

/** The largest payload setting allowed: 4 GiB. */
const MAX_PAYLOAD_SETTING = 4 * 1024 * 1024 * 1024;

export const defaultReleasesConfig = (): ReleasesConfig => ({ storage: { kind: 'database' }, extraAnchorFiles: [] });

export function applyReleaseSettings(c: ReleasesConfig, s: ReleasesRawSettings, bad: (setting: string, why: string) => ConfigError): void {
  if (s.payloadDir !== undefined)
    c.storage = s.payloadDir.trim() === '' ? { kind: 'database' } : { kind: 'directory', dir: resolve(s.payloadDir) };
  if (s.maxPayloadBytes !== undefined) {
    const n = Number(s.maxPayloadBytes);
    if (!/^\d{1,10}$/.test(s.maxPayloadBytes.trim()) || n < 1 || n > MAX_PAYLOAD_SETTING)
      throw bad('max-payload-bytes', `a whole number of bytes from 1 to ${MAX_PAYLOAD_SETTING}`);
    c.maxPayloadBytes = n;
  }
  if (s.updateAnchors !== undefined)
    c.extraAnchorFiles = s.updateAnchors
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '')
      .map((p) => resolve(p));
}

/** The extra anchors, read now; a file that is not a COSE_Key fails the start naming it. */
export function readExtraAnchors(files: readonly string[]): CoseKey[] {
  return files.map((f) => {
    try {
      return decodeCoseKey(new Uint8Array(readFileSync(f)));
    } catch (e) {
      throw new ConfigError(`update-anchors: ${f} is not a readable COSE_Key: ${(e as Error).message}`);
    }
  });
}
