/**
 * node:crypto key imports from DER through PEM text. createPublicKey and createPrivateKey take a
 * string without asking whether it is a KeyObject or a CryptoKey, while an options object or a
 * Buffer is first tried as both, each try throwing and catching an exception inside node: the PEM
 * route is about twice as fast and never takes node's exception path.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';

const pem = (label: string, der: Uint8Array): string =>
  `-----BEGIN ${label}-----\n${Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64')}\n-----END ${label}-----\n`;

/** A public KeyObject from a DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7); node's error if it does not decode. */
export function publicKeyFromSpki(der: Uint8Array): KeyObject {
  return createPublicKey(pem('PUBLIC KEY', der));
}

/** A private KeyObject from a DER PKCS #8 PrivateKeyInfo (RFC 5208 §5); node's error if it does not decode. */
export function privateKeyFromPkcs8(der: Uint8Array): KeyObject {
  return createPrivateKey(pem('PRIVATE KEY', der));
}
