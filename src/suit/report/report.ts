/**
 * SUIT_Report (draft-ietf-suit-report): the model, its deterministic CBOR encoding (RFC 8949 §4.2.1:
 * shortest integers, map keys in bytewise order of their encodings) and a strict decoder with limits.
 */
import { bytesEqual } from '../../codec/bytes.ts';
import { encode } from '../../codec/cbor.ts';
import { digestValue, readDigest, type SuitDigest } from '../digest.ts';
import { SuitError } from '../errors.ts';
import { asArray, asBytes, asIndex, asInt, asMap, asText, decodeCbor, intKey, malformed } from '../lib/read.ts';
import { parametersValue, readParameters, type SuitParameter } from '../parameters.ts';
import { readComponentId } from '../text.ts';
import { CapabilityKey, REPORT_REASON_NAMES, RecordIndex, ReportKey, ResultKey, SYSTEM_COMPONENT_ID } from './constants.ts';

/** SUIT_Record: where a command ran and what it measured ("The SUIT Record"). */
export interface SuitReportRecord {
  kind: 'record';
  /** Walk of the dependency tree from the root manifest; empty for the root itself. */
  manifestId: number[];
  /** Key of the manifest member (section) holding the command. */
  section: number;
  /** Byte offset of the command inside that section. */
  offset: number;
  componentIndex: number;
  properties: SuitParameter[];
  /** $$SUIT_Record_Extensions: elements after the fifth, as decoded. */
  extensions: unknown[];
}

/** system-property-claims: measured properties of one component. */
export interface SuitSystemProperties {
  kind: 'system-properties';
  componentId: Uint8Array[];
  properties: SuitParameter[];
}

export type SuitReportEntry = SuitReportRecord | SuitSystemProperties;

export type SuitReportResult =
  | { ok: true }
  | {
      ok: false;
      /** suit-report-result-code: the processor's own code, for debugging. */
      code: number;
      record: SuitReportRecord;
      /** SUIT_Report_Reasons */
      reason: number;
    };

/** SUIT_Capability_Report ("Capability Reporting"). */
export interface SuitCapabilityReport {
  /** suit-component-capabilities: component id prefixes; `wildcard` is the optional final true. */
  components: { prefix: Uint8Array[]; wildcard: boolean }[];
  /** The lists of ints, by capability key (commands 2, parameters 3, algorithms 4, …). */
  lists: Map<number, number[]>;
  /** Members with other keys (e.g. `[+int] => [+int]`), as decoded. */
  extensions: Map<unknown, unknown>;
}

export interface SuitReport {
  reference: { uri?: string; digest: SuitDigest };
  nonce?: Uint8Array;
  records: SuitReportEntry[];
  result: SuitReportResult;
  capabilities?: SuitCapabilityReport;
  /** $$SUIT_Report_Extensions, as decoded. */
  extensions: Map<number, unknown>;
}

/** Limits of the report decoder. */
export interface ReportLimits {
  /** Most bytes of an encoded report (default 256 KiB). */
  maxBytes: number;
  /** Most entries in suit-report-records (default 1024). */
  maxRecords: number;
}

export const DEFAULT_REPORT_LIMITS: Readonly<ReportLimits> = Object.freeze({ maxBytes: 256 * 1024, maxRecords: 1024 });

// --- encoding ---

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** A map with its keys in the bytewise order of their encodings (RFC 8949 §4.2.1). */
export function deterministicMap(entries: Iterable<[unknown, unknown]>): Map<unknown, unknown> {
  const list = [...entries].map(([k, v]) => ({ k, v, e: encode(k) }));
  list.sort((x, y) => compareBytes(x.e, y.e));
  for (let i = 1; i < list.length; i++) {
    if (bytesEqual(list[i]!.e, list[i - 1]!.e)) throw new TypeError('deterministic map: duplicate key');
  }
  return new Map(list.map(({ k, v }) => [k, v]));
}

const propertiesValue = (p: readonly SuitParameter[]) => deterministicMap(parametersValue(p));

function recordValue(r: SuitReportRecord): unknown[] {
  return [r.manifestId, r.section, r.offset, r.componentIndex, propertiesValue(r.properties), ...r.extensions];
}

function entryValue(e: SuitReportEntry): unknown {
  if (e.kind === 'record') return recordValue(e);
  return deterministicMap([[SYSTEM_COMPONENT_ID, e.componentId], ...parametersValue(e.properties)]);
}

function capabilitiesValue(c: SuitCapabilityReport): Map<unknown, unknown> {
  const entries: [unknown, unknown][] = [
    [CapabilityKey.components, c.components.map((x) => (x.wildcard ? [...x.prefix, true] : x.prefix))],
  ];
  for (const [k, v] of c.lists) entries.push([k, v]);
  for (const [k, v] of c.extensions) entries.push([k, v]);
  return deterministicMap(entries);
}

/** The SUIT_Report as a CBOR value (maps in deterministic order). */
export function reportValue(r: SuitReport): Map<unknown, unknown> {
  const reference: unknown[] = r.reference.uri === undefined ? [] : [r.reference.uri];
  reference.push(digestValue(r.reference.digest));
  const entries: [unknown, unknown][] = [
    [ReportKey.reference, reference],
    [ReportKey.records, r.records.map(entryValue)],
    [
      ReportKey.result,
      r.result.ok
        ? true
        : deterministicMap([
            [ResultKey.code, r.result.code],
            [ResultKey.record, recordValue(r.result.record)],
            [ResultKey.reason, r.result.reason],
          ]),
    ],
  ];
  if (r.nonce !== undefined) entries.push([ReportKey.nonce, r.nonce]);
  if (r.capabilities !== undefined) entries.push([ReportKey.capabilityReport, capabilitiesValue(r.capabilities)]);
  for (const [k, v] of r.extensions) entries.push([k, v]);
  return deterministicMap(entries);
}

/** Encodes a SUIT_Report deterministically. */
export const encodeReport = (r: SuitReport): Uint8Array => encode(reportValue(r));

// --- decoding ---

const PROPERTY_BYTES = 64 * 1024;

function asUintNumber(v: unknown, path: string): number {
  const n = asInt(v, path);
  if (typeof n !== 'number' || n < 0) throw malformed(path, 'expected an unsigned integer below 2^53');
  return n;
}

function readRecord(v: unknown, path: string): SuitReportRecord {
  const a = asArray(v, path);
  if (a.length < 5) throw malformed(path, `a SUIT_Record has at least 5 elements, got ${a.length}`);
  const manifestId = asArray(a[RecordIndex.manifestId], `${path}.manifest-id`).map((x, i) => asUintNumber(x, `${path}.manifest-id[${i}]`));
  const section = asInt(a[RecordIndex.manifestSection], `${path}.manifest-section`);
  if (typeof section !== 'number') throw malformed(`${path}.manifest-section`, 'out of range');
  return {
    kind: 'record',
    manifestId,
    section,
    offset: asUintNumber(a[RecordIndex.sectionOffset], `${path}.section-offset`),
    componentIndex: asIndex(a[RecordIndex.componentIndex], `${path}.component-index`),
    properties: readParameters(asMap(a[RecordIndex.properties], `${path}.properties`), `${path}.properties`, PROPERTY_BYTES),
    extensions: a.slice(5),
  };
}

function readSystemProperties(v: Map<unknown, unknown>, path: string): SuitSystemProperties {
  if (!v.has(SYSTEM_COMPONENT_ID)) throw malformed(path, 'system-property-claims need system-component-id (0)');
  const rest = new Map([...v].filter(([k]) => k !== SYSTEM_COMPONENT_ID));
  if (rest.size === 0) throw malformed(path, 'system-property-claims need at least one parameter');
  return {
    kind: 'system-properties',
    componentId: readComponentId(v.get(SYSTEM_COMPONENT_ID), `${path}.system-component-id`),
    properties: readParameters(rest, path, PROPERTY_BYTES),
  };
}

function readResult(v: unknown, path: string): SuitReportResult {
  if (v === true) return { ok: true };
  const m = asMap(v, path);
  for (const k of m.keys()) {
    const key = intKey(k, path);
    if (key !== ResultKey.code && key !== ResultKey.record && key !== ResultKey.reason) throw malformed(path, `unknown member ${key}`);
  }
  for (const [k, name] of [
    [ResultKey.code, 'result-code'],
    [ResultKey.record, 'result-record'],
    [ResultKey.reason, 'result-reason'],
  ] as const) {
    if (!m.has(k)) throw malformed(path, `missing suit-report-${name} (${k})`);
  }
  const code = asInt(m.get(ResultKey.code), `${path}.result-code`);
  const reason = asIndex(m.get(ResultKey.reason), `${path}.result-reason`);
  if (!REPORT_REASON_NAMES.has(reason)) throw malformed(`${path}.result-reason`, `unknown SUIT_Report_Reasons value ${reason}`);
  if (typeof code !== 'number') throw malformed(`${path}.result-code`, 'out of range');
  return { ok: false, code, record: readRecord(m.get(ResultKey.record), `${path}.result-record`), reason };
}

function readIntList(v: unknown, path: string): number[] {
  const a = asArray(v, path);
  if (a.length === 0) throw malformed(path, 'a capability list has at least one element');
  return a.map((x, i) => {
    const n = asInt(x, `${path}[${i}]`);
    if (typeof n !== 'number') throw malformed(`${path}[${i}]`, 'out of range');
    return n;
  });
}

function readCapabilities(v: unknown, path: string): SuitCapabilityReport {
  const m = asMap(v, path);
  const out: SuitCapabilityReport = { components: [], lists: new Map(), extensions: new Map() };
  for (const k of [CapabilityKey.components, CapabilityKey.commands, CapabilityKey.parameters, CapabilityKey.cryptAlgorithms]) {
    if (!m.has(k)) throw malformed(path, `missing required capability list ${k}`);
  }
  for (const [k, val] of m) {
    if (k === CapabilityKey.components) {
      const list = asArray(val, `${path}.components`);
      if (list.length === 0) throw malformed(`${path}.components`, 'at least one component capability');
      out.components = list.map((c, i) => {
        const at = `${path}.components[${i}]`;
        const parts = asArray(c, at);
        const wildcard = parts.length > 0 && parts[parts.length - 1] === true;
        const prefix = (wildcard ? parts.slice(0, -1) : parts).map((p, j) => asBytes(p, `${at}[${j}]`));
        return { prefix, wildcard };
      });
    } else if (typeof k === 'number' && k >= CapabilityKey.commands && k <= CapabilityKey.dependency) {
      out.lists.set(k, readIntList(val, `${path}.${k}`));
    } else {
      out.extensions.set(k, val);
    }
  }
  return out;
}

function readReport(v: unknown, limits: ReportLimits): SuitReport {
  const path = 'report';
  const m = asMap(v, path);
  for (const [k, name] of [
    [ReportKey.reference, 'reference'],
    [ReportKey.records, 'records'],
    [ReportKey.result, 'result'],
  ] as const) {
    if (!m.has(k)) throw malformed(path, `missing suit-${name === 'reference' ? '' : 'report-'}${name} (${k})`);
  }
  const ref = asArray(m.get(ReportKey.reference), `${path}.reference`);
  if (ref.length !== 1 && ref.length !== 2) throw malformed(`${path}.reference`, `SUIT_Reference has 1 or 2 elements, got ${ref.length}`);
  const reference: SuitReport['reference'] = { digest: readDigest(ref[ref.length - 1], `${path}.reference.manifest-digest`) };
  if (ref.length === 2) reference.uri = asText(ref[0], `${path}.reference.manifest-uri`);
  const rawRecords = asArray(m.get(ReportKey.records), `${path}.records`);
  if (rawRecords.length > limits.maxRecords) {
    throw new SuitError('ERR_SUIT_LIMIT', `${path}.records`, `${rawRecords.length} records, more than the ${limits.maxRecords} allowed`);
  }
  const records = rawRecords.map((r, i) =>
    r instanceof Map ? readSystemProperties(r, `${path}.records[${i}]`) : readRecord(r, `${path}.records[${i}]`),
  );
  const report: SuitReport = { reference, records, result: readResult(m.get(ReportKey.result), `${path}.result`), extensions: new Map() };
  for (const [k, val] of m) {
    const key = intKey(k, path);
    if (key === ReportKey.nonce) report.nonce = asBytes(val, `${path}.nonce`);
    else if (key === ReportKey.capabilityReport) report.capabilities = readCapabilities(val, `${path}.capability-report`);
    else if (key !== ReportKey.reference && key !== ReportKey.records && key !== ReportKey.result) report.extensions.set(key, val);
  }
  return report;
}

/** Runs a reader, turning the generic SUIT decode failures into ERR_SUIT_REPORT_MALFORMED. */
export function asReportError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof SuitError && (e.code === 'ERR_SUIT_MALFORMED' || e.code === 'ERR_SUIT_CBOR' || e.code === 'ERR_SUIT_UNSUPPORTED')) {
      throw new SuitError('ERR_SUIT_REPORT_MALFORMED', e.path, e.message.slice(e.path === '' ? 0 : e.path.length + 2), { cause: e });
    }
    throw e;
  }
}

/** Decodes an unprotected SUIT_Report from outside bytes. */
export function decodeReport(bytes: Uint8Array, limits: Partial<ReportLimits> = {}): SuitReport {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('decodeReport expects a Uint8Array');
  const l = { ...DEFAULT_REPORT_LIMITS, ...limits };
  if (bytes.length > l.maxBytes)
    throw new SuitError('ERR_SUIT_LIMIT', 'report', `${bytes.length} bytes, more than the ${l.maxBytes} allowed`);
  return asReportError(() => readReport(decodeCbor(bytes, 'report', l.maxBytes), l));
}
