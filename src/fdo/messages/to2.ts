/**
 * TO2, the device and its owner proving themselves to each other and provisioning the device
 * (FDO 1.1 §5.5), Types 60 to 71. From TO2.SetupDevice on, messages travel encrypted: these are the
 * plaintext bodies, which the session layer seals and opens.
 */
import { encode } from '../../codec/cbor.ts';
import { MsgType } from '../constants/message-types.ts';
import { type Guid, parseGuid } from '../types/guid.ts';
import { encodeHash, type FdoHash, type FdoHmac, parseHash } from '../types/hash.ts';
import { type Nonce, parseNonce } from '../types/nonce.ts';
import { encodePublicKey, type FdoPublicKey, parsePublicKey } from '../types/public-key.ts';
import { asArray, asBool, asBstr, asInt, asText, asUint, decodeFdoCbor, messageBodyError, rawArrayElements } from '../types/read.ts';
import { encodeRendezvousInfo, parseRendezvousInfo, type RendezvousInfo } from '../types/rendezvous-info.ts';
import { encodeSigInfo, parseSigInfo, type SigInfo } from '../types/sig-info.ts';
import { checkBodySize, checked, encodeChecked, encodeRawArray, maxBytesOf, readBody, readBodyArray } from './body.ts';
import { digestTypes, hmacTypes, readOvHeaderBytes } from './common.ts';
import { type EatOtherClaims, encodeEatPayload, parseEatPayload } from './eat.ts';
import { CoseUnprotectedLabel, EatUnprotectedLabel } from './labels.ts';
import {
  MAX_KEX_SUITE_NAME_BYTES,
  MAX_KEY_EXCHANGE_BYTES,
  MAX_MAROE_PREFIX_BYTES,
  MAX_OV_ENTRY_BYTES,
  type MessageLimits,
} from './limits.ts';
import {
  type FdoSign1,
  isPreSigned,
  type MessageSigner,
  type PreSigned,
  preSignedBytes,
  readSign1,
  signMessage,
  unprotectedHeader,
} from './signed.ts';

const UINT8_MAX = 0xff;
const UINT16_MAX = 0xffff;
const INT32_MIN = -0x8000_0000;
const INT32_MAX = 0x7fff_ffff;

/** TO2.HelloDevice (§5.5, Type 60): `[maxDeviceMessageSize, Guid, NonceTO2ProveOV, kexSuiteName, cipherSuiteName, eASigInfo]`. */
export interface TO2HelloDevice {
  /** uint16; 0 means the transport's default. */
  maxDeviceMessageSize: number;
  guid: Guid;
  nonceTO2ProveOV: Nonce;
  /** A key exchange suite name (§3.6); whether it is supported is the session layer's call. */
  kexSuiteName: string;
  /** A cipher suite id (§3.6.5), a COSE algorithm id. */
  cipherSuiteName: number;
  eASigInfo: SigInfo;
}

/** The decoded message with its bytes, which TO2.ProveOVHdr's helloDeviceHash covers. */
export interface DecodedTO2HelloDevice extends TO2HelloDevice {
  bytes: Uint8Array;
}

export function encodeTO2HelloDevice(msg: TO2HelloDevice): Uint8Array {
  const v = [msg.maxDeviceMessageSize, msg.guid, msg.nonceTO2ProveOV, msg.kexSuiteName, msg.cipherSuiteName, encodeSigInfo(msg.eASigInfo)];
  return encodeChecked(v, 'TO2.HelloDevice', decodeTO2HelloDevice);
}

export function decodeTO2HelloDevice(bytes: Uint8Array, limits?: MessageLimits): DecodedTO2HelloDevice {
  const n = 'TO2.HelloDevice';
  const [size, guid, nonce, kex, cipher, sig] = readBodyArray(bytes, MsgType.TO2_HelloDevice, n, 6, limits);
  const kexSuiteName = asText(kex, `${n}.kexSuiteName`, MAX_KEX_SUITE_NAME_BYTES);
  if (kexSuiteName.length === 0) throw messageBodyError(`${n}.kexSuiteName`, 'empty');
  return {
    maxDeviceMessageSize: asUint(size, `${n}.maxDeviceMessageSize`, UINT16_MAX),
    guid: parseGuid(guid, `${n}.Guid`),
    nonceTO2ProveOV: parseNonce(nonce, `${n}.NonceTO2ProveOV`),
    kexSuiteName,
    cipherSuiteName: int32(cipher, `${n}.cipherSuiteName`),
    eASigInfo: parseSigInfo(sig, `${n}.eASigInfo`),
    bytes,
  };
}

/**
 * TO2.ProveOVHdr (§5.5, Type 61): a COSE_Sign1 by the owner over TO2ProveOVHdrPayload, with NonceTO2ProveDv
 * (CUPHNonce) and the owner key (CUPHOwnerPubKey) in the unprotected header. The signature is
 * checked against that key, and the key against the voucher, by the caller.
 */
export interface TO2ProveOVHdr {
  /** OVHeader CBOR bytes (the bstr's content), for the voucher module and the HMAC check. */
  ovHeader: Uint8Array;
  numOVEntries: number;
  ovHeaderHmac: FdoHmac;
  nonceTO2ProveOV: Nonce;
  eBSigInfo: SigInfo;
  xAKeyExchange: Uint8Array;
  helloDeviceHash: FdoHash;
  /** uint16; 0 means the transport's default. */
  maxOwnerMessageSize: number;
  /** CUPHNonce: NonceTO2ProveDv. */
  nonceTO2ProveDv: Nonce;
  /** CUPHOwnerPubKey. */
  ownerPubKey: FdoPublicKey;
}

export interface DecodedTO2ProveOVHdr extends TO2ProveOVHdr {
  sign1: FdoSign1;
}

export function encodeTO2ProveOVHdr(msg: (TO2ProveOVHdr & { signer: MessageSigner }) | PreSigned): Uint8Array {
  const name = 'TO2.ProveOVHdr';
  if (isPreSigned(msg)) return checked(preSignedBytes(msg, name), name, (b) => decodeTO2ProveOVHdr(b));
  const payload = encode([
    msg.ovHeader,
    msg.numOVEntries,
    encodeHash(msg.ovHeaderHmac),
    msg.nonceTO2ProveOV,
    encodeSigInfo(msg.eBSigInfo),
    msg.xAKeyExchange,
    encodeHash(msg.helloDeviceHash),
    msg.maxOwnerMessageSize,
  ]);
  const unprotected = new Map<number, unknown>([
    [CoseUnprotectedLabel.CUPHNonce, msg.nonceTO2ProveDv],
    [CoseUnprotectedLabel.CUPHOwnerPubKey, encodePublicKey(msg.ownerPubKey)],
  ]);
  return checked(signMessage(payload, msg.signer, unprotected, name), name, (b) => decodeTO2ProveOVHdr(b));
}

export function decodeTO2ProveOVHdr(bytes: Uint8Array, limits?: MessageLimits): DecodedTO2ProveOVHdr {
  const n = 'TO2.ProveOVHdr';
  const sign1 = readSign1(bytes, n, checkBodySize(bytes, MsgType.TO2_ProveOVHdr, n, limits));
  const w = `${n}.TO2ProveOVHdrPayload`;
  const p = asArray(decodeFdoCbor(sign1.payload, w, { maxBytes: sign1.payload.length }), 8, w);
  return {
    ovHeader: readOvHeaderBytes(p[0], `${w}.OVHeader`),
    numOVEntries: asUint(p[1], `${w}.NumOVEntries`, UINT8_MAX),
    ovHeaderHmac: parseHash(p[2], `${w}.HMac`, hmacTypes),
    nonceTO2ProveOV: parseNonce(p[3], `${w}.NonceTO2ProveOV`),
    eBSigInfo: parseSigInfo(p[4], `${w}.eBSigInfo`),
    xAKeyExchange: asBstr(p[5], `${w}.xAKeyExchange`, { min: 1, max: MAX_KEY_EXCHANGE_BYTES }),
    helloDeviceHash: parseHash(p[6], `${w}.helloDeviceHash`, digestTypes),
    maxOwnerMessageSize: asUint(p[7], `${w}.maxOwnerMessageSize`, UINT16_MAX),
    nonceTO2ProveDv: parseNonce(unprotectedHeader(sign1, CoseUnprotectedLabel.CUPHNonce, `${n}.CUPHNonce`, true), `${n}.CUPHNonce`),
    ownerPubKey: parsePublicKey(
      unprotectedHeader(sign1, CoseUnprotectedLabel.CUPHOwnerPubKey, `${n}.CUPHOwnerPubKey`, true),
      `${n}.CUPHOwnerPubKey`,
    ),
    sign1,
  };
}

/** TO2.GetOVNextEntry (§5.5, Type 62): `[OVEntryNum]`. */
export interface TO2GetOVNextEntry {
  ovEntryNum: number;
}

export function encodeTO2GetOVNextEntry(msg: TO2GetOVNextEntry): Uint8Array {
  return encodeChecked([msg.ovEntryNum], 'TO2.GetOVNextEntry', decodeTO2GetOVNextEntry);
}

export function decodeTO2GetOVNextEntry(bytes: Uint8Array, limits?: MessageLimits): TO2GetOVNextEntry {
  const [i] = readBodyArray(bytes, MsgType.TO2_GetOVNextEntry, 'TO2.GetOVNextEntry', 1, limits);
  return { ovEntryNum: asUint(i, 'TO2.GetOVNextEntry.OVEntryNum', UINT8_MAX) };
}

/**
 * TO2.OVNextEntry (§5.5, Type 63): `[OVEntryNum, OVEntry]`. The entry's COSE structure is checked; its
 * payload and signature are the voucher module's, which takes `ovEntry` byte for byte.
 */
export interface TO2OVNextEntry {
  ovEntryNum: number;
  /** The OVEntry as carried: a tagged COSE_Sign1. */
  ovEntry: Uint8Array;
}

export interface DecodedTO2OVNextEntry extends TO2OVNextEntry {
  sign1: FdoSign1;
}

export function encodeTO2OVNextEntry(msg: TO2OVNextEntry): Uint8Array {
  if (!(msg.ovEntry instanceof Uint8Array)) throw new TypeError('TO2.OVNextEntry: ovEntry must be the entry bytes');
  return checked(encodeRawArray([encode(msg.ovEntryNum), msg.ovEntry]), 'TO2.OVNextEntry', (b) => decodeTO2OVNextEntry(b));
}

export function decodeTO2OVNextEntry(bytes: Uint8Array, limits?: MessageLimits): DecodedTO2OVNextEntry {
  const n = 'TO2.OVNextEntry';
  const [i] = asArray(readBody(bytes, MsgType.TO2_OVNextEntry, n, limits), 2, n);
  const maxBytes = maxBytesOf(MsgType.TO2_OVNextEntry, limits);
  const entry = rawArrayElements(bytes, n, { maxBytes, maxStringBytes: maxBytes })[1] as Uint8Array;
  const sign1 = readSign1(entry, `${n}.OVEntry`, MAX_OV_ENTRY_BYTES);
  return { ovEntryNum: asUint(i, `${n}.OVEntryNum`, UINT8_MAX), ovEntry: entry, sign1 };
}

/**
 * TO2.ProveDevice (§5.5, Type 64): an EAT signed by the device key with EAT-NONCE = NonceTO2ProveDv, the
 * GUID, EAT-FDO = TO2ProveDevicePayload `[xBKeyExchange]` and NonceTO2SetupDv in EUPHNonce.
 */
export interface TO2ProveDevice {
  nonceTO2ProveDv: Nonce;
  guid: Guid;
  xBKeyExchange: Uint8Array;
  /** EUPHNonce: the nonce the owner signs in TO2.SetupDevice. */
  nonceTO2SetupDv: Nonce;
  otherClaims?: EatOtherClaims;
  maroePrefix?: Uint8Array;
}

export interface DecodedTO2ProveDevice extends TO2ProveDevice {
  otherClaims: EatOtherClaims;
  sign1: FdoSign1;
}

export function encodeTO2ProveDevice(msg: (TO2ProveDevice & { signer: MessageSigner }) | PreSigned): Uint8Array {
  const name = 'TO2.ProveDevice';
  if (isPreSigned(msg)) return checked(preSignedBytes(msg, name), name, (b) => decodeTO2ProveDevice(b));
  const payload = encodeEatPayload(
    { nonce: msg.nonceTO2ProveDv, guid: msg.guid, fdo: [msg.xBKeyExchange], other: msg.otherClaims ?? new Map() },
    name,
  );
  const unprotected = new Map<number, unknown>([[EatUnprotectedLabel.EUPHNonce, msg.nonceTO2SetupDv]]);
  if (msg.maroePrefix !== undefined) unprotected.set(EatUnprotectedLabel.EAT_MAROEPrefix, msg.maroePrefix);
  return checked(signMessage(payload, msg.signer, unprotected, name), name, (b) => decodeTO2ProveDevice(b));
}

export function decodeTO2ProveDevice(bytes: Uint8Array, limits?: MessageLimits): DecodedTO2ProveDevice {
  const n = 'TO2.ProveDevice';
  const sign1 = readSign1(bytes, n, checkBodySize(bytes, MsgType.TO2_ProveDevice, n, limits));
  const eat = parseEatPayload(sign1.payload, `${n}.EATPayload`);
  if (eat.fdo === undefined) throw messageBodyError(`${n}.EATPayload.EAT-FDO`, 'the claim is missing');
  const [xB] = asArray(eat.fdo, 1, `${n}.EATPayload.EAT-FDO`);
  const out: DecodedTO2ProveDevice = {
    nonceTO2ProveDv: eat.nonce,
    guid: eat.guid,
    xBKeyExchange: asBstr(xB, `${n}.EATPayload.EAT-FDO.xBKeyExchange`, { min: 1, max: MAX_KEY_EXCHANGE_BYTES }),
    nonceTO2SetupDv: parseNonce(unprotectedHeader(sign1, EatUnprotectedLabel.EUPHNonce, `${n}.EUPHNonce`, true), `${n}.EUPHNonce`),
    otherClaims: eat.other,
    sign1,
  };
  const maroe = unprotectedHeader(sign1, EatUnprotectedLabel.EAT_MAROEPrefix, `${n}.EAT-MAROEPrefix`, false);
  if (maroe !== undefined) out.maroePrefix = asBstr(maroe, `${n}.EAT-MAROEPrefix`, { max: MAX_MAROE_PREFIX_BYTES });
  return out;
}

/**
 * TO2.SetupDevice (§5.5, Type 65): a COSE_Sign1 by the current owner over TO2SetupDevicePayload
 * `[RendezvousInfo, Guid, NonceTO2SetupDv, Owner2Key]`: the device's next credential.
 */
export interface TO2SetupDevice {
  rendezvousInfo: RendezvousInfo;
  /** ReplacementGUID. */
  guid: Guid;
  nonceTO2SetupDv: Nonce;
  owner2Key: FdoPublicKey;
}

export interface DecodedTO2SetupDevice extends TO2SetupDevice {
  sign1: FdoSign1;
}

export function encodeTO2SetupDevice(msg: (TO2SetupDevice & { signer: MessageSigner }) | PreSigned): Uint8Array {
  const name = 'TO2.SetupDevice';
  if (isPreSigned(msg)) return checked(preSignedBytes(msg, name), name, (b) => decodeTO2SetupDevice(b));
  const payload = encode([encodeRendezvousInfo(msg.rendezvousInfo), msg.guid, msg.nonceTO2SetupDv, encodePublicKey(msg.owner2Key)]);
  return checked(signMessage(payload, msg.signer, undefined, name), name, (b) => decodeTO2SetupDevice(b));
}

export function decodeTO2SetupDevice(bytes: Uint8Array, limits?: MessageLimits): DecodedTO2SetupDevice {
  const n = 'TO2.SetupDevice';
  const sign1 = readSign1(bytes, n, checkBodySize(bytes, MsgType.TO2_SetupDevice, n, limits));
  const w = `${n}.TO2SetupDevicePayload`;
  const [rv, guid, nonce, key] = asArray(decodeFdoCbor(sign1.payload, w, { maxBytes: sign1.payload.length }), 4, w);
  return {
    rendezvousInfo: parseRendezvousInfo(rv, `${w}.RendezvousInfo`),
    guid: parseGuid(guid, `${w}.Guid`),
    nonceTO2SetupDv: parseNonce(nonce, `${w}.NonceTO2SetupDv`),
    owner2Key: parsePublicKey(key, `${w}.Owner2Key`),
    sign1,
  };
}

/** TO2.DeviceServiceInfoReady (§5.5, Type 66): `[ReplacementHMac / null, maxOwnerServiceInfoSz / null]`. */
export interface TO2DeviceServiceInfoReady {
  /** The HMAC of the replacement OVHeader; null under the Credential Reuse protocol. */
  replacementHmac: FdoHmac | null;
  /** uint16, or null for the default size. */
  maxOwnerServiceInfoSz: number | null;
}

export function encodeTO2DeviceServiceInfoReady(msg: TO2DeviceServiceInfoReady): Uint8Array {
  const v = [msg.replacementHmac === null ? null : encodeHash(msg.replacementHmac), msg.maxOwnerServiceInfoSz];
  return encodeChecked(v, 'TO2.DeviceServiceInfoReady', decodeTO2DeviceServiceInfoReady);
}

export function decodeTO2DeviceServiceInfoReady(bytes: Uint8Array, limits?: MessageLimits): TO2DeviceServiceInfoReady {
  const n = 'TO2.DeviceServiceInfoReady';
  const [h, size] = readBodyArray(bytes, MsgType.TO2_DeviceServiceInfoReady, n, 2, limits);
  return {
    replacementHmac: h === null ? null : parseHash(h, `${n}.ReplacementHMac`, hmacTypes),
    maxOwnerServiceInfoSz: size === null ? null : asUint(size, `${n}.maxOwnerServiceInfoSz`, UINT16_MAX),
  };
}

/** TO2.OwnerServiceInfoReady (§5.5, Type 67): `[maxDeviceServiceInfoSz / null]`. */
export interface TO2OwnerServiceInfoReady {
  maxDeviceServiceInfoSz: number | null;
}

export function encodeTO2OwnerServiceInfoReady(msg: TO2OwnerServiceInfoReady): Uint8Array {
  return encodeChecked([msg.maxDeviceServiceInfoSz], 'TO2.OwnerServiceInfoReady', decodeTO2OwnerServiceInfoReady);
}

export function decodeTO2OwnerServiceInfoReady(bytes: Uint8Array, limits?: MessageLimits): TO2OwnerServiceInfoReady {
  const n = 'TO2.OwnerServiceInfoReady';
  const [size] = readBodyArray(bytes, MsgType.TO2_OwnerServiceInfoReady, n, 1, limits);
  return { maxDeviceServiceInfoSz: size === null ? null : asUint(size, `${n}.maxDeviceServiceInfoSz`, UINT16_MAX) };
}

/**
 * One ServiceInfoKV as carried: `[ServiceInfoKey: tstr, ServiceInfoVal: bstr]`. The value may be
 * one chunk of a larger CBOR value, so it is not decoded here; the ServiceInfo module reassembles
 * and reads it. (Same shape as that module's ServiceInfoKV.)
 */
export interface ServiceInfoEntry {
  key: string;
  value: Uint8Array;
}

/** Limits for TO2.DeviceServiceInfo and TO2.OwnerServiceInfo; `maxBytes` is the size this side advertised. */
export interface ServiceInfoMessageLimits extends MessageLimits {
  /** Most ServiceInfoKV entries (default 2048). */
  maxEntries?: number;
  /** Longest ServiceInfoKey in UTF-8 bytes (default 256). */
  maxKeyBytes?: number;
}

const SERVICE_INFO_DEFAULTS = { maxEntries: 2048, maxKeyBytes: 256 };

function parseServiceInfo(v: unknown, where: string, limits: ServiceInfoMessageLimits | undefined): ServiceInfoEntry[] {
  const maxEntries = limits?.maxEntries ?? SERVICE_INFO_DEFAULTS.maxEntries;
  const maxKeyBytes = limits?.maxKeyBytes ?? SERVICE_INFO_DEFAULTS.maxKeyBytes;
  return asArray(v, [0, maxEntries], where).map((kv, i) => {
    const [k, value] = asArray(kv, 2, `${where}[${i}]`);
    const key = asText(k, `${where}[${i}].ServiceInfoKey`, maxKeyBytes);
    if (key.length === 0) throw messageBodyError(`${where}[${i}].ServiceInfoKey`, 'empty');
    return { key, value: asBstr(value, `${where}[${i}].ServiceInfoVal`) };
  });
}

const encodeServiceInfo = (entries: readonly ServiceInfoEntry[]): unknown[] => entries.map((e) => [e.key, e.value]);

/** TO2.DeviceServiceInfo (§5.5, Type 68): `[IsMoreServiceInfo, ServiceInfo]`. */
export interface TO2DeviceServiceInfo {
  isMoreServiceInfo: boolean;
  serviceInfo: ServiceInfoEntry[];
}

export function encodeTO2DeviceServiceInfo(msg: TO2DeviceServiceInfo, limits?: ServiceInfoMessageLimits): Uint8Array {
  return encodeChecked([msg.isMoreServiceInfo, encodeServiceInfo(msg.serviceInfo)], 'TO2.DeviceServiceInfo', (b) =>
    decodeTO2DeviceServiceInfo(b, limits),
  );
}

export function decodeTO2DeviceServiceInfo(bytes: Uint8Array, limits?: ServiceInfoMessageLimits): TO2DeviceServiceInfo {
  const n = 'TO2.DeviceServiceInfo';
  const [more, info] = readBodyArray(bytes, MsgType.TO2_DeviceServiceInfo, n, 2, limits);
  return { isMoreServiceInfo: asBool(more, `${n}.IsMoreServiceInfo`), serviceInfo: parseServiceInfo(info, `${n}.ServiceInfo`, limits) };
}

/** TO2.OwnerServiceInfo (§5.5, Type 69): `[IsMoreServiceInfo, IsDone, ServiceInfo]`. */
export interface TO2OwnerServiceInfo {
  isMoreServiceInfo: boolean;
  isDone: boolean;
  serviceInfo: ServiceInfoEntry[];
}

export function encodeTO2OwnerServiceInfo(msg: TO2OwnerServiceInfo, limits?: ServiceInfoMessageLimits): Uint8Array {
  return encodeChecked([msg.isMoreServiceInfo, msg.isDone, encodeServiceInfo(msg.serviceInfo)], 'TO2.OwnerServiceInfo', (b) =>
    decodeTO2OwnerServiceInfo(b, limits),
  );
}

export function decodeTO2OwnerServiceInfo(bytes: Uint8Array, limits?: ServiceInfoMessageLimits): TO2OwnerServiceInfo {
  const n = 'TO2.OwnerServiceInfo';
  const [more, done, info] = readBodyArray(bytes, MsgType.TO2_OwnerServiceInfo, n, 3, limits);
  return {
    isMoreServiceInfo: asBool(more, `${n}.IsMoreServiceInfo`),
    isDone: asBool(done, `${n}.IsDone`),
    serviceInfo: parseServiceInfo(info, `${n}.ServiceInfo`, limits),
  };
}

/** TO2.Done (§5.5, Type 70): `[NonceTO2ProveDv]`. */
export interface TO2Done {
  nonceTO2ProveDv: Nonce;
}

export function encodeTO2Done(msg: TO2Done): Uint8Array {
  return encodeChecked([msg.nonceTO2ProveDv], 'TO2.Done', decodeTO2Done);
}

export function decodeTO2Done(bytes: Uint8Array, limits?: MessageLimits): TO2Done {
  const [n] = readBodyArray(bytes, MsgType.TO2_Done, 'TO2.Done', 1, limits);
  return { nonceTO2ProveDv: parseNonce(n, 'TO2.Done.NonceTO2ProveDv') };
}

/** TO2.Done2 (§5.5, Type 71): `[NonceTO2SetupDv]`. */
export interface TO2Done2 {
  nonceTO2SetupDv: Nonce;
}

export function encodeTO2Done2(msg: TO2Done2): Uint8Array {
  return encodeChecked([msg.nonceTO2SetupDv], 'TO2.Done2', decodeTO2Done2);
}

export function decodeTO2Done2(bytes: Uint8Array, limits?: MessageLimits): TO2Done2 {
  const [n] = readBodyArray(bytes, MsgType.TO2_Done2, 'TO2.Done2', 1, limits);
  return { nonceTO2SetupDv: parseNonce(n, 'TO2.Done2.NonceTO2SetupDv') };
}

function int32(v: unknown, where: string): number {
  const n = asInt(v, where);
  if (n < INT32_MIN || n > INT32_MAX) throw messageBodyError(where, `${n} is outside the 32-bit range`);
  return n;
}
