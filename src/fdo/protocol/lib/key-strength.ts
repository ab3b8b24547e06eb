import { keyDetailsOf, type PrivateKeyLike } from '../../../crypto/private-key-handle.ts';
import { HashType, type HashTypeNumber } from '../../constants/crypto.ts';

/** True for a key of the 384-bit class. */
export function isStrongKey(key: PrivateKeyLike): boolean {
  const d = keyDetailsOf(key);
  return (d.type === 'ec' && d.curve !== 'P-256') || (d.type === 'rsa' && d.modulusBits >= 3072);
}

/** SHA384 when every key is of the 384-bit class, else SHA256. */
export function hashTypeFor(...keys: PrivateKeyLike[]): HashTypeNumber {
  return keys.every(isStrongKey) ? HashType.SHA384 : HashType.SHA256;
}

/** HMAC_SHA384 when every key is of the 384-bit class, else HMAC_SHA256. */
export function hmacTypeFor(...keys: PrivateKeyLike[]): HashTypeNumber {
  return keys.every(isStrongKey) ? HashType.HMAC_SHA384 : HashType.HMAC_SHA256;
}
