/** An imported SBOM: its record and bytes, or its components. */
import type { SbomDocumentInfo, StoredSbomComponent } from '../../store/sbom-repository.ts';
import type { Store } from '../../store/store.ts';
import { ProductError } from './errors.ts';

const missing = (model: string, version: string) =>
  new ProductError('ERR_PRODUCT_SBOM_NOT_FOUND', `release ${version} of model ${model} has no SBOM`);

export async function getSbom(store: Store, model: string, version: string): Promise<{ info: SbomDocumentInfo; bytes: Uint8Array }> {
  const s = await store.sboms.bytes(model, version);
  if (s === undefined) throw missing(model, version);
  return s;
}

export async function sbomComponents(
  store: Store,
  model: string,
  version: string,
): Promise<{ info: SbomDocumentInfo; components: StoredSbomComponent[] }> {
  const info = await store.sboms.info(model, version);
  if (info === undefined) throw missing(model, version);
  return { info, components: await store.sboms.components(model, version) };
}

/** The media type an SBOM is served with: CycloneDX's and SPDX's registered JSON types. */
export const sbomMediaType = (format: string): string => (format === 'spdx' ? 'application/spdx+json' : 'application/vnd.cyclonedx+json');
