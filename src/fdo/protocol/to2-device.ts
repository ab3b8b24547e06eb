/**
 * The device's side of TO2 (FDO 1.1 §5.5) as a client state machine: `start` yields
 * TO2.HelloDevice, each `receive` takes the owner's answer and yields the next request, until
 * TO2.Done2 yields the result: the replacement credential (or the same one under Credential
 * Reuse). The state is plain JSON, so a device may store it between messages.
 *
 * The device trusts nothing the owner says until it has checked it: the header HMAC under its own
 * secret, the manufacturer key against its credential, every voucher entry in turn, and that the
 * chain ends at the key that signed TO2.ProveOVHdr. A failure rejects with an FdoError whose
 * `fdoCode` the device may report to the owner (`errorMessageFor`); an error message from the
 * owner rejects with an FdoPeerError carrying the owner's code.
 *
 * Each owner message has its handler in to2-device/; this factory only checks the order and
 * dispatches.
 */
import { MsgType, type MsgTypeNumber } from '../constants/message-types.ts';
import { MESSAGE_DECODERS } from '../messages/registry.ts';
import { isCipherSuiteSupported, isKexSuiteSupported } from '../session/index.ts';
import { expectReply } from './lib/peer-error.ts';
import { to2Error } from './lib/to2-errors.ts';
import { checkState } from './lib/to2-state-fields.ts';
import type { ProtocolMessage } from './ports.ts';
import { done2 } from './to2-device/done2.ts';
import { helloDevice } from './to2-device/hello-device.ts';
import { ovNextEntry } from './to2-device/ov-next-entry.ts';
import { ownerServiceInfo } from './to2-device/owner-service-info.ts';
import { ownerServiceInfoReady } from './to2-device/owner-service-info-ready.ts';
import { proveOVHdr } from './to2-device/prove-ov-hdr.ts';
import { setupDevice } from './to2-device/setup-device.ts';
import type { To2DeviceClient, To2DeviceMessageHandler, To2DeviceOptions, To2DeviceState, To2DeviceStep } from './to2-device/types.ts';

export type { To2DeviceClient, To2DeviceOptions, To2DeviceResult, To2DeviceState, To2DeviceStep } from './to2-device/types.ts';

/** The handler for each owner message the device may be waiting for. */
const HANDLERS: Readonly<Record<number, To2DeviceMessageHandler>> = {
  [MsgType.TO2_ProveOVHdr]: proveOVHdr,
  [MsgType.TO2_OVNextEntry]: ovNextEntry,
  [MsgType.TO2_SetupDevice]: setupDevice,
  [MsgType.TO2_OwnerServiceInfoReady]: ownerServiceInfoReady,
  [MsgType.TO2_OwnerServiceInfo]: ownerServiceInfo,
  [MsgType.TO2_Done2]: done2,
};

/** Creates the device's TO2 client. */
export function createTo2DeviceClient(options: To2DeviceOptions): To2DeviceClient {
  if (!isKexSuiteSupported(options.kexSuite)) throw new TypeError(`key exchange ${JSON.stringify(options.kexSuite)} is not supported`);
  if (!isCipherSuiteSupported(options.cipherSuite)) throw new TypeError(`cipher suite ${String(options.cipherSuite)} is not supported`);
  return {
    start: (credential, to1d) => helloDevice(options, credential, to1d),
    receive: (state, message) => receive(options, state, message),
  };
}

async function receive(options: To2DeviceOptions, state: To2DeviceState, message: ProtocolMessage): Promise<To2DeviceStep> {
  const s = checkState(state, 'to2-device') as unknown as To2DeviceState;
  expectReply(message, s.expect, MESSAGE_DECODERS[s.expect as MsgTypeNumber]?.name ?? String(s.expect));
  const handler = HANDLERS[s.expect];
  if (handler === undefined) throw to2Error('ERR_FDO_TO2_STATE', `stored TO2 state is unusable: expects message type ${s.expect}`);
  return handler(options, s, message);
}
