/**
 * What the owner knows about each voucher's TO0 registration beyond `registered_until`: which
 * rendezvous accepted it, for how long, and the last failure with the time of the next try. Kept
 * under owner.to0/<GUID hex>; the voucher view shows it, the refresh job plans by it.
 */
import { IotopiaError } from '../errors.ts';
import { guidToHex } from '../fdo/types/guid.ts';
import { moveDevice } from '../lifecycle/device-states.ts';
import type { Store } from '../store/store.ts';
import { OWNER_TO0_SCOPE } from './settings.ts';
import { moveVoucher } from './voucher-states.ts';

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

export const TO0_STATUS_SCHEMA = {
  type: 'object',
  description: "the voucher's TO0 registration as this owner last saw it",
  required: ['lastAttemptAt', 'failures'],
  properties: {
    rendezvous: { type: 'string', description: 'URL of the rendezvous that accepted, or `in-process`' },
    waitSeconds: { type: 'integer', description: 'the lifetime it granted' },
    registeredAt: { type: 'string', format: 'date-time' },
    lastAttemptAt: { type: 'string', format: 'date-time' },
    failures: { type: 'integer', description: 'failed attempts since the last success' },
    lastError: {
      type: 'object',
      required: ['code', 'message', 'at'],
      properties: { code: { type: 'string' }, message: { type: 'string' }, at: { type: 'string', format: 'date-time' } },
    },
    retryAt: { type: 'string', format: 'date-time', description: 'the refresh job tries again from then on' },
  },
};

export async function to0Status(store: Store, guid: Uint8Array): Promise<To0Status | undefined> {
  return (await store.settings.get(OWNER_TO0_SCOPE, guidToHex(guid))) as To0Status | undefined;
}

/**
 * Records an accepted registration: voucher and device state, the new status and the audit record
 * commit together. A registration renewed after onboarding (Credential Reuse) leaves the later states.
 * A registration that ends after the voucher was resold (or is gone) records nothing: the voucher
 * is no longer this owner's to keep registered.
 */
export function recordTo0Success(
  store: Store,
  guid: Uint8Array,
  o: { at: Date; waitSeconds: number; rendezvous: string; actor: string },
): Promise<Date> {
  const until = new Date(o.at.getTime() + o.waitSeconds * 1000);
  const status: To0Status = {
    rendezvous: o.rendezvous,
    waitSeconds: o.waitSeconds,
    registeredAt: o.at.toISOString(),
    lastAttemptAt: o.at.toISOString(),
    failures: 0,
  };
  return store.transaction(async (r) => {
    const held = (await r.vouchers.get('owner', guid))?.state;
    if (held === undefined || held === 'resold') return until;
    await r.vouchers.setRegisteredUntil('owner', guid, until);
    // A registration renewed after onboarding (Credential Reuse) leaves the later states: the tables keep them.
    await moveVoucher(r, guid, 'registered');
    if ((await r.devices.get(guid)) !== undefined) await moveDevice(r, guid, 'registered');
    await r.settings.put(OWNER_TO0_SCOPE, guidToHex(guid), status);
    await r.audit.append({
      actor: o.actor,
      action: 'voucher.registered',
      subject: guidToHex(guid),
      details: { until: until.toISOString(), rendezvous: o.rendezvous },
    });
    return until;
  });
}

/** Records a failed attempt, keeping what the last success said; `retryAt` is when to try again. */
export function recordTo0Failure(
  store: Store,
  guid: Uint8Array,
  o: { at: Date; error: { code: string; message: string }; retryAt?: Date; actor: string },
): Promise<To0Status> {
  return store.transaction(async (r) => {
    const before = (await r.settings.get(OWNER_TO0_SCOPE, guidToHex(guid))) as To0Status | undefined;
    const held = (await r.vouchers.get('owner', guid))?.state;
    if (held === undefined || held === 'resold') return before ?? { failures: 0, lastAttemptAt: o.at.toISOString() };
    const { retryAt: _old, ...kept } = before ?? { failures: 0, lastAttemptAt: '' };
    const status: To0Status = {
      ...kept,
      lastAttemptAt: o.at.toISOString(),
      failures: (before?.failures ?? 0) + 1,
      lastError: { code: o.error.code, message: o.error.message, at: o.at.toISOString() },
      ...(o.retryAt === undefined ? {} : { retryAt: o.retryAt.toISOString() }),
    };
    await r.settings.put(OWNER_TO0_SCOPE, guidToHex(guid), status);
    await r.audit.append({
      actor: o.actor,
      action: 'voucher.registration-failed',
      subject: guidToHex(guid),
      details: { code: o.error.code, message: o.error.message, failures: status.failures },
    });
    return status;
  });
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
