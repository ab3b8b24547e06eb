/** Checks of what an operator gives for a release, before anything is looked up. */
import type { ReleaseComponent } from '../../store/release-repository.ts';
import { ReleaseError } from './errors.ts';
import { VENDOR_DOMAIN } from './identifiers.ts';
import { isSha256Hex } from './payloads.ts';

export const RELEASE_MODEL = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
export const RELEASE_VERSION = /^[A-Za-z0-9][A-Za-z0-9._+~-]{0,63}$/;
export const COMPONENT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const MAX_RELEASE_COMPONENTS = 16;
export const MAX_SBOM_REF_LENGTH = 2048;

export interface ReleaseBasics {
  model: string;
  version: string;
  components: readonly ReleaseComponent[];
  sbomRef?: string;
  /** Built envelopes then check the vendor and class identifiers derived from it and the model. */
  vendorDomain?: string;
}

const bad = (message: string) => new ReleaseError('ERR_RELEASE_INPUT', message);

export function checkSequenceNumber(n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw bad('the sequence number is an unsigned integer below 2^53');
}

export function checkBasics(r: ReleaseBasics): void {
  if (!RELEASE_MODEL.test(r.model)) throw bad('a model is 1–128 letters, digits and ._:- , starting with a letter or digit');
  if (!RELEASE_VERSION.test(r.version)) throw bad('a version is 1–64 letters, digits and ._+~- , starting with a letter or digit');
  if (r.components.length === 0 || r.components.length > MAX_RELEASE_COMPONENTS)
    throw bad(`a release has 1–${MAX_RELEASE_COMPONENTS} components`);
  const ids = new Set<string>();
  for (const c of r.components) {
    if (!COMPONENT_ID.test(c.id)) throw bad(`component id ${JSON.stringify(c.id)} is not 1–64 letters, digits and ._-`);
    if (ids.has(c.id)) throw bad(`component ${c.id} is named twice`);
    ids.add(c.id);
    if (!isSha256Hex(c.digest)) throw bad(`component ${c.id}: the digest is not 64 lowercase hex digits`);
    if (!Number.isSafeInteger(c.size) || c.size < 1) throw bad(`component ${c.id}: the size is a positive integer`);
  }
  if (r.sbomRef !== undefined && (r.sbomRef.length === 0 || r.sbomRef.length > MAX_SBOM_REF_LENGTH || !URL.canParse(r.sbomRef)))
    throw bad(`the SBOM reference is a URI of at most ${MAX_SBOM_REF_LENGTH} characters`);
  if (r.vendorDomain !== undefined && !VENDOR_DOMAIN.test(r.vendorDomain)) throw bad('the vendor domain is a lowercase DNS name');
}
