/**
 * DI, Device Initialization (FDO 1.1 §5.2): the device asks the manufacturer for credentials
 * (DI.AppStart, Type 10), receives the voucher header (DI.SetCredentials, 11), returns the
 * header's HMAC (DI.SetHMAC, 12) and is told it is done (DI.Done, 13).
 */
import { PublicKeyEncoding, type PublicKeyEncodingNumber, PublicKeyType, type PublicKeyTypeNumber } from '../constants/crypto.ts';
import { MsgType } from '../constants/message-types.ts';
import { encodeHash, type FdoHmac, parseHash } from '../types/hash.ts';
import { asArray, asBstr, asCborBstr, asOneOf, asText, decodeFdoCbor } from '../types/read.ts';
import { encodeChecked, readBodyArray } from './body.ts';
import { hmacTypes, readOvHeaderBytes } from './common.ts';
import { MAX_DEVICE_MFG_INFO_BYTES, type MessageLimits } from './limits.ts';

/** DI.AppStart (§5.2, Type 10): `[DeviceMfgInfo]`, a bstr holding CBOR that only the manufacturer reads. */
export interface DIAppStart {
  /** The bstr's content (CBOR bytes), or null when the device sends none. */
  deviceMfgInfo: Uint8Array | null;
}

export function encodeDIAppStart(msg: DIAppStart): Uint8Array {
  return encodeChecked([msg.deviceMfgInfo], 'DI.AppStart', decodeDIAppStart);
}

export function decodeDIAppStart(bytes: Uint8Array, limits?: MessageLimits): DIAppStart {
  const [info] = readBodyArray(bytes, MsgType.DI_AppStart, 'DI.AppStart', 1, limits);
  if (info === null) return { deviceMfgInfo: null };
  const where = 'DI.AppStart.DeviceMfgInfo';
  return { deviceMfgInfo: asCborBstr(asBstr(info, where, { min: 1, max: MAX_DEVICE_MFG_INFO_BYTES }), where).bytes };
}

/**
 * The DeviceMfgInfo content that FDO device clients commonly send (the spec leaves it to the
 * implementation): `[pkType, pkEnc, serialNo, modelNo, CSR, *optional bstr]`. The key type and
 * encoding are those the device wants its manufacturer key in.
 */
export interface DeviceMfgInfo {
  keyType: PublicKeyTypeNumber;
  keyEncoding: PublicKeyEncodingNumber;
  serialNumber: string;
  deviceInfo: string;
  /** DER PKCS #10 certification request for the device key. */
  csr: Uint8Array;
  /** Later elements some clients append (an on-die certificate chain, a test signature). */
  extra: Uint8Array[];
}

const MAX_MFG_TEXT_BYTES = 255;
const MAX_CSR_BYTES = 4096;
const MAX_MFG_EXTRA = 3;

export function parseDeviceMfgInfo(bytes: Uint8Array): DeviceMfgInfo {
  const where = 'DeviceMfgInfo';
  const a = asArray(decodeFdoCbor(bytes, where, { maxBytes: MAX_DEVICE_MFG_INFO_BYTES }), [5, 5 + MAX_MFG_EXTRA], where);
  return {
    keyType: asOneOf(a[0], PublicKeyType, `${where}.pkType`),
    keyEncoding: asOneOf(a[1], PublicKeyEncoding, `${where}.pkEnc`),
    serialNumber: asText(a[2], `${where}.serialNo`, MAX_MFG_TEXT_BYTES),
    deviceInfo: asText(a[3], `${where}.modelNo`, MAX_MFG_TEXT_BYTES),
    csr: asBstr(a[4], `${where}.CSR`, { min: 1, max: MAX_CSR_BYTES }),
    extra: a.slice(5).map((x, i) => asBstr(x, `${where}[${5 + i}]`, { max: MAX_CSR_BYTES })),
  };
}

export function encodeDeviceMfgInfo(info: DeviceMfgInfo): Uint8Array {
  const value = [info.keyType, info.keyEncoding, info.serialNumber, info.deviceInfo, info.csr, ...(info.extra ?? [])];
  return encodeChecked(value, 'DeviceMfgInfo', parseDeviceMfgInfo);
}

/** DI.SetCredentials (§5.2, Type 11): `[OVHeader]`, the header wrapped in a bstr as in the voucher. */
export interface DISetCredentials {
  /** The OVHeader's CBOR bytes (the bstr's content): the voucher module parses them, the HMAC covers them. */
  ovHeader: Uint8Array;
}

export function encodeDISetCredentials(msg: DISetCredentials): Uint8Array {
  return encodeChecked([msg.ovHeader], 'DI.SetCredentials', decodeDISetCredentials);
}

export function decodeDISetCredentials(bytes: Uint8Array, limits?: MessageLimits): DISetCredentials {
  const [h] = readBodyArray(bytes, MsgType.DI_SetCredentials, 'DI.SetCredentials', 1, limits);
  return { ovHeader: readOvHeaderBytes(h, 'DI.SetCredentials.OVHeader') };
}

/** DI.SetHMAC (§5.2, Type 12): `[Hmac]` over the OVHeader bytes, under the device's secret. */
export interface DISetHMAC {
  hmac: FdoHmac;
}

export function encodeDISetHMAC(msg: DISetHMAC): Uint8Array {
  return encodeChecked([encodeHash(msg.hmac)], 'DI.SetHMAC', decodeDISetHMAC);
}

export function decodeDISetHMAC(bytes: Uint8Array, limits?: MessageLimits): DISetHMAC {
  const [h] = readBodyArray(bytes, MsgType.DI_SetHMAC, 'DI.SetHMAC', 1, limits);
  return { hmac: parseHash(h, 'DI.SetHMAC.Hmac', hmacTypes) };
}

/** DI.Done (§5.2, Type 13): an empty array. */
export type DIDone = Record<string, never>;

export function encodeDIDone(_msg: DIDone = {}): Uint8Array {
  return encodeChecked([], 'DI.Done', decodeDIDone);
}

export function decodeDIDone(bytes: Uint8Array, limits?: MessageLimits): DIDone {
  readBodyArray(bytes, MsgType.DI_Done, 'DI.Done', 0, limits);
  return {};
}
