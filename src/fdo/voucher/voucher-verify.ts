/**
 * Verifies an Ownership Voucher (FDO 1.1 §3.4, and the checks of TO0.OwnerSign and TO2 that rest
 * on it): the header HMAC (when the device's secret is at hand), the device certificate chain
 * hash, optionally the device chain itself, and every entry in order, each signed by the owner
 * the previous entry (or the header) names and hashing its predecessor and the header info.
 */
import type { KeyObject, X509Certificate } from 'node:crypto';
import { bytesEqual, concat } from '../../codec/bytes.ts';
import { CoseError } from '../../codec/cose/errors.ts';
import { verifySign1 } from '../../codec/cose/sign1.ts';
import { CryptoError } from '../../crypto/errors.ts';
import { verifyCertificateChain } from '../../crypto/x509-verify-chain.ts';
import { FdoError } from '../errors.ts';
import { certChainHash, certChainToX509 } from '../types/cert-chain.ts';
import type { Guid } from '../types/guid.ts';
import { type FdoHash, hashBytes, hashEquals, hmacBytes } from '../types/hash.ts';
import { allowedSignatureAlgorithms, type FdoPublicKey, publicKeyToKeyObject, samePublicKey } from '../types/public-key.ts';
import { isKnownEntrySignature, rememberEntrySignature } from './entry-signatures.ts';
import { type OwnershipVoucher, voucherCheckFailed } from './voucher.ts';

export interface VerifyVoucherOptions {
  /** The device's HMAC secret: with it the header HMAC is checked. */
  hmacSecret?: Uint8Array;
  /**
   * What the device itself holds (its credential): the GUID and the manufacturer key hash must
   * match the header, and its HMAC secret, if any, checks the header HMAC.
   */
  deviceCredential?: { guid: Guid; pubKeyHash?: FdoHash | null; hmacSecret?: Uint8Array | null };
  /** The expected current owner: the key of the last entry (or the header's, with no entries). */
  ownerKey?: FdoPublicKey | KeyObject;
  /**
   * Also validate the device certificate chain as an X.509 path at `time`. Without trust anchors
   * the chain is checked link by link and its top certificate against its own key.
   */
  deviceChain?: { time: Date; trustAnchors?: readonly X509Certificate[] };
  /**
   * Enforce the rule that every owner key has the manufacturer key's pkType, which lets a device
   * with limited crypto verify every signature. Off by default: IoTopia extends vouchers to any
   * supported key type.
   */
  uniformKeyTypes?: boolean;
}

export interface VerifiedVoucher {
  /** Number of entries checked. */
  entries: number;
  /** The current owner's PublicKey and key. */
  owner: FdoPublicKey;
  ownerKey: KeyObject;
  hmacChecked: boolean;
  deviceChainChecked: boolean;
  /** The device certificates, decoded, when the voucher has a chain. */
  deviceCertificates: X509Certificate[] | null;
}

/** Verifies `voucher`; the first failed check throws a VoucherError naming it. */
export function verifyVoucher(voucher: OwnershipVoucher, options: VerifyVoucherOptions = {}): VerifiedVoucher {
  const { header } = voucher;
  const dc = options.deviceCredential;
  if (dc !== undefined) {
    if (!bytesEqual(dc.guid, header.guid))
      throw voucherCheckFailed('ERR_FDO_VOUCHER_GUID_MISMATCH', 'OVGuid does not match the device credential');
    if (dc.pubKeyHash != null && !hashEquals(hashBytes(dc.pubKeyHash.type, voucher.raw.pubKey), dc.pubKeyHash)) {
      throw voucherCheckFailed(
        'ERR_FDO_VOUCHER_MFG_KEY_HASH',
        'OVPubKey does not match the manufacturer key hash of the device credential',
      );
    }
  }

  const secret = options.hmacSecret ?? dc?.hmacSecret ?? undefined;
  if (secret != null) {
    if (!hashEquals(hmacBytes(voucher.headerHmac.type, secret, voucher.raw.header), voucher.headerHmac)) {
      throw voucherCheckFailed('ERR_FDO_VOUCHER_HMAC', 'OVHeaderHMac does not match the header under the device HMAC secret');
    }
  }

  const chain = voucher.devCertChain;
  const chainHash = header.devCertChainHash;
  if ((chain === null) !== (chainHash === null)) {
    throw voucherCheckFailed(
      'ERR_FDO_VOUCHER_CHAIN_HASH',
      `OVDevCertChain is ${chain === null ? 'null' : 'present'} but OVDevCertChainHash is ${chainHash === null ? 'null' : 'present'}`,
    );
  }
  let deviceCertificates: X509Certificate[] | null = null;
  if (chain !== null && chainHash !== null) {
    if (!hashEquals(certChainHash(chainHash.type, chain), chainHash)) {
      throw voucherCheckFailed(
        'ERR_FDO_VOUCHER_CHAIN_HASH',
        'OVDevCertChainHash does not match the hash of the concatenated device certificates',
      );
    }
    deviceCertificates = convert(() => certChainToX509(chain, 'OVDevCertChain'), 'ERR_FDO_VOUCHER_DEVICE_CHAIN');
    if (options.deviceChain !== undefined) {
      const { time, trustAnchors = [] } = options.deviceChain;
      try {
        verifyCertificateChain(deviceCertificates, { time, trustAnchors, requireTrustAnchor: trustAnchors.length > 0 });
      } catch (e) {
        if (e instanceof CryptoError)
          throw voucherCheckFailed('ERR_FDO_VOUCHER_DEVICE_CHAIN', `OVDevCertChain: ${e.message}`, { cause: e });
        throw e;
      }
    }
  }

  let ownerPk = header.pubKey;
  let ownerKey = convert(() => publicKeyToKeyObject(header.pubKey, 'OVHeader.OVPubKey').key, 'ERR_FDO_VOUCHER_PUBLIC_KEY');
  let previous = concat([voucher.raw.header, voucher.raw.headerHmac]);
  const hdrInfo = concat([header.guid, new TextEncoder().encode(header.deviceInfo)]);

  for (const [i, entry] of voucher.entries.entries()) {
    try {
      if (!isKnownEntrySignature(entry.raw, ownerKey, ownerPk.type)) {
        verifySign1(entry.raw, { key: ownerKey, tag: 'required', algorithms: allowedSignatureAlgorithms(ownerPk.type) });
        rememberEntrySignature(entry.raw, ownerKey, ownerPk.type);
      }
    } catch (e) {
      if (e instanceof CoseError) {
        throw voucherCheckFailed('ERR_FDO_VOUCHER_ENTRY_SIGNATURE', `not signed by the previous owner's key: ${e.message}`, {
          cause: e,
          entryIndex: i,
        });
      }
      throw e;
    }
    const p = entry.payload;
    if (!hashEquals(hashBytes(p.hashPrevEntry.type, previous), p.hashPrevEntry)) {
      const what = i === 0 ? 'the header and its HMAC' : `entry ${i - 1}`;
      throw voucherCheckFailed('ERR_FDO_VOUCHER_ENTRY_PREV_HASH', `OVEHashPrevEntry does not match ${what}`, { entryIndex: i });
    }
    if (!hashEquals(hashBytes(p.hashHdrInfo.type, hdrInfo), p.hashHdrInfo)) {
      throw voucherCheckFailed(
        'ERR_FDO_VOUCHER_ENTRY_HDRINFO_HASH',
        'OVEHashHdrInfo does not match the GUID and DeviceInfo of the header',
        { entryIndex: i },
      );
    }
    if (options.uniformKeyTypes === true && p.pubKey.type !== header.pubKey.type) {
      throw voucherCheckFailed(
        'ERR_FDO_VOUCHER_KEY_TYPE',
        `OVEPubKey has pkType ${p.pubKey.type}, the manufacturer key ${header.pubKey.type}`,
        { entryIndex: i },
      );
    }
    ownerKey = convert(() => publicKeyToKeyObject(p.pubKey, `OVEntryArray[${i}].OVEPubKey`).key, 'ERR_FDO_VOUCHER_PUBLIC_KEY', i);
    ownerPk = p.pubKey;
    previous = entry.raw;
  }

  if (options.ownerKey !== undefined && !samePublicKey(ownerKey, options.ownerKey)) {
    throw voucherCheckFailed(
      'ERR_FDO_VOUCHER_OWNER_MISMATCH',
      `the voucher's current owner (${voucher.entries.length === 0 ? 'the manufacturer key' : `entry ${voucher.entries.length - 1}`}) is not the expected owner key`,
    );
  }

  return {
    entries: voucher.entries.length,
    owner: ownerPk,
    ownerKey,
    hmacChecked: secret != null,
    deviceChainChecked: options.deviceChain !== undefined && chain !== null,
    deviceCertificates,
  };
}

function convert<T>(f: () => T, code: string, entryIndex?: number): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof FdoError)
      throw voucherCheckFailed(code, e.message, entryIndex === undefined ? { cause: e } : { cause: e, entryIndex });
    throw e;
  }
}
