/**
 * The evidence the maker and the probe supply: manual statements about one provision (with
 * attached files) and open-port probe results. Each is recorded with its audit record in one
 * transaction; nothing is changed or deleted afterwards (a later statement replaces an earlier
 * one in assessments).
 */
import { randomUUID } from 'node:crypto';
import type { AttachmentInfo } from '../../store/evidence-record-repository.ts';
import type { Page, PageRequest } from '../../store/page.ts';
import type { PortProbeResult } from '../probe/probe-types.ts';
import { AssessmentError } from './errors.ts';
import { checkManualEvidence, type NewManualEvidence } from './manual-evidence-input.ts';
import { checkProbeResult } from './probe-input.ts';
import type { ManualEvidence } from './result-types.ts';
import { type AssessmentServiceDeps, portsOf, productOf } from './service-context.ts';
import { manualOf } from './stored-records.ts';

export interface ProbeEntry {
  id: string;
  productModel: string;
  result: PortProbeResult;
  by: string;
  at: Date;
}

export async function addManualEvidence(
  deps: AssessmentServiceDeps,
  model: string,
  e: NewManualEvidence,
  by: string,
): Promise<ManualEvidence> {
  checkManualEvidence(e);
  await productOf(deps, model);
  const catalog = portsOf(deps).catalogs.catalog(e.catalog);
  if (catalog === undefined) throw new AssessmentError('ERR_ASSESSMENT_UNKNOWN_CATALOG', `no catalog ${e.catalog}`, { field: 'catalog' });
  if (!catalog.provisions.some((p) => p.id === e.provision))
    throw new AssessmentError('ERR_ASSESSMENT_MANUAL_EVIDENCE', `provision: catalog ${e.catalog} has no provision ${e.provision}`, {
      field: 'provision',
    });
  const input = { id: (deps.newId ?? randomUUID)(), model, ...e, by, at: (deps.clock ?? (() => new Date()))() };
  const made = await deps.store.transaction(async (r) => {
    const rec = await r.evidenceRecords.addManual(input);
    await r.audit.append({
      actor: by,
      action: 'evidence.manual.added',
      subject: model,
      details: {
        id: rec.id,
        catalog: rec.catalog,
        provision: rec.provision,
        outcome: rec.outcome,
        attachments: rec.attachments.map((a) => ({ name: a.name, sha256: a.sha256, size: a.size })),
      },
    });
    return rec;
  });
  return manualOf(made);
}

export async function listManualEvidence(deps: AssessmentServiceDeps, model: string, page?: PageRequest): Promise<Page<ManualEvidence>> {
  const p = await deps.store.evidenceRecords.listManual(model, page);
  return { ...p, items: p.items.map(manualOf) };
}

/** Every statement about the product, oldest first. */
export async function allManualEvidence(deps: AssessmentServiceDeps, model: string): Promise<ManualEvidence[]> {
  const all: ManualEvidence[] = [];
  let after: string | undefined;
  do {
    const p = await listManualEvidence(deps, model, { limit: 1000, ...(after === undefined ? {} : { after }) });
    all.push(...p.items);
    after = p.next;
  } while (after !== undefined);
  return all;
}

/** One attached file of one of the product's statements, by its place (0-based) in the statement's list. */
export async function manualAttachment(
  deps: AssessmentServiceDeps,
  model: string,
  evidenceId: string,
  n: number,
): Promise<AttachmentInfo & { bytes: Uint8Array }> {
  const e = await deps.store.evidenceRecords.getManual(evidenceId);
  const a = e === undefined || e.model !== model ? undefined : await deps.store.evidenceRecords.attachment(evidenceId, n);
  if (a === undefined)
    throw new AssessmentError(
      'ERR_ASSESSMENT_EVIDENCE_NOT_FOUND',
      `product ${model} has no manual evidence ${evidenceId} with attachment ${n}`,
    );
  return a;
}

const probeEntry = (r: { id: string; model: string; result: string; by: string; at: Date }): ProbeEntry => {
  let result: PortProbeResult;
  try {
    result = checkProbeResult(JSON.parse(r.result));
  } catch (e) {
    throw new AssessmentError('ERR_ASSESSMENT_CORRUPT', `stored probe result ${r.id} does not read back`, { cause: e });
  }
  return { id: r.id, productModel: r.model, result, by: r.by, at: r.at };
};

export async function recordProbe(deps: AssessmentServiceDeps, model: string, result: unknown, by: string): Promise<ProbeEntry> {
  const checked = checkProbeResult(result);
  await productOf(deps, model);
  const rec = { id: (deps.newId ?? randomUUID)(), model, result: JSON.stringify(checked), by, at: (deps.clock ?? (() => new Date()))() };
  await deps.store.transaction(async (r) => {
    await r.evidenceRecords.addProbe(rec);
    await r.audit.append({
      actor: by,
      action: 'evidence.probe.recorded',
      subject: model,
      details: { id: rec.id, address: checked.address, open: checked.open.length, unexpected: checked.unexpected },
    });
  });
  return probeEntry(rec);
}

export async function latestProbe(deps: AssessmentServiceDeps, model: string): Promise<ProbeEntry | undefined> {
  const r = await deps.store.evidenceRecords.latestProbe(model);
  return r === undefined ? undefined : probeEntry(r);
}

export async function listProbes(deps: AssessmentServiceDeps, model: string, page?: PageRequest): Promise<Page<ProbeEntry>> {
  const p = await deps.store.evidenceRecords.listProbes(model, page);
  return { ...p, items: p.items.map(probeEntry) };
}
