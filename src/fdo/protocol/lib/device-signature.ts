/**
 * Device attestation signatures (FDO 1.1 §3.3.3 SigInfo, DeviceSgType): which COSE algorithm a
 * device key signs with, and which a verifier accepts from it. DeviceSgType lists ES256, ES384,
 * RS256 (RSA-2048) and RS384 (RSA-3072); EPID is not supported by IoTopia.
 */
import type { KeyObject } from 'node:crypto';
import { Algorithm } from '../../../codec/cose/algorithms.ts';
import { describeKey } from '../../../crypto/key-describe.ts';
import { keyDetailsOf, type PrivateKeyLike } from '../../../crypto/private-key-handle.ts';
import { DeviceSgType } from '../../constants/crypto.ts';
import type { DeviceSgTypeNumber, SigInfo } from '../../types/sig-info.ts';

/** The signature type a device key signs its EATs with; a TypeError for keys FDO does not name. */
export function deviceSgTypeFor(key: PrivateKeyLike): DeviceSgTypeNumber {
  const d = keyDetailsOf(key);
  if (d.type === 'ec' && d.curve === 'P-256') return DeviceSgType.StSECP256R1;
  if (d.type === 'ec' && d.curve === 'P-384') return DeviceSgType.StSECP384R1;
  if (d.type === 'rsa' && d.modulusBits === 2048) return DeviceSgType.StRSA2048;
  if (d.type === 'rsa' && d.modulusBits === 3072) return DeviceSgType.StRSA3072;
  throw new TypeError('the device key must be EC P-256, EC P-384, RSA-2048 or RSA-3072');
}

/** eASigInfo for a device key: its signature type with empty Info (ECDSA and RSA carry none). */
export function deviceSigInfoFor(key: PrivateKeyLike): SigInfo {
  return { sgType: deviceSgTypeFor(key), info: new Uint8Array(0) };
}

/** The COSE algorithms a verifier accepts from a device public key (the sgType ids are COSE ids). */
export function deviceAlgorithmsFor(key: KeyObject): number[] {
  const d = describeKey(key);
  if (d.type === 'ec') return d.curve === 'P-256' ? [Algorithm.ES256] : d.curve === 'P-384' ? [Algorithm.ES384] : [];
  if (d.type === 'rsa') return d.modulusBits >= 3072 ? [Algorithm.RS384, Algorithm.PS384] : [Algorithm.RS256, Algorithm.PS256];
  return [];
}
