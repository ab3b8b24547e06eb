/**
 * Extends an Ownership Voucher to a new owner (FDO 1.1 §3.4, §2.7): the current owner signs an
 * entry that hashes the previous entry (or, for the first, the header and its HMAC) and the header
 * info, and names the next owner's key. The signature algorithm follows the current owner's key.
 */
import { type KeyObject, KeyObject as KeyObjectClass, type X509Certificate } from 'node:crypto';
import { concat } from '../../codec/bytes.ts';
import { encode } from '../../codec/cbor.ts';
import { signSign1 } from '../../codec/cose/sign1.ts';
import { describeKey } from '../../crypto/key-describe.ts';
import { isKeyHandle, isPrivateKeyLike, type PrivateKeyLike } from '../../crypto/private-key-handle.ts';
import {
  HashType,
  type HashTypeNumber,
  PublicKeyEncoding,
  type PublicKeyEncodingNumber,
  type PublicKeyTypeNumber,
} from '../constants/crypto.ts';
import { certChainToX509 } from '../types/cert-chain.ts';
import { encodeHash, hashBytes, isHmacType } from '../types/hash.ts';
import {
  encodePublicKey,
  type FdoPublicKey,
  publicKeyFromKeyObject,
  publicKeyToKeyObject,
  samePublicKey,
  signatureAlgorithmFor,
} from '../types/public-key.ts';
import { rememberEntrySignature } from './entry-signatures.ts';
import { type OVEntry, type OwnershipVoucher, voucherCheckFailed } from './voucher.ts';

export interface ExtendVoucherOptions {
  /** The current owner's private key (the manufacturer's, for a voucher without entries). */
  ownerPrivateKey: PrivateKeyLike;
  /** The next owner: a PublicKey, or a key to encode with `encoding` (default X509) and `type`. */
  nextOwner: FdoPublicKey | KeyObject;
  encoding?: PublicKeyEncodingNumber;
  type?: PublicKeyTypeNumber;
  /** For the X5CHAIN encoding of a KeyObject: the next owner's certificates, leaf first. */
  chain?: readonly (X509Certificate | Uint8Array)[];
  /**
   * Hash type of the entry's hashes. Default: that of the existing entries, so that every entry
   * uses one type; for the first entry SHA384 when both the device key and the owner key are of
   * the 384-bit class (P-384, RSA-3072), else SHA256.
   */
  hashType?: HashTypeNumber;
  /** OVEExtraInfo to carry in the entry. */
  extra?: ReadonlyMap<number, Uint8Array>;
}

/** Returns a new voucher with one more entry; the input is not changed. */
export function extendVoucher(voucher: OwnershipVoucher, options: ExtendVoucherOptions): OwnershipVoucher {
  const signer = options.ownerPrivateKey;
  if (!isPrivateKeyLike(signer)) throw new TypeError('ownerPrivateKey must be a private KeyObject or a KeyHandle');
  const last = voucher.entries.at(-1);
  const currentPk = last === undefined ? voucher.header.pubKey : last.payload.pubKey;
  const current = publicKeyToKeyObject(
    currentPk,
    last === undefined ? 'OVHeader.OVPubKey' : `OVEntryArray[${voucher.entries.length - 1}].OVEPubKey`,
  ).key;
  if (!samePublicKey(current, signer)) {
    throw voucherCheckFailed('ERR_FDO_VOUCHER_OWNER_MISMATCH', "the signing key is not the voucher's current owner key");
  }

  const next =
    options.nextOwner instanceof KeyObjectClass
      ? publicKeyFromKeyObject(options.nextOwner, {
          encoding: options.encoding ?? PublicKeyEncoding.X509,
          ...(options.type === undefined ? {} : { type: options.type }),
          ...(options.chain === undefined ? {} : { chain: options.chain }),
        })
      : options.nextOwner;
  publicKeyToKeyObject(next, 'nextOwner');

  const hashType = options.hashType ?? voucher.entries[0]?.payload.hashPrevEntry.type ?? defaultHashType(voucher, current);
  if (isHmacType(hashType)) throw new TypeError('entry hashes must use SHA256 or SHA384, not an HMAC type');
  const previous = last === undefined ? concat([voucher.raw.header, voucher.raw.headerHmac]) : last.raw;
  const hashPrevEntry = hashBytes(hashType, previous);
  const hashHdrInfo = hashBytes(hashType, voucher.header.guid, new TextEncoder().encode(voucher.header.deviceInfo));
  const extra = options.extra === undefined ? null : new Map(options.extra);
  const payload = encode([
    encodeHash(hashPrevEntry),
    encodeHash(hashHdrInfo),
    extra === null ? null : encode(extra),
    encodePublicKey(next),
  ]);

  const alg = signatureAlgorithmFor(currentPk.type, signer);
  const raw = signSign1({ payload, key: signer, protectedHeaders: new Map([[1, alg]]), unprotectedHeaders: new Map(), tagged: true });
  // A software key's signature verifies under the current owner key checked above; a token's is verified when first met.
  if (!isKeyHandle(signer)) rememberEntrySignature(raw, current, currentPk.type);
  const entry: OVEntry = { alg, raw, payload: { hashPrevEntry, hashHdrInfo, extra, pubKey: next } };
  return { ...voucher, entries: [...voucher.entries, entry] };
}

function defaultHashType(voucher: OwnershipVoucher, owner: KeyObject): HashTypeNumber {
  const device =
    voucher.devCertChain === null ? undefined : certChainToX509(voucher.devCertChain.slice(0, 1), 'OVDevCertChain')[0]?.publicKey;
  const strong = (k: KeyObject) => {
    const d = describeKey(k);
    return (d.type === 'ec' && d.curve !== 'P-256') || (d.type === 'rsa' && d.modulusBits >= 3072);
  };
  return strong(owner) && (device === undefined || strong(device)) ? HashType.SHA384 : HashType.SHA256;
}
