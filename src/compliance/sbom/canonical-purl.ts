import { PackageURL } from 'packageurl-js';
import { SbomError } from './errors.ts';

/** A package URL in packageurl-js's canonical form (sorted qualifiers, normalised encoding and case). */
export function canonicalPurl(purl: string, source: string, entry: string, field: string): string {
  try {
    return PackageURL.fromString(purl).toString();
  } catch (cause) {
    throw new SbomError('ERR_SBOM_PURL', { source, entry, field }, `not a package URL: ${(cause as Error).message}`, {
      cause,
    });
  }
}
