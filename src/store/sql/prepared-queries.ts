/**
 * A store's prepared queries (prepared-query.ts): each definition is planned once, at its first
 * run, in the store's dialect, and then run on the handle it is given, the database or one
 * transaction. Plans are compiled without the store's plugins: none of them changes a query, and
 * the write counts (write-counts.ts) are kept here instead, as the plugin would keep them: one
 * before a write to a counted table and one after it.
 */
import type { CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { Database } from '../schema.ts';
import type { CountedTable } from '../store.ts';
import { bindPlan, type PreparedQuery, planQuery, type QueryPlan } from './prepared-query.ts';
import { countedTableOf } from './write-counts.ts';

export interface PreparedQueries {
  /** Runs `query` with `params` on `db` (the store's handle or a transaction of it). */
  run<P extends Record<string, unknown>, O>(db: Kysely<Database>, query: PreparedQuery<P, O>, params: P): Promise<QueryResult<O>>;
}

interface Entry {
  plan: QueryPlan;
  counted: CountedTable | undefined;
}

/** The prepared queries of one store; `count` notes a write to a counted table. */
export function preparedQueries(count: (table: CountedTable) => void): PreparedQueries {
  const plans = new Map<object, Entry>();
  const entry = (db: Kysely<Database>, query: PreparedQuery<never, unknown>): Entry => {
    let e = plans.get(query);
    if (e === undefined) {
      const plan = planQuery(db.withoutPlugins(), query);
      e = { plan, counted: countedTableOf(plan.compiled.query) };
      plans.set(query, e);
    }
    return e;
  };
  return {
    async run<P extends Record<string, unknown>, O>(db: Kysely<Database>, query: PreparedQuery<P, O>, params: P) {
      const { plan, counted } = entry(db, query as PreparedQuery<never, unknown>);
      const compiled = bindPlan(plan, params) as CompiledQuery<O>;
      if (counted === undefined) return db.executeQuery(compiled);
      count(counted);
      const result = await db.executeQuery(compiled);
      count(counted);
      return result;
    },
  };
}

/** Rows a write changed, from either driver's result. */
export const changedRows = (r: QueryResult<unknown>): number => Number(r.numAffectedRows ?? 0n);
