/** Products: create, change, read and remove, each change audited in its own transaction. */
import { ERR_STORE_DUPLICATE, StoreError } from '../../store/errors.ts';
import type { Page, PageRequest } from '../../store/page.ts';
import type { ProductDeps } from './context.ts';
import { ProductError } from './errors.ts';
import { checkProductInput } from './product-input.ts';
import { cleanInput, productOf, productRow } from './product-record.ts';
import type { Product, ProductInput } from './product-types.ts';

const notFound = (model: string) => new ProductError('ERR_PRODUCT_NOT_FOUND', `no product of model ${model}`);

export async function createProduct(d: ProductDeps, input: ProductInput, actor: string): Promise<Product> {
  const p = cleanInput(input);
  checkProductInput(p);
  try {
    return await d.store.transaction(async (r) => {
      const made = await r.products.create(productRow(p));
      await r.audit.append({ actor, action: 'product.created', subject: `product:${p.model}`, details: { ...made.document } });
      return productOf(made);
    });
  } catch (e) {
    if (e instanceof StoreError && e.code === ERR_STORE_DUPLICATE)
      throw new ProductError('ERR_PRODUCT_EXISTS', `a product of model ${p.model} exists`);
    throw e;
  }
}

/** Replaces the product's members with `input`'s (the model names it and cannot change). */
export async function updateProduct(d: ProductDeps, input: ProductInput, actor: string): Promise<Product> {
  const p = cleanInput(input);
  checkProductInput(p);
  return d.store.transaction(async (r) => {
    const before = await r.products.get(p.model);
    if (before === undefined) throw notFound(p.model);
    const after = await r.products.update(productRow(p));
    if (after === undefined) throw notFound(p.model);
    const changed = Object.fromEntries(
      [...new Set([...Object.keys(before.document), ...Object.keys(after.document)])]
        .filter((k) => JSON.stringify(before.document[k]) !== JSON.stringify(after.document[k]))
        .map((k) => [k, { from: before.document[k] ?? null, to: after.document[k] ?? null }]),
    );
    await r.audit.append({ actor, action: 'product.updated', subject: `product:${p.model}`, details: { changed } });
    return productOf(after);
  });
}

export async function getProduct(d: ProductDeps, model: string): Promise<Product> {
  const r = await d.store.products.get(model);
  if (r === undefined) throw notFound(model);
  return productOf(r);
}

export async function listProducts(d: ProductDeps, page?: PageRequest): Promise<Page<Product>> {
  const p = await d.store.products.list(page);
  return { items: p.items.map(productOf), ...(p.next === undefined ? {} : { next: p.next }) };
}

/** Removes the product and its declared releases; its SBOMs stay with the (model, version) they describe. */
export async function deleteProduct(d: ProductDeps, model: string, actor: string): Promise<void> {
  await d.store.transaction(async (r) => {
    if (!(await r.products.delete(model))) throw notFound(model);
    await r.audit.append({ actor, action: 'product.deleted', subject: `product:${model}`, details: {} });
  });
}
