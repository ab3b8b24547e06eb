/**
 * The Ownership Voucher of FDO 1.1 §3.4 (structure) and §2.7 (purpose):
 *
 *   OwnershipVoucher = [OVProtVer, OVHeaderTag: bstr .cbor OVHeader, OVHeaderHMac, OVDevCertChain / null, OVEntryArray]
 *   OVHeader = [OVHProtVer, OVGuid, OVRVInfo, OVDeviceInfo, OVPubKey, OVDevCertChainHash / null]
 *   OVEntry = COSE_Sign1 of OVEntryPayload = [OVEHashPrevEntry, OVEHashHdrInfo, OVEExtra, OVEPubKey]
 *
 * The types every voucher operation shares. Each item that is MACed, hashed or signed keeps the
 * bytes it was carried in (`raw`), and checks run on those bytes, never on a re-encoding.
 */
import type { CborLimits } from '../../codec/cbor.ts';
import { ErrorCode, type ErrorCodeNumber } from '../constants/error-codes.ts';
import { FdoError } from '../errors.ts';
import type { CertChain } from '../types/cert-chain.ts';
import type { Guid } from '../types/guid.ts';
import type { FdoHash } from '../types/hash.ts';
import type { FdoPublicKey } from '../types/public-key.ts';
import type { RendezvousInfo } from '../types/rendezvous-info.ts';

/** OVProtVer and OVHProtVer of an FDO 1.1 voucher (§3.3.2 ProtVer). */
export const OV_PROTOCOL_VERSION = 101;

/** The PEM label IoTopia and other FDO implementations write vouchers under. */
export const VOUCHER_PEM_LABEL = 'OWNERSHIP VOUCHER';

export interface OVHeader {
  protVer: number;
  guid: Guid;
  rvInfo: RendezvousInfo;
  deviceInfo: string;
  /** The manufacturer's key: the first owner, whose private key signs entry 0. */
  pubKey: FdoPublicKey;
  devCertChainHash: FdoHash | null;
}

export interface OVEntryPayload {
  hashPrevEntry: FdoHash;
  hashHdrInfo: FdoHash;
  /** OVEExtraInfo (`{ * int => bstr }`), or null when OVEExtra is null. */
  extra: Map<number, Uint8Array> | null;
  /** The key this entry transfers ownership to. */
  pubKey: FdoPublicKey;
}

export interface OVEntry {
  /** The COSE signature algorithm of the entry. */
  alg: number;
  payload: OVEntryPayload;
  /** The entry as carried: a tagged COSE_Sign1. */
  raw: Uint8Array;
}

export interface OwnershipVoucher {
  protVer: number;
  header: OVHeader;
  headerHmac: FdoHash;
  /** Device certificate chain, leaf first; null for a device key without certificates (EPID). */
  devCertChain: CertChain | null;
  entries: OVEntry[];
  /** Bytes as carried: the OVHeader (inside its bstr), OVHeaderHMac, OVDevCertChain and OVPubKey. */
  raw: { header: Uint8Array; headerHmac: Uint8Array; devCertChain: Uint8Array; pubKey: Uint8Array };
}

export interface VoucherLimits extends Partial<CborLimits> {
  /** Most entries (default 64: each resale adds one). */
  maxEntries?: number;
  /** Most device certificates (default 10). */
  maxCertificates?: number;
  /** Largest device certificate in bytes (default 16 KiB). */
  maxCertificateBytes?: number;
}

export const VOUCHER_LIMITS = Object.freeze({
  maxBytes: 512 * 1024,
  maxEntries: 64,
  maxCertificates: 10,
  maxCertificateBytes: 16 * 1024,
});

/**
 * A voucher that is malformed or fails a check. `entryIndex` names the entry at fault, when one
 * is. Structural faults carry MESSAGE_BODY_ERROR; failed checks INVALID_OWNERSHIP_VOUCHER.
 */
export class VoucherError extends FdoError {
  readonly entryIndex: number | undefined;

  constructor(code: string, fdoCode: ErrorCodeNumber, message: string, options?: ErrorOptions & { entryIndex?: number }) {
    super(code, fdoCode, options?.entryIndex === undefined ? message : `entry ${options.entryIndex}: ${message}`, options);
    this.entryIndex = options?.entryIndex;
  }
}

/** A failed voucher check (spec code INVALID_OWNERSHIP_VOUCHER). */
export function voucherCheckFailed(code: string, message: string, options?: ErrorOptions & { entryIndex?: number }): VoucherError {
  return new VoucherError(code, ErrorCode.INVALID_OWNERSHIP_VOUCHER, message, options);
}
