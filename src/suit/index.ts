/**
 * The public API of src/suit (draft-ietf-suit-manifest and its companions): envelopes and
 * manifests, creating, signing and verifying them, inspection, payload encryption, processing on a
 * (simulated) device, and SUIT reports.
 *
 * The architecture rule is "no reach into another module's lib/, no upward import"
 * (test/architecture.test.ts); importing this file is not required, and a named public file of the
 * module (e.g. authenticate.ts) is just as good. Nothing here comes from lib/.
 */
export {
  type BlockResult,
  defaultAlgorithm,
  type SignEnvelopeOptions,
  type SuitKey,
  severEnvelope,
  signEnvelope,
  type VerifiedEnvelope,
  type VerifyEnvelopeOptions,
  verifyEnvelope,
} from './authenticate.ts';
export { commandName, type SuitCommand, type SuitCommandArgument } from './commands.ts';
export {
  COMMAND_NAMES,
  Command,
  DigestAlgorithm,
  PARAMETER_NAMES,
  Parameter,
  ReportingPolicy,
  SUIT_ENVELOPE_TAG,
  SUIT_MANIFEST_TAG,
  SUIT_MANIFEST_VERSION,
  SuitAlgorithm,
} from './constants.ts';
export { type BuildEnvelopeOptions, buildEnvelope } from './create/build.ts';
export {
  type ComponentDescription,
  type DescriptionOptions,
  type ManifestDescription,
  parseDescription,
} from './create/description.ts';
export { envelopeDiag } from './diag.ts';
export { digestAlgorithmName, type SuitDigest } from './digest.ts';
export { type DecryptPayloadInput, decryptPayload, type SuitDecryptionKey } from './encryption/decrypt-payload.ts';
export { type EncryptedPayload, type EncryptPayloadInput, encryptPayload, type PayloadRecipient } from './encryption/encrypt-payload.ts';
export { DEFAULT_DECRYPT_LIMITS, type DecryptLimits } from './encryption/profile.ts';
export { decodeEnvelope, type EnvelopeDecodeOptions, type SuitEnvelope } from './envelope.ts';
export { SuitError, type SuitErrorCode } from './errors.ts';
export { envelopeJson, envelopeText } from './inspect.ts';
export { MANIFEST_KEY_NAMES, type SuitManifest } from './manifest.ts';
export { type ComponentId, componentKey, componentName, type SuitDevice, type SuitDeviceIdentity } from './process/device.ts';
export { SuitProcessError, type SuitProcessErrorCode } from './process/errors.ts';
export type { SuitFailurePoint, SuitProcessOutcome, SuitProcessResult, SuitRecord } from './process/outcome.ts';
export { type ProcessEnvelopeOptions, processEnvelope, type SuitProcessRun } from './process/process-envelope.ts';
export {
  createSimulatedDevice,
  type SimulatedComponent,
  type SimulatedDevice,
  type SimulatedDeviceOptions,
  type SimulatedEvent,
} from './process/simulated-device.ts';
export type { SuitStep } from './process/steps.ts';
export { REPORT_REASON_NAMES } from './report/constants.ts';
export { type BuildReportOptions, buildReport } from './report/from-outcome.ts';
export { reportJson } from './report/inspect.ts';
export { type OpenedReport, type OpenReportOptions, openReport, type ProtectReportOptions, protectReport } from './report/protect.ts';
export { decodeReport, encodeReport, type SuitReport, type SuitReportEntry } from './report/report.ts';
