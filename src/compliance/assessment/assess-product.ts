/**
 * The assessment engine: pure. Given catalogs, the product's facts, the evidence rules' results
 * and the maker's manual evidence, it judges every provision and ranks the gaps. Nothing here
 * reads a clock, a store or the network; the service gathers the inputs.
 */
import type { Catalog } from '../catalogs/catalog-types.ts';
import type { EvidenceRuleId } from '../evidence/rule-ids.ts';
import type { ProductFacts } from './conditions.ts';
import { judgeProvision } from './judge-provision.ts';
import { rankGaps, summarise } from './rank-gaps.ts';
import type { Assessment, ManualEvidence, RuleResult } from './result-types.ts';

export interface AssessInput {
  id: string;
  model: string;
  market?: string;
  catalogs: readonly Catalog[];
  productFacts: ProductFacts;
  ruleResults: ReadonlyMap<EvidenceRuleId, RuleResult>;
  manual: readonly ManualEvidence[];
  at: Date;
}

const key = (catalog: string, provision: string) => `${catalog}\u0000${provision}`;

/** Per provision, the newest statement of this product; a later statement replaces an earlier one. */
export function latestManual(model: string, manual: readonly ManualEvidence[]): Map<string, ManualEvidence> {
  const latest = new Map<string, ManualEvidence>();
  for (const m of manual) {
    if (m.productModel !== model) continue;
    const k = key(m.catalog, m.provision);
    const seen = latest.get(k);
    if (seen === undefined || m.at.getTime() > seen.at.getTime() || (m.at.getTime() === seen.at.getTime() && m.id > seen.id))
      latest.set(k, m);
  }
  return latest;
}

export function assessProduct(input: AssessInput): Assessment {
  const manual = latestManual(input.model, input.manual);
  const results = input.catalogs.flatMap((catalog) =>
    catalog.provisions.map((provision) =>
      judgeProvision({
        catalog,
        provision,
        facts: input.productFacts,
        ruleResults: input.ruleResults,
        manual: manual.get(key(catalog.id, provision.id)),
      }),
    ),
  );
  return {
    id: input.id,
    productModel: input.model,
    ...(input.market === undefined ? {} : { market: input.market }),
    catalogs: input.catalogs.map((c) => ({ id: c.id, title: c.title, version: c.source.version })),
    at: input.at,
    results,
    summary: summarise(results),
    gaps: rankGaps(results),
  };
}
