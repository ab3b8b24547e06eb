import type { Page, PageRequest } from './page.ts';

/** Where a device's MUD URL came from. */
export type IntentUrlSource = 'fdo' | 'dhcp' | 'lldp' | 'api' | 'x509';
export const INTENT_URL_SOURCES: readonly IntentUrlSource[] = ['fdo', 'dhcp', 'lldp', 'api', 'x509'];

/** What the firewall does for a device now (docs/intent.md, "The manager"). */
export type IntentEnforcementState = 'pending' | 'enforced' | 'default-deny' | 'allowed' | 'quarantined' | 'failed' | 'removed';
export const INTENT_ENFORCEMENT_STATES: readonly IntentEnforcementState[] = [
  'pending',
  'enforced',
  'default-deny',
  'allowed',
  'quarantined',
  'failed',
  'removed',
];

/** The largest MUD file text kept per device, bytes (the fetch limit, RFC 8520 leaves it open). */
export const MAX_INTENT_MUD_TEXT_BYTES = 2 * 1024 * 1024;
/** The most DNS names kept per device. */
export const MAX_INTENT_NAMES = 256;
/** The most addresses kept per DNS name. */
export const MAX_INTENT_NAME_ADDRESSES = 64;

/** The last good MUD file of a device. */
export interface IntentMudRecord {
  /** The file as JSON text. */
  json: string;
  /** SHA-256 of the fetched bytes, lowercase hex. */
  digest: string;
  /** The verified signer's subject; undefined for a file accepted unsigned. */
  signer?: string;
  signed: boolean;
}

/** The fetch cache of the device's MUD URL (RFC 8520 §3.6 cache-validity, ETag) and its back-off. */
export interface IntentFetchRecord {
  etag?: string;
  fetchedAt: Date;
  validUntil: Date;
  failures: number;
  nextAttempt?: Date;
}

export interface IntentErrorRecord {
  code: string;
  message: string;
  at: Date;
}

/** The answers for one DNS name of the device's MUD file. */
export interface IntentResolvedName {
  name: string;
  addresses: string[];
  expiresAt: Date;
}

/** What the manager writes about one device; the MAC (lower case, colons) is the key. */
export interface IntentDeviceInput {
  mac: string;
  /** FDO GUID, lowercase hex, when the device was onboarded. */
  guid?: string;
  name?: string;
  ipv4?: string;
  ipv6?: string;
  mudUrl?: string;
  urlSource: IntentUrlSource;
  mud?: IntentMudRecord;
  fetch?: IntentFetchRecord;
  /**
   * Failed attempts in a row (fetch, resolve or apply) of a device that has no fetch record yet
   * (never had a good file), for its back-off; with a fetch record, `fetch.failures` counts them.
   */
  failedAttempts?: number;
  lastError?: IntentErrorRecord;
  names: IntentResolvedName[];
  state: IntentEnforcementState;
  ruleCount: number;
  /** When the manager should look at the device again (refetch or re-resolve); undefined: not scheduled. */
  dueAt?: Date;
}

export interface IntentDeviceRecord extends IntentDeviceInput {
  createdAt: Date;
  updatedAt: Date;
}

/**
 * The intent pillar's devices, one record per MAC. The repository keeps what the manager decided;
 * it checks shapes and limits (TypeError for misuse) but no policy.
 */
export interface IntentDeviceRepository {
  get(mac: string): Promise<IntentDeviceRecord | undefined>;
  /** The device that has this IPv4 or IPv6 address, if any; a removed device holds no address. */
  findByAddress(address: { ipv4?: string; ipv6?: string }): Promise<IntentDeviceRecord | undefined>;
  /** The devices carrying this FDO GUID (lowercase hex), in MAC order. */
  findByGuid(guid: string): Promise<IntentDeviceRecord[]>;
  /** Creates or replaces the record; a replacement keeps `createdAt`. */
  put(device: IntentDeviceInput): Promise<IntentDeviceRecord>;
  /** true when something was deleted. */
  delete(mac: string): Promise<boolean>;
  /** In MAC order. */
  /** By MAC; `state` keeps the devices in that enforcement state. */
  list(page?: PageRequest & { state?: IntentEnforcementState }): Promise<Page<IntentDeviceRecord>>;
  /** Devices due at `now` (dueAt ≤ now), earliest first, at most `limit`. */
  due(now: Date, limit: number): Promise<IntentDeviceRecord[]>;
}

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;
const GUID = /^[0-9a-f]{32}$/;

export const isIntentMac = (mac: unknown): mac is string => typeof mac === 'string' && MAC.test(mac);

const isDate = (d: unknown): d is Date => d instanceof Date && !Number.isNaN(d.getTime());

/** Throws TypeError for a record the repository would not keep. */
export function checkIntentDevice(d: IntentDeviceInput): void {
  if (!isIntentMac(d.mac)) throw new TypeError('an intent device MAC is lower case with colons');
  if (d.guid !== undefined && !GUID.test(d.guid)) throw new TypeError('a GUID is 32 lowercase hex digits');
  if (!INTENT_URL_SOURCES.includes(d.urlSource)) throw new TypeError(`unknown MUD URL source ${String(d.urlSource)}`);
  if (!INTENT_ENFORCEMENT_STATES.includes(d.state)) throw new TypeError(`unknown enforcement state ${String(d.state)}`);
  if (!Number.isInteger(d.ruleCount) || d.ruleCount < 0) throw new TypeError('a rule count is a non-negative integer');
  if (d.failedAttempts !== undefined && (!Number.isSafeInteger(d.failedAttempts) || d.failedAttempts < 1))
    throw new TypeError('failed attempts are a positive integer');
  if (d.mud !== undefined && Buffer.byteLength(d.mud.json, 'utf8') > MAX_INTENT_MUD_TEXT_BYTES)
    throw new TypeError(`a MUD file over ${MAX_INTENT_MUD_TEXT_BYTES} bytes is not kept`);
  if (d.names.length > MAX_INTENT_NAMES) throw new TypeError(`more than ${MAX_INTENT_NAMES} DNS names`);
  for (const n of d.names) {
    if (n.addresses.length > MAX_INTENT_NAME_ADDRESSES) throw new TypeError(`more than ${MAX_INTENT_NAME_ADDRESSES} addresses for a name`);
    if (!isDate(n.expiresAt)) throw new TypeError('a resolved name has an expiry');
  }
  if (d.fetch !== undefined && (!isDate(d.fetch.fetchedAt) || !isDate(d.fetch.validUntil))) throw new TypeError('fetch times are dates');
  if (d.dueAt !== undefined && !isDate(d.dueAt)) throw new TypeError('dueAt is a date');
}
