/**
 * Whether a conditional provision ("M C", "R C") applies. Every condition it names must hold. A
 * condition with `when` is decided by the product's fact; one without `when`, or whose fact is
 * unknown, can only be decided by the maker's manual evidence.
 */
import type { Catalog, Condition, ConditionFact, Provision } from '../catalogs/catalog-types.ts';

export type ProductFacts = Readonly<Partial<Record<ConditionFact, boolean | undefined>>>;

export type Applicability =
  | { kind: 'applies' }
  | { kind: 'not-applicable'; condition: Condition }
  | { kind: 'undecided'; condition: Condition };

function conditionOf(catalog: Catalog, id: string, provision: Provision): Condition {
  const c = catalog.conditions.find((x) => x.id === id);
  // A catalog's integrity test keeps this from happening; reaching it is a catalog bug, not input.
  if (c === undefined) throw new TypeError(`catalog ${catalog.id}: provision ${provision.id} names no condition ${id}`);
  return c;
}

/** A condition that does not hold wins over one that is undecided: one failing is enough. */
export function applicability(catalog: Catalog, provision: Provision, facts: ProductFacts): Applicability {
  let undecided: Condition | undefined;
  for (const id of provision.conditions ?? []) {
    const c = conditionOf(catalog, id, provision);
    const value = c.when === undefined ? undefined : facts[c.when.fact];
    if (c.when === undefined || value === undefined) {
      undecided ??= c;
      continue;
    }
    if (value !== c.when.equals) return { kind: 'not-applicable', condition: c };
  }
  return undecided === undefined ? { kind: 'applies' } : { kind: 'undecided', condition: undecided };
}
