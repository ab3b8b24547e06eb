/**
 * The device's check of the voucher the owner shows it in TO2 (FDO 1.1 §5.5.2–§5.5.4): the
 * header from TO2.ProveOVHdr, then each entry from TO2.OVNextEntry as it arrives, each signed by
 * the previous owner and hashing its predecessor and the header info. Only what the next check
 * needs is kept between messages (the current owner key and the digests of the previous item), so
 * the device never holds the whole voucher.
 */
import { concat } from '../../../codec/bytes.ts';
import { decode, encode } from '../../../codec/cbor.ts';
import { CoseError } from '../../../codec/cose/errors.ts';
import { verifySign1 } from '../../../codec/cose/sign1.ts';
import { HashType } from '../../constants/crypto.ts';
import { ErrorCode } from '../../constants/error-codes.ts';
import { FdoError } from '../../errors.ts';
import { digestTypes } from '../../messages/common.ts';
import { type FdoHash, type FdoHmac, hashBytes, hashEquals, hmacBytes, parseHash } from '../../types/hash.ts';
import { allowedSignatureAlgorithms, type FdoPublicKey, parsePublicKey, publicKeyToKeyObject } from '../../types/public-key.ts';
import { asArray, decodeFdoCbor, rawArrayElements } from '../../types/read.ts';
import { type OVHeader, VoucherError, voucherCheckFailed } from '../../voucher/voucher.ts';
import { parseVoucher } from '../../voucher/voucher-parse.ts';
import { b64, bytesField } from './to2-state-fields.ts';

/** Where the chain check stands between two messages (JSON-safe). */
export interface ChainProgress {
  /** The PublicKey (CBOR, base64) that must have signed the next entry. */
  owner: string;
  /** SHA-256 and SHA-384 of the previous item (header || HMac, or the previous entry), base64. */
  prev256: string;
  prev384: string;
}

export interface CheckedHeader {
  header: OVHeader;
  /** The OVPubKey item as carried, which the device credential's manufacturer key hash covers. */
  pubKeyRaw: Uint8Array;
}

/** Parses the OVHeader of TO2.ProveOVHdr with the voucher module's rules (version, fields). */
export function readHeader(headerBytes: Uint8Array, hmacRaw: Uint8Array): CheckedHeader {
  const shell = concat([Uint8Array.of(0x85), encode(101), encode(headerBytes), hmacRaw, Uint8Array.of(0xf6, 0x80)]);
  const v = parseVoucher(shell);
  return { header: v.header, pubKeyRaw: v.raw.pubKey };
}

/** The header HMAC under the device's secret (ERR_FDO_VOUCHER_HMAC). */
export function checkHeaderHmac(headerBytes: Uint8Array, hmac: FdoHmac, secret: Uint8Array): void {
  if (!hashEquals(hmacBytes(hmac.type, secret, headerBytes), hmac)) {
    throw voucherCheckFailed('ERR_FDO_VOUCHER_HMAC', 'OVHeaderHMac does not match the header under the device HMAC secret');
  }
}

function digests(bytes: Uint8Array): { prev256: string; prev384: string } {
  return { prev256: b64(hashBytes(HashType.SHA256, bytes).value), prev384: b64(hashBytes(HashType.SHA384, bytes).value) };
}

export function startChain(headerBytes: Uint8Array, hmacRaw: Uint8Array, pubKeyRaw: Uint8Array): ChainProgress {
  return { owner: b64(pubKeyRaw), ...digests(concat([headerBytes, hmacRaw])) };
}

/** The PublicKey a progress names as current owner. */
export function progressOwner(p: ChainProgress): FdoPublicKey {
  return parsePublicKey(decode(bytesField(p.owner, 'chain.owner')), 'chain.owner');
}

/** Checks entry `index` against the progress; returns the progress after it. */
export function checkEntry(p: ChainProgress, header: OVHeader, entry: Uint8Array, payload: Uint8Array, index: number): ChainProgress {
  const fail = (code: string, what: string, cause?: unknown) =>
    voucherCheckFailed(code, what, cause === undefined ? { entryIndex: index } : { entryIndex: index, cause });
  const current = progressOwner(p);
  const key = publicKeyToKeyObject(current, 'owner key').key;
  try {
    verifySign1(entry, { key, tag: 'required', algorithms: allowedSignatureAlgorithms(current.type) });
  } catch (e) {
    if (e instanceof CoseError) throw fail('ERR_FDO_VOUCHER_ENTRY_SIGNATURE', `not signed by the previous owner's key: ${e.message}`, e);
    throw e;
  }
  let prev: FdoHash;
  let hdr: FdoHash;
  let nextPk: FdoPublicKey;
  let nextRaw: Uint8Array;
  const where = `OVEntryArray[${index}].OVEntryPayload`;
  try {
    const [a, b, , d] = asArray(decodeFdoCbor(payload, where, { maxBytes: payload.length }), 4, where);
    prev = parseHash(a, `${where}.OVEHashPrevEntry`, digestTypes);
    hdr = parseHash(b, `${where}.OVEHashHdrInfo`, digestTypes);
    nextPk = parsePublicKey(d, `${where}.OVEPubKey`);
    nextRaw = rawArrayElements(payload, where)[3] as Uint8Array;
  } catch (e) {
    if (e instanceof FdoError)
      throw new VoucherError('ERR_FDO_VOUCHER_MALFORMED', ErrorCode.MESSAGE_BODY_ERROR, e.message, { cause: e, entryIndex: index });
    throw e;
  }
  try {
    publicKeyToKeyObject(nextPk, `${where}.OVEPubKey`);
  } catch (e) {
    if (e instanceof FdoError) throw fail('ERR_FDO_VOUCHER_PUBLIC_KEY', e.message, e);
    throw e;
  }
  const expectedPrev = prev.type === HashType.SHA256 ? p.prev256 : p.prev384;
  if (!hashEquals(prev, { type: prev.type, value: bytesField(expectedPrev, 'chain.prev') })) {
    throw fail(
      'ERR_FDO_VOUCHER_ENTRY_PREV_HASH',
      `OVEHashPrevEntry does not match ${index === 0 ? 'the header and its HMAC' : `entry ${index - 1}`}`,
    );
  }
  if (!hashEquals(hashBytes(hdr.type, header.guid, new TextEncoder().encode(header.deviceInfo)), hdr)) {
    throw fail('ERR_FDO_VOUCHER_ENTRY_HDRINFO_HASH', 'OVEHashHdrInfo does not match the GUID and DeviceInfo of the header');
  }
  return { owner: b64(nextRaw), ...digests(entry) };
}
