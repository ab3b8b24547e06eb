/**
 * The device credential (FDO 1.1 DeviceCredential: the state a device keeps after DI): its
 * GUID, HMAC secret, rendezvous info, the hash of the manufacturer key, and its attestation key.
 * The spec leaves the storage format to implementations; docs/fdo-device-credential.md defines
 * IoTopia's.
 */
import { ErrorCode } from '../constants/error-codes.ts';
import { FdoError } from '../errors.ts';
import type { Guid } from '../types/guid.ts';
import type { FdoHash } from '../types/hash.ts';
import type { RendezvousInfo } from '../types/rendezvous-info.ts';

/** Version of IoTopia's credential format written by `encodeDeviceCredential`. */
export const DEVICE_CREDENTIAL_FORMAT_VERSION = 1;

export interface DeviceCredential {
  /** DCActive: false once the credential is used up (after TO2 without reuse). */
  active: boolean;
  protVer: number;
  hmacSecret: Uint8Array;
  deviceInfo: string;
  guid: Guid;
  rvInfo: RendezvousInfo;
  /** DCPubKeyHash: hash of the manufacturer's PublicKey (the CBOR of OVPubKey). */
  pubKeyHash: FdoHash;
  /** The device attestation key: PKCS #8 DER held here, or a reference into a keystore. */
  deviceKey: { pkcs8: Uint8Array } | { keystoreRef: string };
}

export const credentialError = (code: 'ERR_FDO_CREDENTIAL_MALFORMED' | 'ERR_FDO_CREDENTIAL_VERSION', message: string, cause?: unknown) =>
  new FdoError(code, ErrorCode.MESSAGE_BODY_ERROR, message, cause === undefined ? undefined : { cause });
