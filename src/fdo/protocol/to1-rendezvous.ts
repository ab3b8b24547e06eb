/**
 * TO1, rendezvous side (FDO 1.1 §5.4): a device names its GUID, proves possession of its
 * attestation key by signing this session's nonce in an EAT, and receives the owner's to1d blob.
 * The key that verifies the proof is the leaf of the device certificate chain in the voucher the
 * owner registered in TO0.
 */
import type { KeyObject, X509Certificate } from 'node:crypto';
import { constantTimeEqual } from '../../codec/bytes.ts';
import { CoseError } from '../../codec/cose/errors.ts';
import { verifySign1 } from '../../codec/cose/sign1.ts';
import { ErrorCode } from '../constants/error-codes.ts';
import { MsgType } from '../constants/message-types.ts';
import { FdoError } from '../errors.ts';
import { decodeTO1HelloRV, decodeTO1ProveToRV, encodeTO1HelloRVAck, encodeTO1RVRedirect } from '../messages/to1.ts';
import { certChainToX509 } from '../types/cert-chain.ts';
import { guidToHex } from '../types/guid.ts';
import { generateNonce } from '../types/nonce.ts';
import { parseVoucher } from '../voucher/voucher-parse.ts';
import { deviceAlgorithmsFor } from './lib/device-signature.ts';
import { guardServer, outOfOrder, type ServerHandler } from './lib/server-step.ts';
import { badState, fromB64, toB64 } from './lib/state-bytes.ts';
import type { Clock, ProtocolMessage, RandomSource, RendezvousRegistration, RendezvousStore } from './ports.ts';

export interface To1RendezvousConfig {
  random: RandomSource;
  clock: Clock;
  store: RendezvousStore;
}

export interface To1RendezvousState {
  protocol: 'to1-rendezvous';
  step: 'prove-to-rv';
  guid: string;
  nonce: string;
  /** eASigInfo.sgType: the signature type the device announced. */
  sgType: number;
}

export function createTo1Rendezvous(config: To1RendezvousConfig): ServerHandler<To1RendezvousState> {
  if (typeof config?.random !== 'function' || typeof config.clock !== 'function')
    throw new TypeError('TO1 rendezvous: random and clock are required');
  if (typeof config.store?.get !== 'function') throw new TypeError('TO1 rendezvous: a RendezvousStore is required');

  return guardServer(config.clock, async (state, message) => {
    if (state === undefined) {
      if (message.msgType !== MsgType.TO1_HelloRV) throw outOfOrder('TO1', message.msgType, [MsgType.TO1_HelloRV]);
      return helloRv(config, message);
    }
    if (state?.protocol !== 'to1-rendezvous' || state.step !== 'prove-to-rv') throw badState('not a TO1 rendezvous session');
    if (message.msgType !== MsgType.TO1_ProveToRV) throw outOfOrder('TO1', message.msgType, [MsgType.TO1_ProveToRV]);
    return proveToRv(config, state, message);
  });
}

/** TO1.HelloRV: the device names its GUID; with a live registration, a nonce to sign (TO1.HelloRVAck). */
async function helloRv(config: To1RendezvousConfig, message: ProtocolMessage) {
  const hello = decodeTO1HelloRV(message.body);
  const registration = await liveRegistration(config, hello.guid);
  deviceKeyOf(registration);
  const nonce = generateNonce(config.random);
  const state: To1RendezvousState = {
    protocol: 'to1-rendezvous',
    step: 'prove-to-rv',
    guid: guidToHex(hello.guid),
    nonce: toB64(nonce),
    sgType: hello.eASigInfo.sgType,
  };
  // eBSigInfo echoes eASigInfo: ECDSA and RSA carry no group info to add (go-fdo does the same).
  return {
    state,
    reply: { msgType: MsgType.TO1_HelloRVAck, body: encodeTO1HelloRVAck({ nonceTO1Proof: nonce, eBSigInfo: hello.eASigInfo }) },
  };
}

/** TO1.ProveToRV: the device signed the nonce with the key the voucher names; answer with the owner's to1d (TO1.RVRedirect). */
async function proveToRv(config: To1RendezvousConfig, state: To1RendezvousState, message: ProtocolMessage) {
  const proof = decodeTO1ProveToRV(message.body);
  if (!constantTimeEqual(proof.nonceTO1Proof, fromB64(state.nonce, 'nonce'))) {
    throw new FdoError('ERR_FDO_TO1_NONCE', ErrorCode.INVALID_MESSAGE_ERROR, 'EAT-NONCE is not the NonceTO1Proof of this session');
  }
  if (guidToHex(proof.guid) !== state.guid) {
    throw new FdoError('ERR_FDO_TO1_GUID_MISMATCH', ErrorCode.INVALID_MESSAGE_ERROR, 'EAT-UEID names another GUID than TO1.HelloRV');
  }
  // Looked up again: the registration may have expired or been replaced since TO1.HelloRV.
  const registration = await liveRegistration(config, proof.guid);
  const key = deviceKeyOf(registration);
  const algorithms = deviceAlgorithmsFor(key).filter((a) => a === state.sgType);
  try {
    verifySign1(proof.sign1.bytes, { key, tag: 'required', algorithms });
  } catch (e) {
    if (e instanceof CoseError) {
      throw new FdoError(
        'ERR_FDO_TO1_SIGNATURE',
        ErrorCode.INVALID_MESSAGE_ERROR,
        `TO1.ProveToRV is not signed by the device key with sgType ${state.sgType}: ${e.message}`,
        { cause: e },
      );
    }
    throw e;
  }
  return { state: null, reply: { msgType: MsgType.TO1_RVRedirect, body: encodeTO1RVRedirect({ sign1: { bytes: registration.to1d } }) } };
}

async function liveRegistration(config: To1RendezvousConfig, guid: Uint8Array): Promise<RendezvousRegistration> {
  const registration = await config.store.get(guid);
  if (registration === undefined || registration.expiresAt.getTime() <= config.clock().getTime()) {
    throw new FdoError(
      'ERR_FDO_TO1_NOT_REGISTERED',
      ErrorCode.RESOURCE_NOT_FOUND,
      `no live TO0 registration for GUID ${guidToHex(guid)}${registration === undefined ? '' : ' (expired)'}`,
    );
  }
  return registration;
}

function deviceKeyOf(registration: RendezvousRegistration): KeyObject {
  // The store holds what TO0 verified; if it no longer reads, that is our fault, not the device's.
  try {
    const chain = parseVoucher(registration.voucher).devCertChain;
    if (chain !== null) return (certChainToX509(chain.slice(0, 1), 'OVDevCertChain')[0] as X509Certificate).publicKey;
  } catch (e) {
    if (!(e instanceof FdoError)) throw e;
    throw new FdoError('ERR_FDO_TO1_NO_DEVICE_KEY', ErrorCode.INTERNAL_SERVER_ERROR, `the registered voucher does not read: ${e.message}`, {
      cause: e,
    });
  }
  throw new FdoError(
    'ERR_FDO_TO1_NO_DEVICE_KEY',
    ErrorCode.INTERNAL_SERVER_ERROR,
    'the registered voucher has no device certificate chain',
  );
}
