/**
 * Certificate path validation: the basic checks of RFC 5280 §6.1 on node:crypto, at a verification
 * time the caller supplies. pkijs's CertificateChainValidationEngine reports most failures as
 * "no valid path", which leaves an operator guessing; here every failure names the check, the
 * certificate's position and its subject (CertChainError).
 *
 * Checked: signatures, issuer/subject name chaining, validity at `time`, basicConstraints cA and
 * pathLenConstraint, keyUsage keyCertSign, unknown critical extensions, supported key types.
 * Not processed: name constraints, certificate policies (their critical forms fail closed),
 * revocation. The trust anchor is a certificate; its validity and CA flag are checked too.
 */
import type { X509Certificate } from 'node:crypto';
import { type CertInfo, certInfo, sameBytes } from './cert-info.ts';
import { CertChainError, type CertChainReason } from './errors.ts';
import { describeKey } from './key-describe.ts';
import { type CertificateInput, type CertificateLimits, parseCertificates } from './x509-parse.ts';

export interface VerifyCertificateChainOptions extends CertificateLimits {
  /** Trusted certificates. The chain either ends with one of them or is issued by one. */
  trustAnchors: readonly CertificateInput[];
  /** The verification time; protocol code passes its injected clock. */
  time: Date;
  /**
   * Default true. When false, a chain that reaches no trust anchor is still checked link by link
   * (and a self-issued top certificate against its own key), and the result says it is untrusted;
   * FDO uses this for device certificate chains, which the voucher's hash binds instead.
   */
  requireTrustAnchor?: boolean;
}

export interface VerifiedCertificateChain {
  /** The chain as given, end entity first. */
  chain: X509Certificate[];
  /** The anchor the path ends at, or undefined when none was required and none matched. */
  trustAnchor: X509Certificate | undefined;
}

interface PathEntry {
  x509: X509Certificate;
  info: CertInfo;
}

/**
 * Validates `chain` (end entity first, each certificate issued by the next) at `options.time`.
 * Throws CertChainError (ERR_CERT_CHAIN) with the reason and the failing certificate's index;
 * undecodable input is ERR_CERT_FORMAT, input beyond the limits ERR_CRYPTO_INPUT_TOO_LARGE.
 */
export function verifyCertificateChain(
  chain: CertificateInput | readonly CertificateInput[],
  options: VerifyCertificateChainOptions,
): VerifiedCertificateChain {
  const time = options?.time;
  if (!(time instanceof Date) || Number.isNaN(time.getTime())) throw new TypeError('options.time must be a valid Date');
  if (!Array.isArray(options.trustAnchors)) throw new TypeError('options.trustAnchors must be an array');
  const requireAnchor = options.requireTrustAnchor ?? true;
  if (Array.isArray(chain) && chain.length === 0) throw new CertChainError('empty', 0, undefined, 'the chain has no certificates');
  const certs = parseCertificates(chain as CertificateInput | CertificateInput[], options);
  const anchors = options.trustAnchors.length === 0 ? [] : parseCertificates(options.trustAnchors, { maxCertificates: 1000 });

  const path: PathEntry[] = certs.map((x509, i) => ({ x509, info: parsed(x509, i) }));
  const top = path[path.length - 1]!;
  let trustAnchor = anchors.find((a) => a.raw.equals(top.x509.raw));
  if (trustAnchor === undefined) {
    const named = anchors.filter((a) => namesChain(top, { x509: a, info: parsed(a, path.length) }));
    trustAnchor = named.find((a) => signedBy(top.x509, a));
    if (trustAnchor !== undefined) {
      path.push({ x509: trustAnchor, info: parsed(trustAnchor, path.length) });
    } else if (requireAnchor) {
      const detail =
        named.length > 0 ? 'a trust anchor has the issuer name but its key does not verify the signature' : 'issued by no trust anchor';
      throw fail(named.length > 0 ? 'signature' : 'untrusted', path.length - 1, top, detail);
    } else if (sameBytes(top.info.issuerDer, top.info.subjectDer) && !signedBy(top.x509, top.x509)) {
      throw fail('signature', path.length - 1, top, 'self-issued certificate does not verify with its own key');
    }
  }

  // RFC 5280 §6.1 order: from the anchor down to the end entity.
  for (let i = path.length - 1; i >= 0; i--) {
    const entry = path[i]!;
    const { info } = entry;
    if (info.malformed !== undefined) throw fail('malformed', i, entry, info.malformed);
    if (!info.signatureAlgorithmsMatch)
      throw fail('malformed', i, entry, 'signatureAlgorithm differs from the TBSCertificate signature field');
    try {
      describeKey(entry.x509.publicKey);
    } catch (cause) {
      throw fail('unsupported-key', i, entry, (cause as Error).message, cause);
    }
    if (time < info.notBefore)
      throw fail('not-yet-valid', i, entry, `valid from ${info.notBefore.toISOString()}, checked at ${time.toISOString()}`);
    if (time > info.notAfter)
      throw fail('expired', i, entry, `valid until ${info.notAfter.toISOString()}, checked at ${time.toISOString()}`);
    if (info.unknownCritical.length > 0)
      throw fail('unsupported-critical-extension', i, entry, `critical ${info.unknownCritical.join(', ')}`);

    const issuer = path[i + 1];
    if (issuer !== undefined) {
      if (!namesChain(entry, issuer)) throw fail('issuer-mismatch', i, entry, `issuer is not the subject of certificate ${i + 1}`);
      if (!signedBy(entry.x509, issuer.x509))
        throw fail('signature', i, entry, `signature does not verify with the key of certificate ${i + 1}`);
    }
    if (i > 0) {
      const bc = info.basicConstraints;
      if (bc?.ca !== true) throw fail('not-ca', i, entry, 'issues certificates but basicConstraints cA is not set');
      if (info.keyUsage !== undefined && !info.keyUsage.has('keyCertSign')) throw fail('key-usage', i, entry, 'keyUsage lacks keyCertSign');
      // pathLenConstraint counts the non-self-issued intermediates below this certificate.
      let below = 0;
      for (let j = 1; j < i; j++) if (!sameBytes(path[j]!.info.issuerDer, path[j]!.info.subjectDer)) below++;
      if (bc.pathLength !== undefined && !(below <= bc.pathLength)) {
        throw fail('path-length', i, entry, `pathLenConstraint ${bc.pathLength} but ${below} intermediate certificates follow`);
      }
    }
  }
  return { chain: certs, trustAnchor };
}

function parsed(x509: X509Certificate, index: number): CertInfo {
  try {
    return certInfo(new Uint8Array(x509.raw));
  } catch (cause) {
    throw new CertChainError('malformed', index, x509.subject, 'certificate structure could not be parsed', { cause });
  }
}

/** Name chaining (§6.1.3 a.4): byte-equal names, or equal under OpenSSL's canonical comparison. */
function namesChain(child: PathEntry, issuer: PathEntry): boolean {
  return sameBytes(child.info.issuerDer, issuer.info.subjectDer) || child.x509.checkIssued(issuer.x509);
}

function signedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

function fail(reason: CertChainReason, index: number, entry: PathEntry, detail: string, cause?: unknown): CertChainError {
  return new CertChainError(reason, index, entry.x509.subject.replace(/\n/g, ', '), detail, cause === undefined ? undefined : { cause });
}
