/**
 * What the assessment service needs from the rest of the compliance pillar: the catalogs and
 * markets, the product record, and the evidence rules' results. The composition root adapts the
 * catalog loader, the product service and the evidence collector to these.
 */
import type { Catalog, Market } from '../catalogs/catalog-types.ts';
import type { EvidenceRuleId } from '../evidence/rule-ids.ts';
import type { Product } from '../products/product-types.ts';
import type { RuleResult } from './result-types.ts';

export interface CatalogPort {
  /** The catalog with this id, or undefined when there is none. */
  catalog(id: string): Catalog | undefined;
  isMarket(s: string): s is Market;
  /** The catalog ids a market's assessment uses. */
  marketCatalogs(market: Market): string[];
}

export interface ProductPort {
  product(model: string): Promise<Product | undefined>;
}

export interface RuleResultsPort {
  /** Every evidence rule's result for the product now (collectEvidenceFacts, then evaluateRules). */
  ruleResults(model: string, now: Date): Promise<Map<EvidenceRuleId, RuleResult>>;
}

export interface AssessmentPorts {
  catalogs: CatalogPort;
  products: ProductPort;
  evidence: RuleResultsPort;
}
