/**
 * Reads an Ownership Voucher (FDO 1.1 §3.4) from CBOR or from PEM (`OWNERSHIP VOUCHER` block, the
 * base64 of the CBOR). Only structure is checked here; `verifyVoucher` checks MACs, hashes and
 * signatures.
 */
import { scanCborLength } from '../../codec/cbor-scan.ts';
import { decodeSign1 } from '../../codec/cose/sign1.ts';
import { CoseTag } from '../../codec/cose/tags.ts';
import { HashType } from '../constants/crypto.ts';
import { ErrorCode } from '../constants/error-codes.ts';
import { FdoError } from '../errors.ts';
import { parseCertChain } from '../types/cert-chain.ts';
import { parseGuid } from '../types/guid.ts';
import { parseHash } from '../types/hash.ts';
import { parsePublicKey } from '../types/public-key.ts';
import {
  arrayHead,
  asArray,
  asBstr,
  asCborBstr,
  asInt,
  asMap,
  asText,
  asUint,
  decodeFdoCbor,
  FDO_CBOR_LIMITS,
  rawArrayElements,
} from '../types/read.ts';
import { parseRendezvousInfo } from '../types/rendezvous-info.ts';
import {
  OV_PROTOCOL_VERSION,
  type OVEntry,
  type OVHeader,
  type OwnershipVoucher,
  VOUCHER_LIMITS,
  VOUCHER_PEM_LABEL,
  VoucherError,
  type VoucherLimits,
} from './voucher.ts';

const PLAIN_HASHES = [HashType.SHA256, HashType.SHA384];
const HMACS = [HashType.HMAC_SHA256, HashType.HMAC_SHA384];
const MAX_DEVICE_INFO_BYTES = 1024;

const malformed = (message: string, cause?: unknown, entryIndex?: number) =>
  new VoucherError('ERR_FDO_VOUCHER_MALFORMED', ErrorCode.MESSAGE_BODY_ERROR, message, {
    ...(cause === undefined ? {} : { cause }),
    ...(entryIndex === undefined ? {} : { entryIndex }),
  });

/** Parses a voucher from CBOR bytes, or from PEM text (as a string or bytes). */
export function parseVoucher(input: Uint8Array | string, limits: VoucherLimits = {}): OwnershipVoucher {
  const maxBytes = limits.maxBytes ?? VOUCHER_LIMITS.maxBytes;
  const bytes = isPem(input) ? fromPem(input, maxBytes) : (input as Uint8Array);
  if (!(bytes instanceof Uint8Array)) throw new TypeError('parseVoucher expects CBOR bytes or PEM text');
  if (bytes.length > maxBytes) throw malformed(`voucher of ${bytes.length} bytes exceeds the limit of ${maxBytes}`);
  try {
    return parseCbor(bytes, { ...limits, maxBytes });
  } catch (e) {
    if (e instanceof VoucherError) throw e;
    if (e instanceof FdoError) throw malformed(e.message, e);
    throw e;
  }
}

// A CBOR voucher starts with an array head (0x80..0x9f), never with printable ASCII; PEM may start
// with explanatory text before its BEGIN line (RFC 7468 §5.2).
function isPem(input: Uint8Array | string): boolean {
  if (typeof input === 'string') return true;
  const first = input[0];
  return first !== undefined && ((first >= 0x20 && first < 0x7f) || first === 0x09 || first === 0x0a || first === 0x0d);
}

function fromPem(input: Uint8Array | string, maxBytes: number): Uint8Array {
  // base64 needs 4/3 of the bytes plus line breaks; other blocks (keys beside the voucher) may follow.
  const budget = Math.ceil((maxBytes * 4) / 3) * 2 + 4096;
  if (input.length > budget) throw malformed(`PEM input of ${input.length} bytes is too large`);
  const text = typeof input === 'string' ? input : new TextDecoder('latin1').decode(input);
  const begin = `-----BEGIN ${VOUCHER_PEM_LABEL}-----`;
  const end = `-----END ${VOUCHER_PEM_LABEL}-----`;
  const b = text.indexOf(begin);
  if (b === -1) throw malformed(`no "${begin}" block in the PEM input`);
  const e = text.indexOf(end, b + begin.length);
  if (e === -1) throw malformed(`"${begin}" without a matching "${end}"`);
  const body = text.slice(b + begin.length, e).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length % 4 !== 0) throw malformed('the voucher PEM block is not base64');
  return new Uint8Array(Buffer.from(body, 'base64'));
}

function parseCbor(bytes: Uint8Array, limits: VoucherLimits): OwnershipVoucher {
  const cborLimits = { ...FDO_CBOR_LIMITS, ...pickCbor(limits) };
  rejectOtherVersions(bytes, cborLimits);
  const top = rawArrayElements(bytes, 'OwnershipVoucher', cborLimits);
  if (top.length !== 5) throw malformed(`OwnershipVoucher: expected 5 elements, got ${top.length}`);
  const [verRaw, headerRaw, hmacRaw, chainRaw, entriesRaw] = top as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  const protVer = asUint(decodeFdoCbor(verRaw, 'OVProtVer', cborLimits), 'OVProtVer', 0xffff);
  if (protVer !== OV_PROTOCOL_VERSION) throw unsupportedVersion(`OVProtVer is ${protVer}`);

  const { bytes: headerBytes, value: headerValue } = asCborBstr(
    decodeFdoCbor(headerRaw, 'OVHeaderTag', cborLimits),
    'OVHeaderTag',
    cborLimits,
  );
  const header = parseHeader(headerValue, limits);
  const pubKeyRaw = rawArrayElements(headerBytes, 'OVHeader', cborLimits)[4] as Uint8Array;

  const headerHmac = parseHash(decodeFdoCbor(hmacRaw, 'OVHeaderHMac', cborLimits), 'OVHeaderHMac', HMACS);
  const chainValue = decodeFdoCbor(chainRaw, 'OVDevCertChain', cborLimits);
  const devCertChain =
    chainValue === null
      ? null
      : parseCertChain(chainValue, 'OVDevCertChain', {
          maxCertificates: limits.maxCertificates ?? VOUCHER_LIMITS.maxCertificates,
          maxCertificateBytes: limits.maxCertificateBytes ?? VOUCHER_LIMITS.maxCertificateBytes,
        });

  const maxEntries = limits.maxEntries ?? VOUCHER_LIMITS.maxEntries;
  const { count } = arrayHead(entriesRaw, 'OVEntryArray');
  if (count > maxEntries) throw malformed(`OVEntryArray: ${count} entries exceed the limit of ${maxEntries}`);
  const entries = rawArrayElements(entriesRaw, 'OVEntryArray', cborLimits).map((raw, i) => parseEntry(raw, i, cborLimits));

  return {
    protVer,
    header,
    headerHmac,
    devCertChain,
    entries,
    raw: { header: headerBytes, headerHmac: hmacRaw, devCertChain: chainRaw, pubKey: pubKeyRaw },
  };
}

const pickCbor = (l: VoucherLimits) =>
  Object.fromEntries(
    Object.entries(l).filter(
      ([k, v]) => v !== undefined && ['maxBytes', 'maxDepth', 'maxContainerLength', 'maxStringBytes', 'maxItems'].includes(k),
    ),
  );

const unsupportedVersion = (what: string) =>
  new VoucherError(
    'ERR_FDO_VOUCHER_VERSION',
    ErrorCode.INVALID_OWNERSHIP_VOUCHER,
    `unsupported voucher version: ${what}; IoTopia reads FDO 1.1 vouchers (protocol version ${OV_PROTOCOL_VERSION})`,
  );

/**
 * Recognises other layouts from the first element alone, so that a voucher of another version is
 * named as such even when the rest of it would not decode under FDO 1.1 rules. In FDO 1.0 the
 * voucher starts with the header itself (an array whose first element is version 100), not with a
 * version number followed by the bstr-wrapped header.
 */
function rejectOtherVersions(bytes: Uint8Array, limits: typeof FDO_CBOR_LIMITS): void {
  const { offset } = arrayHead(bytes, 'OwnershipVoucher');
  const first = bytes.subarray(offset);
  if (first.length === 0 || first[0]! >> 5 !== 4) return;
  // Only the header's first element (its version) is read: the rest of an older header need not
  // decode under FDO 1.1 rules for the voucher to be named as what it is.
  let version: unknown;
  try {
    const inner = first.subarray(arrayHead(first, 'OwnershipVoucher[0]').offset);
    const n = scanCborLength(inner, { ...limits, allowIndefinite: true, allowDuplicateKeys: true, allowTrailing: true });
    version = decodeFdoCbor(inner.subarray(0, n), 'OwnershipVoucher[0][0]', limits);
  } catch {
    version = undefined;
  }
  throw unsupportedVersion(
    typeof version === 'number'
      ? `FDO 1.0 layout (header version ${version}, header not bstr-wrapped)`
      : 'the voucher starts with an array, not OVProtVer',
  );
}

function parseHeader(v: unknown, limits: VoucherLimits): OVHeader {
  const [ver, guid, rv, info, pk, chainHash] = asArray(v, 6, 'OVHeader');
  const protVer = asUint(ver, 'OVHeader.OVHProtVer', 0xffff);
  if (protVer !== OV_PROTOCOL_VERSION) throw unsupportedVersion(`OVHProtVer is ${protVer}`);
  return {
    protVer,
    guid: parseGuid(guid, 'OVHeader.OVGuid'),
    rvInfo: parseRendezvousInfo(rv, 'OVHeader.OVRVInfo'),
    deviceInfo: asText(info, 'OVHeader.OVDeviceInfo', MAX_DEVICE_INFO_BYTES),
    pubKey: parsePublicKey(pk, 'OVHeader.OVPubKey', limits),
    devCertChainHash: chainHash === null ? null : parseHash(chainHash, 'OVHeader.OVDevCertChainHash', PLAIN_HASHES),
  };
}

function parseEntry(raw: Uint8Array, i: number, limits: typeof FDO_CBOR_LIMITS): OVEntry {
  const where = `OVEntryArray[${i}]`;
  let alg: number;
  let payloadBytes: Uint8Array | null;
  try {
    const m = decodeSign1(raw, { tag: 'required', limits });
    alg = m.alg;
    payloadBytes = m.payload;
  } catch (e) {
    throw malformed(`${where}: not a tagged COSE_Sign1 (tag ${CoseTag.COSE_Sign1}): ${(e as Error).message}`, e, i);
  }
  if (payloadBytes === null) throw malformed(`${where}: the payload is detached`, undefined, i);
  try {
    const [prev, hdr, extra, pk] = asArray(decodeFdoCbor(payloadBytes, `${where}.payload`, limits), 4, 'OVEntryPayload');
    return {
      alg,
      raw,
      payload: {
        hashPrevEntry: parseHash(prev, 'OVEntryPayload.OVEHashPrevEntry', PLAIN_HASHES),
        hashHdrInfo: parseHash(hdr, 'OVEntryPayload.OVEHashHdrInfo', PLAIN_HASHES),
        extra: extra === null ? null : parseExtra(extra),
        pubKey: parsePublicKey(pk, 'OVEntryPayload.OVEPubKey'),
      },
    };
  } catch (e) {
    if (e instanceof FdoError && !(e instanceof VoucherError)) throw malformed(e.message, e, i);
    throw e;
  }
}

function parseExtra(v: unknown): Map<number, Uint8Array> {
  const map = asMap(asCborBstr(v, 'OVEntryPayload.OVEExtra').value, 'OVEntryPayload.OVEExtra');
  const out = new Map<number, Uint8Array>();
  for (const [k, val] of map) out.set(asInt(k, 'OVEExtraInfoType'), asBstr(val, `OVEExtraInfo[${String(k)}]`));
  return out;
}
