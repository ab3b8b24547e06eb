import { Compile } from 'typebox/compile';
import { VulnError } from './errors.ts';
import { vexProductId } from './vex-product.ts';
import { type CdxVexDocument, CdxVexDocument as CdxVexSchema, type CdxVulnerability } from './vex-schema.ts';
import type { VexStatement, VexStatus } from './vuln-types.ts';

const checkDocument = Compile(CdxVexSchema);

/** CycloneDX "impactAnalysisState" in OpenVEX's terms (CISA's VEX minimum requirements map them so). */
const STATUS_OF_STATE: Readonly<Record<string, VexStatus>> = {
  resolved: 'fixed',
  resolved_with_pedigree: 'fixed',
  exploitable: 'affected',
  in_triage: 'under_investigation',
  false_positive: 'not_affected',
  not_affected: 'not_affected',
};

/**
 * The VEX statements of a CycloneDX BOM: each vulnerability whose `analysis.state` is set, for the
 * components its `affects[].ref` name. Vulnerabilities without an analysis state state nothing.
 */
export function parseCycloneDxVex(doc: unknown, source: string): VexStatement[] {
  if (!checkDocument.Check(doc)) {
    const first = checkDocument.Errors(doc)[0];
    const field = first?.instancePath || '/';
    const index = /^\/vulnerabilities\/(\d+)/.exec(field)?.[1];
    throw new VulnError(
      'ERR_VEX_SCHEMA',
      { source, ...(index !== undefined ? { entry: `vulnerability ${index}` } : {}), field },
      `CycloneDX VEX: ${first?.message ?? 'invalid'}`,
    );
  }
  const purlOfRef = new Map<string, string>();
  for (const c of doc.components ?? []) if (c['bom-ref'] && c.purl) purlOfRef.set(c['bom-ref'], c.purl);
  const out: VexStatement[] = [];
  doc.vulnerabilities.forEach((v, i) => {
    const statement = toStatement(v, i, doc, purlOfRef, source);
    if (statement) out.push(statement);
  });
  return out;
}

function toStatement(
  v: CdxVulnerability,
  index: number,
  doc: CdxVexDocument,
  purlOfRef: Map<string, string>,
  source: string,
): VexStatement | undefined {
  const state = v.analysis?.state;
  if (state === undefined) return undefined;
  const status = STATUS_OF_STATE[state] as VexStatus;
  const entry = `vulnerability ${index} (${v.id})`;
  // A false positive is its own justification; not_affected must say why.
  const justification = v.analysis?.justification ?? (state === 'false_positive' ? 'false_positive' : undefined);
  if (status === 'not_affected' && justification === undefined) {
    throw new VulnError(
      'ERR_VEX_JUSTIFICATION',
      { source, entry, field: 'analysis.justification' },
      'not_affected without a justification',
    );
  }
  if (!v.affects || v.affects.length === 0) {
    throw new VulnError('ERR_VEX_SCHEMA', { source, entry, field: 'affects' }, 'an analysis without affected components');
  }
  const author = doc.metadata?.authors?.[0]?.name;
  const timestamp = v.analysis?.lastUpdated ?? doc.metadata?.timestamp;
  return {
    vulnerability: v.id,
    products: productIds(v.affects, purlOfRef),
    status,
    ...(justification !== undefined ? { justification } : {}),
    ...(v.analysis?.detail !== undefined ? { impactStatement: v.analysis.detail } : {}),
    ...(v.analysis?.response?.length ? { actionStatement: v.analysis.response.join(', ') } : {}),
    source: {
      document: doc.serialNumber ?? source,
      ...(author !== undefined ? { author } : {}),
      ...(timestamp !== undefined ? { timestamp } : {}),
    },
  };
}

// A ref is a bom-ref in this BOM or a BOM-Link (urn:cdx:serial/version#bom-ref) into the SBOM.
function productIds(affects: { ref: string }[], purlOfRef: Map<string, string>): string[] {
  const ids = new Set<string>();
  for (const { ref } of affects) {
    ids.add(vexProductId(ref));
    const hash = ref.startsWith('urn:cdx:') ? ref.indexOf('#') : -1;
    const local = hash >= 0 ? decodeURIComponent(ref.slice(hash + 1)) : ref;
    ids.add(local);
    const purl = purlOfRef.get(local);
    if (purl !== undefined) ids.add(vexProductId(purl));
  }
  return [...ids];
}
