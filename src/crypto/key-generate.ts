/**
 * Key pair generation for the key types FDO 1.1 §3.3.2 names for device and owner keys (SECP256R1,
 * SECP384R1, RSA2048, RSA3072), plus Ed25519. Generation runs on node's thread pool so that an
 * RSA key does not stall the event loop.
 */
import { generateKeyPair as generateNodeKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

export type KeyPairType = 'secp256r1' | 'secp384r1' | 'rsa2048' | 'rsa3072' | 'ed25519';

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

const generate = promisify(generateNodeKeyPair);

/** Generates a key pair of `type`. RSA keys use the public exponent 65537. */
export async function generateKeyPair(type: KeyPairType): Promise<KeyPair> {
  switch (type) {
    case 'secp256r1':
      return generate('ec', { namedCurve: 'P-256' });
    case 'secp384r1':
      return generate('ec', { namedCurve: 'P-384' });
    case 'rsa2048':
      return generate('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
    case 'rsa3072':
      return generate('rsa', { modulusLength: 3072, publicExponent: 0x10001 });
    case 'ed25519':
      return generate('ed25519', undefined);
    default:
      throw new TypeError(`unsupported key pair type ${String(type)}`);
  }
}
