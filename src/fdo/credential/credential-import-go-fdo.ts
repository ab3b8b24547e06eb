/**
 * Imports a device credential written by go-fdo's example tools: a CBOR array of
 * [active, protver, device info, GUID, RV info, manufacturer key hash] followed by the secrets,
 * either as a `{"Plain": {"hmac_secret": [..], "private_key": [..]}}` map of byte lists, or as two
 * byte strings (HMAC secret, private key). The private key is DER (SEC 1 or PKCS #8).
 */
import { CryptoError } from '../../crypto/errors.ts';
import { exportPrivateKey } from '../../crypto/key-export.ts';
import { importPrivateKey } from '../../crypto/key-import.ts';
import { HashType } from '../constants/crypto.ts';
import { FdoError } from '../errors.ts';
import { parseGuid } from '../types/guid.ts';
import { parseHash } from '../types/hash.ts';
import { asArray, asBool, asBstr, asMap, asText, asUint, decodeFdoCbor } from '../types/read.ts';
import { parseRendezvousInfo } from '../types/rendezvous-info.ts';
import { credentialError, type DeviceCredential } from './device-credential.ts';

const LIMITS = { maxBytes: 64 * 1024, maxDepth: 8, maxContainerLength: 8192, maxStringBytes: 16 * 1024, maxItems: 20_000 };

export function importGoFdoCredential(bytes: Uint8Array): DeviceCredential {
  try {
    return read(bytes);
  } catch (e) {
    if (e instanceof FdoError && e.code === 'ERR_FDO_MESSAGE_BODY') throw credentialError('ERR_FDO_CREDENTIAL_MALFORMED', e.message, e);
    throw e;
  }
}

function read(bytes: Uint8Array): DeviceCredential {
  const a = asArray(decodeFdoCbor(bytes, 'go-fdo credential', LIMITS), [7, 8], 'go-fdo credential');
  let secret: Uint8Array;
  let keyDer: Uint8Array;
  if (a.length === 8) {
    secret = asBstr(a[6], 'go-fdo credential.HmacSecret');
    keyDer = asBstr(a[7], 'go-fdo credential.PrivateKey');
  } else {
    const plain = asMap(asMap(a[6], 'go-fdo credential.secrets').get('Plain'), 'go-fdo credential.secrets.Plain');
    secret = byteList(plain.get('hmac_secret'), 'go-fdo credential.hmac_secret');
    keyDer = byteList(plain.get('private_key'), 'go-fdo credential.private_key');
  }
  let pkcs8: Uint8Array;
  try {
    pkcs8 = exportPrivateKey(importPrivateKey(keyDer), 'pkcs8-der');
  } catch (e) {
    if (e instanceof CryptoError) throw credentialError('ERR_FDO_CREDENTIAL_MALFORMED', `go-fdo credential.private_key: ${e.message}`, e);
    throw e;
  }
  return {
    active: asBool(a[0], 'go-fdo credential.Active'),
    protVer: asUint(a[1], 'go-fdo credential.Version', 0xffff),
    deviceInfo: asText(a[2], 'go-fdo credential.DeviceInfo', 1024),
    guid: parseGuid(a[3], 'go-fdo credential.GUID'),
    rvInfo: parseRendezvousInfo(a[4], 'go-fdo credential.RvInfo'),
    pubKeyHash: parseHash(a[5], 'go-fdo credential.PublicKeyHash', [HashType.SHA256, HashType.SHA384]),
    hmacSecret: asBstr(secret, 'go-fdo credential.hmac_secret', { min: 16, max: 64 }),
    deviceKey: { pkcs8 },
  };
}

/** A byte string, or a list of byte values (serde writes Vec<u8> that way). */
function byteList(v: unknown, where: string): Uint8Array {
  if (v instanceof Uint8Array) return v;
  const list = asArray(v, [1, 8192], where);
  return Uint8Array.from(list, (b, i) => asUint(b, `${where}[${i}]`, 255));
}
