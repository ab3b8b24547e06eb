/** Reads a device credential in IoTopia's format (docs/fdo-device-credential.md), with limits. */
import { CryptoError } from '../../crypto/errors.ts';
import { importPrivateKey } from '../../crypto/key-import.ts';
import { HashType } from '../constants/crypto.ts';
import { FdoError } from '../errors.ts';
import { parseGuid } from '../types/guid.ts';
import { parseHash } from '../types/hash.ts';
import { asBool, asBstr, asMap, asText, asUint, decodeFdoCbor } from '../types/read.ts';
import { parseRendezvousInfo } from '../types/rendezvous-info.ts';
import { credentialError, DEVICE_CREDENTIAL_FORMAT_VERSION, type DeviceCredential } from './device-credential.ts';

const LIMITS = { maxBytes: 64 * 1024, maxDepth: 8, maxContainerLength: 64, maxStringBytes: 16 * 1024, maxItems: 4096 };

export function decodeDeviceCredential(bytes: Uint8Array): DeviceCredential {
  try {
    return read(bytes);
  } catch (e) {
    if (e instanceof FdoError && e.code === 'ERR_FDO_MESSAGE_BODY') throw credentialError('ERR_FDO_CREDENTIAL_MALFORMED', e.message, e);
    throw e;
  }
}

function read(bytes: Uint8Array): DeviceCredential {
  const m = asMap(decodeFdoCbor(bytes, 'DeviceCredential', LIMITS), 'DeviceCredential');
  const version = asUint(m.get(0), 'DeviceCredential[0] (format version)');
  if (version !== DEVICE_CREDENTIAL_FORMAT_VERSION) {
    throw credentialError(
      'ERR_FDO_CREDENTIAL_VERSION',
      `device credential format version ${version} is not supported (IoTopia reads ${DEVICE_CREDENTIAL_FORMAT_VERSION})`,
    );
  }
  for (const k of m.keys()) {
    if (typeof k !== 'number' || !Number.isInteger(k) || k < 0 || k > 9)
      throw credentialError('ERR_FDO_CREDENTIAL_MALFORMED', `DeviceCredential: unknown field ${String(k)}`);
  }
  if (m.has(8) === m.has(9))
    throw credentialError(
      'ERR_FDO_CREDENTIAL_MALFORMED',
      'DeviceCredential: exactly one of the device key (8) and the keystore reference (9) is required',
    );
  const pkcs8 = m.has(8) ? asBstr(m.get(8), 'DeviceCredential[8] (device key)', { min: 1, max: 8192 }) : undefined;
  if (pkcs8 !== undefined) {
    try {
      importPrivateKey(pkcs8, { format: 'pkcs8' });
    } catch (e) {
      if (e instanceof CryptoError)
        throw credentialError('ERR_FDO_CREDENTIAL_MALFORMED', `DeviceCredential[8] (device key): ${e.message}`, e);
      throw e;
    }
  }
  return {
    active: asBool(m.get(1), 'DeviceCredential[1] (active)'),
    protVer: asUint(m.get(2), 'DeviceCredential[2] (protocol version)', 0xffff),
    hmacSecret: asBstr(m.get(3), 'DeviceCredential[3] (HMAC secret)', { min: 16, max: 64 }),
    deviceInfo: asText(m.get(4), 'DeviceCredential[4] (device info)', 1024),
    guid: parseGuid(m.get(5), 'DeviceCredential[5] (GUID)'),
    rvInfo: parseRendezvousInfo(m.get(6), 'DeviceCredential[6] (RV info)'),
    pubKeyHash: parseHash(m.get(7), 'DeviceCredential[7] (owner public key hash)', [HashType.SHA256, HashType.SHA384]),
    deviceKey: pkcs8 !== undefined ? { pkcs8 } : { keystoreRef: asText(m.get(9), 'DeviceCredential[9] (keystore reference)', 1024) },
  };
}
