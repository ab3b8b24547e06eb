/**
 * Encodes an OVHeader (FDO 1.1 §3.4). In DI the manufacturer sends these bytes to the device,
 * which returns their HMAC (DI.SetHMAC); the voucher must then carry exactly the same bytes.
 */
import { encode } from '../../codec/cbor.ts';
import { encodeHash } from '../types/hash.ts';
import { encodePublicKey } from '../types/public-key.ts';
import { encodeRendezvousInfo } from '../types/rendezvous-info.ts';
import type { OVHeader } from './voucher.ts';

/** The CBOR of `header` (the content of OVHeaderTag's bstr). Deterministic for equal input. */
export function encodeVoucherHeader(header: OVHeader): Uint8Array {
  return encode([
    header.protVer,
    header.guid,
    encodeRendezvousInfo(header.rvInfo),
    header.deviceInfo,
    encodePublicKey(header.pubKey),
    header.devCertChainHash === null ? null : encodeHash(header.devCertChainHash),
  ]);
}
