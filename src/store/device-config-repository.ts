/** What a device reports about itself on the device API, one JSON document per device (its GUID). */
export interface DeviceConfigRecord {
  guid: Uint8Array;
  config: Record<string, unknown>;
  updatedAt: Date;
}

export interface DeviceConfigRepository {
  get(guid: Uint8Array): Promise<DeviceConfigRecord | undefined>;
  /** Replaces the device's document. */
  put(guid: Uint8Array, config: Record<string, unknown>): Promise<DeviceConfigRecord>;
}
