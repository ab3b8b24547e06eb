/**
 * Exports keys to the encodings other parties expect: SPKI and PKCS #8 (DER or PEM), SEC 1 for EC
 * private keys, and COSE_Key (via src/codec/cose), which FDO uses for keys inside its messages.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { plainCopy } from '../codec/bytes.ts';
import { encodeCoseKey, keyObjectToCoseKey } from '../codec/cose/key.ts';
import { describeKey } from './key-describe.ts';

export type PublicKeyExportFormat = 'spki-der' | 'spki-pem' | 'cose-key';
export type PrivateKeyExportFormat = 'pkcs8-der' | 'pkcs8-pem' | 'sec1-der' | 'sec1-pem' | 'cose-key';

export interface CoseKeyExportOptions {
  kid?: Uint8Array;
  /** COSE algorithm identifier to record in the key. */
  alg?: number;
}

/** A public key (or the public half of a private key) as DER, PEM text or COSE_Key bytes. */
export function exportPublicKey(key: KeyObject, format: 'spki-pem'): string;
export function exportPublicKey(key: KeyObject, format: 'spki-der' | 'cose-key', options?: CoseKeyExportOptions): Uint8Array;
export function exportPublicKey(input: KeyObject, format: PublicKeyExportFormat, options: CoseKeyExportOptions = {}): Uint8Array | string {
  describeKey(input);
  const key = input.type === 'private' ? createPublicKey(input) : input;
  switch (format) {
    case 'spki-der':
      return plainCopy(key.export({ format: 'der', type: 'spki' }));
    case 'spki-pem':
      return key.export({ format: 'pem', type: 'spki' }) as string;
    case 'cose-key':
      return encodeCoseKey(keyObjectToCoseKey(key, { ...options, includePrivate: false }));
    default:
      throw new TypeError(`unknown public key export format ${String(format)}`);
  }
}

/** A private key as PKCS #8 or SEC 1 (EC keys only), DER or PEM, or as a COSE_Key with `d`. */
export function exportPrivateKey(key: KeyObject, format: 'pkcs8-pem' | 'sec1-pem'): string;
export function exportPrivateKey(key: KeyObject, format: 'pkcs8-der' | 'sec1-der' | 'cose-key', options?: CoseKeyExportOptions): Uint8Array;
export function exportPrivateKey(key: KeyObject, format: PrivateKeyExportFormat, options: CoseKeyExportOptions = {}): Uint8Array | string {
  if (key?.type !== 'private') throw new TypeError('exportPrivateKey expects a private KeyObject');
  const description = describeKey(key);
  if ((format === 'sec1-der' || format === 'sec1-pem') && description.type !== 'ec') {
    throw new TypeError(`SEC 1 holds EC keys only, not ${description.type}`);
  }
  switch (format) {
    case 'pkcs8-der':
      return plainCopy(key.export({ format: 'der', type: 'pkcs8' }));
    case 'pkcs8-pem':
      return key.export({ format: 'pem', type: 'pkcs8' }) as string;
    case 'sec1-der':
      return plainCopy(key.export({ format: 'der', type: 'sec1' }));
    case 'sec1-pem':
      return key.export({ format: 'pem', type: 'sec1' }) as string;
    case 'cose-key':
      return encodeCoseKey(keyObjectToCoseKey(key, { ...options, includePrivate: true }));
    default:
      throw new TypeError(`unknown private key export format ${String(format)}`);
  }
}
