/** How a stored voucher is shown in the management API. */
import { guidToHex } from '../../fdo/types/guid.ts';
import { publicKeyFingerprint } from '../../fdo/types/public-key.ts';
import { voucherOwner } from '../../fdo/voucher/voucher-owner.ts';
import { parseVoucher } from '../../fdo/voucher/voucher-parse.ts';
import type { To0Status } from '../../onboarding/to0-status.ts';
import type { VoucherRecord } from '../../store/voucher-repository.ts';

export interface VoucherView {
  guid: string;
  side: string;
  state: string;
  deviceInfo: string;
  entries: number;
  /** SHA-256 fingerprint of the current owner's key. */
  owner: string;
  createdAt: string;
  updatedAt: string;
  registeredUntil?: string;
  /** Owner side: the last TO0 attempt (rendezvous, lifetime, last error). */
  to0?: To0Status;
}

export function voucherView(r: VoucherRecord): VoucherView {
  const v = parseVoucher(r.voucher);
  return {
    guid: guidToHex(r.guid),
    side: r.side,
    state: r.state,
    deviceInfo: v.header.deviceInfo,
    entries: v.entries.length,
    owner: publicKeyFingerprint(voucherOwner(v)),
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    ...(r.registeredUntil === undefined ? {} : { registeredUntil: r.registeredUntil.toISOString() }),
  };
}

/** The owner's view adds what it knows of the voucher's TO0 registration. */
export function ownerVoucherView(r: VoucherRecord, to0: To0Status | undefined): VoucherView {
  return { ...voucherView(r), ...(to0 === undefined ? {} : { to0 }) };
}

/** The OpenAPI shape of a voucher's TO0 status (`To0Status`). */
const TO0_STATUS_SCHEMA = {
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

export const VOUCHER_SCHEMA = {
  type: 'object',
  required: ['guid', 'side', 'state', 'deviceInfo', 'entries', 'owner', 'createdAt', 'updatedAt'],
  properties: {
    guid: { type: 'string', description: 'device GUID, 32 lower-case hex digits' },
    side: { type: 'string', enum: ['manufacturer', 'owner'] },
    state: { type: 'string', enum: ['created', 'extended', 'imported', 'registered', 'onboarded', 'replaced', 'resold'] },
    deviceInfo: { type: 'string' },
    entries: { type: 'integer', description: 'number of ownership transfers signed into the voucher' },
    owner: { type: 'string', description: "fingerprint of the current owner's public key" },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    registeredUntil: { type: 'string', format: 'date-time', description: 'owner side: when the TO0 registration runs out' },
    to0: TO0_STATUS_SCHEMA,
  },
};
