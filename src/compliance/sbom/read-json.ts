import { SbomError } from './errors.ts';
import { SBOM_LIMITS } from './sbom-limits.ts';

/** Decodes an SBOM file's bytes as UTF-8 JSON within the byte limit; the text is kept for validators. */
export function readSbomJson(bytes: Uint8Array, source: string): { text: string; value: unknown } {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('parseSbom: bytes must be a Uint8Array');
  if (bytes.byteLength > SBOM_LIMITS.maxBytes) {
    throw new SbomError('ERR_SBOM_TOO_LARGE', { source }, `${bytes.byteLength} bytes, limit ${SBOM_LIMITS.maxBytes}`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new SbomError('ERR_SBOM_JSON', { source }, 'not UTF-8 text', { cause });
  }
  try {
    return { text, value: JSON.parse(text) };
  } catch (cause) {
    // A RangeError here is JSON nested past the engine's stack: hostile input like any other.
    throw new SbomError('ERR_SBOM_JSON', { source }, `not JSON: ${(cause as Error).message}`, { cause });
  }
}
