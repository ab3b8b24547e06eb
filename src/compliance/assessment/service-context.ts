/** What the assessment service's parts share: the store, the ports once wired, a clock and ids. */
import type { Store } from '../../store/store.ts';
import type { Product } from '../products/product-types.ts';
import { AssessmentError } from './errors.ts';
import { PRODUCT_MODEL } from './evidence-limits.ts';
import type { AssessmentPorts } from './ports.ts';

export interface AssessmentServiceDeps {
  store: Store;
  /** Absent until the catalogs, products and evidence rules are wired: assessing and recording then fail ERR_ASSESSMENT_UNAVAILABLE. */
  ports?: AssessmentPorts;
  clock?: () => Date;
  newId?: () => string;
}

export function portsOf(deps: AssessmentServiceDeps): AssessmentPorts {
  if (deps.ports === undefined)
    throw new AssessmentError(
      'ERR_ASSESSMENT_UNAVAILABLE',
      'assessments need the catalogs, products and evidence rules, which this server has not wired',
    );
  return deps.ports;
}

/** The product, which must be known: assessments and evidence are only ever about a recorded product. */
export async function productOf(deps: AssessmentServiceDeps, model: string): Promise<Product> {
  if (typeof model !== 'string' || !PRODUCT_MODEL.test(model))
    throw new AssessmentError('ERR_ASSESSMENT_UNKNOWN_PRODUCT', `${JSON.stringify(model)} is not a product model`, { field: 'product' });
  const p = await portsOf(deps).products.product(model);
  if (p === undefined) throw new AssessmentError('ERR_ASSESSMENT_UNKNOWN_PRODUCT', `no product ${model}`, { field: 'product' });
  return p;
}
