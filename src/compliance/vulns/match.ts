import { PackageURL } from 'packageurl-js';
import type { SbomComponent } from '../sbom/sbom-types.ts';
import { affectedReason } from './affected-match.ts';
import { ecosystemKey, normalisedName, osvPackageOf } from './ecosystems.ts';
import { componentKey, VexIndex } from './vex-index.ts';
import type { OsvAffected, OsvRecord, VexStatement, VulnerabilityMatch } from './vuln-types.ts';

interface Candidate {
  record: OsvRecord;
  affected: OsvAffected;
  /** The ecosystem key of the affected package, when it names one. */
  key: string | undefined;
}

/**
 * The OSV records that affect each component, decided per ecosystem (see affected-match.ts), with
 * VEX statements applied: not_affected and fixed make a match not apply. Withdrawn records are
 * ignored. Records are indexed by (ecosystem, package name) and by versionless purl, so the cost
 * grows with the components and the records of their packages, not with their product.
 */
export function matchVulnerabilities(components: SbomComponent[], records: OsvRecord[], vex?: VexStatement[]): VulnerabilityMatch[] {
  const index = indexRecords(records);
  const vexIndex = new VexIndex(vex ?? []);
  const out: VulnerabilityMatch[] = [];
  for (const component of components) {
    const found = matchComponent(component, index);
    if (found.length === 0) continue;
    const key = componentKey(component);
    for (const { record, reason } of found) {
      const statement = vexIndex.decide([record.id, ...(record.aliases ?? [])], key);
      out.push({
        component,
        vulnerability: vulnerabilityOf(record),
        reason,
        ...(statement ? { vex: statement } : {}),
        applies: statement === undefined || (statement.status !== 'not_affected' && statement.status !== 'fixed'),
      });
    }
  }
  return out;
}

type RecordIndex = Map<string, Candidate[]>;

function indexRecords(records: OsvRecord[]): RecordIndex {
  const index: RecordIndex = new Map();
  const add = (k: string, c: Candidate): void => {
    const list = index.get(k);
    if (list) list.push(c);
    else index.set(k, [c]);
  };
  for (const record of records) {
    if (record.withdrawn !== undefined) continue;
    for (const affected of record.affected) {
      const pkg = affected.package;
      const key = pkg ? ecosystemKey(pkg.ecosystem) : undefined;
      const candidate = { record, affected, key };
      if (pkg && key !== undefined) add(`eco\u0000${key}\u0000${normalisedName(key, pkg.name)}`, candidate);
      const base = pkg?.purl ? basePurl(pkg.purl) : undefined;
      if (base !== undefined) add(`purl\u0000${base}`, candidate);
    }
  }
  return index;
}

function matchComponent(component: SbomComponent, index: RecordIndex): { record: OsvRecord; reason: string }[] {
  if (component.purl === undefined) return [];
  let purl: PackageURL;
  try {
    purl = PackageURL.fromString(component.purl);
  } catch {
    return [];
  }
  const version = purl.version ?? component.version;
  if (!version) return [];
  const pkg = osvPackageOf(purl);
  const candidates = [
    ...(pkg ? (index.get(`eco\u0000${pkg.key}\u0000${pkg.name}`) ?? []) : []),
    ...(index.get(`purl\u0000${baseOf(purl)}`) ?? []),
  ];
  const seen = new Set<OsvRecord>();
  const found: { record: OsvRecord; reason: string }[] = [];
  for (const c of candidates) {
    if (seen.has(c.record)) continue;
    const reason = affectedReason(version, c.affected, c.key);
    if (reason === undefined) continue;
    seen.add(c.record);
    found.push({ record: c.record, reason });
  }
  return found;
}

function basePurl(purl: string): string | undefined {
  try {
    return baseOf(PackageURL.fromString(purl));
  } catch {
    return undefined;
  }
}

function baseOf(p: PackageURL): string {
  return new PackageURL(p.type, p.namespace, p.name, undefined, undefined, undefined).toString();
}

function vulnerabilityOf(record: OsvRecord): VulnerabilityMatch['vulnerability'] {
  const severity = record.severity?.[0];
  return {
    id: record.id,
    aliases: record.aliases ?? [],
    ...(record.summary !== undefined ? { summary: record.summary } : {}),
    ...(severity ? { severity: `${severity.type} ${severity.score}` } : {}),
    ...(record.published !== undefined ? { published: record.published } : {}),
  };
}
