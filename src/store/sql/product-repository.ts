import { ERR_STORE_DUPLICATE, StoreError } from '../errors.ts';
import type { DeclaredReleaseRecord, ProductRecord, ProductRepository, ProductRow } from '../product-repository.ts';
import type { SqlContext } from './context.ts';
import { affected, date, decodeCursor, optionalDate, paged, pageLimit } from './rows.ts';

interface Row {
  model: string;
  document: string;
  support_end: string | null;
  created_at: number | string;
  updated_at: number | string;
}

const record = (r: Row): ProductRecord => ({
  model: r.model,
  document: JSON.parse(r.document) as Record<string, unknown>,
  ...(r.support_end === null ? {} : { supportEnd: r.support_end }),
  createdAt: date(r.created_at),
  updatedAt: date(r.updated_at),
});

const declared = (r: {
  model: string;
  version: string;
  released_at: number | string | null;
  created_at: number | string;
}): DeclaredReleaseRecord => {
  const at = optionalDate(r.released_at);
  return { model: r.model, version: r.version, ...(at === undefined ? {} : { releasedAt: at }), createdAt: date(r.created_at) };
};

export function sqlProductRepository({ db, clock }: SqlContext): ProductRepository {
  const get = async (model: string) => {
    const row = await db.selectFrom('products').selectAll().where('model', '=', model).executeTakeFirst();
    return row === undefined ? undefined : record(row);
  };
  const stored = async (model: string) => {
    const p = await get(model);
    if (p === undefined) throw new Error('the product row vanished');
    return p;
  };
  return {
    async create(p: ProductRow) {
      const now = clock().getTime();
      const res = await db
        .insertInto('products')
        .values({
          model: p.model,
          document: JSON.stringify(p.document),
          support_end: p.supportEnd ?? null,
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      if (affected(res) === 0) throw new StoreError(ERR_STORE_DUPLICATE, `a product of model ${p.model} exists`);
      return stored(p.model);
    },
    get,
    async update(p) {
      const res = await db
        .updateTable('products')
        .set({ document: JSON.stringify(p.document), support_end: p.supportEnd ?? null, updated_at: clock().getTime() })
        .where('model', '=', p.model)
        .executeTakeFirst();
      return affected(res) === 0 ? undefined : stored(p.model);
    },
    async delete(model) {
      await db.deleteFrom('product_releases').where('model', '=', model).execute();
      const res = await db.deleteFrom('products').where('model', '=', model).executeTakeFirst();
      return affected(res) > 0;
    },
    async list(request) {
      const limit = pageLimit(request);
      const after = decodeCursor(request?.after);
      let q = db
        .selectFrom('products')
        .selectAll()
        .orderBy('model')
        .limit(limit + 1);
      if (after !== undefined) q = q.where('model', '>', after);
      return paged(await q.execute(), limit, record, (r) => r.model);
    },
    async supportEndedBefore(day) {
      const rows = await db
        .selectFrom('products')
        .selectAll()
        .where('support_end', 'is not', null)
        .where('support_end', '<', day)
        .orderBy('model')
        .execute();
      return rows.map(record);
    },
    async declareRelease(r) {
      const res = await db
        .insertInto('product_releases')
        .values({ model: r.model, version: r.version, released_at: r.releasedAt?.getTime() ?? null, created_at: clock().getTime() })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      if (affected(res) === 0) throw new StoreError(ERR_STORE_DUPLICATE, `model ${r.model} has a declared release ${r.version}`);
      const row = await db
        .selectFrom('product_releases')
        .selectAll()
        .where('model', '=', r.model)
        .where('version', '=', r.version)
        .executeTakeFirstOrThrow();
      return declared(row);
    },
    async declaredReleases(model) {
      const rows = await db.selectFrom('product_releases').selectAll().where('model', '=', model).orderBy('version').execute();
      return rows.map(declared);
    },
  };
}
