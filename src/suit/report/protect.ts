/**
 * Protection of a SUIT_Report (draft-ietf-suit-report, SUIT_Report_Protected): the encoded report is
 * the attached payload of a COSE_Sign1 (signed with the device key) or a COSE_Mac0 (a key shared with
 * the receiver). Opening checks the signature or MAC before the report is decoded.
 */
import { Algorithm, algorithmName } from '../../codec/cose/algorithms.ts';
import { CoseError } from '../../codec/cose/errors.ts';
import { createMac0, decodeMac0, verifyMac0 } from '../../codec/cose/mac0.ts';
import { decodeSign1, signSign1, verifySign1 } from '../../codec/cose/sign1.ts';
import { CoseTag } from '../../codec/cose/tags.ts';
import { defaultAlgorithm, type SuitKey } from '../authenticate.ts';
import { SuitError } from '../errors.ts';
import { DEFAULT_REPORT_LIMITS, decodeReport, encodeReport, type ReportLimits, type SuitReport } from './report.ts';

/** Signature algorithms of the SUIT profiles (draft-ietf-suit-mti) a report may be signed with. */
export const REPORT_SIGNATURE_ALGORITHMS: readonly number[] = [
  Algorithm.ES256,
  Algorithm.ESP256,
  Algorithm.ES384,
  Algorithm.ESP384,
  Algorithm.EdDSA,
  Algorithm.Ed25519,
];
/** MAC algorithms a report may be authenticated with. */
export const REPORT_MAC_ALGORITHMS: readonly number[] = [Algorithm.HMAC_256_256, Algorithm.HMAC_384_384, Algorithm.HMAC_512_512];

export interface ProtectReportOptions {
  /** The device's private key (COSE_Sign1) or a shared secret (COSE_Mac0). */
  key: SuitKey;
  /** Default: from the key (ES256 for P-256, ES384 for P-384, EdDSA for Ed25519, HMAC 256/256 for a secret). */
  alg?: number;
  /** Key id for the unprotected header. */
  kid?: Uint8Array;
  /**
   * Signature algorithms allowed (default REPORT_SIGNATURE_ALGORITHMS): a party whose device keys
   * are of another kind (e.g. FDO's RSA device attestation keys) widens the list on both sides.
   */
  signatureAlgorithms?: readonly number[];
}

export type ReportProtection = 'none' | 'COSE_Sign1' | 'COSE_Mac0';

export interface OpenedReport {
  report: SuitReport;
  protection: ReportProtection;
  /** The COSE algorithm, when protected. */
  alg?: number;
  kid?: Uint8Array;
  /** True only when a key was given and the signature or MAC verified. */
  verified: boolean;
}

export interface OpenReportOptions {
  /** Verify with this key; without one a protected report is decoded but not verified. */
  key?: SuitKey;
  limits?: Partial<ReportLimits>;
  /** Signature algorithms accepted (default REPORT_SIGNATURE_ALGORITHMS). */
  signatureAlgorithms?: readonly number[];
}

/** Signs (COSE_Sign1, tag 18) or MACs (COSE_Mac0, tag 17) a report; the report is the payload. */
export function protectReport(report: SuitReport | Uint8Array, opts: ProtectReportOptions): Uint8Array {
  const payload = report instanceof Uint8Array ? report : encodeReport(report);
  const alg = opts.alg ?? defaultAlgorithm(opts.key);
  const protectedHeaders = new Map<number, unknown>([[1, alg]]);
  const unprotectedHeaders = new Map<number, unknown>();
  if (opts.kid !== undefined) unprotectedHeaders.set(4, opts.kid);
  if (REPORT_MAC_ALGORITHMS.includes(alg)) return createMac0({ payload, key: opts.key, protectedHeaders, unprotectedHeaders });
  if ((opts.signatureAlgorithms ?? REPORT_SIGNATURE_ALGORITHMS).includes(alg))
    return signSign1({ payload, key: opts.key, protectedHeaders, unprotectedHeaders });
  throw new SuitError('ERR_SUIT_UNSUPPORTED', 'report', `${algorithmName(alg)} is not a SUIT signature or MAC algorithm`);
}

function kindOf(bytes: Uint8Array, key: SuitKey | undefined): ReportProtection {
  const b0 = bytes[0] ?? 0;
  if (b0 === 0xc0 + CoseTag.COSE_Sign1) return 'COSE_Sign1';
  if (b0 === 0xc0 + CoseTag.COSE_Mac0) return 'COSE_Mac0';
  if (b0 >> 5 === 5) return 'none';
  if (b0 === 0x84 && key !== undefined) {
    // Untagged: the key tells which structure is meant.
    const secret = key instanceof Map ? key.get(1) === 4 : key.type === 'secret';
    return secret ? 'COSE_Mac0' : 'COSE_Sign1';
  }
  throw new SuitError('ERR_SUIT_REPORT_MALFORMED', 'report', 'not a SUIT_Report map, a COSE_Sign1 (tag 18) or a COSE_Mac0 (tag 17)');
}

const malformed = (e: CoseError) => new SuitError('ERR_SUIT_REPORT_MALFORMED', 'report', e.message, { cause: e });

/** Decodes a report, protected or not, verifying its signature or MAC when a key is given. */
export function openReport(bytes: Uint8Array, opts: OpenReportOptions = {}): OpenedReport {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('openReport expects a Uint8Array');
  const limits = { ...DEFAULT_REPORT_LIMITS, ...opts.limits };
  if (bytes.length > limits.maxBytes)
    throw new SuitError('ERR_SUIT_LIMIT', 'report', `${bytes.length} bytes, more than the ${limits.maxBytes} allowed`);
  const kind = kindOf(bytes, opts.key);
  if (kind === 'none') {
    if (opts.key !== undefined) throw new SuitError('ERR_SUIT_REPORT_AUTH_FAILED', 'report', 'the report is neither signed nor MACed');
    return { report: decodeReport(bytes, limits), protection: 'none', verified: false };
  }
  const sign = kind === 'COSE_Sign1';
  const rules = { limits: { maxBytes: limits.maxBytes, maxDepth: 40 } };
  let decoded: { alg: number; payload: Uint8Array | null; unprotectedHeaders: Map<number | string, unknown> };
  try {
    decoded = sign ? decodeSign1(bytes, rules) : decodeMac0(bytes, rules);
  } catch (e) {
    if (e instanceof CoseError) throw malformed(e);
    throw e;
  }
  if (decoded.payload === null)
    throw new SuitError('ERR_SUIT_REPORT_MALFORMED', 'report', `${kind} has a detached payload; the report must be attached`);
  let verified = false;
  if (opts.key !== undefined) {
    try {
      if (sign) verifySign1(bytes, { key: opts.key, algorithms: opts.signatureAlgorithms ?? REPORT_SIGNATURE_ALGORITHMS, ...rules });
      else verifyMac0(bytes, { key: opts.key, algorithms: REPORT_MAC_ALGORITHMS, ...rules });
    } catch (e) {
      if (e instanceof CoseError) {
        throw new SuitError(
          'ERR_SUIT_REPORT_AUTH_FAILED',
          'report',
          `${kind} with ${algorithmName(decoded.alg)}: ${e.message} [${e.code}]`,
          { cause: e },
        );
      }
      throw e;
    }
    verified = true;
  }
  const payload = decoded.payload;
  // SUIT_Report_Unprotected may also be a COSE_Encrypt0 (an encrypted report): not supported.
  if ((payload[0] ?? 0) === 0xc0 + CoseTag.COSE_Encrypt0) {
    throw new SuitError('ERR_SUIT_UNSUPPORTED', 'report', 'encrypted reports (COSE_Encrypt0 payload) are not supported');
  }
  const out: OpenedReport = { report: decodeReport(payload, limits), protection: kind, alg: decoded.alg, verified };
  const kid = decoded.unprotectedHeaders.get(4);
  if (kid instanceof Uint8Array) out.kid = kid;
  return out;
}
