/**
 * Signing a SUIT report with a device's FDO attestation key. The SUIT profiles (draft-ietf-suit-mti)
 * name ECDSA and EdDSA only, but FDO 1.1 device keys may also be RSA (RSA2048RESTR, RSAPKCS), and a
 * device has one attestation key: reports signed by a device key also accept RS256 and RS384, the
 * algorithms FDO's RSA device keys sign with (RS256 for 2048 bits, RS384 above).
 */
import type { KeyObject } from 'node:crypto';
import { Algorithm } from '../../codec/cose/algorithms.ts';
import { SuitError } from '../errors.ts';
import { REPORT_SIGNATURE_ALGORITHMS } from './protect.ts';

/** The algorithms a report signed with an FDO device key may use. */
export const DEVICE_REPORT_ALGORITHMS: readonly number[] = [...REPORT_SIGNATURE_ALGORITHMS, Algorithm.RS256, Algorithm.RS384];

/** The signature algorithm for a device key, from its public half. */
export function deviceReportAlgorithm(publicKey: KeyObject): number {
  const d = publicKey.asymmetricKeyDetails;
  if (publicKey.asymmetricKeyType === 'ec') {
    if (d?.namedCurve === 'prime256v1') return Algorithm.ES256;
    if (d?.namedCurve === 'secp384r1') return Algorithm.ES384;
  }
  if (publicKey.asymmetricKeyType === 'rsa') return (d?.modulusLength ?? 0) > 2048 ? Algorithm.RS384 : Algorithm.RS256;
  if (publicKey.asymmetricKeyType === 'ed25519') return Algorithm.EdDSA;
  throw new SuitError('ERR_SUIT_UNSUPPORTED', 'report', `a ${publicKey.asymmetricKeyType ?? 'unknown'} device key cannot sign a report`);
}
