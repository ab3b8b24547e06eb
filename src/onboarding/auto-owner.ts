import type { KeyPairType } from '../crypto/key-generate.ts';
import { type PrivateKeyLike, publicKeyOf } from '../crypto/private-key-handle.ts';
import { IotopiaError } from '../errors.ts';
import { signTo0Direct } from '../fdo/client/in-process.ts';
import { PublicKeyType } from '../fdo/constants/crypto.ts';
import type { ManufacturerVoucherStore, OwnerKeyRing } from '../fdo/protocol/ports.ts';
import { type CheckedRegistration, storeRegistration, type To0Direct } from '../fdo/protocol/to0-rendezvous.ts';
import { guidToHex } from '../fdo/types/guid.ts';
import { samePublicKey } from '../fdo/types/public-key.ts';
import type { RvTo2Addr } from '../fdo/types/rv-to2-addr.ts';
import { encodeVoucher } from '../fdo/voucher/voucher-encode.ts';
import { extendVoucher } from '../fdo/voucher/voucher-extend.ts';
import { parseVoucher } from '../fdo/voucher/voucher-parse.ts';
import type { Repositories, Store } from '../store/store.ts';
import { isAuthorisedDi } from './di-authorisation.ts';
import type { StoreManufacturerVoucherStore } from './manufacturer-vouchers.ts';
import type { StoreOwnerVoucherStore } from './owner-vouchers.ts';
import { rendezvousStoreIn } from './rendezvous-registrations.ts';
import { describeFailure, recordTo0Failure, recordTo0FailureIn, recordTo0SuccessIn, type To0Success } from './to0-status.ts';

export interface AutoOwnerOptions {
  /** Where the registration status goes (the store the owner store writes to). */
  store: Store;
  manufacturerKeys: readonly { privateKey: PrivateKeyLike }[];
  ownerKeys: readonly { type: KeyPairType; privateKey: PrivateKeyLike }[];
  ownerStore: StoreOwnerVoucherStore;
  ownerKeyRing: OwnerKeyRing;
  /** This server's rendezvous checks for TO0 without messages, when it is also the rendezvous. */
  to0?: To0Direct;
  /** Read at each registration, so a TO2 address set through the API applies at once. */
  to2Address: RvTo2Addr | (() => Promise<RvTo2Addr>);
  clock: () => Date;
  /** The refresh margin registrations are recorded with (default 0.25). */
  margin?: number;
  onError: (error: unknown, guid: Uint8Array) => void;
}

const OWNER_TYPE_FOR: Partial<Record<number, KeyPairType>> = {
  [PublicKeyType.SECP256R1]: 'secp256r1',
  [PublicKeyType.SECP384R1]: 'secp384r1',
};

/** Extends a voucher made here to this server's owner key of the matching type. */
function extendToOwner(voucher: Uint8Array, o: AutoOwnerOptions): Uint8Array {
  const parsed = parseVoucher(voucher);
  const mfg = o.manufacturerKeys.find((k) => samePublicKey(k.privateKey, parsed.header.pubKey));
  if (mfg === undefined) throw new Error('the voucher names no manufacturer key of this server');
  if (parsed.entries.length > 0) throw new Error('the voucher is already extended to another owner');
  const wanted = OWNER_TYPE_FOR[parsed.header.pubKey.type];
  const owner = o.ownerKeys.find((k) => k.type === wanted) ?? o.ownerKeys[0];
  if (owner === undefined) throw new Error('no owner key');
  return encodeVoucher(extendVoucher(parsed, { ownerPrivateKey: mfg.privateKey, nextOwner: publicKeyOf(owner.privateKey) }));
}

/** The actor of automatic registrations in the audit log. */
export const AUTO_OWNER_ACTOR = 'system:auto-owner';

type WithTo0 = AutoOwnerOptions & { to0: To0Direct };

/**
 * The owner's to0d and to1d for `ownerVoucher`, through this server's rendezvous checks (its
 * acceptance policy, the owner signature, the voucher, the lifetime cap). Reads (the live
 * registration, stored policies, the TO2 address) happen here, before any transaction.
 */
async function checkTo0(ownerVoucher: Uint8Array, o: WithTo0): Promise<CheckedRegistration> {
  const to2Address = typeof o.to2Address === 'function' ? await o.to2Address() : o.to2Address;
  const { to0d, to1d } = await signTo0Direct(o.ownerKeyRing, ownerVoucher, to2Address);
  return o.to0(to0d, to1d);
}

/**
 * Stores a checked registration in the transaction `r`, with the rendezvous' audit record, and
 * records the owner's registration status as a registration through the API would: the voucher
 * `registered`, or the failure (another TO0 changed the registration meanwhile), which it returns.
 */
async function commitTo0In(
  r: Repositories,
  guid: Uint8Array,
  checked: CheckedRegistration,
  at: Date,
  o: AutoOwnerOptions,
  current?: To0Success['current'],
): Promise<unknown> {
  try {
    await storeRegistration(rendezvousStoreIn(r), checked);
  } catch (e) {
    // Nothing was written: a refused putIf changes no row.
    await recordTo0FailureIn(r, guid, { at: o.clock(), error: describeFailure(e), actor: AUTO_OWNER_ACTOR });
    return e;
  }
  await recordTo0SuccessIn(r, guid, {
    at,
    waitSeconds: checked.waitSeconds,
    rendezvous: 'in-process',
    actor: AUTO_OWNER_ACTOR,
    ...(o.margin === undefined ? {} : { margin: o.margin }),
    ...(current === undefined ? {} : { current }),
  });
  return undefined;
}

/**
 * TO0 with this server's rendezvous for a voucher already recorded, in one transaction: a success
 * sets the voucher `registered` with its status, a failure records the error (the refresh job
 * retries it with its backoff) and is thrown on.
 */
async function register(guid: Uint8Array, ownerVoucher: Uint8Array, o: WithTo0): Promise<void> {
  const started = o.clock();
  let checked: CheckedRegistration;
  try {
    checked = await checkTo0(ownerVoucher, o);
  } catch (e) {
    await recordTo0Failure(o.store, guid, { at: o.clock(), error: describeFailure(e), actor: AUTO_OWNER_ACTOR });
    throw e;
  }
  const failed = await o.store.transaction((r) => commitTo0In(r, guid, checked, started, o));
  if (failed !== undefined) throw failed;
}

/**
 * Auto-owner takes only devices whose DI was authorised (a factory listener, a DI token, a
 * loopback-only server), as recorded on the manufacturer voucher: the owner's ServiceInfo must
 * never reach a device anyone could have made.
 */
function checkAuthorised(diAuthorisedBy: string | undefined, guid: Uint8Array): void {
  if (isAuthorisedDi(diAuthorisedBy)) return;
  throw new IotopiaError(
    'ERR_AUTO_OWNER_DI_UNAUTHORISED',
    `voucher ${guidToHex(guid)} records no DI authorisation (${diAuthorisedBy ?? 'none'}): auto-owner leaves it to the manufacturer`,
  );
}

/** What auto-owner does with a voucher DI made, worked out before DI's transaction. */
interface Plan {
  started: Date;
  /** The voucher extended to this server's owner key; absent when auto-owner leaves the device. */
  extended?: Uint8Array;
  /** The registration with this server's rendezvous, checked. */
  checked?: CheckedRegistration;
  /** Why the rendezvous refused it (recorded as the registration's failure). */
  refused?: unknown;
  /** What goes to `onError`. */
  error?: unknown;
}

async function planFor(guid: Uint8Array, voucher: Uint8Array, diAuthorisedBy: string | undefined, o: AutoOwnerOptions): Promise<Plan> {
  const started = o.clock();
  let extended: Uint8Array;
  try {
    checkAuthorised(diAuthorisedBy, guid);
    extended = extendToOwner(voucher, o);
  } catch (e) {
    return { started, error: e };
  }
  if (o.to0 === undefined) return { started, extended };
  try {
    return { started, extended, checked: await checkTo0(extended, { ...o, to0: o.to0 }) };
  } catch (e) {
    return { started, extended, refused: e, error: e };
  }
}

/** The owner import and its registration, in DI's transaction `r`; resolves what to report. */
async function applyIn(r: Repositories, guid: Uint8Array, plan: Plan & { extended: Uint8Array }, o: AutoOwnerOptions): Promise<unknown> {
  // A start-up sweep on another replica may have recorded (and registered) it already. DI's
  // transaction made the device record just now: it is `manufactured`.
  if (!(await o.ownerStore.addIfAbsentIn(r, guid, plan.extended, 'manufactured'))) return undefined;
  if (plan.refused !== undefined) {
    await recordTo0FailureIn(r, guid, { at: o.clock(), error: describeFailure(plan.refused), actor: AUTO_OWNER_ACTOR });
    return plan.error;
  }
  if (plan.checked === undefined) return undefined;
  // Just imported here: the owner voucher is `imported` and the device `owned`.
  return commitTo0In(r, guid, plan.checked, plan.started, o, { voucher: 'imported', device: 'owned' });
}

/**
 * DI's voucher sink with auto-owner: the manufacturer voucher, its extension to this server's
 * owner and, when this server is its own rendezvous, the TO0 registration commit in one
 * transaction, so a device that finished DI is ready for TO1 with one durable commit. The
 * signatures and the rendezvous' checks run before it. Should the owner part fail inside the
 * transaction, DI commits alone (the device must not pay for it) and the start-up sweep or the
 * refresh job finishes the rest.
 */
export function withAutoOwner(inner: StoreManufacturerVoucherStore, o: AutoOwnerOptions): ManufacturerVoucherStore {
  return {
    async saveVoucher(guid, voucher) {
      const plan = await planFor(guid, voucher, inner.diAuthorisedBy, o);
      const { extended } = plan;
      if (extended === undefined) {
        await inner.saveVoucher(guid, voucher);
        o.onError(plan.error, guid);
        return;
      }
      let report: unknown;
      let diWritten = false;
      try {
        await inner.saveVoucherWith(guid, voucher, async (r) => {
          diWritten = true;
          report = await applyIn(r, guid, { ...plan, extended }, o);
        });
      } catch (e) {
        // DI's own writes failed (a duplicate GUID, say): that is DI's error.
        if (!diWritten) throw e;
        await inner.saveVoucher(guid, voucher);
        report = e;
      }
      if (report !== undefined) o.onError(report, guid);
    },
  };
}

export interface AutoOwnerSweep {
  /** Manufacturer vouchers that had no owner voucher and were extended and recorded now. */
  imported: number;
  /** Owner vouchers made here that were recorded but never registered, registered now. */
  registered: number;
  failed: number;
  /** Vouchers left alone because their DI was not authorised (or made before that was recorded). */
  unauthorised: number;
}

const PAGE = 200;

/**
 * The start-up sweep: DI, the automatic extension and the registration commit together, but a
 * voucher made while auto-owner was off, or whose owner part failed (DI then commits alone), has
 * no owner voucher, and one whose registration failed is left `imported`. This finds both and
 * finishes the work; run twice, the second run finds nothing. It looks at manufacturer vouchers
 * still `created` (never extended through the API), made with this server's manufacturer keys and
 * not extended to anyone, so with auto-owner on it takes every such device, including ones made
 * while auto-owner was off, but only those whose DI was authorised (recorded on the voucher).
 * Failures go to `onError` per GUID and do not stop the sweep.
 */
export async function sweepAutoOwner(store: Store, o: AutoOwnerOptions): Promise<AutoOwnerSweep> {
  const result: AutoOwnerSweep = { imported: 0, registered: 0, failed: 0, unauthorised: 0 };
  let after: string | undefined;
  do {
    const page = await store.vouchers.list('manufacturer', { state: 'created', limit: PAGE, ...(after === undefined ? {} : { after }) });
    for (const made of page.items) {
      if (!isAuthorisedDi(made.diAuthorisedBy)) {
        result.unauthorised++;
        continue;
      }
      try {
        let owned = await store.vouchers.get('owner', made.guid);
        if (owned === undefined) {
          // Checked again inside the transaction: a DI finishing on another replica may get there first.
          if (await o.ownerStore.addIfAbsent(made.guid, extendToOwner(made.voucher, o))) result.imported++;
          owned = await store.vouchers.get('owner', made.guid);
        }
        if (owned?.state === 'imported' && o.to0 !== undefined) {
          await register(made.guid, owned.voucher, { ...o, to0: o.to0 });
          result.registered++;
        }
      } catch (e) {
        result.failed++;
        o.onError(e, made.guid);
      }
    }
    after = page.next;
  } while (after !== undefined);
  return result;
}
