/**
 * The console fleet benchmark's fleet: `count` devices written straight into the SQLite file of a
 * running server in one transaction (the benchmark's setup, not an API path), with their reported
 * models, verified firmware versions, sightings and, for some, intent records. The triggers of
 * migration 0028 fill the list's columns as they would for writes made by the pillars.
 */
import { randomBytes } from 'node:crypto';
import { DatabaseSync } from 'node:sqlite';

const STATES = [
  'active',
  'active',
  'active',
  'active',
  'onboarded',
  'onboarded',
  'registered',
  'suspended',
  'quarantined',
  'decommissioned',
];
const MODELS = ['lamp-a1', 'lamp-b2', 'plug-c3', 'camera-d4', 'thermostat-e5', 'sensor-f6', 'lock-g7', 'hub-h8'];
const VERSIONS = ['1.0.0', '1.1.0', '1.2.3', '2.0.0', '2.0.1'];
const NOW = Date.parse('2031-03-01T12:00:00Z');

export interface SeededFleet {
  devices: number;
  seedMs: number;
  /** A GUID of the fleet, for searches. */
  sampleGuid: string;
}

const pick = <T>(list: readonly T[], n: number): T => list[n % list.length] as T;

export function seedFleet(path: string, count: number): SeededFleet {
  const db = new DatabaseSync(path, { timeout: 30_000 });
  const started = performance.now();
  let sampleGuid = '';
  try {
    const device = db.prepare(
      'INSERT INTO devices (guid, state, replacement_guid, created_at, updated_at, onboarded_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const config = db.prepare('INSERT INTO device_config (guid, config, updated_at) VALUES (?, ?, ?)');
    const installed = db.prepare(
      'INSERT INTO device_installed (guid, release_id, version, sequence_number, updated_at, components, report_action) VALUES (?, NULL, ?, ?, ?, ?, NULL)',
    );
    const intent = db.prepare(
      `INSERT INTO intent_devices (mac, guid, url_source, names, state, rule_count, created_at, updated_at) VALUES (?, ?, 'fdo', '[]', ?, 0, ?, ?)`,
    );
    db.exec('BEGIN');
    for (let n = 0; n < count; n++) {
      const guid = randomBytes(16).toString('hex');
      if (n === Math.floor(count / 2)) sampleGuid = guid;
      const seen = n % 10 < 8 ? NOW - ((n * 7919) % 86_400_000) : null;
      device.run(guid, pick(STATES, n), guid, NOW - 86_400_000, NOW - 3_600_000, NOW - 86_400_000, seen);
      config.run(guid, JSON.stringify({ model: pick(MODELS, n * 31), serial: `SN-${n}` }), NOW);
      if (n % 3 !== 0) installed.run(guid, pick(VERSIONS, n * 17), 1 + (n % 5), NOW, '[]');
      if (n % 20 === 0) {
        const h = n.toString(16).padStart(8, '0');
        const mac = `02:00:${h.slice(0, 2)}:${h.slice(2, 4)}:${h.slice(4, 6)}:${h.slice(6, 8)}`;
        intent.run(mac, guid, n % 40 === 0 ? 'quarantined' : 'enforced', NOW, NOW);
      }
    }
    db.exec('COMMIT');
  } finally {
    db.close();
  }
  return { devices: count, seedMs: Math.round(performance.now() - started), sampleGuid };
}
