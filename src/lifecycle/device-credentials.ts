/**
 * Device API credentials (ADR 0027): a bearer token per device, 32 random bytes in base64url,
 * stored only as its SHA-256. The owner mints one pending credential per TO2 and activates exactly
 * that one when the TO2 outcome commits, if the device took the provision that carried it; rotation makes a new one live and lets the old one run for
 * ROTATION_OVERLAP_MS; revocation is immediate. `verify` refuses unknown, pending, revoked and
 * expired credentials and devices that are suspended, decommissioned, resold or gone.
 */
import { randomBytes } from 'node:crypto';
import type { DeviceApiCredential } from '../fdo/serviceinfo/ports.ts';
import { guidToHex } from '../fdo/types/guid.ts';
import type { DeviceCredentialRecord } from '../store/device-credential-repository.ts';
import type { DeviceRecord, DeviceState } from '../store/device-repository.ts';
import { hashSecret } from '../store/hash-secret.ts';
import type { Repositories, Store } from '../store/store.ts';
import { moveDevice } from './device-states.ts';
import { generations } from './generations.ts';

/** Random bytes in a device token (base64url: 43 characters, an RFC 6750 b64token). */
export const DEVICE_TOKEN_BYTES = 32;
/** How long a replaced credential stays valid after a rotation, so a device mid-poll is not cut off. */
export const ROTATION_OVERLAP_MS = 10 * 60_000;
/** How long a pending credential waits for the TO2 that delivers it to commit (TO2 sessions last minutes). */
export const PENDING_CREDENTIAL_MS = 60 * 60_000;
/**
 * A verified credential and its device are trusted from memory while the store's `devices` change
 * generation is the one they were read under (generations.ts), which is read again once this long
 * has passed: the bound on how late a revocation or suspension made on another replica counts here
 * (plus one query; one made in this process counts at once).
 */
export const VERIFY_CACHE_MS = 1_000;
/** The most credentials kept in memory. */
export const VERIFY_CACHE_MAX = 100_000;
/** The longest presented token looked at; anything longer is unknown without a lookup. */
const MAX_TOKEN_LENGTH = 4096;
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** Why a credential is refused; the device API answers 401, or 403 for `suspended`. */
export type DeviceRefusal = 'unknown' | 'revoked' | 'expired' | 'retired' | 'suspended';

/** The device a verified credential belongs to, as the device API needs it. */
export type VerifiedDevice = Pick<DeviceRecord, 'guid' | 'state'>;
/** What the device API needs of a verified credential. */
export type VerifiedCredential = Pick<DeviceCredentialRecord, 'expiresAt' | 'rotationRequestedAt'>;

export type DeviceVerdict = { ok: true; device: VerifiedDevice; credential: VerifiedCredential } | { ok: false; refusal: DeviceRefusal };

/** Devices in these states have no device API. */
const RETIRED: readonly DeviceState[] = ['decommissioned', 'resold', 'manufactured', 'sold', 'owned', 'registered'];

export interface DeviceCredentialsOptions {
  store: Store;
  clock?: () => Date;
  /** VERIFY_CACHE_MS unless given; 0 turns the cache off. */
  cacheMs?: number;
  overlapMs?: number;
}

export interface DeviceCredentials {
  /**
   * A new credential for the device of this GUID (original or given by TO2): pending (activated
   * when the TO2 that delivers it commits) or live at once.
   */
  mint(guid: Uint8Array, o: { pending: boolean }): Promise<string>;
  /** A new live credential; the previous one is still accepted for the overlap. */
  rotate(guid: Uint8Array): Promise<string>;
  /**
   * An operator asks the device to rotate: its live credential is marked, and the device's polls
   * answer `rotate: true` until it calls the device API's rotate route. Resolves with how many were marked.
   */
  requestRotation(guid: Uint8Array): Promise<number>;
  /** Revokes every credential of the device, at once in this process; resolves with how many. */
  revoke(guid: Uint8Array): Promise<number>;
  verify(token: string): Promise<DeviceVerdict>;
  /** The device's first contact: `onboarded` becomes `active` (audited); resolves with the device after. */
  contact(device: VerifiedDevice): Promise<VerifiedDevice>;
}

export const newDeviceToken = (): string => randomBytes(DEVICE_TOKEN_BYTES).toString('base64url');

/**
 * Inside the TO2 outcome's transaction: the credential this TO2 session delivered in its
 * iotopia.onboard provision becomes the device's live one, if this owner minted it for the device
 * and it is still pending. Nothing else is activated: a device that skipped iotopia.onboard gets no
 * usable credential, and a pending credential of another TO2 run for the device (overlapping, or
 * abandoned) stays pending until its own run commits or it expires (PENDING_CREDENTIAL_MS).
 */
export async function activateDeliveredCredential(
  r: Repositories,
  guid: Uint8Array,
  delivered: DeviceApiCredential | undefined,
  overlapMs = ROTATION_OVERLAP_MS,
): Promise<boolean> {
  if (delivered?.type !== 'bearer') return false;
  const hash = hashSecret(delivered.token);
  const c = await r.deviceCredentials.findByHash(hash);
  if (c === undefined || c.activatedAt !== undefined || c.revokedAt !== undefined || guidToHex(c.guid) !== guidToHex(guid)) return false;
  await r.deviceCredentials.activate(guid, hash, overlapMs);
  return true;
}

/** The device a credential belongs to: by the GUID it onboarded with, or as the GUID TO2 gave it. */
async function deviceOf(store: Store, guid: Uint8Array): Promise<DeviceRecord | undefined> {
  return (await store.devices.get(guid)) ?? (await store.devices.getByReplacementGuid(guid));
}

function credentialRefusal(c: DeviceCredentialRecord | undefined, now: number): DeviceRefusal | undefined {
  if (c === undefined || c.activatedAt === undefined) return 'unknown';
  if (c.revokedAt !== undefined) return 'revoked';
  if (c.expiresAt !== undefined && c.expiresAt.getTime() <= now) return 'expired';
  return undefined;
}

/**
 * A verified credential and its device, trusted from memory while `generation` and `writes` are
 * unchanged: only what a verdict needs, small (GUIDs in hex, times in ms), as the whole fleet fits.
 */
interface Verified {
  device: string;
  state: DeviceState;
  expiresAt: number | undefined;
  rotationRequestedAt: number | undefined;
  generation: number;
  writes: number;
}

/** The device's standing: a refusal, or nothing when it may use the device API. */
function deviceRefusal(device: VerifiedDevice | undefined): DeviceRefusal | undefined {
  if (device === undefined || RETIRED.includes(device.state)) return 'retired';
  return device.state === 'suspended' ? 'suspended' : undefined;
}

const expiryOf = (ms: number | undefined) => (ms === undefined ? {} : { expiresAt: new Date(ms) });

/** The verdict a remembered verification gives at `now` (the credential may have run out since). */
function verdictOf(v: Verified, now: number): DeviceVerdict {
  if (v.expiresAt !== undefined && v.expiresAt <= now) return { ok: false, refusal: 'expired' };
  const credential: VerifiedCredential = {
    ...expiryOf(v.expiresAt),
    ...(v.rotationRequestedAt === undefined ? {} : { rotationRequestedAt: new Date(v.rotationRequestedAt) }),
  };
  return { ok: true, device: { guid: new Uint8Array(Buffer.from(v.device, 'hex')), state: v.state }, credential };
}

export function deviceCredentials(o: DeviceCredentialsOptions): DeviceCredentials {
  const clock = o.clock ?? (() => new Date());
  const cacheMs = o.cacheMs ?? VERIFY_CACHE_MS;
  const overlapMs = o.overlapMs ?? ROTATION_OVERLAP_MS;
  const cache = new Map<string, Verified>();
  const shared = generations(o.store, { refreshMs: cacheMs, clock: () => clock().getTime() });
  // Any write in this process to devices or credentials (a suspension, a revocation) stales the cache.
  const writes = () => o.store.writeCount('devices') + o.store.writeCount('device_credentials');
  let cachedUnder: number | undefined;

  function remember(hash: string, v: Verified): void {
    // Everything remembered under an older generation is stale; past the bound the oldest go.
    if (cachedUnder !== undefined && v.generation < cachedUnder) return;
    if (cachedUnder !== v.generation) cache.clear();
    cachedUnder = v.generation;
    for (const [oldest] of cache) {
      if (cache.size < VERIFY_CACHE_MAX) break;
      cache.delete(oldest);
    }
    cache.set(hash, v);
  }

  /** The generation to read under now, or undefined when nothing is to be remembered. */
  async function generationNow(): Promise<number | undefined> {
    return cacheMs > 0 ? (await shared.current())?.devices : undefined;
  }

  /** The verdict on the credential of `hash`, from memory when still current, else from the store. */
  async function lookup(hash: string, now: number): Promise<DeviceVerdict> {
    const before = writes();
    const generation = await generationNow();
    const hit = cache.get(hash);
    if (hit !== undefined && hit.generation === generation && hit.writes === before) return verdictOf(hit, now);
    cache.delete(hash);
    const credential = await o.store.deviceCredentials.findByHash(hash);
    const refusal = credentialRefusal(credential, now);
    if (refusal !== undefined || credential === undefined) return { ok: false, refusal: refusal ?? 'unknown' };
    // The device's state comes with the credential: a suspension or decommissioning in this
    // process counts at once, on another replica within VERIFY_CACHE_MS.
    const device = await deviceOf(o.store, credential.guid);
    const standing = deviceRefusal(device);
    if (standing !== undefined || device === undefined) return { ok: false, refusal: standing ?? 'retired' };
    const v: Verified = {
      device: guidToHex(device.guid),
      state: device.state,
      expiresAt: credential.expiresAt?.getTime(),
      rotationRequestedAt: credential.rotationRequestedAt?.getTime(),
      generation: generation ?? -1,
      writes: before,
    };
    if (generation !== undefined) remember(hash, v);
    return verdictOf(v, now);
  }

  /** A write of this process to a device's credentials stales every verdict remembered before it (`writes`). */
  function forget(): void {
    cache.clear();
  }

  async function mint(named: Uint8Array, m: { pending: boolean }): Promise<string> {
    // Kept under the device record's GUID, also when TO2 runs with a GUID an earlier TO2 gave.
    const guid = (await deviceOf(o.store, named))?.guid ?? named;
    const token = newDeviceToken();
    const expiresAt = m.pending ? new Date(clock().getTime() + PENDING_CREDENTIAL_MS) : undefined;
    const create = () =>
      o.store.deviceCredentials.create({
        guid,
        tokenHash: hashSecret(token),
        active: false,
        ...(expiresAt === undefined ? {} : { expiresAt }),
      });
    // A pending credential is minted during TO2 and works only once TO2's end activates it, in a
    // durable commit that also makes this row durable: the row itself need not wait for the disk.
    if (m.pending) await o.store.unsynced(create);
    else await create();
    if (!m.pending) await o.store.deviceCredentials.activate(guid, hashSecret(token), overlapMs);
    return token;
  }

  return {
    mint,
    async rotate(guid) {
      const token = await mint(guid, { pending: false });
      forget();
      return token;
    },
    async requestRotation(guid) {
      const n = await o.store.deviceCredentials.requestRotation(guid);
      forget();
      return n;
    },
    async revoke(guid) {
      forget();
      const n = await o.store.deviceCredentials.revokeAll(guid);
      forget();
      return n;
    },
    async verify(token) {
      if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH || !B64TOKEN.test(token)) {
        return { ok: false, refusal: 'unknown' };
      }
      return lookup(hashSecret(token), clock().getTime());
    },
    async contact(device) {
      if (device.state !== 'onboarded') return device;
      await o.store.transaction(async (r) => {
        const from = (await r.devices.get(device.guid))?.state;
        if (from !== 'onboarded') return;
        const to = await moveDevice(r, device.guid, 'activated', { current: from });
        await r.audit.append({
          actor: `device:${guidToHex(device.guid)}`,
          action: 'device.activated',
          subject: guidToHex(device.guid),
          details: { from, to, reason: 'first contact on the device API' },
        });
      });
      const after = await o.store.devices.get(device.guid);
      return after === undefined ? device : { guid: after.guid, state: after.state };
    },
  };
}
