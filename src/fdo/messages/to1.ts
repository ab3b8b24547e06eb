/**
 * TO1, the device finding its owner through the rendezvous server (FDO 1.1 §5.4): TO1.HelloRV
 * (Type 30), TO1.HelloRVAck (31), TO1.ProveToRV (32, an EAT signed by the device key) and
 * TO1.RVRedirect (33, the to1d blob the owner registered in TO0).
 */
import { MsgType } from '../constants/message-types.ts';
import { type Guid, parseGuid } from '../types/guid.ts';
import { type Nonce, parseNonce } from '../types/nonce.ts';
import { asBstr } from '../types/read.ts';
import { encodeSigInfo, parseSigInfo, type SigInfo } from '../types/sig-info.ts';
import { checkBodySize, checked, encodeChecked, readBodyArray } from './body.ts';
import { type EatOtherClaims, encodeEatPayload, parseEatPayload } from './eat.ts';
import { EatUnprotectedLabel } from './labels.ts';
import { MAX_MAROE_PREFIX_BYTES, type MessageLimits } from './limits.ts';
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
import { decodeTo1d, signTo1d, type To1d, type To1dPayload } from './to0.ts';

/** TO1.HelloRV (§5.4, Type 30): `[Guid, eASigInfo]`. */
export interface TO1HelloRV {
  guid: Guid;
  eASigInfo: SigInfo;
}

export function encodeTO1HelloRV(msg: TO1HelloRV): Uint8Array {
  return encodeChecked([msg.guid, encodeSigInfo(msg.eASigInfo)], 'TO1.HelloRV', decodeTO1HelloRV);
}

export function decodeTO1HelloRV(bytes: Uint8Array, limits?: MessageLimits): TO1HelloRV {
  const [g, s] = readBodyArray(bytes, MsgType.TO1_HelloRV, 'TO1.HelloRV', 2, limits);
  return { guid: parseGuid(g, 'TO1.HelloRV.Guid'), eASigInfo: parseSigInfo(s, 'TO1.HelloRV.eASigInfo') };
}

/** TO1.HelloRVAck (§5.4, Type 31): `[NonceTO1Proof, eBSigInfo]`. */
export interface TO1HelloRVAck {
  nonceTO1Proof: Nonce;
  eBSigInfo: SigInfo;
}

export function encodeTO1HelloRVAck(msg: TO1HelloRVAck): Uint8Array {
  return encodeChecked([msg.nonceTO1Proof, encodeSigInfo(msg.eBSigInfo)], 'TO1.HelloRVAck', decodeTO1HelloRVAck);
}

export function decodeTO1HelloRVAck(bytes: Uint8Array, limits?: MessageLimits): TO1HelloRVAck {
  const [n, s] = readBodyArray(bytes, MsgType.TO1_HelloRVAck, 'TO1.HelloRVAck', 2, limits);
  return { nonceTO1Proof: parseNonce(n, 'TO1.HelloRVAck.NonceTO1Proof'), eBSigInfo: parseSigInfo(s, 'TO1.HelloRVAck.eBSigInfo') };
}

/**
 * TO1.ProveToRV (§5.4, Type 32): an EAT with EAT-NONCE = NonceTO1Proof and the device GUID in EAT-UEID,
 * signed by the device attestation key (found through the GUID in the registered voucher).
 */
export interface TO1ProveToRV {
  nonceTO1Proof: Nonce;
  guid: Guid;
  /** Further EAT claims, if any. */
  otherClaims?: EatOtherClaims;
  /** The EAT-FDO claim, which TO1 does not define; kept when a device sends one. */
  fdoClaim?: unknown;
  /** EAT-MAROEPrefix unprotected header, for roots of trust that need it. */
  maroePrefix?: Uint8Array;
}

export interface DecodedTO1ProveToRV extends TO1ProveToRV {
  otherClaims: EatOtherClaims;
  sign1: FdoSign1;
}

export function encodeTO1ProveToRV(msg: (TO1ProveToRV & { signer: MessageSigner }) | PreSigned): Uint8Array {
  const name = 'TO1.ProveToRV';
  if (isPreSigned(msg)) return checked(preSignedBytes(msg, name), name, (b) => decodeTO1ProveToRV(b));
  const payload = encodeEatPayload(
    {
      nonce: msg.nonceTO1Proof,
      guid: msg.guid,
      other: msg.otherClaims ?? new Map(),
      ...(msg.fdoClaim === undefined ? {} : { fdo: msg.fdoClaim }),
    },
    name,
  );
  const unprotected = msg.maroePrefix === undefined ? undefined : new Map([[EatUnprotectedLabel.EAT_MAROEPrefix, msg.maroePrefix]]);
  return checked(signMessage(payload, msg.signer, unprotected, name), name, (b) => decodeTO1ProveToRV(b));
}

export function decodeTO1ProveToRV(bytes: Uint8Array, limits?: MessageLimits): DecodedTO1ProveToRV {
  const name = 'TO1.ProveToRV';
  const sign1 = readSign1(bytes, name, checkBodySize(bytes, MsgType.TO1_ProveToRV, name, limits));
  const eat = parseEatPayload(sign1.payload, `${name}.EATPayload`);
  const out: DecodedTO1ProveToRV = { nonceTO1Proof: eat.nonce, guid: eat.guid, otherClaims: eat.other, sign1 };
  if (eat.fdo !== undefined) out.fdoClaim = eat.fdo;
  const maroe = unprotectedHeader(sign1, EatUnprotectedLabel.EAT_MAROEPrefix, `${name}.EAT-MAROEPrefix`, false);
  if (maroe !== undefined) out.maroePrefix = asBstr(maroe, `${name}.EAT-MAROEPrefix`, { max: MAX_MAROE_PREFIX_BYTES });
  return out;
}

/** TO1.RVRedirect (§5.4, Type 33): the to1d blob, signed by the owner in TO0. */
export type TO1RVRedirect = To1d;

/** Sends a stored to1d as is (`{ sign1: { bytes } }`), or signs a fresh one. */
export function encodeTO1RVRedirect(msg: PreSigned | (To1dPayload & { signer: MessageSigner })): Uint8Array {
  const name = 'TO1.RVRedirect';
  const bytes = isPreSigned(msg) ? preSignedBytes(msg, name) : signTo1d(msg, msg.signer);
  return checked(bytes, name, (b) => decodeTO1RVRedirect(b));
}

export function decodeTO1RVRedirect(bytes: Uint8Array, limits?: MessageLimits): TO1RVRedirect {
  const name = 'TO1.RVRedirect';
  return decodeTo1d(bytes, name, checkBodySize(bytes, MsgType.TO1_RVRedirect, name, limits));
}
