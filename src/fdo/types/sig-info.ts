/**
 * FDO 1.1 §3.3.3 SigInfo: `[sgType, Info]`, the device attestation signature type (a COSE algorithm
 * id, or an EPID type) and its type-specific info (empty for ECDSA and RSA; the group for EPID).
 */
import { DeviceSgType } from '../constants/crypto.ts';
import { asArray, asBstr, asOneOf } from './read.ts';

export type DeviceSgTypeNumber = (typeof DeviceSgType)[keyof typeof DeviceSgType];

export interface SigInfo {
  sgType: DeviceSgTypeNumber;
  info: Uint8Array;
}

/** Largest Info accepted: EPID group ids and parameters are well below this. */
const MAX_INFO_BYTES = 1024;

export function parseSigInfo(v: unknown, where: string): SigInfo {
  const [t, info] = asArray(v, 2, where);
  return { sgType: asOneOf(t, DeviceSgType, `${where}.sgType`), info: asBstr(info, `${where}.Info`, { max: MAX_INFO_BYTES }) };
}

export function encodeSigInfo(s: SigInfo): [number, Uint8Array] {
  return [s.sgType, s.info];
}
