/**
 * The key types IoTopia works with: those FDO 1.1 §3.3.2 allows for device and owner keys (EC
 * P-256/P-384, RSA), plus P-521 and Ed25519, which COSE and SUIT use. Anything else node:crypto can
 * hold (X25519, Ed448, DSA, DH, RSA-PSS-restricted keys, other curves) is ERR_KEY_UNSUPPORTED.
 */
import { KeyObject } from 'node:crypto';
import { CryptoError } from './errors.ts';

export type KeyDescription =
  | { type: 'ec'; curve: 'P-256' | 'P-384' | 'P-521' }
  | { type: 'rsa'; modulusBits: number }
  | { type: 'ed25519' };

/** RSA moduli outside this range are refused: below is breakable, above makes verification a DoS lever. */
export const RSA_MODULUS_BITS = Object.freeze({ min: 2048, max: 8192 });

const CURVES: Record<string, 'P-256' | 'P-384' | 'P-521'> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

// KeyObjects are immutable and reading their details crosses into OpenSSL, so a key is described once.
const described = new WeakMap<KeyObject, KeyDescription>();

/** Describes a public or private key, or fails with ERR_KEY_UNSUPPORTED. The result is frozen. */
export function describeKey(key: KeyObject): KeyDescription {
  if (!(key instanceof KeyObject) || key.type === 'secret') throw new TypeError('describeKey expects a public or private KeyObject');
  let d = described.get(key);
  if (d === undefined) {
    d = Object.freeze(describe(key));
    described.set(key, d);
  }
  return d;
}

function describe(key: KeyObject): KeyDescription {
  switch (key.asymmetricKeyType) {
    case 'ec': {
      const named = key.asymmetricKeyDetails?.namedCurve ?? '';
      const curve = CURVES[named];
      if (curve === undefined)
        throw new CryptoError('ERR_KEY_UNSUPPORTED', `EC curve ${named || '(explicit parameters)'} is not supported`);
      return { type: 'ec', curve };
    }
    case 'rsa': {
      const modulusBits = key.asymmetricKeyDetails?.modulusLength ?? 0;
      if (modulusBits < RSA_MODULUS_BITS.min || modulusBits > RSA_MODULUS_BITS.max) {
        throw new CryptoError(
          'ERR_KEY_UNSUPPORTED',
          `RSA modulus of ${modulusBits} bits is outside ${RSA_MODULUS_BITS.min}..${RSA_MODULUS_BITS.max}`,
        );
      }
      return { type: 'rsa', modulusBits };
    }
    case 'ed25519':
      return { type: 'ed25519' };
    default:
      throw new CryptoError('ERR_KEY_UNSUPPORTED', `key type ${key.asymmetricKeyType ?? 'unknown'} is not supported`);
  }
}
