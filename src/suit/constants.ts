/**
 * Code points of the SUIT manifest (draft-ietf-suit-manifest-37, CDDL in Appendix A and IANA in
 * §11) and of its companion drafts: update management (draft-ietf-suit-update-management),
 * multiple trust domains (draft-ietf-suit-trust-domains), firmware encryption
 * (draft-ietf-suit-firmware-encryption) and reports (draft-ietf-suit-report).
 */

/** CBOR tag of SUIT_Envelope_Tagged (§8.2; IANA considerations). */
export const SUIT_ENVELOPE_TAG = 107;
/** CBOR tag of SUIT_Manifest_Tagged (§8.4; IANA considerations). */
export const SUIT_MANIFEST_TAG = 1070;

/** The only manifest version this specification defines (§8.4.1). */
export const SUIT_MANIFEST_VERSION = 1;

/** SUIT_Envelope members (§8.2; trust domains). */
export const EnvelopeKey = {
  /** trust domains: suit-delegation, bstr .cbor SUIT_Delegation */
  delegation: 1,
  /** §8.3: suit-authentication-wrapper */
  authenticationWrapper: 2,
  /** §8.4: suit-manifest */
  manifest: 3,
  /** trust domains: severable suit-dependency-resolution */
  dependencyResolution: 15,
  /** §8.4.6: severable suit-payload-fetch */
  payloadFetch: 16,
  /** trust domains: severable suit-candidate-verification */
  candidateVerification: 18,
  /** §8.4.6: severable suit-install */
  install: 20,
  /** §8.4.4: severable suit-text */
  text: 23,
  /** update management: severable suit-coswid */
  coswid: 14,
} as const;

/** SUIT_Manifest members (§8.4; trust domains; update management). */
export const ManifestKey = {
  /** §8.4.1 */
  version: 1,
  /** §8.4.2 */
  sequenceNumber: 2,
  /** §8.4.5 */
  common: 3,
  /** §8.4.3 */
  referenceUri: 4,
  /** trust domains: suit-manifest-component-id */
  manifestComponentId: 5,
  /** update management: suit-set-version */
  setVersion: 6,
  /** §8.4.6 */
  validate: 7,
  /** §8.4.6 */
  load: 8,
  /** §8.4.6 */
  invoke: 9,
  /** update management: suit-coswid (severable) */
  coswid: 14,
  /** trust domains (severable) */
  dependencyResolution: 15,
  /** §8.4.6 (severable) */
  payloadFetch: 16,
  /** trust domains (severable) */
  candidateVerification: 18,
  /** §8.4.6 (severable) */
  install: 20,
  /** §8.4.4 (severable) */
  text: 23,
  /** trust domains: suit-uninstall, a command sequence */
  uninstall: 24,
} as const;

/** Manifest members that may be severed (§8.4.11, trust domains, update management). */
export const SEVERABLE_KEYS: ReadonlySet<number> = new Set([
  ManifestKey.coswid,
  ManifestKey.dependencyResolution,
  ManifestKey.payloadFetch,
  ManifestKey.candidateVerification,
  ManifestKey.install,
  ManifestKey.text,
]);

/** Manifest members that hold a bstr-wrapped SUIT_Command_Sequence (§8.4.6, trust domains). */
export const SEQUENCE_KEYS: ReadonlySet<number> = new Set([
  ManifestKey.validate,
  ManifestKey.load,
  ManifestKey.invoke,
  ManifestKey.dependencyResolution,
  ManifestKey.payloadFetch,
  ManifestKey.candidateVerification,
  ManifestKey.install,
  ManifestKey.uninstall,
]);

/** SUIT_Common members (§8.4.5; trust domains). */
export const CommonKey = {
  /** trust domains: suit-dependencies */
  dependencies: 1,
  /** §8.4.5 */
  components: 2,
  /** §8.4.5 */
  sharedSequence: 4,
} as const;

/** SUIT_Dependency_Metadata members (draft-ietf-suit-trust-domains-12 §5.2.2). */
export const DependencyMetadataKey = {
  /** suit-dependency-prefix: the SUIT_Component_Identifier scope of the Dependency. */
  dependencyPrefix: 1,
} as const;

/** SUIT_Text_LMap members (§8.4.4). */
export const TextKey = {
  manifestDescription: 1,
  updateDescription: 2,
  manifestJsonSource: 3,
  manifestYamlSource: 4,
} as const;

/** SUIT_Text_Component_Keys (§8.4.4). */
export const TextComponentKey = {
  vendorName: 1,
  modelName: 2,
  vendorDomain: 3,
  modelInfo: 4,
  componentDescription: 5,
  componentVersion: 6,
  /** update management */
  versionRequired: 7,
} as const;

/** SUIT_Condition and SUIT_Directive code points (§8.4.9, §8.4.10, IANA "SUIT Commands"; companions as noted). */
export const Command = {
  conditionVendorIdentifier: 1,
  conditionClassIdentifier: 2,
  conditionImageMatch: 3,
  /** update management */
  conditionUseBefore: 4,
  conditionComponentSlot: 5,
  conditionCheckContent: 6,
  /** trust domains */
  conditionDependencyIntegrity: 7,
  /** trust domains */
  conditionIsDependency: 8,
  /** trust domains */
  directiveProcessDependency: 11,
  directiveSetComponentIndex: 12,
  conditionAbort: 14,
  directiveTryEach: 15,
  directiveWrite: 18,
  /** trust domains */
  directiveSetParameters: 19,
  directiveOverrideParameters: 20,
  directiveFetch: 21,
  directiveCopy: 22,
  directiveInvoke: 23,
  conditionDeviceIdentifier: 24,
  /** update management */
  conditionImageNotMatch: 25,
  /** update management */
  conditionMinimumBattery: 26,
  /** update management */
  conditionUpdateAuthorized: 27,
  /** update management */
  conditionVersion: 28,
  /** update management */
  directiveWait: 29,
  directiveSwap: 31,
  directiveRunSequence: 32,
  /** trust domains */
  directiveUnlink: 33,
  /** update management */
  directiveOverrideMultiple: 34,
  /** update management */
  directiveCopyParams: 35,
} as const;

/** The spec name of each command (suit-condition-… / suit-directive-…), for output and errors. */
export const COMMAND_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(Command).map(([k, v]) => [v, k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)]),
);

/** SUIT_Parameters code points (§8.4.8, IANA "SUIT Parameters"; companions as noted). */
export const Parameter = {
  /** §8.4.8.3 */
  vendorIdentifier: 1,
  /** §8.4.8.4 */
  classIdentifier: 2,
  /** §8.4.8.6 */
  imageDigest: 3,
  /** update management */
  useBefore: 4,
  /** §8.4.8.8 */
  componentSlot: 5,
  /** §8.4.8.14 */
  strictOrder: 12,
  /** §8.4.8.15 */
  softFailure: 13,
  /** §8.4.8.7 */
  imageSize: 14,
  /** §8.4.8.9 */
  content: 18,
  /** firmware encryption §4 */
  encryptionInfo: 19,
  /** §8.4.8.10 */
  uri: 21,
  /** §8.4.8.11 */
  sourceComponent: 22,
  /** §8.4.8.12 */
  invokeArgs: 23,
  /** §8.4.8.5 */
  deviceIdentifier: 24,
  /** §8.4.8: suit-parameter-fetch-arguments */
  fetchArguments: 25,
  /** update management */
  minimumBattery: 26,
  /** update management */
  updatePriority: 27,
  /** update management: bstr .cbor SUIT_Parameter_Version_Match */
  version: 28,
  /** update management: bstr .cbor SUIT_Wait_Event */
  waitInfo: 29,
  /** update management: bstr .cbor SUIT_Component_Metadata */
  componentMetadata: 30,
} as const;

export const PARAMETER_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(Parameter).map(([k, v]) => [v, k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)]),
);

/** Parameters whose value is a bstr holding CBOR (§8.4.8.6, firmware encryption §4, update management). */
export const WRAPPED_PARAMETERS: ReadonlySet<number> = new Set([
  Parameter.imageDigest,
  Parameter.encryptionInfo,
  Parameter.version,
  Parameter.waitInfo,
  Parameter.componentMetadata,
]);

/** SUIT_Reporting_Policy bits (§8.4.7; used by draft-ietf-suit-report). */
export const ReportingPolicy = {
  sendRecordOnSuccess: 1,
  sendRecordOnFailure: 2,
  sendSysinfoOnSuccess: 4,
  sendSysinfoOnFailure: 8,
} as const;

/** SUIT_Digest algorithm ids: COSE hash algorithms (§8.3.1, RFC 9054 §2). */
export const DigestAlgorithm = {
  SHA256: -16,
  SHAKE128: -18,
  SHA384: -43,
  SHA512: -44,
  SHAKE256: -45,
} as const;

/** Version comparison types of suit-parameter-version (update management). */
export const VersionComparison = {
  greater: 1,
  greaterEqual: 2,
  equal: 3,
  lesserEqual: 4,
  lesser: 5,
} as const;

/**
 * COSE algorithm ids the SUIT profiles use (draft-ietf-suit-mti; RFC 9053, RFC 9864 for the fully
 * specified ESP256/ESP384/Ed25519, RFC 9459 for AES-CTR). Authentication: the signature and MAC
 * ids; firmware encryption: the key distribution and content encryption ids.
 */
export const SuitAlgorithm = {
  ES256: -7,
  ESP256: -9,
  ES384: -35,
  ESP384: -51,
  EdDSA: -8,
  Ed25519: -19,
  HMAC_256_256: 5,
  A128KW: -3,
  ECDH_ES_A128KW: -29,
  A128GCM: 1,
  A128CTR: -65534,
} as const;
