/**
 * Code points of the SUIT manifest (draft-ietf-suit-manifest-37, CDDL in Appendix A and IANA in
 * §11) and of its companion drafts: update management (draft-ietf-suit-update-management),
 * multiple trust domains (draft-ietf-suit-trust-domains), firmware encryption
 * (draft-ietf-suit-firmware-encryption) and reports (draft-ietf-suit-report).
 */

/** CBOR tag of SUIT_Envelope_Tagged (§8.2; IANA §11.2). */
export const SUIT_ENVELOPE_TAG = 107;
/** CBOR tag of SUIT_Manifest_Tagged (§8.4; IANA §11.2). */
export const SUIT_MANIFEST_TAG = 1070;

/** The only manifest version this specification defines (§8.4.1). */
export const SUIT_MANIFEST_VERSION = 1;

/** SUIT_Envelope members (§8.2; trust domains §5.1 and §6). */
export const EnvelopeKey = {
  /** trust domains §4: suit-delegation, bstr .cbor SUIT_Delegation */
  delegation: 1,
  /** §8.3: suit-authentication-wrapper */
  authenticationWrapper: 2,
  /** §8.4: suit-manifest */
  manifest: 3,
  /** trust domains §5.1: severable suit-dependency-resolution */
  dependencyResolution: 15,
  /** §8.4.6: severable suit-payload-fetch */
  payloadFetch: 16,
  /** trust domains §5.2: severable suit-candidate-verification */
  candidateVerification: 18,
  /** §8.4.6: severable suit-install */
  install: 20,
  /** §8.4.4: severable suit-text */
  text: 23,
  /** update management §4.1: severable suit-coswid */
  coswid: 14,
} as const;

/** SUIT_Manifest members (§8.4; trust domains §3.1; update management §4). */
export const ManifestKey = {
  /** §8.4.1 */
  version: 1,
  /** §8.4.2 */
  sequenceNumber: 2,
  /** §8.4.5 */
  common: 3,
  /** §8.4.3 */
  referenceUri: 4,
  /** trust domains §3.1: suit-manifest-component-id */
  manifestComponentId: 5,
  /** §8.4.6 */
  validate: 7,
  /** §8.4.6 */
  load: 8,
  /** §8.4.6 */
  invoke: 9,
  /** update management §4.1: suit-coswid (severable) */
  coswid: 14,
  /** trust domains §5.1 (severable) */
  dependencyResolution: 15,
  /** §8.4.6 (severable) */
  payloadFetch: 16,
  /** trust domains §5.2 (severable) */
  candidateVerification: 18,
  /** §8.4.6 (severable) */
  install: 20,
  /** §8.4.4 (severable) */
  text: 23,
} as const;

/** Manifest members that may be severed (§8.4.11, trust domains §5, update management §4.1). */
export const SEVERABLE_KEYS: ReadonlySet<number> = new Set([
  ManifestKey.coswid,
  ManifestKey.dependencyResolution,
  ManifestKey.payloadFetch,
  ManifestKey.candidateVerification,
  ManifestKey.install,
  ManifestKey.text,
]);

/** Manifest members that hold a bstr-wrapped SUIT_Command_Sequence (§8.4.6, trust domains §5). */
export const SEQUENCE_KEYS: ReadonlySet<number> = new Set([
  ManifestKey.validate,
  ManifestKey.load,
  ManifestKey.invoke,
  ManifestKey.dependencyResolution,
  ManifestKey.payloadFetch,
  ManifestKey.candidateVerification,
  ManifestKey.install,
]);

/** SUIT_Common members (§8.4.5; trust domains §3.2). */
export const CommonKey = {
  /** trust domains §3.2: suit-dependencies */
  dependencies: 1,
  /** §8.4.5 */
  components: 2,
  /** §8.4.5 */
  sharedSequence: 4,
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
  /** update management §4.3 */
  versionRequired: 7,
} as const;

/** SUIT_Condition and SUIT_Directive code points (§8.4.9, §8.4.10, IANA §11.3; companions as noted). */
export const Command = {
  conditionVendorIdentifier: 1,
  conditionClassIdentifier: 2,
  conditionImageMatch: 3,
  /** update management §5.3.1 */
  conditionUseBefore: 4,
  conditionComponentSlot: 5,
  conditionCheckContent: 6,
  /** trust domains §3.5.1 */
  conditionDependencyIntegrity: 7,
  /** trust domains §3.5.2 */
  conditionIsDependency: 8,
  /** trust domains §3.5.3 */
  directiveProcessDependency: 11,
  directiveSetComponentIndex: 12,
  conditionAbort: 14,
  directiveTryEach: 15,
  directiveWrite: 18,
  /** trust domains §3.5.4 */
  directiveSetParameters: 19,
  directiveOverrideParameters: 20,
  directiveFetch: 21,
  directiveCopy: 22,
  directiveInvoke: 23,
  conditionDeviceIdentifier: 24,
  /** update management §5.3.2 */
  conditionImageNotMatch: 25,
  /** update management §5.3.3 */
  conditionMinimumBattery: 26,
  /** update management §5.3.4 */
  conditionUpdateAuthorized: 27,
  /** update management §5.3.5 */
  conditionVersion: 28,
  /** update management §5.4.1 */
  directiveWait: 29,
  /** update management §5.4.2 */
  directiveFetchUriList: 30,
  directiveSwap: 31,
  directiveRunSequence: 32,
  /** trust domains §3.5.5 */
  directiveUnlink: 33,
  /** update management §5.4.3 */
  directiveOverrideMultiple: 34,
  /** update management §5.4.4 */
  directiveCopyParams: 35,
} as const;

/** The spec name of each command (suit-condition-… / suit-directive-…), for output and errors. */
export const COMMAND_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(Command).map(([k, v]) => [v, k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)]),
);

/** SUIT_Parameters code points (§8.4.8, IANA §11.4; companions as noted). */
export const Parameter = {
  vendorIdentifier: 1,
  classIdentifier: 2,
  imageDigest: 3,
  /** update management §5.2.1 */
  useBefore: 4,
  componentSlot: 5,
  strictOrder: 12,
  softFailure: 13,
  imageSize: 14,
  content: 18,
  /** firmware encryption §4 */
  encryptionInfo: 19,
  uri: 21,
  sourceComponent: 22,
  invokeArgs: 23,
  deviceIdentifier: 24,
  /** update management §5.2.2 */
  minimumBattery: 26,
  /** update management §5.2.3 */
  updatePriority: 27,
  /** update management §5.2.4 */
  version: 28,
  /** update management §5.2.5 */
  waitInfo: 29,
  /** update management §5.2.6 */
  uriList: 30,
} as const;

export const PARAMETER_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(Parameter).map(([k, v]) => [v, k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)]),
);

/** Parameters whose value is a bstr holding CBOR (§8.4.8.6, firmware encryption §4, update management §5.2). */
export const WRAPPED_PARAMETERS: ReadonlySet<number> = new Set([
  Parameter.imageDigest,
  Parameter.encryptionInfo,
  Parameter.version,
  Parameter.waitInfo,
  Parameter.uriList,
]);

/** SUIT_Reporting_Policy bits (§8.4.7; draft-ietf-suit-report §4). */
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

/** Version comparison types of suit-parameter-version (update management §5.2.4). */
export const VersionComparison = {
  greater: 1,
  greaterEqual: 2,
  equal: 3,
  lesserEqual: 4,
  lesser: 5,
} as const;
