/**
 * The compliance pillar's services bound together: the product service, and the assessment service
 * whose ports read the catalogs, the product record and the evidence rules' results, the rules
 * reading what the other pillars stored about the product's devices.
 */
import type { CoseKey } from '../codec/cose/key.ts';
import type { Store } from '../store/store.ts';
import { assessmentService } from './assessment/assessment-service.ts';
import type { AssessmentPorts, CatalogPort } from './assessment/ports.ts';
import { CatalogError } from './catalogs/errors.ts';
import { loadCatalog } from './catalogs/load-catalogs.ts';
import { isMarket, marketCatalogs } from './catalogs/markets.ts';
import { collectEvidenceFacts } from './evidence/collect-facts.ts';
import { evaluateRules } from './evidence/evaluate-rules.ts';
import type { EvidenceDeps, PlatformFacts, ProductFactsPort } from './evidence/evidence-ports.ts';
import { ProductError, type ProductErrorCode } from './products/errors.ts';
import { type ProductService, productService } from './products/service.ts';
import { standardParsers } from './products/standard-parsers.ts';

export interface ComplianceOptions {
  store: Store;
  clock: () => Date;
  /** How this server runs: keys at rest and TLS on its listeners. */
  platform: PlatformFacts;
  /** The keys release envelopes must verify with (the update authority's, then extra anchors); empty without releases. */
  updateAnchors: readonly CoseKey[];
}

/** The catalogs as the assessment service reads them: an unknown id is undefined, not an error. */
export const catalogPort: CatalogPort = {
  catalog(id) {
    try {
      return loadCatalog(id);
    } catch (e) {
      if (e instanceof CatalogError && e.code === 'ERR_CATALOG_UNKNOWN') return undefined;
      throw e;
    }
  },
  isMarket,
  marketCatalogs: (market) => [...marketCatalogs(market)],
};

const ABSENT = new Set<ProductErrorCode>(['ERR_PRODUCT_NOT_FOUND', 'ERR_PRODUCT_RELEASE_NOT_FOUND', 'ERR_PRODUCT_SBOM_NOT_FOUND']);

/** The evidence rules' view of the product service. */
export function productFacts(products: ProductService, store: Store): ProductFactsPort {
  // No product, no release or no SBOM: nothing to read here; the rules about those say so themselves.
  const orUndefined = async <T>(read: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await read();
    } catch (e) {
      if (e instanceof ProductError && ABSENT.has(e.code)) return undefined;
      throw e;
    }
  };
  return {
    product: (model) => orUndefined(() => products.get(model)),
    currentRelease: (model) => products.currentRelease(model),
    sbomPresent: async (model, version) => (await store.sboms.info(model, version)) !== undefined,
    async openVulnerabilities(model, now) {
      const open = await orUndefined(() => products.openVulnerabilities(model, now));
      return (open?.open ?? []).map((v) => ({
        id: v.vulnerability.id,
        component: v.component.purl ?? `${v.component.name}@${v.component.version ?? ''}`,
        deadline: v.deadline,
      }));
    },
  };
}

export function complianceServices(o: ComplianceOptions) {
  const products = productService({ store: o.store, parsers: standardParsers, clock: o.clock });
  // The evidence reads the latest probe through the assessment service that records it.
  let assessments: ReturnType<typeof assessmentService> | undefined;
  const evidence: EvidenceDeps = {
    store: o.store,
    products: productFacts(products, o.store),
    probes: { latest: async (model) => (await assessments?.latestProbe(model))?.result },
    platform: o.platform,
    updateAnchors: o.updateAnchors,
  };
  const ports: AssessmentPorts = {
    catalogs: catalogPort,
    products: { product: (model) => evidence.products.product(model) },
    evidence: { ruleResults: async (model, now) => evaluateRules(await collectEvidenceFacts(evidence, model, now)) },
  };
  assessments = assessmentService({ store: o.store, clock: o.clock, ports });
  /** What the evidence rules read of a product now: the assessments judge these. */
  const facts = (model: string, now: Date) => collectEvidenceFacts(evidence, model, now);
  return { products, assessments, facts };
}
