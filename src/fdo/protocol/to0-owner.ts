/**
 * TO0, owner side (FDO 1.1 §5.3): registers a device's voucher with a rendezvous server. After
 * TO0.HelloAck the owner signs to1d (where the device finds it for TO2, bound to the hash of
 * to0d, which carries the voucher, the requested lifetime and the server's nonce) with the
 * voucher's current owner key.
 */

import { ErrorCode } from '../constants/error-codes.ts';
import { MsgType } from '../constants/message-types.ts';
import { FdoError } from '../errors.ts';
import { decodeTO0AcceptOwner, decodeTO0HelloAck, encodeTO0Hello, encodeTO0OwnerSign, encodeTo0d, signTo1d } from '../messages/to0.ts';
import { certChainToX509 } from '../types/cert-chain.ts';
import { hashBytes } from '../types/hash.ts';
import { publicKeyToKeyObject, signatureAlgorithmFor } from '../types/public-key.ts';
import type { RvTo2Addr } from '../types/rv-to2-addr.ts';
import { voucherOwner } from '../voucher/voucher-owner.ts';
import { parseVoucher } from '../voucher/voucher-parse.ts';
import { hashTypeFor } from './lib/key-strength.ts';
import { expectReply } from './lib/peer-error.ts';
import { badState, fromB64, toB64 } from './lib/state-bytes.ts';
import type { ClientStep, OwnerKeyRing, ProtocolMessage } from './ports.ts';

/** Largest WaitSeconds (uint32); what go-fdo asks for when not told otherwise. */
export const TO0_MAX_WAIT_SECONDS = 0xffff_ffff;

export interface To0OwnerConfig {
  keyRing: OwnerKeyRing;
}

export interface To0Registration {
  /** The voucher's CBOR bytes, sent unchanged. */
  voucher: Uint8Array;
  /** Where the device reaches the owner for TO2. */
  rvTo2Addr: RvTo2Addr;
  /** Requested lifetime of the registration in seconds (default the uint32 maximum). */
  waitSeconds?: number;
}

export interface To0Result {
  /** The lifetime the rendezvous server granted: register again before it runs out. */
  waitSeconds: number;
}

export type To0OwnerState =
  | { protocol: 'to0-owner'; step: 'hello-ack'; voucher: string; rvTo2Addr: RvTo2Addr; waitSeconds: number }
  | { protocol: 'to0-owner'; step: 'accept-owner' };

export interface To0Owner {
  start(registration: To0Registration): ClientStep<To0OwnerState, To0Result>;
  receive(state: To0OwnerState, message: ProtocolMessage): Promise<ClientStep<To0OwnerState, To0Result>>;
}

export function createTo0Owner(config: To0OwnerConfig): To0Owner {
  if (typeof config?.keyRing?.privateKeyFor !== 'function') throw new TypeError('TO0 owner: an OwnerKeyRing is required');
  return {
    start(registration) {
      if (!(registration?.voucher instanceof Uint8Array)) throw new TypeError('TO0 owner: voucher must be the voucher CBOR bytes');
      if (!Array.isArray(registration.rvTo2Addr) || registration.rvTo2Addr.length === 0)
        throw new TypeError('TO0 owner: rvTo2Addr needs at least one address');
      const waitSeconds = registration.waitSeconds ?? TO0_MAX_WAIT_SECONDS;
      if (!Number.isInteger(waitSeconds) || waitSeconds < 0 || waitSeconds > TO0_MAX_WAIT_SECONDS)
        throw new TypeError('TO0 owner: waitSeconds must be a uint32');
      // Refuse a voucher that does not parse before contacting anyone.
      parseVoucher(registration.voucher);
      return {
        state: {
          protocol: 'to0-owner',
          step: 'hello-ack',
          voucher: toB64(registration.voucher),
          rvTo2Addr: registration.rvTo2Addr.map((e) => ({ ...e })),
          waitSeconds,
        },
        request: { msgType: MsgType.TO0_Hello, body: encodeTO0Hello() },
      };
    },

    async receive(state, message) {
      if (state?.protocol !== 'to0-owner') throw badState('not a TO0 owner session');
      if (state.step === 'hello-ack') return helloAck(config, state, message);
      if (state.step === 'accept-owner') return acceptOwner(message);
      throw badState(`unknown step ${String((state as { step?: unknown }).step)}`);
    },
  };
}

type HelloAckState = Extract<To0OwnerState, { step: 'hello-ack' }>;

/** TO0.HelloAck: sign to1d for the rendezvous' nonce with the voucher owner's key (TO0.OwnerSign). */
async function helloAck(
  config: To0OwnerConfig,
  state: HelloAckState,
  message: ProtocolMessage,
): Promise<ClientStep<To0OwnerState, To0Result>> {
  const { nonceTO0Sign } = decodeTO0HelloAck(expectReply(message, MsgType.TO0_HelloAck, 'TO0.HelloAck'));
  const voucherBytes = fromB64(state.voucher, 'voucher');
  const voucher = parseVoucher(voucherBytes);
  const owner = voucherOwner(voucher);
  const ownerKey = publicKeyToKeyObject(owner, 'voucher owner').key;
  const privateKey = await config.keyRing.privateKeyFor(ownerKey);
  if (privateKey === undefined) {
    throw new FdoError(
      'ERR_FDO_TO0_NO_OWNER_KEY',
      ErrorCode.INTERNAL_SERVER_ERROR,
      "the key ring holds no private key for the voucher's current owner",
    );
  }
  const to0d = encodeTo0d({ voucher: voucherBytes, waitSeconds: state.waitSeconds, nonceTO0Sign });
  // The hash type follows the voucher's entries, as go-fdo does; a voucher without entries
  // takes it from the owner and device key strengths.
  const device = voucher.devCertChain === null ? [] : [certChainToX509(voucher.devCertChain.slice(0, 1), 'OVDevCertChain')[0]!.publicKey];
  const hashType = voucher.entries[0]?.payload.hashPrevEntry.type ?? hashTypeFor(ownerKey, ...device);
  const to1d = signTo1d(
    { rvTo2Addr: state.rvTo2Addr, to0dHash: hashBytes(hashType, to0d) },
    { key: privateKey, alg: signatureAlgorithmFor(owner.type, privateKey) },
  );
  return {
    state: { protocol: 'to0-owner', step: 'accept-owner' },
    request: {
      msgType: MsgType.TO0_OwnerSign,
      body: encodeTO0OwnerSign({
        to0d: { voucher: voucherBytes, waitSeconds: state.waitSeconds, nonceTO0Sign, bytes: to0d },
        to1d: { sign1: { bytes: to1d } },
      }),
    },
  };
}

/** TO0.AcceptOwner: the lifetime the rendezvous granted. */
function acceptOwner(message: ProtocolMessage): ClientStep<To0OwnerState, To0Result> {
  const { waitSeconds } = decodeTO0AcceptOwner(expectReply(message, MsgType.TO0_AcceptOwner, 'TO0.AcceptOwner'));
  return { result: { waitSeconds } };
}
