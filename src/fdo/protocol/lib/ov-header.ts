/**
 * Reads an OVHeader on its own (FDO 1.1 §3.4), as the device receives it in DI.SetCredentials and
 * the manufacturer keeps it between DI messages. The voucher module parses headers only inside a
 * whole voucher, so the same field readers are applied here.
 */
import { HashType } from '../../constants/crypto.ts';
import { ErrorCode } from '../../constants/error-codes.ts';
import { FdoError } from '../../errors.ts';
import { parseGuid } from '../../types/guid.ts';
import { parseHash } from '../../types/hash.ts';
import { parsePublicKey } from '../../types/public-key.ts';
import { asArray, asText, asUint, decodeFdoCbor, rawArrayElements } from '../../types/read.ts';
import { parseRendezvousInfo } from '../../types/rendezvous-info.ts';
import { OV_PROTOCOL_VERSION, type OVHeader } from '../../voucher/voucher.ts';

const MAX_HEADER_BYTES = 64 * 1024;
const MAX_DEVICE_INFO_BYTES = 1024;

export interface ParsedOvHeader {
  header: OVHeader;
  /** OVPubKey as carried: the device credential keeps its hash. */
  pubKeyBytes: Uint8Array;
}

export function parseOvHeader(bytes: Uint8Array, where = 'OVHeader'): ParsedOvHeader {
  const limits = { maxBytes: MAX_HEADER_BYTES };
  const [ver, guid, rv, info, pk, chainHash] = asArray(decodeFdoCbor(bytes, where, limits), 6, where);
  const protVer = asUint(ver, `${where}.OVHProtVer`, 0xffff);
  if (protVer !== OV_PROTOCOL_VERSION) {
    throw new FdoError(
      'ERR_FDO_DI_HEADER_VERSION',
      ErrorCode.MESSAGE_BODY_ERROR,
      `${where}.OVHProtVer is ${protVer}, not ${OV_PROTOCOL_VERSION}`,
    );
  }
  const header: OVHeader = {
    protVer,
    guid: parseGuid(guid, `${where}.OVGuid`),
    rvInfo: parseRendezvousInfo(rv, `${where}.OVRVInfo`),
    deviceInfo: asText(info, `${where}.OVDeviceInfo`, MAX_DEVICE_INFO_BYTES),
    pubKey: parsePublicKey(pk, `${where}.OVPubKey`),
    devCertChainHash: chainHash === null ? null : parseHash(chainHash, `${where}.OVDevCertChainHash`, [HashType.SHA256, HashType.SHA384]),
  };
  return { header, pubKeyBytes: rawArrayElements(bytes, where, limits)[4] as Uint8Array };
}
