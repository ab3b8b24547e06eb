/**
 * Many registered devices, fast, for benchmarks: rows go straight into the devices and
 * device_credentials tables of a migrated SQLite file, in one transaction on a connection of its
 * own (the store's repositories would take minutes for 100,000). Each device is active with one
 * live bearer credential; returns the tokens, in device order.
 */
import { DatabaseSync } from 'node:sqlite';
import { newDeviceToken } from '../src/lifecycle/device-credentials.ts';
import { hashSecret } from '../src/store/hash-secret.ts';

/** The GUID (hex) of bench device `i`. */
export const benchGuid = (i: number): string => `d0${'0'.repeat(22)}${i.toString(16).padStart(8, '0')}`;

export function registerDevices(path: string, n: number): string[] {
  const db = new DatabaseSync(path, { timeout: 5000 });
  const now = Date.now();
  const tokens: string[] = [];
  try {
    const device = db.prepare(
      'insert into devices (guid, state, replacement_guid, created_at, updated_at, onboarded_at, activated_at) values (?, ?, ?, ?, ?, ?, ?)',
    );
    const credential = db.prepare(
      'insert into device_credentials (token_hash, guid, created_at, activated_at, expires_at, revoked_at) values (?, ?, ?, ?, null, null)',
    );
    db.exec('begin immediate');
    for (let i = 0; i < n; i++) {
      const guid = benchGuid(i);
      const token = newDeviceToken();
      device.run(guid, 'active', guid, now, now, now, now);
      credential.run(hashSecret(token), guid, now, now);
      tokens.push(token);
    }
    db.exec('commit');
  } finally {
    db.close();
  }
  return tokens;
}
