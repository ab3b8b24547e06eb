/**
 * TO0, rendezvous side (FDO 1.1 §5.3): accepts an owner's registration. The voucher must verify
 * (entry signatures and hashes, device chain hash), to1d must be signed by the voucher's current
 * owner and bind this session's to0d by hash, and to0d must carry this session's nonce. Then the
 * replacement rule decides when the GUID has a live registration, then the acceptance policy;
 * the registration is stored for the shorter of the requested and the allowed lifetime.
 */
import { bytesEqual, constantTimeEqual } from '../../codec/bytes.ts';
import { ErrorCode } from '../constants/error-codes.ts';
import { MsgType } from '../constants/message-types.ts';
import { FdoError } from '../errors.ts';
import {
  type DecodedTo0d,
  decodeTO0Hello,
  decodeTO0OwnerSign,
  decodeTo0d,
  decodeTo1d,
  encodeTO0AcceptOwner,
  encodeTO0HelloAck,
  type To1d,
} from '../messages/to0.ts';
import { hashBytes, hashEquals } from '../types/hash.ts';
import { generateNonce } from '../types/nonce.ts';
import { publicKeyToKeyObject } from '../types/public-key.ts';
import type { OwnershipVoucher } from '../voucher/voucher.ts';
import { parseVoucher } from '../voucher/voucher-parse.ts';
import { verifyVoucher } from '../voucher/voucher-verify.ts';
import { guardServer, outOfOrder, type ServerHandler } from './lib/server-step.ts';
import { badState, fromB64, toB64 } from './lib/state-bytes.ts';
import { verifyTo1dSignature } from './lib/to1d-verify.ts';
import { acceptAnyVoucher } from './lib/voucher-acceptance.ts';
import type {
  Clock,
  ProtocolMessage,
  RandomSource,
  RegistrationReplacement,
  RendezvousRegistration,
  RendezvousStore,
  VoucherAcceptance,
} from './ports.ts';

export interface To0RendezvousConfig {
  random: RandomSource;
  clock: Clock;
  store: RendezvousStore;
  /** Default: accept every voucher that verifies. */
  acceptance?: VoucherAcceptance;
  /**
   * Asked before the acceptance policy when the GUID has a live registration: may this TO0
   * replace it? Without it, yes, unless the live one holds a longer voucher that extends this one.
   */
  replacement?: RegistrationReplacement;
  /** Longest registration granted, in seconds (default 30 days). */
  maxWaitSeconds?: number;
  /**
   * Accept a voucher without entries, registered by the manufacturer itself. Off by default, as in
   * go-fdo: a voucher is normally extended to its owner before TO0.
   */
  allowUnextended?: boolean;
}

export interface To0RendezvousState {
  protocol: 'to0-rendezvous';
  step: 'owner-sign';
  nonce: string;
}

export const DEFAULT_MAX_WAIT_SECONDS = 30 * 86_400;

const invalidVoucher = (code: string, message: string) => new FdoError(code, ErrorCode.INVALID_OWNERSHIP_VOUCHER, message);

/** What each TO0 message handler needs: the configuration with its defaults settled. */
interface To0RendezvousDeps {
  config: To0RendezvousConfig;
  maxWait: number;
  acceptance: VoucherAcceptance;
}

/** The configuration checked, with its defaults settled. */
function depsOf(config: To0RendezvousConfig): To0RendezvousDeps {
  if (typeof config?.random !== 'function' || typeof config.clock !== 'function')
    throw new TypeError('TO0 rendezvous: random and clock are required');
  if (typeof config.store?.put !== 'function' || typeof config.store.get !== 'function')
    throw new TypeError('TO0 rendezvous: a RendezvousStore is required');
  const maxWait = config.maxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS;
  if (!Number.isInteger(maxWait) || maxWait < 0) throw new TypeError('TO0 rendezvous: maxWaitSeconds must be a non-negative integer');
  return { config, maxWait, acceptance: config.acceptance ?? acceptAnyVoucher };
}

export function createTo0Rendezvous(config: To0RendezvousConfig): ServerHandler<To0RendezvousState> {
  const deps = depsOf(config);
  return guardServer(config.clock, async (state, message) => {
    if (state === undefined) {
      if (message.msgType !== MsgType.TO0_Hello) throw outOfOrder('TO0', message.msgType, [MsgType.TO0_Hello]);
      return hello(deps, message);
    }
    if (state?.protocol !== 'to0-rendezvous' || state.step !== 'owner-sign') throw badState('not a TO0 rendezvous session');
    if (message.msgType !== MsgType.TO0_OwnerSign) throw outOfOrder('TO0', message.msgType, [MsgType.TO0_OwnerSign]);
    return ownerSign(deps, fromB64(state.nonce, 'nonce'), message.body);
  });
}

/** TO0.Hello: a fresh nonce for the owner to sign (TO0.HelloAck). */
function hello(d: To0RendezvousDeps, message: ProtocolMessage) {
  decodeTO0Hello(message.body);
  const nonce = generateNonce(d.config.random);
  return {
    state: { protocol: 'to0-rendezvous', step: 'owner-sign', nonce: toB64(nonce) } satisfies To0RendezvousState,
    reply: { msgType: MsgType.TO0_HelloAck, body: encodeTO0HelloAck({ nonceTO0Sign: nonce }) },
  };
}

/** TO0.OwnerSign: the session's nonce in to0d, then the checks of `checkRegistration`, then the registration stored (TO0.AcceptOwner). */
async function ownerSign(d: To0RendezvousDeps, nonce: Uint8Array, body: Uint8Array) {
  const { to0d, to1d } = decodeTO0OwnerSign(body);
  if (!constantTimeEqual(to0d.nonceTO0Sign, nonce)) {
    throw new FdoError('ERR_FDO_TO0_NONCE', ErrorCode.INVALID_MESSAGE_ERROR, 'to0d.NonceTO0Sign is not the nonce of this session');
  }
  const checked = await checkRegistration(d, to0d, to1d);
  await storeRegistration(d.config.store, checked);
  return { state: null, reply: { msgType: MsgType.TO0_AcceptOwner, body: encodeTO0AcceptOwner({ waitSeconds: checked.waitSeconds }) } };
}

/** A registration that passed the rendezvous' checks, with what they were checked against. */
export interface CheckedRegistration {
  registration: RendezvousRegistration;
  /** The live registration the checks saw (it is replaced only if it is still that one). */
  live: RendezvousRegistration | undefined;
  /** When the checks ran. */
  now: Date;
  /** The lifetime granted: the shorter of the requested and the allowed one. */
  waitSeconds: number;
}

/**
 * Everything TO0.OwnerSign checks after the nonce (§5.3): the voucher verifies, to1d is signed by
 * its current owner and binds to0d by hash, the replacement rule and the acceptance policy allow
 * it; the lifetime is capped. Nothing is stored.
 */
async function checkRegistration(d: To0RendezvousDeps, to0d: DecodedTo0d, to1d: To1d): Promise<CheckedRegistration> {
  const { config } = d;
  const voucher = parseVoucher(to0d.voucher);
  if (voucher.entries.length === 0 && config.allowUnextended !== true) {
    throw invalidVoucher('ERR_FDO_TO0_VOUCHER_NOT_EXTENDED', 'the voucher has no entries: extend it to the owner before TO0');
  }
  const verified = verifyVoucher(voucher);
  const deviceCertificates = verified.deviceCertificates;
  if (deviceCertificates === null || deviceCertificates.length === 0) {
    throw invalidVoucher('ERR_FDO_TO0_NO_DEVICE_CHAIN', 'the voucher has no device certificate chain, so TO1 could not check the device');
  }

  verifyTo1dSignature(to1d.sign1.bytes, verified.owner);
  if (!hashEquals(hashBytes(to1d.payload.to0dHash.type, to0d.bytes), to1d.payload.to0dHash)) {
    throw new FdoError('ERR_FDO_TO0_TO0D_HASH', ErrorCode.INVALID_OWNER_SIGN_BODY, 'to1d.to1dTo0dHash does not match to0d');
  }

  const now = config.clock();
  const live = await liveRegistration(config.store, voucher.header.guid, now);
  if (live !== undefined) {
    refuseSuperseded(live, voucher);
    const refusal = await config.replacement?.({ voucher, ownerKey: verified.ownerKey }, live);
    if (refusal !== undefined) throw invalidVoucher('ERR_FDO_TO0_REGISTRATION_HELD', `a live registration holds the GUID: ${refusal}`);
  }
  const accepted = await d.acceptance({
    guid: voucher.header.guid,
    manufacturerKey: publicKeyToKeyObject(voucher.header.pubKey).key,
    ownerKey: verified.ownerKey,
    entries: verified.entries,
    deviceCertificates,
  });
  if (accepted !== true) throw invalidVoucher('ERR_FDO_TO0_VOUCHER_REJECTED', 'the acceptance policy refused the voucher');

  const waitSeconds = Math.min(to0d.waitSeconds, d.maxWait);
  const registration = {
    guid: voucher.header.guid,
    to1d: to1d.sign1.bytes,
    voucher: to0d.voucher,
    expiresAt: new Date(now.getTime() + waitSeconds * 1000),
  };
  return { registration, live, now, waitSeconds };
}

/**
 * Stores a checked registration in `store` (the rendezvous' own, or one bound to a transaction).
 * The checks held for the registration read at their start: it is replaced only if it is still that one.
 */
export async function storeRegistration(store: RendezvousStore, checked: CheckedRegistration): Promise<void> {
  if (store.putIf === undefined) await store.put(checked.registration);
  else if (!(await store.putIf(checked.registration, checked.live, checked.now))) {
    throw invalidVoucher('ERR_FDO_TO0_REGISTRATION_CHANGED', 'another TO0 changed the registration of this GUID meanwhile');
  }
}

/**
 * TO0 for an owner in the same process as this rendezvous: the owner's to0d and signed to1d go
 * through the same checks as a TO0.OwnerSign, without the messages around them. The nonce
 * exchange proves a remote owner's signature fresh; here the owner signs in this process, with a
 * nonce of its own. The caller stores the result with `storeRegistration`, in its own transaction.
 */
export type To0Direct = (to0d: Uint8Array, to1d: Uint8Array) => Promise<CheckedRegistration>;

export function createTo0Direct(config: Omit<To0RendezvousConfig, 'random'>): To0Direct {
  const deps = depsOf({ random: () => new Uint8Array(0), ...config });
  return (to0d, to1d) => checkRegistration(deps, decodeTo0d(to0d), decodeTo1d(to1d, 'to1d', undefined, 'invalid-ip'));
}

/** The registration held for `guid` while it has not run out by `now`. */
async function liveRegistration(store: RendezvousStore, guid: Uint8Array, now: Date): Promise<RendezvousRegistration | undefined> {
  const existing = await store.get(guid);
  return existing === undefined || existing.expiresAt.getTime() <= now.getTime() ? undefined : existing;
}

/**
 * After a resale the previous owner still holds a valid, shorter voucher. While the new owner's
 * registration is live, a registration from a voucher that the stored one extends would send
 * the device back to the previous owner, so it is refused.
 */
function refuseSuperseded(live: RendezvousRegistration, voucher: OwnershipVoucher): void {
  let stored: OwnershipVoucher;
  try {
    stored = parseVoucher(live.voucher);
  } catch {
    return;
  }
  const n = voucher.entries.length;
  if (
    stored.entries.length > n &&
    bytesEqual(stored.raw.header, voucher.raw.header) &&
    voucher.entries.every((e, i) => bytesEqual(e.raw, (stored.entries[i] as { raw: Uint8Array }).raw))
  ) {
    throw invalidVoucher(
      'ERR_FDO_TO0_VOUCHER_SUPERSEDED',
      `a live registration holds a longer voucher (${stored.entries.length} entries) that extends this one (${n})`,
    );
  }
}
