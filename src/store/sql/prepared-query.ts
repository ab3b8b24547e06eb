/**
 * A query built and compiled once, then run many times with new parameters. Building a Kysely
 * query (operation nodes, freezing, compiling) costs more than SQLite takes to run the small
 * indexed statements a protocol message makes, so the hottest ones skip it after their first run.
 *
 * A definition builds its query from named parameters. To plan it, the builder gets a placeholder
 * object for each parameter it reads; the query is compiled in the store's dialect and each
 * compiled parameter is noted as either a placeholder (filled in at every run) or a constant of
 * the definition. The placeholders refuse arithmetic and string conversion, so a builder that
 * computes with a parameter fails at planning instead of compiling a wrong constant: compute
 * before the run and pass the result as a parameter of its own.
 */
import type { Compilable, CompiledQuery, Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/** A query definition: `build` may only place its parameters as values, never inspect them. */
export interface PreparedQuery<P, O> {
  readonly build: (db: Kysely<Database>, params: P) => Compilable<O>;
}

export function preparedQuery<P extends Record<string, unknown>, O>(
  build: (db: Kysely<Database>, params: P) => Compilable<O>,
): PreparedQuery<P, O> {
  return { build };
}

class Placeholder {
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }
  [Symbol.toPrimitive](): never {
    throw new TypeError(`prepared query: parameter "${this.name}" used in a computation; pass the computed value as a parameter`);
  }
}

/** Where a compiled parameter's value comes from: the named parameter, or (name null) a constant of the definition. */
export interface Slot {
  readonly name: string | null;
  readonly value: unknown;
}

/** A compiled definition: the SQL and operation tree of its dialect, and where each parameter comes from. */
export interface QueryPlan {
  readonly compiled: CompiledQuery;
  readonly slots: readonly Slot[];
}

/** Builds `query` with placeholders on `db` (whose plugins should not be the store's) and compiles it. */
export function planQuery<P, O>(db: Kysely<Database>, query: PreparedQuery<P, O>): QueryPlan {
  const read = new Map<string, Placeholder>();
  const params = new Proxy(
    {},
    {
      get(_, key) {
        if (typeof key !== 'string') return undefined;
        let p = read.get(key);
        if (p === undefined) read.set(key, (p = new Placeholder(key)));
        return p;
      },
    },
  ) as P;
  const compiled = query.build(db, params).compile() as CompiledQuery;
  const slots = compiled.parameters.map(
    (v): Slot => (v instanceof Placeholder ? { name: v.name, value: undefined } : { name: null, value: v }),
  );
  for (const name of read.keys()) {
    if (!slots.some((s) => s.name === name)) {
      throw new TypeError(`prepared query: parameter "${name}" was read but is not a value of the query`);
    }
  }
  return { compiled, slots };
}

/** The compiled query of `plan` with `params` filled in, ready for `executeQuery`. */
export function bindPlan(plan: QueryPlan, params: Record<string, unknown>): CompiledQuery {
  const parameters = plan.slots.map((s) => {
    if (s.name === null) return s.value;
    const v = params[s.name];
    if (v === undefined) throw new TypeError(`prepared query: parameter "${s.name}" is undefined (use null)`);
    return v;
  });
  const { sql, query, queryId } = plan.compiled;
  return { sql, query, queryId, parameters };
}
