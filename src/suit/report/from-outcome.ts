/**
 * Builds a SUIT_Report (draft-ietf-suit-report) from what the processor did (SuitProcessOutcome):
 * the reference to the root manifest, one SUIT_Record per reported command (section and byte offset
 * located in the manifest), and the result with its SUIT_Report_Reasons value.
 */
import { encode } from '../../codec/cbor.ts';
import { encodeSequence, type SuitCommand, sequenceValue } from '../commands.ts';
import { ManifestKey, SEQUENCE_KEYS } from '../constants.ts';
import { SuitError, type SuitErrorCode } from '../errors.ts';
import { encodeCommon, MANIFEST_KEY_NAMES, type SuitManifest } from '../manifest.ts';
import { parameterName, type SuitParameter } from '../parameters.ts';
import type { SuitFailurePoint, SuitProcessOutcome, SuitRecord } from '../process/outcome.ts';
import { ReportReason } from './constants.ts';
import type { SuitCapabilityReport, SuitReport, SuitReportRecord } from './report.ts';

/** Where a command sits: the dependency walk, the manifest section and the byte offset in it. */
export interface RecordLocation {
  manifestId: number[];
  section: number;
  offset: number;
}

export interface BuildReportOptions {
  /** The root manifest the outcome is about: its reference URI and its sequences (for offsets). */
  manifest: SuitManifest;
  /**
   * Severable members the envelope carries (SuitEnvelope.severable): a severed sequence is located
   * in its member, the offset counting from the start of the member's bytes.
   */
  severable?: ReadonlyMap<number, { sequence?: SuitCommand[] }>;
  /** suit-report-nonce, e.g. from the party that asked for the report. */
  nonce?: Uint8Array;
  capabilities?: SuitCapabilityReport;
  /**
   * Locates a record the default cannot (e.g. commands of dependency manifests). Return undefined
   * to fall back to the default: the root manifest, the sequence named by the record.
   */
  locate?: (sequence: string, commandIndex: number) => RecordLocation | undefined;
}

const NAME_TO_KEY = new Map([...MANIFEST_KEY_NAMES].map(([k, name]) => [name, k]));

/** Length of a CBOR head for an array of `n` elements (RFC 8949 §3). */
function arrayHeadLength(n: number): number {
  if (n < 24) return 1;
  if (n < 0x100) return 2;
  if (n < 0x10000) return 3;
  return 5;
}

/** Byte offset of command `index` within the encoded sequence (its code, after the array head). */
export function commandOffset(commands: readonly SuitCommand[], index: number): number {
  const flat = sequenceValue(commands);
  let offset = arrayHeadLength(flat.length);
  for (let i = 0; i < 2 * index; i++) offset += encode(flat[i]).length;
  return offset;
}

const inputError = (path: string, message: string) => new SuitError('ERR_SUIT_REPORT_INPUT', path, message);

function defaultLocation(opts: BuildReportOptions, sequence: string, commandIndex: number): RecordLocation {
  const manifest = opts.manifest;
  const name = sequence.slice(sequence.lastIndexOf('.') + 1);
  if (name !== sequence) throw inputError(sequence, 'a record of a dependency manifest needs a `locate` function');
  const check = (commands: readonly SuitCommand[]) => {
    if (!Number.isInteger(commandIndex) || commandIndex < 0 || commandIndex >= commands.length) {
      throw inputError(sequence, `command ${commandIndex} is outside the ${commands.length} commands of the sequence`);
    }
  };
  if (name === 'shared-sequence') {
    // The shared sequence lives in suit-common (§8.4.5): the section is common (3) and the offset
    // counts from the start of the common member's bytes.
    const shared = manifest.common.sharedSequence;
    if (shared === undefined) throw inputError(sequence, 'the manifest has no shared sequence');
    check(shared);
    const bytes = encodeSequence(shared);
    const asBstr = encode(bytes);
    const at = Buffer.from(encodeCommon(manifest.common)).indexOf(Buffer.from(asBstr));
    if (at < 0) throw inputError(sequence, 'shared sequence not found in suit-common');
    return {
      manifestId: [],
      section: ManifestKey.common,
      offset: at + (asBstr.length - bytes.length) + commandOffset(shared, commandIndex),
    };
  }
  const key = NAME_TO_KEY.get(name);
  if (key === undefined) throw inputError(sequence, `"${name}" is not a manifest member`);
  const commands = manifest.sequences.get(key) ?? opts.severable?.get(key)?.sequence;
  if (commands === undefined) {
    // A member that is no command sequence (e.g. the sequence number checked against rollback):
    // the record points at the member itself.
    if (manifest.severed.has(key)) throw inputError(sequence, `the ${name} sequence is severed and not among the given severable members`);
    if (SEQUENCE_KEYS.has(key)) throw inputError(sequence, `the manifest has no ${name} sequence`);
    return { manifestId: [], section: key, offset: 0 };
  }
  check(commands);
  return { manifestId: [], section: key, offset: commandOffset(commands, commandIndex) };
}

function properties(parameters: Record<number, unknown> | undefined): SuitParameter[] {
  if (parameters === undefined) return [];
  return Object.entries(parameters).map(([k, value]) => {
    const code = Number(k);
    return { code, name: parameterName(code), value };
  });
}

function toRecord(
  opts: BuildReportOptions,
  r: SuitFailurePoint | SuitRecord,
  parameters: Record<number, unknown> | undefined,
): SuitReportRecord {
  const at = opts.locate?.(r.sequence, r.commandIndex) ?? defaultLocation(opts, r.sequence, r.commandIndex);
  return {
    kind: 'record',
    manifestId: at.manifestId,
    section: at.section,
    offset: at.offset,
    componentIndex: r.componentIndex ?? 0,
    properties: properties(parameters),
    extensions: [],
  };
}

const REASON_BY_CODE: ReadonlyMap<string, number> = new Map<SuitErrorCode, number>([
  ['ERR_SUIT_CBOR', ReportReason.cborParse],
  ['ERR_SUIT_MALFORMED', ReportReason.cborParse],
  ['ERR_SUIT_LIMIT', ReportReason.cborParse],
  ['ERR_SUIT_UNAUTHENTICATED', ReportReason.unauthorised],
  ['ERR_SUIT_AUTH_FAILED', ReportReason.unauthorised],
  ['ERR_SUIT_UNKNOWN_COMMAND', ReportReason.commandUnsupported],
  ['ERR_SUIT_SEVERED', ReportReason.severingUnsupported],
  ['ERR_SUIT_UNSUPPORTED', ReportReason.algUnsupported],
  ['ERR_SUIT_DECRYPT_UNSUPPORTED', ReportReason.algUnsupported],
]);

/**
 * The SUIT_Report_Reasons value for a failure: the structural and authentication codes map to
 * their reasons; otherwise a failed condition is condition-failed, any other command operation-failed.
 */
export function reasonFor(code: string, command: string): number {
  return REASON_BY_CODE.get(code) ?? (command.startsWith('condition-') ? ReportReason.conditionFailed : ReportReason.operationFailed);
}

/**
 * suit-report-result-code: the draft leaves it to the processor ("for debugging"). IoTopia writes
 * the 32-bit FNV-1a hash of its error code (e.g. ERR_SUIT_ROLLBACK) with the top bit cleared, so the
 * same code always gives the same number and `resultCodeName` can name it.
 */
export function resultCodeOf(code: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < code.length; i++) {
    h ^= code.charCodeAt(i) & 0xff;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h & 0x7fffffff;
}

/** The error code among `candidates` whose result code is `n`. */
export function resultCodeName(n: number, candidates: Iterable<string>): string | undefined {
  for (const c of candidates) if (resultCodeOf(c) === n) return c;
  return undefined;
}

/** Builds the SUIT_Report of an outcome. */
export function buildReport(outcome: SuitProcessOutcome, opts: BuildReportOptions): SuitReport {
  if (opts === null || typeof opts !== 'object' || opts.manifest === undefined)
    throw new TypeError('buildReport: options with the manifest are required');
  const reference: SuitReport['reference'] = { digest: outcome.manifestDigest };
  if (opts.manifest.referenceUri !== undefined) reference.uri = opts.manifest.referenceUri;
  const records = outcome.records.map((r) => toRecord(opts, r, r.parameters));
  let result: SuitReport['result'];
  if (outcome.result.ok) result = { ok: true };
  else {
    const f = outcome.result.failedAt;
    const measured = outcome.records.find((r) => r.sequence === f.sequence && r.commandIndex === f.commandIndex)?.parameters;
    result = {
      ok: false,
      code: resultCodeOf(outcome.result.code),
      record: toRecord(opts, f, measured),
      reason: reasonFor(outcome.result.code, f.command),
    };
  }
  const report: SuitReport = { reference, records, result, extensions: new Map() };
  if (opts.nonce !== undefined) report.nonce = opts.nonce;
  if (opts.capabilities !== undefined) report.capabilities = opts.capabilities;
  return report;
}
