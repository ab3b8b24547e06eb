/**
 * What the owner knows about each voucher's TO0 registration: which rendezvous accepted it, for
 * how long, when to register again, and the last failure with the time of the next try. Kept in
 * the TO0 registrations repository (one typed row per GUID); the voucher view shows it, and the
 * refresh job asks the repository for the registrations that are due.
 */
import { IotopiaError } from '../errors.ts';
import { guidToHex } from '../fdo/types/guid.ts';
import { moveDevice } from '../lifecycle/device-states.ts';
import type { DeviceState } from '../store/device-repository.ts';
import type { Repositories, Store } from '../store/store.ts';
import type { To0RegistrationRecord } from '../store/to0-registration-repository.ts';
import type { VoucherState } from '../store/voucher-repository.ts';
import { moveVoucher } from './voucher-states.ts';

/** Register again when less than this share of the granted lifetime remains (`to0RefreshMargin`). */
export const DEFAULT_TO0_REFRESH_MARGIN = 0.25;

export interface To0Status {
  /** The rendezvous of the last accepted registration (URL, or `in-process`). */
  rendezvous?: string;
  /** The lifetime the rendezvous granted last time. */
  waitSeconds?: number;
  registeredAt?: string;
  lastAttemptAt: string;
  /** Failed attempts since the last success. */
  failures: number;
  lastError?: { code: string; message: string; at: string };
  /** After a failure: not tried again automatically before this time. */
  retryAt?: string;
}

/** The registration as the voucher view shows it. */
export function to0StatusView(r: To0RegistrationRecord): To0Status {
  return {
    ...(r.rendezvous === undefined ? {} : { rendezvous: r.rendezvous }),
    ...(r.waitSeconds === undefined ? {} : { waitSeconds: r.waitSeconds }),
    ...(r.registeredAt === undefined ? {} : { registeredAt: r.registeredAt.toISOString() }),
    lastAttemptAt: r.lastAttemptAt.toISOString(),
    failures: r.failures,
    ...(r.lastError === undefined ? {} : { lastError: { ...r.lastError, at: r.lastError.at.toISOString() } }),
    ...(r.retryAt === undefined ? {} : { retryAt: r.retryAt.toISOString() }),
  };
}

export async function to0Status(store: Pick<Store, 'to0Registrations'>, guid: Uint8Array): Promise<To0Status | undefined> {
  const record = await store.to0Registrations.get(guid);
  return record === undefined ? undefined : to0StatusView(record);
}

/** The time to register again: `margin` of the granted lifetime before the registration runs out. */
export function refreshAtOf(until: Date, waitSeconds: number, margin: number): Date {
  return new Date(until.getTime() - Math.max(0, waitSeconds) * 1000 * margin);
}

/**
 * Records an accepted registration: voucher and device state, the registration and the audit record
 * commit together. A registration renewed after onboarding (Credential Reuse) leaves the later states.
 * A registration that ends after the voucher was resold (or is gone) records nothing: the voucher
 * is no longer this owner's to keep registered. `margin` (default 0.25) sets when the refresh job
 * registers it again.
 */
export function recordTo0Success(store: Store, guid: Uint8Array, o: To0Success): Promise<Date> {
  return store.transaction((r) => recordTo0SuccessIn(r, guid, o));
}

export interface To0Success {
  at: Date;
  waitSeconds: number;
  rendezvous: string;
  actor: string;
  margin?: number;
  /** The owner voucher's and the device's states, when this transaction just wrote them (spares reading them back). */
  current?: { voucher: VoucherState; device: DeviceState };
}

/** `recordTo0Success` inside the transaction `r`. */
export async function recordTo0SuccessIn(r: Repositories, guid: Uint8Array, o: To0Success): Promise<Date> {
  const until = new Date(o.at.getTime() + o.waitSeconds * 1000);
  const held = o.current?.voucher ?? (await r.vouchers.get('owner', guid))?.state;
  if (held === undefined || held === 'resold') return until;
  await r.vouchers.setRegisteredUntil('owner', guid, until);
  // A registration renewed after onboarding (Credential Reuse) leaves the later states: the tables keep them.
  await moveVoucher(r, guid, 'registered', { current: held });
  const device = o.current?.device ?? (await r.devices.get(guid))?.state;
  if (device !== undefined) await moveDevice(r, guid, 'registered', { current: device });
  await r.to0Registrations.put({
    guid,
    rendezvous: o.rendezvous,
    waitSeconds: o.waitSeconds,
    registeredAt: o.at,
    registeredUntil: until,
    refreshAt: refreshAtOf(until, o.waitSeconds, o.margin ?? DEFAULT_TO0_REFRESH_MARGIN),
    lastAttemptAt: o.at,
    failures: 0,
  });
  await r.audit.append({
    actor: o.actor,
    action: 'voucher.registered',
    subject: guidToHex(guid),
    details: { until: until.toISOString(), rendezvous: o.rendezvous },
  });
  return until;
}

/** Records a failed attempt, keeping what the last success said; `retryAt` is when to try again. */
export function recordTo0Failure(store: Store, guid: Uint8Array, o: To0Failure): Promise<To0Status> {
  return store.transaction((r) => recordTo0FailureIn(r, guid, o));
}

export interface To0Failure {
  at: Date;
  error: { code: string; message: string };
  retryAt?: Date;
  actor: string;
}

/** `recordTo0Failure` inside the transaction `r`. */
export async function recordTo0FailureIn(r: Repositories, guid: Uint8Array, o: To0Failure): Promise<To0Status> {
  const before = await r.to0Registrations.get(guid);
  const held = (await r.vouchers.get('owner', guid))?.state;
  if (held === undefined || held === 'resold')
    return before === undefined ? { failures: 0, lastAttemptAt: o.at.toISOString() } : to0StatusView(before);
  const { retryAt: _old, ...kept } = before ?? { guid, failures: 0, lastAttemptAt: o.at };
  const record: To0RegistrationRecord = {
    ...kept,
    lastAttemptAt: o.at,
    failures: (before?.failures ?? 0) + 1,
    lastError: { code: o.error.code, message: o.error.message, at: o.at },
    ...(o.retryAt === undefined ? {} : { retryAt: o.retryAt }),
  };
  await r.to0Registrations.put(record);
  await r.audit.append({
    actor: o.actor,
    action: 'voucher.registration-failed',
    subject: guidToHex(guid),
    details: { code: o.error.code, message: o.error.message, failures: record.failures },
  });
  return to0StatusView(record);
}

/**
 * The stable code and message of a failure, for the status the voucher view shows. Only IoTopia's
 * own errors carry a message written for operators; anything else is an internal error whose
 * details belong in the server log, not in the API.
 */
export function describeFailure(e: unknown): { code: string; message: string } {
  if (e instanceof IotopiaError) return { code: e.code, message: e.message };
  return { code: 'ERR_OWNER_TO0_INTERNAL', message: 'internal error; the server log has the details' };
}
