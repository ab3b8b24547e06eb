/**
 * Every FDO 1.1 message body decoder by message type (§3.2), so a transport can decode what
 * arrives under a `Message-Type` without knowing each protocol.
 */
import { ErrorCode } from '../constants/error-codes.ts';
import { MsgType, type MsgTypeNumber } from '../constants/message-types.ts';
import { FdoError } from '../errors.ts';
import {
  type DIAppStart,
  type DIDone,
  type DISetCredentials,
  type DISetHMAC,
  decodeDIAppStart,
  decodeDIDone,
  decodeDISetCredentials,
  decodeDISetHMAC,
} from './di.ts';
import { decodeErrorMessage, type ErrorMessage } from './error.ts';
import type { MessageLimits } from './limits.ts';
import {
  type DecodedTO0OwnerSign,
  decodeTO0AcceptOwner,
  decodeTO0Hello,
  decodeTO0HelloAck,
  decodeTO0OwnerSign,
  type TO0AcceptOwner,
  type TO0Hello,
  type TO0HelloAck,
} from './to0.ts';
import {
  type DecodedTO1ProveToRV,
  decodeTO1HelloRV,
  decodeTO1HelloRVAck,
  decodeTO1ProveToRV,
  decodeTO1RVRedirect,
  type TO1HelloRV,
  type TO1HelloRVAck,
  type TO1RVRedirect,
} from './to1.ts';
import {
  type DecodedTO2HelloDevice,
  type DecodedTO2OVNextEntry,
  type DecodedTO2ProveDevice,
  type DecodedTO2ProveOVHdr,
  type DecodedTO2SetupDevice,
  decodeTO2DeviceServiceInfo,
  decodeTO2DeviceServiceInfoReady,
  decodeTO2Done,
  decodeTO2Done2,
  decodeTO2GetOVNextEntry,
  decodeTO2HelloDevice,
  decodeTO2OVNextEntry,
  decodeTO2OwnerServiceInfo,
  decodeTO2OwnerServiceInfoReady,
  decodeTO2ProveDevice,
  decodeTO2ProveOVHdr,
  decodeTO2SetupDevice,
  type ServiceInfoMessageLimits,
  type TO2DeviceServiceInfo,
  type TO2DeviceServiceInfoReady,
  type TO2Done,
  type TO2Done2,
  type TO2GetOVNextEntry,
  type TO2OwnerServiceInfo,
  type TO2OwnerServiceInfoReady,
} from './to2.ts';

/** The decoded body of each message type. */
export interface MessageBodies {
  10: DIAppStart;
  11: DISetCredentials;
  12: DISetHMAC;
  13: DIDone;
  20: TO0Hello;
  21: TO0HelloAck;
  22: DecodedTO0OwnerSign;
  23: TO0AcceptOwner;
  30: TO1HelloRV;
  31: TO1HelloRVAck;
  32: DecodedTO1ProveToRV;
  33: TO1RVRedirect;
  60: DecodedTO2HelloDevice;
  61: DecodedTO2ProveOVHdr;
  62: TO2GetOVNextEntry;
  63: DecodedTO2OVNextEntry;
  64: DecodedTO2ProveDevice;
  65: DecodedTO2SetupDevice;
  66: TO2DeviceServiceInfoReady;
  67: TO2OwnerServiceInfoReady;
  68: TO2DeviceServiceInfo;
  69: TO2OwnerServiceInfo;
  70: TO2Done;
  71: TO2Done2;
  255: ErrorMessage;
}

type Decoder<T extends MsgTypeNumber> = (bytes: Uint8Array, limits?: ServiceInfoMessageLimits) => MessageBodies[T];

/** The decoder of each message type, with the spec's `Protocol.Message` name. */
export const MESSAGE_DECODERS: { readonly [T in MsgTypeNumber]: { readonly name: string; readonly decode: Decoder<T> } } = Object.freeze({
  [MsgType.DI_AppStart]: { name: 'DI.AppStart', decode: decodeDIAppStart },
  [MsgType.DI_SetCredentials]: { name: 'DI.SetCredentials', decode: decodeDISetCredentials },
  [MsgType.DI_SetHMAC]: { name: 'DI.SetHMAC', decode: decodeDISetHMAC },
  [MsgType.DI_Done]: { name: 'DI.Done', decode: decodeDIDone },
  [MsgType.TO0_Hello]: { name: 'TO0.Hello', decode: decodeTO0Hello },
  [MsgType.TO0_HelloAck]: { name: 'TO0.HelloAck', decode: decodeTO0HelloAck },
  [MsgType.TO0_OwnerSign]: { name: 'TO0.OwnerSign', decode: decodeTO0OwnerSign },
  [MsgType.TO0_AcceptOwner]: { name: 'TO0.AcceptOwner', decode: decodeTO0AcceptOwner },
  [MsgType.TO1_HelloRV]: { name: 'TO1.HelloRV', decode: decodeTO1HelloRV },
  [MsgType.TO1_HelloRVAck]: { name: 'TO1.HelloRVAck', decode: decodeTO1HelloRVAck },
  [MsgType.TO1_ProveToRV]: { name: 'TO1.ProveToRV', decode: decodeTO1ProveToRV },
  [MsgType.TO1_RVRedirect]: { name: 'TO1.RVRedirect', decode: decodeTO1RVRedirect },
  [MsgType.TO2_HelloDevice]: { name: 'TO2.HelloDevice', decode: decodeTO2HelloDevice },
  [MsgType.TO2_ProveOVHdr]: { name: 'TO2.ProveOVHdr', decode: decodeTO2ProveOVHdr },
  [MsgType.TO2_GetOVNextEntry]: { name: 'TO2.GetOVNextEntry', decode: decodeTO2GetOVNextEntry },
  [MsgType.TO2_OVNextEntry]: { name: 'TO2.OVNextEntry', decode: decodeTO2OVNextEntry },
  [MsgType.TO2_ProveDevice]: { name: 'TO2.ProveDevice', decode: decodeTO2ProveDevice },
  [MsgType.TO2_SetupDevice]: { name: 'TO2.SetupDevice', decode: decodeTO2SetupDevice },
  [MsgType.TO2_DeviceServiceInfoReady]: { name: 'TO2.DeviceServiceInfoReady', decode: decodeTO2DeviceServiceInfoReady },
  [MsgType.TO2_OwnerServiceInfoReady]: { name: 'TO2.OwnerServiceInfoReady', decode: decodeTO2OwnerServiceInfoReady },
  [MsgType.TO2_DeviceServiceInfo]: { name: 'TO2.DeviceServiceInfo', decode: decodeTO2DeviceServiceInfo },
  [MsgType.TO2_OwnerServiceInfo]: { name: 'TO2.OwnerServiceInfo', decode: decodeTO2OwnerServiceInfo },
  [MsgType.TO2_Done]: { name: 'TO2.Done', decode: decodeTO2Done },
  [MsgType.TO2_Done2]: { name: 'TO2.Done2', decode: decodeTO2Done2 },
  [MsgType.Error]: { name: 'Error', decode: decodeErrorMessage },
});

/** Whether `type` is an FDO 1.1 message type IoTopia decodes. */
export function isMessageType(type: unknown): type is MsgTypeNumber {
  return typeof type === 'number' && Object.hasOwn(MESSAGE_DECODERS, type);
}

/**
 * Decodes a body by its message type. An unknown type is ERR_FDO_MESSAGE_TYPE (a body the receiver
 * cannot read, MESSAGE_BODY_ERROR); everything else is the message's own decoder.
 */
export function decodeMessage<T extends MsgTypeNumber>(
  type: T,
  bytes: Uint8Array,
  limits?: MessageLimits | ServiceInfoMessageLimits,
): MessageBodies[T];
export function decodeMessage(
  type: number,
  bytes: Uint8Array,
  limits?: MessageLimits | ServiceInfoMessageLimits,
): MessageBodies[MsgTypeNumber];
export function decodeMessage(type: number, bytes: Uint8Array, limits?: ServiceInfoMessageLimits): MessageBodies[MsgTypeNumber] {
  if (!isMessageType(type)) {
    throw new FdoError('ERR_FDO_MESSAGE_TYPE', ErrorCode.MESSAGE_BODY_ERROR, `message type ${String(type)} is not an FDO 1.1 message`);
  }
  return (MESSAGE_DECODERS[type].decode as Decoder<MsgTypeNumber>)(bytes, limits);
}
