import { compare as pep440Compare, valid as pep440Valid } from '@renovatebot/pep440';
import semver from 'semver';

/** A total order on one ecosystem's version strings; `parse` is undefined for a string it cannot order. */
export interface VersionOrder {
  readonly name: string;
  parse(version: string): unknown;
  compare(a: unknown, b: unknown): number;
}

function cached(parse: (v: string) => unknown): (v: string) => unknown {
  const seen = new Map<string, unknown>();
  return (v) => {
    let parsed = seen.get(v);
    if (parsed === undefined && !seen.has(v)) {
      parsed = parse(v) ?? undefined;
      // Bounded so a long run over many records does not grow without end.
      if (seen.size > 200_000) seen.clear();
      seen.set(v, parsed);
    }
    return parsed;
  };
}

/**
 * Semantic Versioning 2.0.0 (OSV "SEMVER"; npm, crates.io and Go order their versions so). A
 * leading "v", as Go module versions carry, is dropped; Go's "+incompatible" is build metadata.
 */
export const SEMVER_ORDER: VersionOrder = {
  name: 'SemVer',
  parse: cached((v) => semver.parse(v.startsWith('v') ? v.slice(1) : v) ?? undefined),
  compare: (a, b) => semver.compare(a as semver.SemVer, b as semver.SemVer),
};

/** PEP 440 (the PyPI ecosystem's order). */
export const PEP440_ORDER: VersionOrder = {
  name: 'PEP 440',
  parse: cached((v) => (pep440Valid(v) === null ? undefined : v)),
  compare: (a, b) => pep440Compare(a as string, b as string),
};
