/**
 * The public API of src/crypto: key formats and generation, X.509 parsing, creation and chain
 * validation, CSRs, the SP 800-108 and FDO key derivations, ECDH, FFDH and RSA-OAEP.
 *
 * The architecture rule is "no reach into another module's lib/, no upward import"
 * (test/architecture.test.ts); importing this file is not required, and a named public file of the
 * module (e.g. x509-parse.ts) is just as good. Nothing here comes from lib/.
 */
export { type CertInfo, certInfo, KEY_USAGE_BITS, type KeyUsage, OID, sameBytes } from './cert-info.ts';
export { createCertificationRequest, readCertificationRequest } from './csr.ts';
export {
  deriveEcdhSecret,
  type EcdhCurve,
  type EcdhKeyPair,
  type EcPointCoordinates,
  exportEcPublicPoint,
  generateEcdhKeyPair,
  importEcPublicPoint,
} from './ecdh.ts';
export {
  CertChainError,
  type CertChainReason,
  CryptoError,
  type CryptoErrorCode,
  KeyFormatError,
  type KeyFormatName,
} from './errors.ts';
export {
  deriveFfdhSecret,
  type FfdhGenerateOptions,
  type FfdhGroup,
  type FfdhKeyPair,
  ffdhGroupParameters,
  generateFfdhKeyPair,
} from './ffdh.ts';
export { deriveFdoSessionKeyMaterial, FDO_KDF_PARAMETERS, type FdoKdfOptions } from './kdf-fdo.ts';
export { type CounterModeFieldWidth, type CounterModeKdfOptions, type CounterModePrf, deriveCounterModeKey } from './kdf-sp800-108.ts';
export { describeKey, type KeyDescription, RSA_MODULUS_BITS } from './key-describe.ts';
export {
  type CoseKeyExportOptions,
  exportPrivateKey,
  exportPublicKey,
  type PrivateKeyExportFormat,
  type PublicKeyExportFormat,
} from './key-export.ts';
export { type DetectedKeyFormat, detectKeyFormat, type KeyFormat, MAX_KEY_INPUT_BYTES } from './key-format.ts';
export { generateKeyPair, type KeyPair, type KeyPairType } from './key-generate.ts';
export { type ImportKeyOptions, importPrivateKey, importPublicKey } from './key-import.ts';
export { type RsaOaepHash, type RsaOaepOptions, rsaOaepDecrypt, rsaOaepEncrypt } from './rsa-oaep.ts';
export {
  type CertificateExtensionInput,
  type CertificateSignatureAlgorithm,
  type CreateCertificateOptions,
  createCertificate,
  type DistinguishedName,
} from './x509-create.ts';
export {
  type CertificateInput,
  type CertificateLimits,
  DEFAULT_CERTIFICATE_LIMITS,
  parseCertificate,
  parseCertificates,
} from './x509-parse.ts';
export { ipAddressOctets, subjectAltNameExtension } from './x509-san.ts';
export { type VerifiedCertificateChain, type VerifyCertificateChainOptions, verifyCertificateChain } from './x509-verify-chain.ts';
