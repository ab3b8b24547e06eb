/** A store on SQLite :memory: and an assessment service over in-test catalogs, products and rule results. */
import type { AssessmentServiceDeps } from '../../../src/compliance/assessment/service-context.ts';
import type { Catalog, Market } from '../../../src/compliance/catalogs/catalog-types.ts';
import type { Product } from '../../../src/compliance/products/product-types.ts';
import { openStore } from '../../../src/store/open-store.ts';
import type { Store } from '../../../src/store/store.ts';
import { CATALOG, RULES } from './fixtures.ts';

export const PRODUCT: Product = {
  model: 'bulb',
  manufacturer: 'Example Lights',
  name: 'Bulb',
  supportPublished: true,
  updatable: false,
  constrained: false,
  usesPasswords: false,
  hasUserInterface: true,
  processesPersonalData: false,
  createdAt: new Date(0),
  updatedAt: new Date(0),
};

export const OTHER_CATALOG: Catalog = { ...CATALOG, id: 'other-cat', title: 'Other', provisions: CATALOG.provisions.slice(0, 2) };

export interface ServiceWorld {
  store: Store;
  deps: AssessmentServiceDeps & { ports: NonNullable<AssessmentServiceDeps['ports']> };
  products: Map<string, Product>;
  rules: typeof RULES;
  advance(ms: number): void;
}

export async function serviceWorld(): Promise<ServiceWorld> {
  let now = Date.parse('2030-03-01T00:00:00Z');
  let n = 0;
  const clock = () => new Date(now);
  const store = await openStore(':memory:', { kek: new Uint8Array(32).fill(3), clock });
  const products = new Map([[PRODUCT.model, PRODUCT]]);
  const world: ServiceWorld = {
    store,
    products,
    rules: new Map(RULES),
    advance: (ms) => void (now += ms),
    deps: {
      store,
      clock,
      newId: () => `id-${String(++n).padStart(4, '0')}`,
      ports: {
        catalogs: {
          catalog: (id) => [CATALOG, OTHER_CATALOG].find((c) => c.id === id),
          isMarket: (s): s is Market => ['eu', 'uk', 'us', 'us-ca'].includes(s),
          marketCatalogs: (m) => (m === 'uk' ? ['test-cat', 'other-cat'] : ['test-cat']),
        },
        products: { product: async (model) => products.get(model) },
        evidence: { ruleResults: async () => new Map(world.rules) },
      },
    },
  };
  return world;
}
