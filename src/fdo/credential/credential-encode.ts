/** Writes a device credential in IoTopia's format (docs/fdo-device-credential.md). */
import { encode } from '../../codec/cbor.ts';
import { encodeHash } from '../types/hash.ts';
import { encodeRendezvousInfo } from '../types/rendezvous-info.ts';
import { DEVICE_CREDENTIAL_FORMAT_VERSION, type DeviceCredential } from './device-credential.ts';

export function encodeDeviceCredential(dc: DeviceCredential): Uint8Array {
  const m = new Map<number, unknown>([
    [0, DEVICE_CREDENTIAL_FORMAT_VERSION],
    [1, dc.active],
    [2, dc.protVer],
    [3, dc.hmacSecret],
    [4, dc.deviceInfo],
    [5, dc.guid],
    [6, encodeRendezvousInfo(dc.rvInfo)],
    [7, encodeHash(dc.pubKeyHash)],
  ]);
  if ('pkcs8' in dc.deviceKey) m.set(8, dc.deviceKey.pkcs8);
  else m.set(9, dc.deviceKey.keystoreRef);
  return encode(m);
}
