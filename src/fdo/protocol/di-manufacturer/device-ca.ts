/** The device CA that certifies a device key at DI: the one whose EC curve matches the device key's. */
import { type KeyObject, X509Certificate } from 'node:crypto';
import { describeKey } from '../../../crypto/key-describe.ts';
import { isPrivateKeyLike } from '../../../crypto/private-key-handle.ts';
import { samePublicKey } from '../../types/public-key.ts';
import type { DeviceCa, DiManufacturerConfig } from './types.ts';

/** The configured device CAs as a list, the default (for RSA and unmatched curves) first. */
export function deviceCasOf(config: Pick<DiManufacturerConfig, 'deviceCa'>): readonly DeviceCa[] {
  const ca = config.deviceCa;
  return Array.isArray(ca) ? (ca as readonly DeviceCa[]) : [ca as DeviceCa];
}

/** Throws TypeError unless every device CA has a private key that matches the first certificate of its chain. */
export function checkDeviceCas(config: Pick<DiManufacturerConfig, 'deviceCa'>): void {
  const cas = deviceCasOf(config);
  if (cas.length === 0) throw new TypeError('DI manufacturer: deviceCa needs a private key and its certificate chain');
  for (const ca of cas) {
    if (
      !isPrivateKeyLike(ca?.privateKey) ||
      !Array.isArray(ca.chain) ||
      ca.chain.length === 0 ||
      !ca.chain.every((c) => c instanceof X509Certificate)
    ) {
      throw new TypeError('DI manufacturer: deviceCa needs a private key and its certificate chain');
    }
    if (!samePublicKey((ca.chain[0] as X509Certificate).publicKey, ca.privateKey))
      throw new TypeError('DI manufacturer: deviceCa.privateKey does not match deviceCa.chain[0]');
  }
}

const curveOf = (key: KeyObject): string | undefined => {
  const d = describeKey(key);
  return d.type === 'ec' ? d.curve : undefined;
};

/** The CA for `deviceKey`: the first on the device key's EC curve, else the first configured. */
export function deviceCaFor(config: Pick<DiManufacturerConfig, 'deviceCa'>, deviceKey: KeyObject): DeviceCa {
  const cas = deviceCasOf(config);
  const curve = curveOf(deviceKey);
  const same = curve === undefined ? undefined : cas.find((ca) => curveOf((ca.chain[0] as X509Certificate).publicKey) === curve);
  return same ?? (cas[0] as DeviceCa);
}
