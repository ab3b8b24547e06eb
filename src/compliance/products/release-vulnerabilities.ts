/**
 * The vulnerabilities of one release: its SBOM's components, the OSV records the package index
 * names for them (withdrawn records left out: OSV schema, `withdrawn`), and the VEX statements
 * about those records' ids and aliases, given to the matcher. A VEX `not_affected` or `fixed`
 * statement turns a match off (`applies: false`) but the match stays listed, with its statement.
 */
import type { Store } from '../../store/store.ts';
import type { OsvRecord, VexStatement, VulnerabilityMatch } from '../vulns/vuln-types.ts';
import { candidateNames } from './candidate-names.ts';
import { MAX_CANDIDATE_RECORDS, type ProductDeps } from './context.ts';
import { ProductError } from './errors.ts';
import { sbomComponents } from './sbom-read.ts';

export interface ReleaseVulnerabilities {
  model: string;
  version: string;
  matches: VulnerabilityMatch[];
  /** When each matched record was imported, by id (remediation deadlines count from it when a record has no `published`). */
  importedAt: Map<string, Date>;
}

export async function vexAbout(store: Store, records: readonly OsvRecord[]): Promise<VexStatement[]> {
  const names = records.flatMap((r) => [r.id, ...(r.aliases ?? [])]);
  if (names.length === 0) return [];
  return (await store.vulnerabilities.vexFor(names)).map((s) => s.statement as unknown as VexStatement);
}

export async function releaseVulnerabilities(d: ProductDeps, model: string, version: string): Promise<ReleaseVulnerabilities> {
  const { components } = await sbomComponents(d.store, model, version);
  const max = d.maxCandidates ?? MAX_CANDIDATE_RECORDS;
  const rows = await d.store.vulnerabilities.candidates(candidateNames(components), max + 1);
  // A partial list would hide vulnerabilities: over the bound, the release is refused, not half matched.
  if (rows.length > max)
    throw new ProductError(
      'ERR_PRODUCT_TOO_MANY_CANDIDATES',
      `release ${version} of model ${model}: more than ${max} OSV records name its packages`,
    );
  const live = rows.filter((r) => r.withdrawn === undefined);
  const records = live.map((r) => r.document as unknown as OsvRecord);
  const matches = d.parsers.matchVulnerabilities(components, records, await vexAbout(d.store, records));
  return { model, version, matches, importedAt: new Map(live.map((r) => [r.id, r.importedAt])) };
}
