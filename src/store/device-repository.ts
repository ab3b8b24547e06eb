import type { Page, PageRequest } from './page.ts';

/**
 * Where a device is in its life (src/lifecycle/device-states.ts has the transitions):
 * `manufactured` (DI), `sold` (this manufacturer extended its voucher out), `owned` (this owner
 * imported its voucher), `registered` (at the rendezvous), `onboarded` (TO2 done), `active` (first
 * contact on the device API), `quarantined` (by the intent pillar), `suspended` (by an operator),
 * `decommissioned` (retired by an operator; the record is kept), `resold` (this owner sold it on).
 */
export type DeviceState =
  | 'manufactured'
  | 'sold'
  | 'owned'
  | 'registered'
  | 'onboarded'
  | 'active'
  | 'quarantined'
  | 'suspended'
  | 'decommissioned'
  | 'resold';

/** A device's labels: tags describe it, groups gather devices for campaigns and queries. */
export type DeviceLabelKind = 'tag' | 'group';

/** Letters, digits and `._:-`, 1 to 64: a label is a plain word in URLs, filters and the CLI. */
export const DEVICE_LABEL = /^[A-Za-z0-9._:-]{1,64}$/;
/** The most labels of one kind a device has. */
export const MAX_DEVICE_LABELS = 64;

export interface DeviceRecord {
  guid: Uint8Array;
  state: DeviceState;
  /** The GUID TO2 gave the device, once onboarded (equal to `guid` under Credential Reuse). */
  replacementGuid?: Uint8Array;
  createdAt: Date;
  updatedAt: Date;
  onboardedAt?: Date;
  /** Its first contact on the device API (the move to `active`); kept through later states. */
  activatedAt?: Date;
  /** Its tags and groups, sorted. */
  tags: string[];
  groups: string[];
  /** What the device reported in TO2 (iotopia.onboard) and where its TO2 came from; see OnboardInfo. */
  mudUrl?: string;
  sbomUrl?: string;
  onboardAddress?: string;
  /** When it last reached the device API (recorded at most once a minute) and from where. */
  lastSeenAt?: Date;
  lastSeenAddress?: string;
  /**
   * What the device list sorts and filters by (kept with the pillars' writes): the model (its
   * voucher's DeviceInfo, what DI recorded, else the model it reports), the firmware version a verified SUIT report
   * proved installed, and the intent pillar's enforcement state for it (a quarantine first).
   */
  fleetModel?: string;
  fleetFirmware?: string;
  intentState?: string;
}

/** One sighting of a device on the device API. */
export interface DeviceSighting {
  guid: Uint8Array;
  at: Date;
  /** The peer address it came from (the device's, unless a proxy or NAT is in between). */
  address?: string;
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

/** A GUID TO2 gave a device here: the record it belongs to and the GUID the device ran that TO2 with. */
export interface DeviceGuidLink {
  guid: Uint8Array;
  /** The device record's GUID (the one the device first onboarded with here). */
  device: Uint8Array;
  ranWith: Uint8Array;
  createdAt: Date;
}

/** The orders of a device list: by a key, then by GUID; `-` before the key reverses both. */
export const DEVICE_SORT_KEYS = ['lastSeen', 'guid', 'state', 'model', 'firmware'] as const;
export type DeviceSortKey = (typeof DEVICE_SORT_KEYS)[number];
export type DeviceSort = DeviceSortKey | `-${DeviceSortKey}`;
export const DEVICE_SORTS: readonly DeviceSort[] = DEVICE_SORT_KEYS.flatMap((k) => [k, `-${k}` as const]);

/** The longest search text a device list takes. */
export const MAX_DEVICE_SEARCH = 64;

export interface DeviceListRequest extends PageRequest {
  state?: DeviceState;
  tag?: string;
  group?: string;
  seenBefore?: Date;
  seenSince?: Date;
  /**
   * Search: a GUID or its start (hex, dashes ignored) matching the device's GUID or the one TO2 gave
   * it, a part of its model (case ignored for ASCII letters), or one of its tags or groups exactly.
   */
  q?: string;
  /** Exactly this fleet model / firmware version. */
  model?: string;
  firmware?: string;
  /** This intent state, or `none` for devices the intent pillar does not know. */
  intent?: string;
  /** Default `guid`; the page cursor belongs to its order. */
  sort?: DeviceSort;
}

export interface DeviceRepository {
  /**
   * Creates the device, or moves an existing one to `state` (keeping its creation time). The first
   * move to `active` sets `activatedAt`. Resolves when written; nothing is read back (`get` reads it).
   */
  upsert(d: { guid: Uint8Array; state: DeviceState }): Promise<void>;
  /**
   * Replaces the device's labels of `kind` (each matching DEVICE_LABEL, at most MAX_DEVICE_LABELS;
   * a TypeError otherwise). Throws ERR_STORE_NOT_FOUND for an unknown device.
   */
  setLabels(guid: Uint8Array, kind: DeviceLabelKind, labels: string[]): Promise<DeviceRecord>;
  get(guid: Uint8Array): Promise<DeviceRecord | undefined>;
  /** The device TO2 gave this GUID, at its latest TO2 or an earlier one (see DeviceGuidLink). */
  getByReplacementGuid(replacementGuid: Uint8Array): Promise<DeviceRecord | undefined>;
  /**
   * Records a finished TO2 and what it learned (each TO2 replaces the previous one's info) on the
   * device record `guid`; `ranWith` (default `guid`) is the GUID the device ran that TO2 with. A
   * replacement GUID other than the record's own is linked to the record. Throws
   * ERR_STORE_NOT_FOUND for an unknown device.
   */
  markOnboarded(guid: Uint8Array, replacementGuid: Uint8Array, info?: OnboardInfo, ranWith?: Uint8Array): Promise<void>;
  /** The link of a GUID TO2 gave, if any. */
  getGuidLink(guid: Uint8Array): Promise<DeviceGuidLink | undefined>;
  /** The GUIDs TO2 gave the device record `guid`, oldest first (at most 1000). */
  listGuidLinks(guid: Uint8Array): Promise<DeviceGuidLink[]>;
  /**
   * Records when and where devices were last seen; a sighting older than the one recorded is
   * ignored, an unknown device too. Does not change `updatedAt`.
   */
  recordSightings(sightings: readonly DeviceSighting[]): Promise<void>;
  /**
   * In GUID order, or in `sort`'s (a key then the GUID; unknown values sort as the lowest: never
   * seen, no model, no firmware); `state`, `tag`, `group`, `model`, `firmware`, `intent` and `q`
   * filter, `seenBefore` keeps devices last seen before it or never, `seenSince` those seen at it or
   * later (all must hold). A cursor from another order is refused (ERR_STORE_CURSOR).
   */
  list(page?: DeviceListRequest): Promise<Page<DeviceRecord>>;
}
