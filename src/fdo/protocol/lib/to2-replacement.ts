/**
 * The replacement credential of TO2 (FDO 1.1 §5.5.6–§5.5.7): the owner names a new GUID,
 * rendezvous info and Owner2Key in TO2.SetupDevice; the device MACs the header those make with its
 * HMAC secret; the owner builds the replacement voucher from that header and MAC, keeping the
 * device info, certificate chain and chain hash, with no entries yet (Owner2Key is its first owner).
 *
 * Both sides build the header from the same raw CBOR items (the original header's, and those of
 * TO2.SetupDevice as signed), so the bytes the device MACs are the bytes the voucher carries.
 */
import { concat } from '../../../codec/bytes.ts';
import { encode } from '../../../codec/cbor.ts';
import { encodeHash, type FdoHmac } from '../../types/hash.ts';
import { rawArrayElements } from '../../types/read.ts';
import type { OwnershipVoucher } from '../../voucher/voucher.ts';
import { parseVoucher } from '../../voucher/voucher-parse.ts';

export interface ReplacementParts {
  guid: Uint8Array;
  /** The RendezvousInfo item of TO2.SetupDevice, as encoded there. */
  rvInfoRaw: Uint8Array;
  /** The Owner2Key item of TO2.SetupDevice, as encoded there. */
  owner2KeyRaw: Uint8Array;
}

/** OVHeader = [OVHProtVer, OVGuid, OVRVInfo, OVDeviceInfo, OVPubKey, OVDevCertChainHash]. */
export function replacementHeaderBytes(originalHeader: Uint8Array, parts: ReplacementParts): Uint8Array {
  const [ver, , , info, , chainHash] = rawArrayElements(originalHeader, 'OVHeader') as [
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
  ];
  return concat([Uint8Array.of(0x86), ver, encode(parts.guid), parts.rvInfoRaw, info, parts.owner2KeyRaw, chainHash]);
}

/** The voucher for the replacement credential, checked by the voucher parser. */
export function replacementVoucher(original: OwnershipVoucher, header: Uint8Array, hmac: FdoHmac): OwnershipVoucher {
  const bytes = concat([
    Uint8Array.of(0x85),
    encode(original.protVer),
    encode(header),
    encode(encodeHash(hmac)),
    original.raw.devCertChain,
    Uint8Array.of(0x80),
  ]);
  return parseVoucher(bytes);
}
