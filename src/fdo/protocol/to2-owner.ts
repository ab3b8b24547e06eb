/**
 * The owner's side of TO2 (FDO 1.1 §5.5) as a server state machine: one call per device message,
 * returning the reply and the state to keep. The state is plain JSON (bytes as base64, secrets
 * included: the server layer encrypts it at rest), so consecutive messages of one session may be
 * served by different replicas. Any failure ends the session: the reply is an error message with
 * the spec code only, and the error itself is returned beside it for the log.
 *
 * Each device message has its handler in to2-owner/; this factory only checks the order and
 * dispatches.
 */
import { MsgType } from '../constants/message-types.ts';
import { guardServer, outOfOrder } from './lib/server-step.ts';
import { to2Error } from './lib/to2-errors.ts';
import { checkState } from './lib/to2-state-fields.ts';
import type { ProtocolMessage, ServerPeer } from './ports.ts';
import { deviceServiceInfo } from './to2-owner/device-service-info.ts';
import { deviceServiceInfoReady } from './to2-owner/device-service-info-ready.ts';
import { done } from './to2-owner/done.ts';
import { getOVNextEntry } from './to2-owner/get-ov-next-entry.ts';
import { helloDevice } from './to2-owner/hello-device.ts';
import { proveDevice } from './to2-owner/prove-device.ts';
import type { To2OwnerHandler, To2OwnerMessageHandler, To2OwnerOptions, To2OwnerState, To2OwnerStep } from './to2-owner/types.ts';

export type {
  To2Onboarded,
  To2OwnerHandler,
  To2OwnerOptions,
  To2OwnerState,
  To2OwnerStep,
  To2OwnerVoucherStore,
  To2ServiceInfoReport,
} from './to2-owner/types.ts';

/** The handler for each message a running session may expect. */
const HANDLERS: Readonly<Record<number, To2OwnerMessageHandler>> = {
  [MsgType.TO2_GetOVNextEntry]: getOVNextEntry,
  [MsgType.TO2_ProveDevice]: proveDevice,
  [MsgType.TO2_DeviceServiceInfoReady]: deviceServiceInfoReady,
  [MsgType.TO2_DeviceServiceInfo]: deviceServiceInfo,
  [MsgType.TO2_Done]: done,
};

/** Creates the owner's TO2 handler. */
export function createTo2Owner(options: To2OwnerOptions): To2OwnerHandler {
  const step = (state: To2OwnerState | undefined, message: ProtocolMessage, peer?: ServerPeer): Promise<To2OwnerStep> =>
    dispatch(options, state, message, peer);
  // Extra step fields (serviceInfo, onboarded) pass through the guard untouched.
  return guardServer<To2OwnerState>(options.clock, step) as To2OwnerHandler;
}

async function dispatch(
  options: To2OwnerOptions,
  state: To2OwnerState | undefined,
  message: ProtocolMessage,
  peer: ServerPeer | undefined,
): Promise<To2OwnerStep> {
  const s = state === undefined ? undefined : (checkState(state, 'to2-owner') as unknown as To2OwnerState);
  const expect = s?.expect ?? MsgType.TO2_HelloDevice;
  if (message.msgType !== expect) throw outOfOrder('TO2', message.msgType, [expect]);
  if (s === undefined) return helloDevice(options, message, peer);
  const handler = HANDLERS[expect];
  if (handler === undefined) throw to2Error('ERR_FDO_TO2_STATE', `stored TO2 state is unusable: expects message type ${expect}`);
  return handler(options, s, message);
}
