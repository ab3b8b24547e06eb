import type { Page, PageRequest } from './page.ts';

export type IntentViolationDirection = 'from-device' | 'to-device';

/** What identifies one violation of a device: the same flow shape seen again only counts up. */
export interface IntentViolationKey {
  mac: string;
  direction: IntentViolationDirection;
  /** IP protocol number (6 TCP, 17 UDP, …); 0 when not IP. */
  protocol: number;
  /** The other side's address. */
  peer: string;
  /** The other side's port; 0 when the protocol has none. */
  peerPort: number;
  /** The device's port; 0 when the protocol has none. */
  localPort: number;
}

export interface IntentViolationInput extends IntentViolationKey {
  /** The ACL the flow fell through (the last ACL of the direction, or `default-deny`). */
  acl: string;
  at: Date;
  /** How many times the flow was seen at `at`; default 1. */
  count?: number;
}

export interface IntentViolationRecord extends IntentViolationKey {
  acl: string;
  firstSeen: Date;
  lastSeen: Date;
  count: number;
}

/** Violations of devices' policies, one record per flow shape, upserted. */
export interface IntentViolationRepository {
  /** Adds to the record of the flow (creates it at first sight); returns it. */
  record(v: IntentViolationInput): Promise<IntentViolationRecord>;
  /** All devices, or one with `mac`, in key order. */
  list(page?: PageRequest & { mac?: string }): Promise<Page<IntentViolationRecord>>;
  /** The record of one flow shape, if any. */
  get(key: IntentViolationKey): Promise<IntentViolationRecord | undefined>;
  /** The sum of the counts of the device's violations. */
  total(mac: string): Promise<number>;
  /** Forgets the device's violations (after a release); returns how many records went. */
  clear(mac: string): Promise<number>;
}

/** The largest peer text kept (an IPv6 address in full is 39). */
export const MAX_INTENT_PEER_CHARS = 64;

/** Throws TypeError for input the repository would not keep. */
export function checkIntentViolation(v: IntentViolationInput): void {
  if (typeof v.mac !== 'string' || !/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(v.mac)) throw new TypeError('a MAC is lower case with colons');
  if (v.direction !== 'from-device' && v.direction !== 'to-device') throw new TypeError('direction is from-device or to-device');
  for (const [k, max] of [
    ['protocol', 255],
    ['peerPort', 65535],
    ['localPort', 65535],
  ] as const) {
    const n = v[k];
    if (!Number.isInteger(n) || n < 0 || n > max) throw new TypeError(`${k} is 0..${max}`);
  }
  if (typeof v.peer !== 'string' || v.peer.length === 0 || v.peer.length > MAX_INTENT_PEER_CHARS)
    throw new TypeError('a peer is 1..64 characters');
  if (typeof v.acl !== 'string' || v.acl.length > 256) throw new TypeError('an ACL name is at most 256 characters');
  if (!(v.at instanceof Date) || Number.isNaN(v.at.getTime())) throw new TypeError('at is a date');
  if (v.count !== undefined && (!Number.isSafeInteger(v.count) || v.count < 1)) throw new TypeError('count is a positive integer');
}

/** The stored key of a violation: its fields joined, so that one text column orders and pages them. */
export const violationKey = (k: IntentViolationKey): string => [k.mac, k.direction, k.protocol, k.peer, k.peerPort, k.localPort].join('|');

/** The key a stored key text stands for, or undefined when the text is not one. */
export function parseViolationKey(text: string): IntentViolationKey | undefined {
  const parts = text.split('|');
  if (parts.length !== 6) return undefined;
  const [mac = '', direction, protocol, peer = '', peerPort, localPort] = parts;
  if (direction !== 'from-device' && direction !== 'to-device') return undefined;
  const n = (s: string | undefined) => (s !== undefined && /^\d{1,5}$/.test(s) ? Number(s) : Number.NaN);
  const key = { mac, direction, protocol: n(protocol), peer, peerPort: n(peerPort), localPort: n(localPort) } as const;
  try {
    checkIntentViolation({ ...key, acl: '', at: new Date(0) });
  } catch {
    return undefined;
  }
  return key;
}
