/**
 * An operator's request to register a voucher this owner holds (TO0), as the management API and
 * the CLI make it: the attempt and its outcome are recorded the way the refresh job records its
 * own, so the voucher view shows the last result either way.
 */
import { IotopiaError } from '../errors.ts';
import { guidToHex } from '../fdo/types/guid.ts';
import type { Store } from '../store/store.ts';
import type { VoucherRecord } from '../store/voucher-repository.ts';
import { OwnerTo0Error } from './to0-registrar.ts';
import { describeFailure, recordTo0Failure, recordTo0Success } from './to0-status.ts';
import { HELD_STATES } from './voucher-states.ts';

export interface VoucherRegistrationDeps {
  store: Store;
  /** TO0 for a voucher; absent where this server does not play the owner role. */
  register?: (voucher: Uint8Array) => Promise<{ waitSeconds: number; rendezvous?: string }>;
  clock: () => Date;
  /** The refresh margin the registration is recorded with (default 0.25). */
  margin?: number;
}

/**
 * Registers the voucher now. Throws ERR_VOUCHER_NOT_HELD when this owner holds no current voucher
 * for the GUID, ERR_OWNER_TO0_NO_RENDEZVOUS when there is no way to register, and the attempt's
 * own coded error when the rendezvous refused or could not be reached (recorded first).
 */
export async function registerHeldVoucher(d: VoucherRegistrationDeps, guid: Uint8Array, actor: string): Promise<VoucherRecord> {
  const record = await d.store.vouchers.get('owner', guid);
  if (record === undefined || !HELD_STATES.includes(record.state)) {
    throw new OwnerTo0Error('ERR_VOUCHER_NOT_HELD', `this owner holds no current voucher for GUID ${guidToHex(guid)}`);
  }
  if (d.register === undefined) {
    throw new OwnerTo0Error('ERR_OWNER_TO0_NO_RENDEZVOUS', 'this server has no way to register vouchers (it does not play the owner role)');
  }
  const started = d.clock();
  let result: { waitSeconds: number; rendezvous?: string };
  try {
    result = await d.register(record.voucher);
  } catch (e) {
    if (e instanceof IotopiaError) await recordTo0Failure(d.store, guid, { at: d.clock(), error: describeFailure(e), actor });
    throw e;
  }
  await recordTo0Success(d.store, guid, {
    at: started,
    waitSeconds: result.waitSeconds,
    rendezvous: result.rendezvous ?? 'in-process',
    actor,
    ...(d.margin === undefined ? {} : { margin: d.margin }),
  });
  const stored = await d.store.vouchers.get('owner', guid);
  if (stored === undefined) throw new Error(`voucher ${guidToHex(guid)} vanished after registration`);
  return stored;
}
