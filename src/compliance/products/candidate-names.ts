/**
 * The package names under which OSV may list a component, for the candidate index: its own name
 * and the name its package URL gives in OSV's spelling (OSV schema, "affected[].package.name"):
 * `namespace/name` for npm scopes and Go modules, `group:artifact` for Maven. Names are indexed as
 * keys (`packageKey`) that ignore case and runs of `-_.`, as PyPI's normalisation does (PEP 503), so
 * a purl's lowercase name finds a record that spells it otherwise. The matcher decides; these only
 * narrow which records it reads.
 */
import { PackageURL } from 'packageurl-js';
import type { SbomComponent } from '../sbom/sbom-types.ts';

const COLON_TYPES = new Set(['maven']);

function purlNames(purl: string): string[] {
  let p: PackageURL;
  try {
    p = PackageURL.fromString(purl);
  } catch {
    return [];
  }
  const ns = p.namespace ?? undefined;
  if (ns === undefined || ns === '') return [p.name];
  return [p.name, `${ns}${COLON_TYPES.has(p.type) ? ':' : '/'}${p.name}`];
}

/** The index key of a package name: lowercase, each run of `-`, `_` and `.` one `-`. */
export const packageKey = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, '-');

export function candidateNames(components: readonly SbomComponent[]): string[] {
  const out = new Set<string>();
  for (const c of components) {
    out.add(c.name);
    if (c.purl !== undefined) for (const n of purlNames(c.purl)) out.add(n);
  }
  return [...new Set([...out].map(packageKey))];
}
