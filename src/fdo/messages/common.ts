/**
 * Readers for the voucher parts that messages carry but do not interpret: the OVHeader and the
 * whole voucher travel as their exact bytes, checked here only for the outer shape, so that the
 * voucher module sees precisely what was hashed and MACed.
 */
import { HashType, type HashTypeNumber } from '../constants/crypto.ts';
import { asArray, asBstr, decodeFdoCbor } from '../types/read.ts';
import { MAX_OV_HEADER_BYTES } from './limits.ts';

/** HMac types (§3.3.2): where the spec asks for an HMac, a plain hash is refused. */
export const hmacTypes: readonly HashTypeNumber[] = [HashType.HMAC_SHA256, HashType.HMAC_SHA384];
/** Hash types (§3.3.2) for the places that take a digest, not a MAC. */
export const digestTypes: readonly HashTypeNumber[] = [HashType.SHA256, HashType.SHA384];

/** OVHeader = [OVHProtVer, OVGuid, OVRVInfo, OVDeviceInfo, OVPubKey, OVDevCertChainHash / null] (§3.4). */
const OV_HEADER_ELEMENTS = 6;
/** OwnershipVoucher = [OVProtVer, OVHeaderTag, OVHeaderHMac, OVDevCertChain / null, OVEntryArray] (§3.4). */
const VOUCHER_ELEMENTS = 5;

/** `bstr .cbor OVHeader`: the bstr's content, well-formed CBOR holding a six-element array. */
export function readOvHeaderBytes(v: unknown, where: string): Uint8Array {
  const bytes = asBstr(v, where, { min: 1, max: MAX_OV_HEADER_BYTES });
  asArray(decodeFdoCbor(bytes, where, { maxBytes: MAX_OV_HEADER_BYTES }), OV_HEADER_ELEMENTS, where);
  return bytes;
}

/** A decoded voucher value has the outer shape of an OwnershipVoucher. */
export function checkVoucherShape(v: unknown, where: string): void {
  asArray(v, VOUCHER_ELEMENTS, where);
}
