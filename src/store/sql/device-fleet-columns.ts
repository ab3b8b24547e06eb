/**
 * The columns a device list sorts and filters by beside the device record's own: its model, its
 * verified firmware version and its intent state. Each is copied from where its pillar keeps it
 * (vouchers and device_config, device_installed, intent_devices) by triggers, in the same
 * transaction as the write, so the list reads one table through one index whatever the order.
 */

/** The list's sort keys as SQL expressions; each has an index on (expression, guid). */
export const FLEET_SORT_KEYS = {
  lastSeen: 'coalesce(last_seen_at, 0)',
  guid: 'guid',
  state: 'state',
  model: "coalesce(fleet_model, '')",
  firmware: "coalesce(fleet_firmware, '')",
} as const;

export type FleetSortKey = keyof typeof FLEET_SORT_KEYS;

export const FLEET_INTENT_KEY = "coalesce(intent_state, '')";

/** The indexes migration 0028 makes: name and expression, each followed by the GUID. */
export const FLEET_INDEXES: readonly [string, string][] = [
  ['devices_fleet_last_seen', FLEET_SORT_KEYS.lastSeen],
  ['devices_fleet_model', FLEET_SORT_KEYS.model],
  ['devices_fleet_firmware', FLEET_SORT_KEYS.firmware],
  ['devices_fleet_intent', FLEET_INTENT_KEY],
];

/** The common filtered order, the devices of one state by last contact: (state, key, guid). */
export const FLEET_STATE_LAST_SEEN_INDEX = `CREATE INDEX devices_fleet_state_last_seen ON devices (state, (${FLEET_SORT_KEYS.lastSeen}), guid)`;

/** The model a device reports in its configuration, when a non-empty string (lifecycle/device-profile.ts). */
const REPORTED_MODEL = {
  sqlite: `CASE WHEN json_valid(c.config) AND json_type(c.config, '$.model') = 'text' THEN nullif(json_extract(c.config, '$.model'), '') END`,
  postgres: `CASE WHEN json_typeof(c.config::json -> 'model') = 'string' THEN nullif(c.config::json ->> 'model', '') END`,
};

/**
 * The statement that recomputes the columns of the devices `where` selects: the model is the
 * DeviceInfo of its voucher (what DI recorded; the owner's copy first), else the model the device reports; the firmware
 * is the version a verified SUIT report proved installed; the intent state is that of the device's
 * intent records (by its GUID or the one TO2 gave it), a quarantine first, else the latest.
 */
export function fleetRefresh(dialect: 'sqlite' | 'postgres', where: string): string {
  return `UPDATE devices SET
    fleet_model = coalesce(
      (SELECT v.device_info FROM vouchers v WHERE v.guid = devices.guid AND v.device_info IS NOT NULL
        ORDER BY CASE WHEN v.side = 'owner' THEN 0 ELSE 1 END LIMIT 1),
      (SELECT ${REPORTED_MODEL[dialect]} FROM device_config c WHERE c.guid = devices.guid)),
    fleet_firmware = (SELECT CASE WHEN i.components IS NOT NULL THEN i.version END FROM device_installed i WHERE i.guid = devices.guid),
    intent_state = (SELECT x.state FROM intent_devices x WHERE x.guid = devices.guid OR x.guid = devices.replacement_guid
      ORDER BY CASE WHEN x.state = 'quarantined' THEN 0 ELSE 1 END, x.updated_at DESC, x.mac LIMIT 1)
    WHERE ${where}`;
}
