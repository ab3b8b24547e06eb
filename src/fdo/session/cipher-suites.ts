/**
 * What each TO2 cipher suite (FDO 1.1 §3.6.5, Table "Cipher Suite Names and Meanings") needs from
 * the key exchange and the message layer.
 *
 * - The COSE AEAD suites encrypt each message as a COSE_Encrypt0 with one key, SEVK (called SEK
 *   here), and a random IV of the COSE algorithm's nonce length. Their KDF PRF is HMAC-SHA256,
 *   also for the 256-bit keys.
 * - The encrypt-then-MAC suites put a COSE_Encrypt0 made with AES-CBC or AES-CTR under SEK inside
 *   a COSE_Mac0 made with HMAC under SVK. AES-128 pairs with HMAC-SHA256 (KDF PRF HMAC-SHA256),
 *   AES-256 with HMAC-SHA384 (KDF PRF HMAC-SHA384). SVK is 256 bits for HMAC-SHA256 and 512 bits
 *   for HMAC-SHA384, as the reference implementation derives them.
 */
import { Algorithm } from '../../codec/cose/algorithms.ts';
import type { CounterModePrf } from '../../crypto/kdf-sp800-108.ts';
import { CipherSuite, type CipherSuiteNumber } from '../constants/crypto.ts';
import { sessionError } from './errors.ts';

/**
 * RFC 9459 AES-CTR and AES-CBC algorithm ids. FDO's inner COSE_Encrypt0 carries the FDO suite id,
 * which IoTopia writes; implementations that reuse the later COSE registrations write these, which
 * IoTopia also reads.
 */
const RFC9459 = { A128CTR: -65534, A256CTR: -65532, A128CBC: -65531, A256CBC: -65529 } as const;

interface SuiteBase {
  readonly id: CipherSuiteNumber;
  readonly name: string;
  readonly prf: CounterModePrf;
  readonly sekLength: number;
  readonly svkLength: number;
  readonly ivLength: number;
}

export interface AeadSuite extends SuiteBase {
  readonly kind: 'aead';
}

export interface EtmSuite extends SuiteBase {
  readonly kind: 'etm';
  readonly mode: 'cbc' | 'ctr';
  /** COSE MAC algorithm of the outer COSE_Mac0. */
  readonly macAlg: number;
  /** Algorithm ids accepted in the inner COSE_Encrypt0; the first is the one written. */
  readonly innerAlgs: readonly number[];
}

export type SuiteInfo = AeadSuite | EtmSuite;

const aead = (id: CipherSuiteNumber, name: string, keyLength: number, ivLength: number): AeadSuite => ({
  kind: 'aead',
  id,
  name,
  prf: 'hmac-sha256',
  sekLength: keyLength,
  svkLength: 0,
  ivLength,
});

const etm = (id: CipherSuiteNumber, name: string, mode: 'cbc' | 'ctr', keyBits: 128 | 256, rfc9459: number): EtmSuite => ({
  kind: 'etm',
  id,
  name,
  mode,
  prf: keyBits === 128 ? 'hmac-sha256' : 'hmac-sha384',
  sekLength: keyBits / 8,
  svkLength: keyBits === 128 ? 32 : 64,
  ivLength: 16,
  macAlg: keyBits === 128 ? Algorithm.HMAC_256_256 : Algorithm.HMAC_384_384,
  innerAlgs: [id, rfc9459],
});

const SUITES = new Map<number, SuiteInfo>(
  [
    aead(CipherSuite.A128GCM, 'A128GCM', 16, 12),
    aead(CipherSuite.A256GCM, 'A256GCM', 32, 12),
    // AES-CCM-64-128-k: L = 64 bits leaves a 7-byte nonce; the tag is 128 bits.
    aead(CipherSuite.AES_CCM_64_128_128, 'AES-CCM-64-128-128', 16, 7),
    aead(CipherSuite.AES_CCM_64_128_256, 'AES-CCM-64-128-256', 32, 7),
    etm(CipherSuite.COSEAES128CBC, 'COSEAES128CBC', 'cbc', 128, RFC9459.A128CBC),
    etm(CipherSuite.COSEAES128CTR, 'COSEAES128CTR', 'ctr', 128, RFC9459.A128CTR),
    etm(CipherSuite.COSEAES256CBC, 'COSEAES256CBC', 'cbc', 256, RFC9459.A256CBC),
    etm(CipherSuite.COSEAES256CTR, 'COSEAES256CTR', 'ctr', 256, RFC9459.A256CTR),
  ].map((s) => [s.id, s]),
);

/** The suite with COSE id `id`; an id IoTopia does not implement is ERR_FDO_CIPHER_UNSUPPORTED. */
export function cipherSuiteInfo(id: unknown): SuiteInfo {
  const s = typeof id === 'number' ? SUITES.get(id) : undefined;
  if (s === undefined) throw sessionError('ERR_FDO_CIPHER_UNSUPPORTED', `cipher suite ${JSON.stringify(id)} is not supported`);
  return s;
}

/** Whether IoTopia implements the cipher suite `id` (the CipherSuiteName of TO2.HelloDevice). */
export function isCipherSuiteSupported(id: unknown): id is CipherSuiteNumber {
  return typeof id === 'number' && SUITES.has(id);
}
