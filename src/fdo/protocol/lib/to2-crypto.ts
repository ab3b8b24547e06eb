/**
 * The cryptographic rules TO2 applies around the session module: which key exchange fits which
 * owner key (FDO 1.1 §3.6, "Key Exchange and FDO Crypto Mapping"), how the device signs its
 * attestation, and signature checks that end as TO2 errors.
 */
import type { KeyObject } from 'node:crypto';
import { Algorithm } from '../../../codec/cose/algorithms.ts';
import { CoseError } from '../../../codec/cose/errors.ts';
import { verifySign1 } from '../../../codec/cose/sign1.ts';
import { keyDetailsOf, type PrivateKeyLike } from '../../../crypto/private-key-handle.ts';
import { DeviceSgType, KexSuite } from '../../constants/crypto.ts';
import type { SigInfo } from '../../types/sig-info.ts';
import { to2Error } from './to2-errors.ts';

type KeyClass = 'P-256' | 'P-384' | 'RSA-2048' | 'RSA-3072' | 'other';

function keyClass(key: PrivateKeyLike): KeyClass {
  const d = keyDetailsOf(key);
  if (d.type === 'ec') return d.curve === 'P-521' ? 'other' : d.curve;
  if (d.type === 'rsa') return d.modulusBits === 2048 ? 'RSA-2048' : d.modulusBits === 3072 ? 'RSA-3072' : 'other';
  return 'other';
}

/**
 * The key exchanges the crypto mapping table allows for an owner key. The table pairs every
 * exchange with the owner's attestation key alone: the device key type only makes a pairing
 * "not recommended", never invalid, and the table is silent on RSA devices, so IoTopia lets the
 * owner key decide.
 */
const KEX_FOR_OWNER: Record<KeyClass, readonly string[]> = {
  'P-256': [KexSuite.ECDH256],
  'P-384': [KexSuite.ECDH384],
  'RSA-2048': [KexSuite.DHKEXid14, KexSuite.ASYMKEX2048],
  'RSA-3072': [KexSuite.DHKEXid15, KexSuite.ASYMKEX3072],
  other: [],
};

/** ERR_FDO_TO2_KEX_MISMATCH unless the mapping table pairs `suite` with the owner key. */
export function checkKexForOwner(suite: string, ownerKey: PrivateKeyLike): void {
  const allowed = KEX_FOR_OWNER[keyClass(ownerKey)];
  if (!allowed.includes(suite)) {
    throw to2Error(
      'ERR_FDO_TO2_KEX_MISMATCH',
      `key exchange ${JSON.stringify(suite)} does not fit a ${keyClass(ownerKey)} owner key (allowed: ${allowed.join(', ') || 'none'})`,
    );
  }
}

/**
 * How a device key signs: the COSE algorithm and the eASigInfo it announces (the algorithm id, as
 * DeviceSgType reuses COSE ids). RSA keys sign with PKCS #1 v1.5 unless `pss`, in which case they
 * announce PS256/PS384 as go-fdo devices do.
 */
export function deviceSigning(key: PrivateKeyLike, pss: boolean): { alg: number; sigInfo: SigInfo } {
  const d = keyDetailsOf(key);
  if (d.type === 'ec' && d.curve === 'P-256')
    return { alg: Algorithm.ES256, sigInfo: { sgType: DeviceSgType.StSECP256R1, info: new Uint8Array() } };
  if (d.type === 'ec' && d.curve === 'P-384')
    return { alg: Algorithm.ES384, sigInfo: { sgType: DeviceSgType.StSECP384R1, info: new Uint8Array() } };
  if (d.type === 'rsa' && (d.modulusBits === 2048 || d.modulusBits === 3072)) {
    const big = d.modulusBits === 3072;
    if (pss)
      return {
        alg: big ? Algorithm.PS384 : Algorithm.PS256,
        sigInfo: { sgType: big ? DeviceSgType.PS384 : DeviceSgType.PS256, info: new Uint8Array() },
      };
    return {
      alg: big ? Algorithm.RS384 : Algorithm.RS256,
      sigInfo: { sgType: big ? DeviceSgType.StRSA3072 : DeviceSgType.StRSA2048, info: new Uint8Array() },
    };
  }
  throw new TypeError('the device key must be EC P-256/P-384 or RSA 2048/3072');
}

/**
 * The algorithms the owner accepts on the device's EAT, from the device certificate's key and
 * the eASigInfo the device announced. EPID and a curve that contradicts the key are refused.
 */
export function deviceVerifyAlgorithms(key: KeyObject, sigInfo: SigInfo): number[] {
  const k = keyClass(key);
  const sg = sigInfo.sgType;
  const ec = (curve: KeyClass, type: number, alg: number) => {
    if (k !== curve || sg !== type) {
      throw to2Error('ERR_FDO_TO2_DEVICE_KEY', `eASigInfo type ${sg} does not fit the device certificate's ${k} key`);
    }
    return [alg];
  };
  if (sg === DeviceSgType.StSECP256R1) return ec('P-256', sg, Algorithm.ES256);
  if (sg === DeviceSgType.StSECP384R1) return ec('P-384', sg, Algorithm.ES384);
  const rsa = k === 'RSA-2048' || k === 'RSA-3072';
  // The announced type names the padding; the hash may follow the modulus either way.
  if ((sg === DeviceSgType.StRSA2048 || sg === DeviceSgType.StRSA3072) && rsa) return [Algorithm.RS256, Algorithm.RS384];
  if ((sg === DeviceSgType.PS256 || sg === DeviceSgType.PS384) && rsa) return [Algorithm.PS256, Algorithm.PS384];
  throw to2Error('ERR_FDO_TO2_DEVICE_KEY', `device attestation type ${sg} with a ${k} device key is not supported`);
}

/** Verifies a COSE_Sign1; any COSE failure is ERR_FDO_TO2_SIGNATURE naming `what`. */
export function verifySigned(bytes: Uint8Array, key: KeyObject, algorithms: readonly number[], what: string): void {
  try {
    verifySign1(bytes, { key, tag: 'required', algorithms });
  } catch (e) {
    if (e instanceof CoseError) throw to2Error('ERR_FDO_TO2_SIGNATURE', `${what}: ${e.message}`, e);
    throw e;
  }
}
