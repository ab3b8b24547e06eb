/**
 * Checks a schema-valid catalog cannot express: ids unique in their catalog, and every condition a
 * provision names defined by the catalog. Mappings must name catalogs and provisions that exist.
 */
import type { Catalog, CatalogMapping } from './catalog-types.ts';

/** One broken reference or duplicate, with its JSON pointer in the data file. */
export interface IntegrityProblem {
  path: string;
  reason: string;
}

function duplicates(ids: readonly string[], base: string, what: string): IntegrityProblem[] {
  const seen = new Set<string>();
  const problems: IntegrityProblem[] = [];
  ids.forEach((id, i) => {
    if (seen.has(id)) problems.push({ path: `${base}/${i}/id`, reason: `${what} id "${id}" appears twice` });
    seen.add(id);
  });
  return problems;
}

function conditionProblems(catalog: Catalog): IntegrityProblem[] {
  const defined = new Set(catalog.conditions.map((c) => c.id));
  const problems: IntegrityProblem[] = [];
  catalog.provisions.forEach((p, i) => {
    const conditional = p.status === 'M C' || p.status === 'R C';
    // A conditional status without a condition could never be decided; a plain one with conditions is a contradiction.
    if (conditional && !p.conditions) problems.push({ path: `/provisions/${i}/status`, reason: `"${p.status}" needs conditions` });
    if (!conditional && p.conditions)
      problems.push({ path: `/provisions/${i}/conditions`, reason: `status "${p.status}" takes no conditions` });
    (p.conditions ?? []).forEach((c, j) => {
      if (!defined.has(c)) problems.push({ path: `/provisions/${i}/conditions/${j}`, reason: `condition "${c}" is not defined` });
    });
  });
  return problems;
}

export function catalogProblems(catalog: Catalog): IntegrityProblem[] {
  return [
    ...duplicates(
      catalog.conditions.map((c) => c.id),
      '/conditions',
      'condition',
    ),
    ...duplicates(
      catalog.provisions.map((p) => p.id),
      '/provisions',
      'provision',
    ),
    ...conditionProblems(catalog),
  ];
}

/** Problems of mappings against the catalogs they name; `catalogs` maps id to its provision ids. */
export function mappingProblems(
  mappings: readonly CatalogMapping[],
  catalogs: ReadonlyMap<string, ReadonlySet<string>>,
): IntegrityProblem[] {
  const problems: IntegrityProblem[] = [];
  const check = (ref: { catalog: string; provision: string }, path: string) => {
    const provisions = catalogs.get(ref.catalog);
    if (!provisions) problems.push({ path: `${path}/catalog`, reason: `catalog "${ref.catalog}" does not exist` });
    else if (!provisions.has(ref.provision))
      problems.push({ path: `${path}/provision`, reason: `provision "${ref.provision}" is not in catalog "${ref.catalog}"` });
  };
  for (const [i, m] of mappings.entries()) {
    check(m.from, `/${i}/from`);
    for (const [j, t] of m.to.entries()) check(t, `/${i}/to/${j}`);
  }
  return problems;
}
