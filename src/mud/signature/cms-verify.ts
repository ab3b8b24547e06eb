/**
 * Verifies a MUD file signature (RFC 8520 §13.2) over the MUD file's exact bytes, in this order,
 * stopping at the first failure with an error that names the check:
 *  1. digest: the message-digest signed attribute equals the file's digest (ERR_MUD_SIGNATURE_DIGEST);
 *  2. signature: the SignerInfo signature verifies with the signer certificate's key (…_SIGNATURE);
 *  3. signer: when the device's certificate carries id-pe-mudsigner (§11) or the caller names an
 *     expected signer, the signing certificate's subject must be that name (…_SIGNER);
 *  4. chain: the signer's path reaches a trust anchor and every certificate on it is valid at the
 *     verification time (…_EXPIRED for validity, …_CHAIN for everything else);
 *  5. key usage: the signing certificate has keyUsage with digitalSignature (§13.2) (…_KEY_USAGE).
 * With `checkChain: false` steps 4 and 5 are skipped: only the file's integrity and the key that
 * signed it are established, and the result says so.
 */
import { createHash, type KeyObject, verify, type X509Certificate } from 'node:crypto';
import { type CertInfo, certInfo, sameBytes } from '../../crypto/cert-info.ts';
import { CertChainError } from '../../crypto/errors.ts';
import { type CertificateInput, parseCertificates } from '../../crypto/x509-parse.ts';
import { verifyCertificateChain } from '../../crypto/x509-verify-chain.ts';
import { IotopiaError } from '../../errors.ts';
import { ID_CT_MUDTYPE } from '../url/constants.ts';
import { decodeMudSignerExtension, readCertificateMudExtensions } from '../url/x509.ts';
import type { DigestName } from './algorithms.ts';
import { type MudSignatureLimits, type ParsedMudSignature, parseMudSignature, type SignerIdentifier } from './cms-parse.ts';
import { MudSignatureError } from './errors.ts';
import { type NameInput, nameMatches, subjectText } from './signer-name.ts';

export interface VerifyMudSignatureOptions extends MudSignatureLimits {
  /** Trusted root (or intermediate) certificates; required unless `checkChain` is false. */
  trustAnchors?: readonly CertificateInput[];
  /** The verification time for certificate validity. Default: now. */
  time?: Date;
  /** Default true. False skips key usage, path and validity checks (`--no-chain`). */
  checkChain?: boolean;
  /** Further certificates (signer or intermediates) not carried in the signature. */
  certificates?: readonly CertificateInput[];
  /** The device's certificate: its id-pe-mudsigner, when present, names the required signer. */
  deviceCertificate?: CertificateInput;
  /** The required signer subject: a DER Name or text such as "CN=mud.example.com, O=Example". */
  expectedSigner?: NameInput;
}

export interface VerifiedMudSignature {
  /** The signing certificate's subject as text, and the certificate. */
  signer: string;
  signerCertificate: X509Certificate;
  signingTime: Date | undefined;
  digestAlgorithm: DigestName;
  signatureAlgorithm: string;
  /** `data` (id-data) or `mud` (id-ct-mudtype). */
  contentType: 'data' | 'mud';
  /** The checks that ran and passed, in order. */
  checks: Array<'digest' | 'signature' | 'signer' | 'chain' | 'key-usage'>;
  /** The certificate path from the signer up, and the anchor it ended at (absent without chain checks). */
  chain: X509Certificate[];
  trustAnchor: X509Certificate | undefined;
  /** Notes on what was not checked or looks wrong without failing verification. */
  warnings: string[];
}

/** Verifies `signature` (DER CMS) over `content`. Throws MudSignatureError naming the failed check. */
export function verifyMudSignature(
  content: Uint8Array,
  signature: Uint8Array | ParsedMudSignature,
  options: VerifyMudSignatureOptions = {},
): VerifiedMudSignature {
  if (!(content instanceof Uint8Array)) throw new TypeError('content must be a Uint8Array');
  const time = options.time ?? new Date();
  if (!(time instanceof Date) || Number.isNaN(time.getTime())) throw new TypeError('options.time must be a valid Date');
  const checkChain = options.checkChain ?? true;
  const parsed = signature instanceof Uint8Array ? parseMudSignature(signature, options) : signature;
  const extra = options.certificates === undefined || options.certificates.length === 0 ? [] : readExtra(options.certificates);
  const pool = [...parsed.certificates, ...extra];
  const { cert: signerCert, info } = findSigner(pool, parsed.signerId);
  const checks: VerifiedMudSignature['checks'] = [];
  const warnings: string[] = [];

  // 1. digest
  const attrs = parsed.signedAttributes;
  if (attrs !== undefined) {
    const digest = createHash(parsed.digestAlgorithm).update(content).digest();
    if (!sameBytes(digest, attrs.messageDigest)) {
      throw new MudSignatureError(
        'ERR_MUD_SIGNATURE_DIGEST',
        `the ${parsed.digestAlgorithm} digest of the MUD file differs from the signed message-digest: the file was changed`,
      );
    }
    checks.push('digest');
  } else {
    warnings.push('no signed attributes: the signature covers the file directly');
  }

  // 2. signature
  let publicKey: KeyObject;
  try {
    publicKey = signerCert.publicKey;
  } catch (cause) {
    throw new MudSignatureError('ERR_MUD_SIGNATURE_SIGNATURE', `the public key of ${subjectText(signerCert)} cannot be read`, { cause });
  }
  const keyType = publicKey.asymmetricKeyType;
  if (keyType !== parsed.signatureAlgorithm.key) {
    throw new MudSignatureError(
      'ERR_MUD_SIGNATURE_SIGNATURE',
      `the signer's key is ${keyType}, the signature algorithm is ${parsed.signatureAlgorithm.name}`,
    );
  }
  const hash = parsed.signatureAlgorithm.hash ?? parsed.digestAlgorithm;
  let ok = false;
  try {
    ok = verify(hash, attrs?.der ?? content, publicKey, parsed.signature);
  } catch {
    ok = false;
  }
  if (!ok)
    throw new MudSignatureError(
      'ERR_MUD_SIGNATURE_SIGNATURE',
      `the ${parsed.signatureAlgorithm.name} signature does not verify with the key of ${subjectText(signerCert)}`,
    );
  checks.push('signature');

  // 3. signer name
  const expected: { name: NameInput; from: string }[] = [];
  if (options.deviceCertificate !== undefined) {
    const ext = readDeviceCertificate(options.deviceCertificate);
    if (ext !== undefined) expected.push({ name: ext, from: "the device certificate's id-pe-mudsigner" });
    else warnings.push('the device certificate has no id-pe-mudsigner extension; the signer name was not constrained by it');
  }
  if (options.expectedSigner !== undefined) expected.push({ name: options.expectedSigner, from: 'the expected signer' });
  for (const e of expected) {
    if (!nameMatches(info.cert.subject, info.subjectDer, e.name)) {
      const want = e.name instanceof Uint8Array ? decodeMudSignerExtension(e.name).text : e.name;
      throw new MudSignatureError('ERR_MUD_SIGNATURE_SIGNER', `the signer is ${subjectText(signerCert)}, but ${e.from} is ${want}`);
    }
  }
  if (expected.length > 0) checks.push('signer');

  let chain: X509Certificate[] = [signerCert];
  let trustAnchor: X509Certificate | undefined;
  if (checkChain) {
    // 4. chain and validity
    chain = buildPath(signerCert, pool);
    try {
      const verified = verifyCertificateChain(chain, { trustAnchors: options.trustAnchors ?? [], time, maxCertificates: chain.length });
      trustAnchor = verified.trustAnchor;
    } catch (cause) {
      if (cause instanceof CertChainError) {
        const code =
          cause.reason === 'expired' || cause.reason === 'not-yet-valid' ? 'ERR_MUD_SIGNATURE_EXPIRED' : 'ERR_MUD_SIGNATURE_CHAIN';
        throw new MudSignatureError(code, `the signer's certificate path: ${cause.message}`, { cause });
      }
      if (cause instanceof IotopiaError) throw new MudSignatureError('ERR_MUD_SIGNATURE_CHAIN', cause.message, { cause });
      throw cause;
    }
    checks.push('chain');
    // 5. key usage (RFC 8520 §13.2: present, with digitalSignature)
    if (info.keyUsage === undefined)
      throw new MudSignatureError(
        'ERR_MUD_SIGNATURE_KEY_USAGE',
        `the signing certificate ${subjectText(signerCert)} has no keyUsage extension; RFC 8520 §13.2 requires digitalSignature`,
      );
    if (!info.keyUsage.has('digitalSignature'))
      throw new MudSignatureError(
        'ERR_MUD_SIGNATURE_KEY_USAGE',
        `the signing certificate ${subjectText(signerCert)} lacks keyUsage digitalSignature`,
      );
    checks.push('key-usage');
  } else {
    warnings.push('certificate chain, validity and key usage not checked');
    if (time < info.notBefore || time > info.notAfter) {
      warnings.push(
        `the signing certificate is valid ${info.notBefore.toISOString()} to ${info.notAfter.toISOString()}, not at ${time.toISOString()}`,
      );
    }
  }

  const signed = attrs?.signingTime;
  if (signed !== undefined && (signed < info.notBefore || signed > info.notAfter)) {
    warnings.push(`the signing-time ${signed.toISOString()} is outside the signing certificate's validity`);
  }
  return {
    signer: subjectText(signerCert),
    signerCertificate: signerCert,
    signingTime: attrs?.signingTime,
    digestAlgorithm: parsed.digestAlgorithm,
    signatureAlgorithm: parsed.signatureAlgorithm.name,
    contentType: parsed.contentType === ID_CT_MUDTYPE ? 'mud' : 'data',
    checks,
    chain,
    trustAnchor,
    warnings,
  };
}

function readExtra(certs: readonly CertificateInput[]): X509Certificate[] {
  try {
    return parseCertificates([...certs], { maxCertificates: 20 });
  } catch (cause) {
    if (cause instanceof IotopiaError)
      throw new MudSignatureError('ERR_MUD_SIGNATURE_CHAIN', `a given certificate is invalid: ${cause.message}`, { cause });
    throw cause;
  }
}

function readDeviceCertificate(input: CertificateInput): Uint8Array | undefined {
  try {
    return readCertificateMudExtensions(input).mudSigner?.der;
  } catch (cause) {
    if (cause instanceof IotopiaError)
      throw new MudSignatureError('ERR_MUD_SIGNATURE_SIGNER', `the device certificate: ${cause.message}`, { cause });
    throw cause;
  }
}

/** A serial number in hex as a comparable value (leading zeros and case do not matter). */
const serialValue = (hex: string): string => hex.toLowerCase().replace(/^0+(?=.)/, '');

const stripZeros = (b: Uint8Array): Uint8Array => {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
};

/**
 * The certificate the SignerIdentifier names (RFC 5652 §5.3), with its parsed form. The serial
 * number is compared on node's X509Certificate first, so that only a candidate is parsed by pkijs.
 */
function findSigner(pool: readonly X509Certificate[], sid: SignerIdentifier): { cert: X509Certificate; info: CertInfo } {
  const wantSerial = 'serialNumber' in sid ? serialValue(Buffer.from(sid.serialNumber).toString('hex')) : undefined;
  for (const cert of pool) {
    if (wantSerial !== undefined && serialValue(cert.serialNumber) !== wantSerial) continue;
    let info: CertInfo;
    try {
      info = certInfo(new Uint8Array(cert.raw));
    } catch {
      continue;
    }
    if ('subjectKeyIdentifier' in sid) {
      if (info.subjectKeyIdentifier !== undefined && sameBytes(info.subjectKeyIdentifier, sid.subjectKeyIdentifier)) return { cert, info };
    } else if (
      sameBytes(stripZeros(new Uint8Array(info.cert.serialNumber.valueBlock.valueHexView)), stripZeros(sid.serialNumber)) &&
      sameBytes(info.issuerDer, sid.issuer)
    ) {
      return { cert, info };
    }
  }
  const which =
    'subjectKeyIdentifier' in sid
      ? `subject key identifier ${Buffer.from(sid.subjectKeyIdentifier).toString('hex')}`
      : `serial number ${Buffer.from(sid.serialNumber).toString('hex')}`;
  throw new MudSignatureError('ERR_MUD_SIGNATURE_NO_SIGNER', `no certificate matches the signer (${which}); give the signer's certificate`);
}

/** Orders the path from the signer up through the pool: each next certificate issued the previous. */
function buildPath(signer: X509Certificate, pool: readonly X509Certificate[]): X509Certificate[] {
  const path = [signer];
  let current = signer;
  while (path.length <= pool.length) {
    if (current.checkIssued(current)) break; // self-issued: the top
    const issuer = pool.find((c) => !path.includes(c) && current.checkIssued(c) && safeVerify(current, c));
    if (issuer === undefined) break;
    path.push(issuer);
    current = issuer;
  }
  return path;
}

function safeVerify(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}
