import { PackageURL } from 'packageurl-js';

/** A VEX product identifier: a purl in canonical form, anything else (bom-ref, URL) as written. */
export function vexProductId(id: string): string {
  if (!id.startsWith('pkg:')) return id;
  try {
    return PackageURL.fromString(id).toString();
  } catch {
    return id;
  }
}
