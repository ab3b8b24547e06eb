/**
 * A product's releases: the lifecycle pillar's releases of its model merged with those the maker
 * declared. A version both have is the lifecycle release (it is what devices install).
 */
import { ERR_STORE_DUPLICATE, StoreError } from '../../store/errors.ts';
import type { ReleaseInfo } from '../../store/release-repository.ts';
import type { Store } from '../../store/store.ts';
import type { ProductDeps } from './context.ts';
import { ProductError } from './errors.ts';
import { PRODUCT_VERSION } from './product-input.ts';
import type { ProductRelease } from './product-types.ts';
import { getProduct } from './products.ts';

async function lifecycleReleases(store: Store, model: string): Promise<ReleaseInfo[]> {
  const out: ReleaseInfo[] = [];
  let after: string | undefined;
  do {
    const page = await store.releases.list({ model, limit: 1000, ...(after === undefined ? {} : { after }) });
    out.push(...page.items);
    after = page.next;
  } while (after !== undefined);
  return out;
}

const fromLifecycle = (r: ReleaseInfo): ProductRelease => ({
  model: r.model,
  version: r.version,
  origin: 'lifecycle',
  releaseId: r.id,
  releasedAt: r.createdAt,
});

/** Every release of the model, lifecycle ones first by sequence number, then declared ones by version. */
export async function productReleases(store: Store, model: string): Promise<ProductRelease[]> {
  const [lifecycle, declared] = await Promise.all([lifecycleReleases(store, model), store.products.declaredReleases(model)]);
  const known = new Set(lifecycle.map((r) => r.version));
  return [
    ...lifecycle.sort((a, b) => a.sequenceNumber - b.sequenceNumber).map(fromLifecycle),
    ...declared
      .filter((r) => !known.has(r.version))
      .map(
        (r): ProductRelease => ({
          model: r.model,
          version: r.version,
          origin: 'declared',
          ...(r.releasedAt === undefined ? {} : { releasedAt: r.releasedAt }),
        }),
      ),
  ];
}

/** The release the model ships now: the published lifecycle release with the highest sequence number, else the newest declared one by date. */
export async function currentRelease(store: Store, model: string): Promise<ProductRelease | undefined> {
  const published = (await lifecycleReleases(store, model)).filter((r) => r.state === 'published');
  const top = published.sort((a, b) => b.sequenceNumber - a.sequenceNumber)[0];
  if (top !== undefined) return fromLifecycle(top);
  const declared = await store.products.declaredReleases(model);
  const at = (r: (typeof declared)[number]) => (r.releasedAt ?? r.createdAt).getTime();
  const newest = declared.sort((a, b) => at(b) - at(a))[0];
  if (newest === undefined) return undefined;
  return {
    model,
    version: newest.version,
    origin: 'declared',
    ...(newest.releasedAt === undefined ? {} : { releasedAt: newest.releasedAt }),
  };
}

/** The release (lifecycle or declared) of the model with this version; throws ERR_PRODUCT_RELEASE_NOT_FOUND. */
export async function findRelease(store: Store, model: string, version: string): Promise<ProductRelease> {
  const lifecycle = await store.releases.getByVersion(model, version);
  if (lifecycle !== undefined) return fromLifecycle(lifecycle);
  const declared = (await store.products.declaredReleases(model)).find((r) => r.version === version);
  if (declared === undefined) throw new ProductError('ERR_PRODUCT_RELEASE_NOT_FOUND', `model ${model} has no release ${version}`);
  return { model, version, origin: 'declared', ...(declared.releasedAt === undefined ? {} : { releasedAt: declared.releasedAt }) };
}

/** Declares a release of an existing product; audited. */
export async function declareRelease(
  d: ProductDeps,
  model: string,
  version: string,
  releasedAt: Date | undefined,
  actor: string,
): Promise<ProductRelease> {
  if (typeof version !== 'string' || !PRODUCT_VERSION.test(version))
    throw new ProductError('ERR_PRODUCT_INPUT', 'version: 1–64 letters, digits and ._+~- , starting with a letter or digit');
  if (releasedAt !== undefined && Number.isNaN(releasedAt.getTime())) throw new ProductError('ERR_PRODUCT_INPUT', 'releasedAt: not a date');
  await getProduct(d, model);
  if ((await d.store.releases.getByVersion(model, version)) !== undefined)
    throw new ProductError('ERR_PRODUCT_RELEASE_EXISTS', `model ${model} has a lifecycle release ${version}`);
  try {
    const r = await d.store.transaction(async (t) => {
      const made = await t.products.declareRelease({ model, version, ...(releasedAt === undefined ? {} : { releasedAt }) });
      await t.audit.append({
        actor,
        action: 'product.release-declared',
        subject: `product:${model}`,
        details: { version, releasedAt: releasedAt?.toISOString() ?? null },
      });
      return made;
    });
    return { model, version, origin: 'declared', ...(r.releasedAt === undefined ? {} : { releasedAt: r.releasedAt }) };
  } catch (e) {
    if (e instanceof StoreError && e.code === ERR_STORE_DUPLICATE)
      throw new ProductError('ERR_PRODUCT_RELEASE_EXISTS', `model ${model} has a declared release ${version}`);
    throw e;
  }
}
