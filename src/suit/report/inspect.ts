/** A JSON view of a SUIT_Report, for `iotopia suit report inspect --json` and for people. */
import { algorithmName } from '../../codec/cose/algorithms.ts';
import { Parameter } from '../constants.ts';
import type { SuitDigest } from '../digest.ts';
import { digestJson, uuidText, valueJson } from '../inspect.ts';
import { manifestKeyName } from '../manifest.ts';
import type { SuitParameter } from '../parameters.ts';
import { CAPABILITY_NAMES, REPORT_REASON_NAMES } from './constants.ts';
import type { OpenedReport } from './protect.ts';
import type { SuitReportEntry, SuitReportRecord } from './report.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function parameterJson(p: SuitParameter): unknown {
  let value: unknown;
  if (p.code === Parameter.imageDigest) value = digestJson(p.value as SuitDigest);
  else if (
    (p.code === Parameter.vendorIdentifier || p.code === Parameter.classIdentifier) &&
    p.value instanceof Uint8Array &&
    p.value.length === 16
  )
    value = uuidText(p.value);
  else value = valueJson(p.value);
  return { parameter: p.name, code: p.code, value };
}

const sectionName = (section: number) => (section === 3 ? 'common' : manifestKeyName(section));

function recordJson(r: SuitReportRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {
    manifestId: r.manifestId,
    section: r.section,
    sectionName: sectionName(r.section),
    offset: r.offset,
    componentIndex: r.componentIndex,
    properties: r.properties.map(parameterJson),
  };
  if (r.extensions.length > 0) out.extensions = r.extensions.map(valueJson);
  return out;
}

function entryJson(e: SuitReportEntry): unknown {
  if (e.kind === 'record') return { kind: 'record', ...recordJson(e) };
  return { kind: 'system-properties', componentId: e.componentId.map(hex), properties: e.properties.map(parameterJson) };
}

/** The JSON view of an opened report; `codeName` names a result code when it can. */
export function reportJson(opened: OpenedReport, codeName?: (code: number) => string | undefined): Record<string, unknown> {
  const r = opened.report;
  const out: Record<string, unknown> = {
    protection: opened.protection,
    verified: opened.verified,
  };
  if (opened.alg !== undefined) out.algorithm = algorithmName(opened.alg);
  if (opened.kid !== undefined) out.kid = hex(opened.kid);
  out.reference = { ...(r.reference.uri === undefined ? {} : { uri: r.reference.uri }), digest: digestJson(r.reference.digest) };
  if (r.nonce !== undefined) out.nonce = hex(r.nonce);
  out.records = r.records.map(entryJson);
  if (r.result.ok) out.result = { ok: true };
  else {
    const name = codeName?.(r.result.code);
    out.result = {
      ok: false,
      code: r.result.code,
      ...(name === undefined ? {} : { codeName: name }),
      reason: r.result.reason,
      reasonName: REPORT_REASON_NAMES.get(r.result.reason),
      record: recordJson(r.result.record),
    };
  }
  if (r.capabilities !== undefined) {
    out.capabilities = {
      components: r.capabilities.components.map((c) => ({ prefix: c.prefix.map(hex), wildcard: c.wildcard })),
      ...Object.fromEntries([...r.capabilities.lists].map(([k, v]) => [CAPABILITY_NAMES.get(k) ?? String(k), v])),
    };
  }
  if (r.extensions.size > 0) out.extensions = valueJson(r.extensions);
  return out;
}
