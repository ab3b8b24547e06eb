import type { KeyPairType } from '../crypto/key-generate.ts';
import { type PrivateKeyLike, publicKeyOf } from '../crypto/private-key-handle.ts';
import { IotopiaError } from '../errors.ts';
import { to0InProcess } from '../fdo/client/in-process.ts';
import { PublicKeyType } from '../fdo/constants/crypto.ts';
import type { AnyServerHandler, ManufacturerVoucherStore, OwnerKeyRing } from '../fdo/protocol/ports.ts';
import { guidToHex } from '../fdo/types/guid.ts';
import { samePublicKey } from '../fdo/types/public-key.ts';
import type { RvTo2Addr } from '../fdo/types/rv-to2-addr.ts';
import { encodeVoucher } from '../fdo/voucher/voucher-encode.ts';
import { extendVoucher } from '../fdo/voucher/voucher-extend.ts';
import { parseVoucher } from '../fdo/voucher/voucher-parse.ts';
import type { Store } from '../store/store.ts';
import { isAuthorisedDi } from './di-authorisation.ts';
import type { StoreOwnerVoucherStore } from './owner-vouchers.ts';
import { describeFailure, recordTo0Failure, recordTo0Success } from './to0-status.ts';

export interface AutoOwnerOptions {
  /** Where the registration status goes (the store the owner store writes to). */
  store: Store;
  manufacturerKeys: readonly { privateKey: PrivateKeyLike }[];
  ownerKeys: readonly { type: KeyPairType; privateKey: PrivateKeyLike }[];
  ownerStore: StoreOwnerVoucherStore;
  ownerKeyRing: OwnerKeyRing;
  /** This server's TO0 handler, when it is also the rendezvous. */
  to0?: AnyServerHandler;
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

/**
 * TO0 with this server's rendezvous, recorded like a registration through the API: a success sets
 * the voucher `registered` with its status, a failure records the error (the refresh job retries it
 * with its backoff) and is thrown on.
 */
async function register(guid: Uint8Array, ownerVoucher: Uint8Array, o: AutoOwnerOptions & { to0: AnyServerHandler }): Promise<void> {
  const started = o.clock();
  let waitSeconds: number;
  try {
    const to2Address = typeof o.to2Address === 'function' ? await o.to2Address() : o.to2Address;
    ({ waitSeconds } = await to0InProcess(o.to0, o.ownerKeyRing, to2Address)(ownerVoucher));
  } catch (e) {
    await recordTo0Failure(o.store, guid, { at: o.clock(), error: describeFailure(e), actor: AUTO_OWNER_ACTOR });
    throw e;
  }
  await recordTo0Success(o.store, guid, {
    at: started,
    waitSeconds,
    rendezvous: 'in-process',
    actor: AUTO_OWNER_ACTOR,
    ...(o.margin === undefined ? {} : { margin: o.margin }),
  });
}

/**
 * Auto-owner takes only devices whose DI was authorised (a factory listener, a DI token, a
 * loopback-only server), as recorded on the manufacturer voucher: the owner's ServiceInfo must
 * never reach a device anyone could have made.
 */
function checkAuthorised(made: { diAuthorisedBy?: string } | undefined, guid: Uint8Array): void {
  if (isAuthorisedDi(made?.diAuthorisedBy)) return;
  throw new IotopiaError(
    'ERR_AUTO_OWNER_DI_UNAUTHORISED',
    `voucher ${guidToHex(guid)} records no DI authorisation (${made?.diAuthorisedBy ?? 'none'}): auto-owner leaves it to the manufacturer`,
  );
}

export function withAutoOwner(inner: ManufacturerVoucherStore, o: AutoOwnerOptions): ManufacturerVoucherStore {
  return {
    async saveVoucher(guid, voucher) {
      await inner.saveVoucher(guid, voucher);
      try {
        checkAuthorised(await o.store.vouchers.get('manufacturer', guid), guid);
        const extended = extendToOwner(voucher, o);
        // A start-up sweep on another replica may have recorded (and registered) it already.
        if (!(await o.ownerStore.addIfAbsent(guid, extended))) return;
        if (o.to0 !== undefined) await register(guid, extended, { ...o, to0: o.to0 });
      } catch (e) {
        o.onError(e, guid);
      }
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
 * The start-up sweep: the DI commit and the automatic extension are separate transactions, so a
 * process killed in between leaves a manufacturer voucher that the owner side never received, and
 * one killed after the import leaves an owner voucher never registered. This finds both and
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
