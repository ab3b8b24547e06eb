import { parseCycloneDxVex } from './cyclonedx-vex.ts';
import { VulnError } from './errors.ts';
import { parseOpenVex } from './openvex.ts';
import { VULN_LIMITS } from './vuln-limits.ts';
import type { VexStatement } from './vuln-types.ts';

/**
 * VEX statements from an OpenVEX v0.2.0 document or a CycloneDX BOM carrying vulnerabilities with
 * an analysis. A not_affected statement without a justification is refused, naming the statement.
 */
export function parseVex(bytes: Uint8Array, source: string): VexStatement[] {
  const doc = readVexJson(bytes, source);
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new VulnError('ERR_VEX_FORMAT', { source }, 'not a JSON object');
  }
  const statements = 'statements' in doc ? doc.statements : 'vulnerabilities' in doc ? doc.vulnerabilities : undefined;
  if (Array.isArray(statements) && statements.length > VULN_LIMITS.maxVexStatements) {
    throw new VulnError('ERR_VEX_TOO_MANY', { source }, `more than ${VULN_LIMITS.maxVexStatements} statements`);
  }
  if ('@context' in doc && typeof doc['@context'] === 'string' && doc['@context'].startsWith('https://openvex.dev/ns')) {
    if (doc['@context'] !== 'https://openvex.dev/ns/v0.2.0') {
      throw new VulnError('ERR_VEX_FORMAT', { source, field: '@context' }, `OpenVEX ${doc['@context']} is not supported; v0.2.0 is`);
    }
    return parseOpenVex(doc, source);
  }
  if ('bomFormat' in doc && doc.bomFormat === 'CycloneDX') return parseCycloneDxVex(doc, source);
  throw new VulnError('ERR_VEX_FORMAT', { source }, 'neither OpenVEX (@context) nor a CycloneDX BOM (bomFormat)');
}

function readVexJson(bytes: Uint8Array, source: string): unknown {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('parseVex: bytes must be a Uint8Array');
  if (bytes.byteLength > VULN_LIMITS.maxVexBytes) {
    throw new VulnError('ERR_VEX_TOO_LARGE', { source }, `${bytes.byteLength} bytes, limit ${VULN_LIMITS.maxVexBytes}`);
  }
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new VulnError('ERR_VEX_JSON', { source }, `not UTF-8 JSON: ${(cause as Error).message}`, { cause });
  }
}
