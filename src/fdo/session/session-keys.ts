/**
 * SEK and SVK from the shared secret (FDO 1.1 §3.6.4): one run of the FDO KDF yields SEK || SVK,
 * L = 8·(|SEK| + |SVK|) bits, with the suite's PRF and the exchange's ContextRand.
 */
import { deriveFdoSessionKeyMaterial } from '../../crypto/kdf-fdo.ts';
import type { CipherSuiteNumber } from '../constants/crypto.ts';
import { cipherSuiteInfo } from './cipher-suites.ts';
import type { SharedSecret } from './types.ts';

export interface SessionKeys {
  cipherSuite: CipherSuiteNumber;
  /** The encryption key (SEVK for the AEAD suites). */
  sek: Uint8Array;
  /** The MAC key of the encrypt-then-MAC suites; empty for the AEAD suites. */
  svk: Uint8Array;
}

/** Derives the session keys of `cipherSuite`. An unknown suite is ERR_FDO_CIPHER_UNSUPPORTED. */
export function deriveSessionKeys(sharedSecret: SharedSecret, cipherSuite: CipherSuiteNumber | number): SessionKeys {
  const suite = cipherSuiteInfo(cipherSuite);
  if (sharedSecret === null || typeof sharedSecret !== 'object' || !(sharedSecret.shSe instanceof Uint8Array)) {
    throw new TypeError('sharedSecret must be { shSe, contextRand } from the key exchange');
  }
  const material = deriveFdoSessionKeyMaterial({
    prf: suite.prf,
    shSe: sharedSecret.shSe,
    contextRand: sharedSecret.contextRand ?? new Uint8Array(0),
    outputLength: suite.sekLength + suite.svkLength,
  });
  return { cipherSuite: suite.id, sek: material.slice(0, suite.sekLength), svk: material.slice(suite.sekLength) };
}
