/**
 * Creates the Ownership Voucher a manufacturer holds after DI (FDO 1.1 §3.4, §5.2): the header, its
 * HMAC under the device's secret, the device certificate chain, and no entries yet.
 */
import { X509Certificate } from 'node:crypto';
import { encode } from '../../codec/cbor.ts';
import { describeKey } from '../../crypto/key-describe.ts';
import { certificateOfDer } from '../../crypto/x509-parse.ts';
import { HashType, type HashTypeNumber } from '../constants/crypto.ts';
import { type CertChain, certChainHash } from '../types/cert-chain.ts';
import type { Guid } from '../types/guid.ts';
import { encodeHash, type FdoHash, hmacBytes, isHmacType } from '../types/hash.ts';
import type { FdoPublicKey } from '../types/public-key.ts';
import { rawArrayElements } from '../types/read.ts';
import type { RendezvousInfo } from '../types/rendezvous-info.ts';
import { OV_PROTOCOL_VERSION, type OwnershipVoucher } from './voucher.ts';
import { encodeVoucherHeader } from './voucher-header.ts';

export interface CreateVoucherOptions {
  guid: Guid;
  rvInfo: RendezvousInfo;
  deviceInfo: string;
  /** OVPubKey: the manufacturer's key, the voucher's first owner. */
  manufacturerKey: FdoPublicKey;
  /** Device certificates, leaf first; null for a device without a certificate chain. */
  devCertChain: readonly (X509Certificate | Uint8Array)[] | null;
  /** OVDevCertChainHash type; default SHA384 for a P-384 or RSA-3072 device key, else SHA256. */
  certChainHashType?: HashTypeNumber;
  /**
   * The header HMAC: the HMac the device returned in DI.SetHMAC, or the device's secret (with an
   * HMAC type; default HMAC_SHA384 for a P-384 or RSA-3072 device key, else HMAC_SHA256).
   */
  hmac: FdoHash | { secret: Uint8Array; type?: HashTypeNumber };
}

export function createVoucher(options: CreateVoucherOptions): OwnershipVoucher {
  const chain: CertChain | null =
    options.devCertChain === null ? null : options.devCertChain.map((c) => (c instanceof X509Certificate ? new Uint8Array(c.raw) : c));
  if (chain !== null && chain.length === 0) throw new TypeError('devCertChain is empty: pass null for a device without certificates');
  const strong = chain !== null && isStrong(certificateOfDer(chain[0] as Uint8Array));
  const header = {
    protVer: OV_PROTOCOL_VERSION,
    guid: options.guid,
    rvInfo: options.rvInfo,
    deviceInfo: options.deviceInfo,
    pubKey: options.manufacturerKey,
    devCertChainHash:
      chain === null ? null : certChainHash(options.certChainHashType ?? (strong ? HashType.SHA384 : HashType.SHA256), chain),
  };
  const headerBytes = encodeVoucherHeader(header);
  const headerHmac =
    'secret' in options.hmac
      ? hmacBytes(options.hmac.type ?? (strong ? HashType.HMAC_SHA384 : HashType.HMAC_SHA256), options.hmac.secret, headerBytes)
      : options.hmac;
  if (!isHmacType(headerHmac.type)) throw new TypeError('the header HMAC must have an HMAC type');
  return {
    protVer: OV_PROTOCOL_VERSION,
    header,
    headerHmac,
    devCertChain: chain,
    entries: [],
    raw: {
      header: headerBytes,
      headerHmac: encode(encodeHash(headerHmac)),
      devCertChain: encode(chain),
      pubKey: rawArrayElements(headerBytes, 'OVHeader')[4] as Uint8Array,
    },
  };
}

function isStrong(cert: X509Certificate): boolean {
  const d = describeKey(cert.publicKey);
  return (d.type === 'ec' && d.curve !== 'P-256') || (d.type === 'rsa' && d.modulusBits >= 3072);
}
