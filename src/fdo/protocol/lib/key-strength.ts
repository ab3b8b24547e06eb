/**
 * Matching hash strength to key strength (FDO 1.1 §3.3.2: the 256-bit class is SHA-256 with
 * P-256 or RSA-2048, the 384-bit class SHA-384 with P-384 or RSA-3072). Where two keys meet (a
 * device key and the manufacturer key, an owner key and the device key) the weaker decides, as
 * go-fdo does, so that both sides pick the same hash without telling each other.
 */
import type { KeyObject } from 'node:crypto';
import { describeKey } from '../../../crypto/key-describe.ts';
import { HashType, type HashTypeNumber } from '../../constants/crypto.ts';

/** True for a key of the 384-bit class. */
export function isStrongKey(key: KeyObject): boolean {
  const d = describeKey(key);
  return (d.type === 'ec' && d.curve !== 'P-256') || (d.type === 'rsa' && d.modulusBits >= 3072);
}

/** SHA384 when every key is of the 384-bit class, else SHA256. */
export function hashTypeFor(...keys: KeyObject[]): HashTypeNumber {
  return keys.every(isStrongKey) ? HashType.SHA384 : HashType.SHA256;
}

/** HMAC_SHA384 when every key is of the 384-bit class, else HMAC_SHA256. */
export function hmacTypeFor(...keys: KeyObject[]): HashTypeNumber {
  return keys.every(isStrongKey) ? HashType.HMAC_SHA384 : HashType.HMAC_SHA256;
}
