/** DI, manufacturer side: its configuration and the session state between DI.AppStart and DI.SetHMAC. */
import type { KeyObject, X509Certificate } from 'node:crypto';
import type { PrivateKeyLike } from '../../../crypto/private-key-handle.ts';
import type { FdoPublicKey } from '../../types/public-key.ts';
import type { RendezvousInfo } from '../../types/rendezvous-info.ts';
import type { Clock, ManufacturerVoucherStore, RandomSource } from '../ports.ts';

/** A manufacturer signing key: the voucher's first owner. */
export interface ManufacturerKey {
  privateKey: PrivateKeyLike;
  /** Its certificates, leaf first, for devices that ask for the X5CHAIN encoding. */
  chain?: readonly X509Certificate[];
}

/** A CA that certifies device keys: its key and chain (issuing certificate first). */
export interface DeviceCa {
  privateKey: PrivateKeyLike;
  chain: readonly X509Certificate[];
}

export interface DiManufacturerConfig {
  random: RandomSource;
  clock: Clock;
  store: ManufacturerVoucherStore;
  /** OVRVInfo of every voucher made. */
  rvInfo: RendezvousInfo;
  /**
   * The CA that certifies device keys, or several: an EC device key is then certified by the first
   * CA whose key is on the same curve, so the chain is no weaker and no costlier than the device
   * key (a P-256 device gets a P-256 CA); an RSA key, or an EC key on a curve no CA has, by the first.
   */
  deviceCa: DeviceCa | readonly DeviceCa[];
  /**
   * Manufacturer keys; for each device the first whose key fits the pkType the device asks for
   * (DeviceMfgInfo.pkType), so that a device needs only the crypto of its own key type.
   */
  manufacturerKeys: readonly ManufacturerKey[];
  /** Validity of device certificates, in days (default 30 years, as FDO deployments commonly use). */
  certificateValidityDays?: number;
  /** OVDeviceInfo from what the device reported; default its model name. */
  deviceInfo?: (info: { serialNumber: string; model: string }) => string;
  /** Extend each new voucher to this owner before storing it. */
  extendTo?: FdoPublicKey | KeyObject;
}

/** Session state between DI.AppStart and DI.SetHMAC (JSON-safe; nothing secret). */
export interface DiManufacturerState {
  protocol: 'di-manufacturer';
  step: 'set-hmac';
  guid: string;
  /** The OVHeader bytes sent in DI.SetCredentials: exactly these are MACed and go in the voucher. */
  header: string;
  /** Device certificate chain, leaf first, DER in base64. */
  chain: string[];
}
