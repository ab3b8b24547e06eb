import type { Page, PageRequest } from './page.ts';

/** Where a device is on its way from the line to its owner; `resold`: this owner sold it on. */
export type DeviceState = 'manufactured' | 'owned' | 'registered' | 'onboarded' | 'resold';

export interface DeviceRecord {
  guid: Uint8Array;
  state: DeviceState;
  /** The GUID TO2 gave the device, once onboarded (equal to `guid` under Credential Reuse). */
  replacementGuid?: Uint8Array;
  createdAt: Date;
  updatedAt: Date;
  onboardedAt?: Date;
  /** What the device reported in TO2 (iotopia.onboard) and where its TO2 came from; see OnboardInfo. */
  mudUrl?: string;
  sbomUrl?: string;
  onboardAddress?: string;
}

/** What an owner learned of a device in a successful TO2, beside its new GUID. */
export interface OnboardInfo {
  /** The MUD URL (RFC 8520) the device reported in iotopia.onboard `device-info`. */
  mudUrl?: string;
  /** The SBOM URL it reported. */
  sbomUrl?: string;
  /** The network address TO2 came from (the device's, unless a proxy or NAT is in between). */
  address?: string;
}

export interface DeviceRepository {
  /** Creates the device, or moves an existing one to `state` (keeping its creation time). */
  upsert(d: { guid: Uint8Array; state: DeviceState }): Promise<DeviceRecord>;
  get(guid: Uint8Array): Promise<DeviceRecord | undefined>;
  /** The device TO2 gave this GUID (the one it presents from then on). */
  getByReplacementGuid(replacementGuid: Uint8Array): Promise<DeviceRecord | undefined>;
  /**
   * Records a finished TO2 and what it learned (each TO2 replaces the previous one's info). Throws
   * ERR_STORE_NOT_FOUND for an unknown device.
   */
  markOnboarded(guid: Uint8Array, replacementGuid: Uint8Array, info?: OnboardInfo): Promise<void>;
  list(page?: PageRequest & { state?: DeviceState }): Promise<Page<DeviceRecord>>;
}
