import { plainCopy } from '../../codec/bytes.ts';
import { isPrivateKeyLike, type PrivateKeyLike, publicKeyOf } from '../../crypto/private-key-handle.ts';
import { MsgType } from '../constants/message-types.ts';
import type { DeviceCredential } from '../credential/device-credential.ts';
import { decodeTO1HelloRVAck, decodeTO1RVRedirect, encodeTO1HelloRV, encodeTO1ProveToRV } from '../messages/to1.ts';
import type { FdoHash } from '../types/hash.ts';
import type { RvTo2Addr } from '../types/rv-to2-addr.ts';
import { deviceSigInfoFor } from './lib/device-signature.ts';
import { expectReply } from './lib/peer-error.ts';
import { badState, toB64 } from './lib/state-bytes.ts';
import type { ClientStep, ProtocolMessage } from './ports.ts';

export interface To1DeviceConfig {
  credential: Pick<DeviceCredential, 'guid'>;
  /** The device attestation key the manufacturer certified in DI. */
  deviceKey: PrivateKeyLike;
}

export interface To1Result {
  /** The owner-signed to1d blob as received: TO2 verifies it against the voucher's owner. */
  to1d: Uint8Array;
  /** Where to reach the owner for TO2, in the owner's order. Not authenticated until TO2. */
  rvTo2Addr: RvTo2Addr;
  to0dHash: FdoHash;
}

export type To1DeviceState =
  | { protocol: 'to1-device'; step: 'hello-rv-ack' }
  | { protocol: 'to1-device'; step: 'rv-redirect'; nonce: string };

export interface To1Device {
  start(): ClientStep<To1DeviceState, To1Result>;
  receive(state: To1DeviceState, message: ProtocolMessage): Promise<ClientStep<To1DeviceState, To1Result>>;
}

export function createTo1Device(config: To1DeviceConfig): To1Device {
  if (!isPrivateKeyLike(config?.deviceKey)) throw new TypeError('TO1 device: deviceKey must be a private KeyObject or a KeyHandle');
  if (!(config.credential?.guid instanceof Uint8Array)) throw new TypeError('TO1 device: credential.guid is required');
  const sigInfo = deviceSigInfoFor(publicKeyOf(config.deviceKey));
  const guid = config.credential.guid;

  return {
    start() {
      return {
        state: { protocol: 'to1-device', step: 'hello-rv-ack' },
        request: { msgType: MsgType.TO1_HelloRV, body: encodeTO1HelloRV({ guid, eASigInfo: sigInfo }) },
      };
    },

    async receive(state, message) {
      if (state?.protocol !== 'to1-device') throw badState('not a TO1 device session');
      if (state.step === 'hello-rv-ack') return helloRvAck({ ...config, guid, sigInfo }, message);
      if (state.step === 'rv-redirect') return rvRedirect(message);
      throw badState(`unknown step ${String((state as { step?: unknown }).step)}`);
    },
  };
}

/** TO1.HelloRVAck: sign the rendezvous' nonce with the device key (TO1.ProveToRV). */
function helloRvAck(
  d: To1DeviceConfig & { guid: Uint8Array; sigInfo: ReturnType<typeof deviceSigInfoFor> },
  message: ProtocolMessage,
): ClientStep<To1DeviceState, To1Result> {
  const ack = decodeTO1HelloRVAck(expectReply(message, MsgType.TO1_HelloRVAck, 'TO1.HelloRVAck'));
  const body = encodeTO1ProveToRV({ nonceTO1Proof: ack.nonceTO1Proof, guid: d.guid, signer: { key: d.deviceKey, alg: d.sigInfo.sgType } });
  return {
    state: { protocol: 'to1-device', step: 'rv-redirect', nonce: toB64(ack.nonceTO1Proof) },
    request: { msgType: MsgType.TO1_ProveToRV, body },
  };
}

/** TO1.RVRedirect: the owner's signed addresses (to1d), the result of TO1. */
function rvRedirect(message: ProtocolMessage): ClientStep<To1DeviceState, To1Result> {
  const redirect = decodeTO1RVRedirect(expectReply(message, MsgType.TO1_RVRedirect, 'TO1.RVRedirect'));
  // A copy: the decoder may have annotated the received buffer, and the caller keeps this one.
  return {
    result: { to1d: plainCopy(redirect.sign1.bytes), rvTo2Addr: redirect.payload.rvTo2Addr, to0dHash: redirect.payload.to0dHash },
  };
}
