import { createHash } from 'node:crypto';
import type { To2OwnerVoucherStore } from '../fdo/protocol/to2-owner.ts';
import { guidToHex } from '../fdo/types/guid.ts';
import { activateDeliveredCredential } from '../lifecycle/device-credentials.ts';
import { moveDevice } from '../lifecycle/device-states.ts';
import type { DeviceState } from '../store/device-repository.ts';
import { ERR_STORE_CONFLICT, ERR_STORE_NOT_FOUND, StoreError } from '../store/errors.ts';
import { outsideFence } from '../store/session-fence.ts';
import type { Repositories, Store } from '../store/store.ts';
import type { VoucherRecord } from '../store/voucher-repository.ts';
import type { OnboardedDevice } from './onboarded-feed.ts';
import { voucherCertificateMudUrl } from './voucher-mud-url.ts';
import { ABSENT, HELD_STATES, moveVoucher } from './voucher-states.ts';

/** A resale: what was handed on, and the earlier vouchers of the device retired with it. */
export interface Resale {
  /** The voucher that was current (now `resold`), as it was before the extension. */
  current: VoucherRecord;
  /** The extended voucher, as handed to the next owner. */
  extended: Uint8Array;
  /** GUIDs of earlier vouchers of the device that were still offered and are now `resold` too. */
  retired: Uint8Array[];
}

export interface ResellOptions {
  /** Extends the current voucher to the next owner; runs inside the transaction (a throw rolls all back). */
  extend(current: VoucherRecord): Uint8Array;
  /** More details for the `voucher.resold` audit record (the next owner's key fingerprint, say). */
  details?: Record<string, unknown>;
  /** More writes in the same transaction, given every GUID whose voucher left the offer. */
  alsoIn?(r: Repositories, guids: Uint8Array[]): Promise<void>;
}

export interface StoreOwnerVoucherStore extends To2OwnerVoucherStore {
  /** Records a voucher this owner holds (imported, or made here and extended to our key). */
  add(guid: Uint8Array, voucher: Uint8Array): Promise<void>;
  /** Like `add`, unless the owner already holds a voucher for the GUID: then nothing changes and it resolves false. */
  addIfAbsent(guid: Uint8Array, voucher: Uint8Array): Promise<boolean>;
  /**
   * `addIfAbsent` inside the transaction `r` (DI's, when auto-owner imports what DI made);
   * `device` is the device record's state when this transaction just wrote it (spares reading it back).
   */
  addIfAbsentIn(r: Repositories, guid: Uint8Array, voucher: Uint8Array, device?: DeviceState): Promise<boolean>;
  deviceProved(guid: Uint8Array): Promise<void>;
  /**
   * Hands the device on: its current voucher (found from any GUID the device had here) is extended
   * and set `resold`, and so are the earlier ones still offered (audited `voucher.retired`), in one
   * transaction; a TO2 still running on any of them cannot end here afterwards. Throws
   * ERR_STORE_NOT_FOUND when this owner holds no current voucher for the GUID, ERR_STORE_CONFLICT
   * when the device was resold already (also when two resales race: only one commits).
   */
  resell(guid: Uint8Array, options: ResellOptions): Promise<Resale>;
}

/** Replacement links followed at most, so that a damaged device table cannot loop. */
const MAX_CHAIN = 64;

const voucherSha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('base64');
const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

/**
 * Every GUID the device of `guid` had here that this owner holds a voucher for, the first one
 * first and the current one (the latest TO2's replacement) last: the GUIDs TO2 gave its record,
 * and, for records made before one record followed a device through its GUIDs, the chain of
 * records each TO2 run left.
 */
async function guidsOfDevice(r: Repositories, guid: Uint8Array): Promise<Uint8Array[]> {
  const held = async (g: Uint8Array) => (await r.vouchers.get('owner', g)) !== undefined;
  let first = guid;
  for (let i = 0; i < MAX_CHAIN; i++) {
    const before = await r.devices.getByReplacementGuid(first);
    if (before === undefined || sameBytes(before.guid, first) || !(await held(before.guid))) break;
    first = before.guid;
  }
  const chain = [first];
  let current: Uint8Array | undefined;
  const add = async (g: Uint8Array) => {
    if (!chain.some((c) => sameBytes(c, g)) && (await held(g))) chain.push(g);
  };
  for (let i = 0; i < chain.length && chain.length < MAX_CHAIN; i++) {
    const at = chain[i] as Uint8Array;
    for (const link of await r.devices.listGuidLinks(at)) await add(link.guid);
    const next = (await r.devices.get(at))?.replacementGuid;
    if (next === undefined || !(await held(next))) continue;
    await add(next);
    current = next;
  }
  // The latest replacement last, also when a Credential Reuse made an earlier GUID current again.
  return current === undefined ? chain : [...chain.filter((g) => !sameBytes(g, current)), current];
}

/**
 * TO2's voucher store on the store (docs/decisions/0009-lost-to2-done2.md).
 *
 * The end of TO2 (replacement voucher stored, device onboarded, audit record) is one transaction,
 * committed before TO2.Done2 is sent. The device switches to the replacement credential only when
 * TO2.Done2 arrives, so the voucher it replaces stays `onboarded` and offered: a device whose
 * TO2.Done2 was lost runs TO2 again on its old credential and gets a new replacement, which
 * supersedes the first one (`replaced`, audited `voucher.superseded`). Only the holder of the
 * device key can finish TO2, so the old voucher offers nothing to anyone else. Once the device
 * proves a replacement GUID in TO2.ProveDevice, the voucher it replaced retires for good
 * (`replaced`, audited `voucher.retired`) and is never offered again.
 */
export interface StoreOwnerVoucherOptions {
  actor?: string;
  /** Told of each device once its TO2 outcome committed (see onboarded-feed.ts); must not throw. */
  afterOnboarded?: (device: OnboardedDevice) => void;
}

export function storeOwnerVoucherStore(store: Store, options: StoreOwnerVoucherOptions = {}): StoreOwnerVoucherStore {
  const actor = options.actor ?? 'owner';
  const record = async (r: Repositories, guid: Uint8Array, voucher: Uint8Array, device?: DeviceState) => {
    await moveVoucher(r, guid, 'imported', { voucher });
    await moveDevice(r, guid, 'owned', device === undefined ? {} : { current: device });
    await r.audit.append({ actor, action: 'voucher.imported', subject: guidToHex(guid), details: { bytes: voucher.length } });
  };
  const addIfAbsentIn = async (r: Repositories, guid: Uint8Array, voucher: Uint8Array, device?: DeviceState) => {
    if ((await r.vouchers.get('owner', guid)) !== undefined) return false;
    await record(r, guid, voucher, device);
    return true;
  };
  return {
    add: (guid, voucher) => store.transaction((r) => record(r, guid, voucher)),
    addIfAbsent: (guid, voucher) => store.transaction((r) => addIfAbsentIn(r, guid, voucher)),
    addIfAbsentIn,
    async get(guid) {
      const v = await store.vouchers.get('owner', guid);
      return v === undefined || !HELD_STATES.includes(v.state) ? undefined : { guid: v.guid, voucher: v.voucher };
    },
    async onboarded(guid, { replacementGuid, replacementVoucher, deviceInfo, peerAddress, deliveredCredential, voucherHash }) {
      let certificateMudUrl: string | undefined;
      let key = guid;
      await store.transaction(async (r) => {
        // Read once: its state conditions the move below, and its certificate may carry a MUD URL.
        const held = await r.vouchers.get('owner', guid);
        // The session ran with one voucher: another in its place (imported meanwhile) ends it here.
        if (voucherHash !== undefined && (held === undefined || voucherSha256(held.voucher) !== voucherHash)) {
          throw new StoreError(ERR_STORE_CONFLICT, `the voucher of ${guidToHex(guid)} changed during its TO2 session`);
        }
        // A device that declared no MUD URL may carry one in its certificate (RFC 8520 §11).
        if (deviceInfo?.mudUrl === undefined) {
          certificateMudUrl = held === undefined ? undefined : voucherCertificateMudUrl(held.voucher);
        }
        // One record per device: a TO2 run with a GUID an earlier TO2 gave updates the device's record.
        const device = (await r.devices.get(guid)) ?? (await r.devices.getByReplacementGuid(guid));
        key = device?.guid ?? guid;
        const earlier = device?.replacementGuid;
        // A TO2 that began before a resale must not end with the device onboarded here: the
        // transition refuses a resold voucher (and the conditional update one resold meanwhile),
        // so the whole outcome rolls back.
        await moveVoucher(r, guid, 'onboarded', { current: held?.state ?? ABSENT });
        if (replacementVoucher !== undefined) await moveVoucher(r, replacementGuid, 'replacement', { voucher: replacementVoucher });
        // A TO2 before this one ended with a replacement the device never took (its TO2.Done2 was
        // lost): that replacement is superseded, so no two vouchers ever name this device as current.
        const superseded = earlier !== undefined && !sameBytes(earlier, guid) && !sameBytes(earlier, replacementGuid) ? earlier : undefined;
        if (superseded !== undefined && (await r.vouchers.get('owner', superseded))?.state === 'onboarded') {
          // Conditional: a resale that committed meanwhile wins, and this TO2 end rolls back.
          await moveVoucher(r, superseded, 'superseded', { current: 'onboarded' });
          await r.audit.append({
            actor,
            action: 'voucher.superseded',
            subject: guidToHex(superseded),
            details: { guid: guidToHex(guid), by: guidToHex(replacementGuid) },
          });
        }
        const info = {
          ...deviceInfo,
          ...(certificateMudUrl === undefined ? {} : { mudUrl: certificateMudUrl }),
          ...(peerAddress === undefined ? {} : { address: peerAddress }),
        };
        await moveDevice(r, key, 'onboarded', { replacementGuid, current: device?.state ?? 'absent', info, ranWith: guid });
        // The device API credential this TO2 delivered becomes usable with its outcome, and supersedes
        // the device's earlier one (ADR 0027).
        const credential = await activateDeliveredCredential(r, key, deliveredCredential);
        await r.audit.append({
          actor,
          action: 'device.onboarded',
          subject: guidToHex(key),
          details: {
            ...(sameBytes(key, guid) ? {} : { guid: guidToHex(guid) }),
            replacementGuid: guidToHex(replacementGuid),
            replacementVoucher: replacementVoucher !== undefined,
            ...(credential ? { deviceApiCredential: 'activated' } : {}),
            ...(superseded === undefined ? {} : { superseded: guidToHex(superseded) }),
            ...(deviceInfo?.mudUrl === undefined ? {} : { mudUrl: deviceInfo.mudUrl }),
            ...(certificateMudUrl === undefined ? {} : { mudUrl: certificateMudUrl, mudUrlSource: 'x509' }),
          },
        });
      });
      // Subscribers act on their own, not as part of the TO2 message (their writes are not fenced).
      const afterOnboarded = options.afterOnboarded;
      if (afterOnboarded === undefined) return;
      outsideFence(() =>
        afterOnboarded({
          guid: key,
          replacementGuid,
          ...deviceInfo,
          ...(deviceInfo?.mudUrl === undefined ? {} : { mudUrlSource: 'fdo' }),
          ...(certificateMudUrl === undefined ? {} : { mudUrl: certificateMudUrl, mudUrlSource: 'x509' }),
          ...(peerAddress === undefined ? {} : { address: peerAddress }),
        }),
      );
    },
    async deviceProved(guid) {
      // Read first, outside a transaction: the common case (nothing pending) writes nothing.
      const device = await store.devices.getByReplacementGuid(guid);
      if (device === undefined || sameBytes(device.guid, guid)) return;
      await store.transaction(async (r) => {
        const d = await r.devices.get(device.guid);
        if (d?.replacementGuid === undefined || !sameBytes(d.replacementGuid, guid)) return;
        // The voucher this GUID replaced: the one its TO2 ran with (an earlier replacement, or the first).
        const replaced = (await r.devices.getGuidLink(guid))?.ranWith ?? d.guid;
        if ((await r.vouchers.get('owner', replaced))?.state !== 'onboarded') return;
        await moveVoucher(r, replaced, 'retired', { current: 'onboarded' });
        await r.audit.append({
          actor,
          action: 'voucher.retired',
          subject: guidToHex(replaced),
          details: { replacementGuid: guidToHex(guid) },
        });
      });
    },
    resell: (guid, o) =>
      store.transaction(async (r) => {
        const named = await r.vouchers.get('owner', guid);
        if (named === undefined) throw new StoreError(ERR_STORE_NOT_FOUND, `this owner holds no voucher for ${guidToHex(guid)}`);
        const chain = await guidsOfDevice(r, guid);
        const records: VoucherRecord[] = [];
        for (const g of chain) records.push((await r.vouchers.get('owner', g)) as VoucherRecord);
        if (records.some((v) => v.state === 'resold')) {
          throw new StoreError(ERR_STORE_CONFLICT, `the device of ${guidToHex(guid)} was resold already`);
        }
        const current = records[records.length - 1] as VoucherRecord;
        if (!HELD_STATES.includes(current.state)) {
          throw new StoreError(ERR_STORE_NOT_FOUND, `this owner holds no current voucher for ${guidToHex(guid)} (it is ${current.state})`);
        }
        const extended = o.extend(current);
        // Conditional: of two resales racing, the second finds the state moved and rolls back.
        await moveVoucher(r, current.guid, 'resold', { current: current.state });
        const retired: Uint8Array[] = [];
        for (const v of records.slice(0, -1)) {
          if (!HELD_STATES.includes(v.state)) continue;
          await moveVoucher(r, v.guid, 'resold', { current: v.state });
          retired.push(v.guid);
          await r.audit.append({
            actor,
            action: 'voucher.retired',
            subject: guidToHex(v.guid),
            details: { resold: guidToHex(current.guid) },
          });
        }
        // The device rows of every GUID it had here say it is sold (their replacement links stay).
        for (const g of chain) {
          const d = await r.devices.get(g);
          if (d !== undefined) await moveDevice(r, g, 'resold', { current: d.state });
        }
        await o.alsoIn?.(r, [current.guid, ...retired]);
        await r.audit.append({
          actor,
          action: 'voucher.resold',
          subject: guidToHex(current.guid),
          details: {
            ...o.details,
            ...(sameBytes(current.guid, guid) ? {} : { named: guidToHex(guid) }),
            ...(retired.length === 0 ? {} : { retired: retired.map(guidToHex) }),
          },
        });
        return { current, extended, retired };
      }),
  };
}
