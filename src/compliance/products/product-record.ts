/** A product between its store row (model, support end, JSON document) and its shape. */
import type { ProductRecord, ProductRow } from '../../store/product-repository.ts';
import type { Product, ProductInput } from './product-types.ts';

export function productRow(p: ProductInput): ProductRow {
  const { model, ...document } = p;
  return { model, document: { ...document }, ...(p.supportEnd === undefined ? {} : { supportEnd: p.supportEnd }) };
}

export function productOf(r: ProductRecord): Product {
  return { ...(r.document as Omit<ProductInput, 'model'>), model: r.model, createdAt: r.createdAt, updatedAt: r.updatedAt };
}

/** The members a caller set, in the input's own order, without those left undefined. */
export function cleanInput(p: ProductInput): ProductInput {
  return Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) as unknown as ProductInput;
}
