import type { PackageURL } from 'packageurl-js';
import { PEP440_ORDER, SEMVER_ORDER, type VersionOrder } from './version-order.ts';

/**
 * The OSV ecosystem (https://ossf.github.io/osv-schema/#affectedpackage-field), lower-cased,
 * for a purl type (https://github.com/package-url/purl-spec, PURL-TYPES). deb and apk name their
 * distribution in the namespace.
 */
const ECOSYSTEM_OF_TYPE: Readonly<Record<string, string>> = {
  npm: 'npm',
  pypi: 'pypi',
  golang: 'go',
  cargo: 'crates.io',
  maven: 'maven',
  nuget: 'nuget',
  gem: 'rubygems',
  composer: 'packagist',
  hex: 'hex',
  pub: 'pub',
  hackage: 'hackage',
  cran: 'cran',
  swift: 'swifturl',
};

const DISTRIBUTION_OF_NAMESPACE: Readonly<Record<string, string>> = {
  'deb/debian': 'debian',
  'deb/ubuntu': 'ubuntu',
  'apk/alpine': 'alpine',
};

/** Ecosystems whose ECOSYSTEM ranges IoTopia can order; the others fall back to `versions`. */
const ORDER_OF_ECOSYSTEM: Readonly<Record<string, VersionOrder>> = {
  npm: SEMVER_ORDER,
  'crates.io': SEMVER_ORDER,
  go: SEMVER_ORDER,
  pypi: PEP440_ORDER,
};

/** The OSV ecosystem key of an ecosystem string: "Debian:11" and "debian" are both "debian". */
export function ecosystemKey(ecosystem: string): string {
  const colon = ecosystem.indexOf(':');
  return (colon >= 0 ? ecosystem.slice(0, colon) : ecosystem).toLowerCase();
}

/** A package name as the ecosystem compares names (PEP 503 for PyPI; NuGet and Packagist ignore case). */
export function normalisedName(key: string, name: string): string {
  if (key === 'pypi') return name.toLowerCase().replace(/[-_.]+/g, '-');
  if (key === 'nuget' || key === 'packagist') return name.toLowerCase();
  return name;
}

/** The (ecosystem key, OSV package name) a purl names, or undefined when no OSV ecosystem fits. */
export function osvPackageOf(purl: PackageURL): { key: string; name: string } | undefined {
  const key = ECOSYSTEM_OF_TYPE[purl.type] ?? DISTRIBUTION_OF_NAMESPACE[`${purl.type}/${purl.namespace ?? ''}`];
  if (key === undefined) return undefined;
  let name = purl.name;
  if (key === 'maven') name = `${purl.namespace ?? ''}:${purl.name}`;
  else if (purl.namespace && key !== 'debian' && key !== 'ubuntu' && key !== 'alpine') name = `${purl.namespace}/${purl.name}`;
  return { key, name: normalisedName(key, name) };
}

/** The order of an ecosystem's versions, or undefined when IoTopia has none for it. */
export function orderOf(key: string): VersionOrder | undefined {
  return ORDER_OF_ECOSYSTEM[key];
}
