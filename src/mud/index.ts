/**
 * The public API of src/mud (RFC 8520): the typed model and its JSON, strict and lenient
 * validation, the builder, plain-language descriptions, MUD URL carriers (DHCP, LLDP, X.509) and
 * CMS signatures.
 *
 * The architecture rule is "no reach into another module's lib/, no upward import"
 * (test/architecture.test.ts); importing this file is not required, and a named public file of the
 * module (e.g. validate/parse-mud.ts) is just as good. Nothing here comes from lib/.
 */
export { type FlowSpec, type MudBasics, MudBuilder, type Peer, type TransparencySpec, type Transport } from './author/builder.ts';
export { ERR_MUD_SPEC, ERR_MUD_SPEC_INVALID, MudSpecError } from './author/errors.ts';
export { mudFromSpec, SPEC_FIELDS } from './author/spec.ts';
export { describeMud, type MudDescription, type RuleRow, rulesTable } from './describe/describe.ts';
export type {
  Ace,
  Acl,
  Actions,
  EthMatch,
  IcmpMatch,
  IpMatchCommon,
  Ipv4Match,
  Ipv6Match,
  Matches,
  MudMatch,
  PortMatch,
  TcpMatch,
  UdpMatch,
} from './model/acl.ts';
export type { OwnershipLicensing, QuarantinePolicy, TlsDtlsProfile, Transparency } from './model/extensions.ts';
export type { MudContainer, MudFile, Policy } from './model/mud-file.ts';
export { mudToJson } from './model/to-json.ts';
export type { DigestName, SignatureAlgorithm } from './signature/algorithms.ts';
export {
  DEFAULT_MUD_SIGNATURE_LIMITS,
  type MudSignatureLimits,
  type ParsedMudSignature,
  parseMudSignature,
  type SignedAttributes,
  type SignerIdentifier,
} from './signature/cms-parse.ts';
export { type SignMudFileOptions, signMudFile } from './signature/cms-sign.ts';
export { type VerifiedMudSignature, type VerifyMudSignatureOptions, verifyMudSignature } from './signature/cms-verify.ts';
export { type MudSignatureCheck, MudSignatureError, type MudSignatureErrorCode } from './signature/errors.ts';
export { defaultSignatureUrl, signatureUrlOf } from './signature/location.ts';
export { decodeDhcp4MudUrl, decodeDhcp6MudUrl, encodeDhcp4MudUrl, encodeDhcp6MudUrl } from './url/dhcp.ts';
export { MudUrlError, type MudUrlErrorCode, type MudUrlSource } from './url/errors.ts';
export { decodeLldpMudUrl, encodeLldpMudUrl } from './url/lldp.ts';
export { checkMudUrl, type DecodedMudString, decodeMudString, encodeMudString } from './url/mud-string.ts';
export {
  type CertificateMudExtensions,
  decodeMudSignerExtension,
  decodeMudUrlExtension,
  encodeMudSignerExtension,
  encodeMudUrlExtension,
  type MudSignerName,
  mudUrlFromCertificate,
  readCertificateMudExtensions,
} from './url/x509.ts';
export { ERR_MUD_JSON, ERR_MUD_TOO_DEEP, ERR_MUD_TOO_LARGE, ERR_MUD_TOO_MANY, MudInputError } from './validate/errors.ts';
export { MUD_ERROR_CODES, MUD_WARNING_CODES, type MudErrorCode, type MudIssue, type MudWarningCode } from './validate/issues.ts';
export { DEFAULT_MUD_LIMITS, type MudLimits } from './validate/limits.ts';
export { type MudParseOptions, type MudParseResult, parseMud, validateMud } from './validate/parse-mud.ts';
