/**
 * The server's own keys, made on first start and kept (private halves sealed) in the store:
 * manufacturer keys that sign voucher entry 0, owner keys that vouchers are extended to and that
 * sign TO0/TO2, and the device CAs that certify device keys at DI: `device-ca` (P-384, also for
 * RSA device keys) and `device-ca-secp256r1` (P-256), so that a P-256 device's chain is no
 * stronger, and no costlier to sign and verify, than its own key. A data directory made before the
 * P-256 CA existed gains it at its next start. Each manufacturer key has a
 * self-signed certificate, kept as a setting beside the key, so DI can answer a device that asks
 * for the X5CHAIN encoding of the manufacturer key (FDO 1.1 §3.3.4, §5.2.1) with one.
 *
 * With a PKCS#11 keystore the private halves are generated in the token instead and never leave
 * it; the store keeps a public-only record of each (its name, type, public key and certificate),
 * so certificates, key lookups by public key and `iotopia keys list` work alike for both backends.
 */
import type { KeyObject, X509Certificate } from 'node:crypto';
import { generateKeyPair, type KeyPairType } from '../crypto/key-generate.ts';
import { type PrivateKeyLike, publicKeyOf } from '../crypto/private-key-handle.ts';
import { createCertificate } from '../crypto/x509-create.ts';
import { IotopiaError } from '../errors.ts';
import type { Keystore, KeystoreKeyType } from '../keystore/keystore.ts';
import type { Store } from '../store/store.ts';
import { FIXED_NOT_AFTER, FIXED_NOT_BEFORE, fixedCaCertificate } from './fixed-ca.ts';
import { keptCertificate } from './kept-certificate.ts';
import { privateKeyOf, putKeyPair } from './key-records.ts';
import { ensureTokenKey } from './token-keys.ts';

/** The type of the keys made on first start (`--key-type`). */
export type KeyTypeSetting = 'secp256r1' | 'secp384r1' | 'rsa2048' | 'rsa3072';

export interface PlatformKeys {
  /**
   * Manufacturer keys by type, each with its self-signed certificate (the X5CHAIN of one);
   * DI picks the one that fits what the device asks for.
   */
  manufacturer: { type: KeyPairType; privateKey: PrivateKeyLike; chain: X509Certificate[] }[];
  /** Owner keys by type; the first is the default owner key. */
  owner: { type: KeyPairType; privateKey: PrivateKeyLike }[];
  /** The P-384 device CA (`device-ca`): it certifies P-384 and RSA device keys. */
  deviceCa: DeviceCaKey;
  /** Every device CA, `device-ca` (P-384) first: DI picks the one on the device key's curve. */
  deviceCas: DeviceCaKey[];
  /** Where the private halves live: 'software' (sealed in the store) or 'pkcs11'. */
  backend: 'software' | 'pkcs11';
  created: string[];
}

export interface DeviceCaKey {
  type: 'secp256r1' | 'secp384r1';
  privateKey: PrivateKeyLike;
  certificate: X509Certificate;
}

/** The device CAs by key name: the P-384 one first (the default, also for RSA device keys). */
export const DEVICE_CAS = [
  { name: 'device-ca', type: 'secp384r1', commonName: 'IoTopia device CA' },
  { name: 'device-ca-secp256r1', type: 'secp256r1', commonName: 'IoTopia device CA P-256' },
] as const;

/**
 * Both EC curves always, so devices of either key size onboard with the matching key exchange
 * (ECDH256 or ECDH384); the configured type first, which decides what RSA devices get.
 */
function typesFor(primary: KeyTypeSetting): KeyPairType[] {
  return [...new Set<KeyPairType>([primary, 'secp256r1', 'secp384r1'])];
}

async function ensure(store: Store, name: string, type: KeyPairType, created: string[]): Promise<KeyObject> {
  const existing = await store.keys.get(name);
  if (existing !== undefined) return privateOf(existing, name);
  const pair = await generateKeyPair(type);
  try {
    await putKeyPair(store.keys, { name, type, privateKey: pair.privateKey });
    created.push(name);
    return pair.privateKey;
  } catch (e) {
    // Another replica made it first: use theirs.
    const raced = await store.keys.get(name);
    if (raced === undefined) throw e;
    return privateOf(raced, name);
  }
}

function privateOf(record: Parameters<typeof privateKeyOf>[0], name: string): KeyObject {
  const key = privateKeyOf(record);
  if (key === undefined) throw new IotopiaError('ERR_PLATFORM_KEY', `key "${name}" has no private half in the store`);
  return key;
}

/**
 * The server's keys, made on first start: in the store (no keystore, or a software one) or in the
 * PKCS#11 token of `keystore`.
 */
export async function ensurePlatformKeys(store: Store, primary: KeyTypeSetting, keystore?: Keystore): Promise<PlatformKeys> {
  const created: string[] = [];
  const types = typesFor(primary);
  const get = (name: string, type: KeyPairType): Promise<PrivateKeyLike> =>
    keystore === undefined || keystore.backend === 'software'
      ? ensure(store, name, type, created)
      : ensureTokenKey(store, keystore, name, type as KeystoreKeyType, created);
  const manufacturer = [];
  const owner = [];
  for (const type of types) {
    const name = `manufacturer-${type}`;
    const privateKey = await get(name, type);
    manufacturer.push({ type, privateKey, chain: [await ensureCertificate(store, name, privateKey, created)] });
  }
  for (const type of types) owner.push({ type, privateKey: await get(`owner-${type}`, type) });
  const deviceCas: DeviceCaKey[] = [];
  for (const ca of DEVICE_CAS) {
    const privateKey = await get(ca.name, ca.type);
    // The voucher records the chain each device was given: the CA certificate must never change,
    // so it is made once and kept beside its key.
    const certificate = await keptCertificate(store, ca.name, privateKey, () => fixedCaCertificate(ca.commonName, privateKey), created);
    deviceCas.push({ type: ca.type, privateKey, certificate });
  }
  const deviceCa = deviceCas[0] as DeviceCaKey;
  return { manufacturer, owner, deviceCa, deviceCas, created, backend: keystore?.backend ?? 'software' };
}

/**
 * The self-signed certificate of a manufacturer key: the one kept with the key, or a new one made
 * and kept now (a store made before certificates were kept gets one at its next start). A kept
 * certificate that is unreadable or for another key is replaced, since the key is what counts.
 */
function ensureCertificate(store: Store, name: string, key: PrivateKeyLike, created: string[]): Promise<X509Certificate> {
  const make = () =>
    createCertificate({
      subject: { commonName: `IoTopia manufacturer ${name.replace(/^manufacturer-/, '')}` },
      publicKey: publicKeyOf(key),
      signer: { privateKey: key },
      notBefore: FIXED_NOT_BEFORE,
      notAfter: FIXED_NOT_AFTER,
      serialNumber: 1n,
      keyUsage: ['digitalSignature'],
    });
  return keptCertificate(store, name, key, make, created);
}
