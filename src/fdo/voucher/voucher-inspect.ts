/**
 * A JSON-friendly summary of an Ownership Voucher for people and tools. It decodes what it can
 * and reports what it cannot, and checks nothing: `verifyVoucher` does that.
 */
import { Algorithm } from '../../codec/cose/algorithms.ts';
import { HashType, PublicKeyEncoding, PublicKeyType } from '../constants/crypto.ts';
import { certChainToX509 } from '../types/cert-chain.ts';
import { guidToHex, guidToUuid } from '../types/guid.ts';
import type { FdoHash } from '../types/hash.ts';
import { type FdoPublicKey, publicKeyFingerprint, publicKeyToKeyObject } from '../types/public-key.ts';
import { type RendezvousDirectiveView, rendezvousDirectiveView } from '../types/rendezvous-info.ts';
import type { OwnershipVoucher } from './voucher.ts';
import { voucherOwner } from './voucher-owner.ts';

export interface KeySummary {
  type: string;
  encoding: string;
  /** SHA-256 of the DER SubjectPublicKeyInfo, hex; null when the key does not decode. */
  fingerprint: string | null;
  error?: string;
}

export interface HashSummary {
  type: string;
  value: string;
}

export interface CertificateSummary {
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  fingerprint256: string;
}

export interface VoucherSummary {
  protocolVersion: number;
  guid: string;
  guidUuid: string;
  deviceInfo: string;
  rendezvousInfo: (Omit<RendezvousDirectiveView, 'other' | 'svCertHash' | 'clCertHash'> & { other: number[] })[] | { error: string };
  manufacturerKey: KeySummary;
  headerHmac: HashSummary;
  deviceCertChainHash: HashSummary | null;
  deviceCertChain: CertificateSummary[] | null | { error: string };
  entries: { index: number; signatureAlgorithm: string; hashType: string; ownerKey: KeySummary; extra: number[] }[];
  currentOwner: KeySummary;
}

const nameIn = (table: Readonly<Record<string, number>>, n: number): string =>
  Object.entries(table).find(([, v]) => v === n)?.[0] ?? String(n);

const hashSummary = (h: FdoHash): HashSummary => ({ type: nameIn(HashType, h.type), value: Buffer.from(h.value).toString('hex') });

function keySummary(pk: FdoPublicKey): KeySummary {
  const s = { type: nameIn(PublicKeyType, pk.type), encoding: nameIn(PublicKeyEncoding, pk.encoding) };
  try {
    publicKeyToKeyObject(pk);
    return { ...s, fingerprint: publicKeyFingerprint(pk) };
  } catch (e) {
    return { ...s, fingerprint: null, error: (e as Error).message };
  }
}

export function inspectVoucher(voucher: OwnershipVoucher): VoucherSummary {
  const h = voucher.header;
  let rendezvousInfo: VoucherSummary['rendezvousInfo'];
  try {
    rendezvousInfo = h.rvInfo.map((d, i) => {
      const { other, svCertHash: _s, clCertHash: _c, ...view } = rendezvousDirectiveView(d, `OVRVInfo[${i}]`);
      return { ...view, other: other.map((o) => o.variable) };
    });
  } catch (e) {
    rendezvousInfo = { error: (e as Error).message };
  }
  let deviceCertChain: VoucherSummary['deviceCertChain'] = null;
  if (voucher.devCertChain !== null) {
    try {
      deviceCertChain = certChainToX509(voucher.devCertChain, 'OVDevCertChain').map((c) => ({
        subject: c.subject,
        issuer: c.issuer,
        notBefore: new Date(c.validFrom).toISOString(),
        notAfter: new Date(c.validTo).toISOString(),
        fingerprint256: c.fingerprint256,
      }));
    } catch (e) {
      deviceCertChain = { error: (e as Error).message };
    }
  }
  return {
    protocolVersion: voucher.protVer,
    guid: guidToHex(h.guid),
    guidUuid: guidToUuid(h.guid),
    deviceInfo: h.deviceInfo,
    rendezvousInfo,
    manufacturerKey: keySummary(h.pubKey),
    headerHmac: hashSummary(voucher.headerHmac),
    deviceCertChainHash: h.devCertChainHash === null ? null : hashSummary(h.devCertChainHash),
    deviceCertChain,
    entries: voucher.entries.map((e, index) => ({
      index,
      signatureAlgorithm: nameIn(Algorithm, e.alg),
      hashType: nameIn(HashType, e.payload.hashPrevEntry.type),
      ownerKey: keySummary(e.payload.pubKey),
      extra: e.payload.extra === null ? [] : [...e.payload.extra.keys()],
    })),
    currentOwner: keySummary(voucherOwner(voucher)),
  };
}
