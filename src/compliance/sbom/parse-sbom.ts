import { parseCycloneDx } from './cyclonedx-sbom.ts';
import { SbomError } from './errors.ts';
import { readSbomJson } from './read-json.ts';
import type { ParsedSbom } from './sbom-types.ts';
import { parseSpdx } from './spdx-sbom.ts';

/**
 * Imports an SBOM: CycloneDX 1.5/1.6 JSON (checked with the CycloneDX library's strict JSON schema
 * validator) or SPDX 2.3 JSON (checked against a schema of the members read here). Components are
 * flattened and their package URLs canonicalised. `source` names the file in errors.
 */
export async function parseSbom(bytes: Uint8Array, source: string): Promise<ParsedSbom> {
  const { text, value } = readSbomJson(bytes, source);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SbomError('ERR_SBOM_FORMAT', { source }, 'not a JSON object');
  }
  const doc = value as Record<string, unknown>;
  if (doc.bomFormat === 'CycloneDX') return parseCycloneDx(doc, text, source);
  if (typeof doc.spdxVersion === 'string') return parseSpdx(doc, source);
  if (isSpdx3(doc)) {
    throw new SbomError('ERR_SBOM_SPEC_VERSION', { source, field: '@context' }, 'SPDX 3 is not supported; SPDX 2.3 is');
  }
  throw new SbomError('ERR_SBOM_FORMAT', { source }, 'neither CycloneDX (bomFormat) nor SPDX (spdxVersion)');
}

// SPDX 3 documents are JSON-LD whose @context names the spdx.org 3.x model.
function isSpdx3(doc: Record<string, unknown>): boolean {
  const context = doc['@context'];
  const contexts = Array.isArray(context) ? context : [context];
  return contexts.some((c) => typeof c === 'string' && c.includes('spdx.org/rdf/3'));
}
