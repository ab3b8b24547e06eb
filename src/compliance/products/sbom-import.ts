/**
 * Imports an SBOM (CycloneDX 1.5/1.6 JSON, SPDX 2.3 JSON) for one release of a model, replacing
 * the one it had, in one transaction with its audit record: a bad file imports nothing.
 */
import type { SbomDocumentInfo } from '../../store/sbom-repository.ts';
import type { ProductDeps } from './context.ts';
import { checkImportSize } from './read-limit.ts';
import { findRelease } from './releases.ts';

export async function importSbom(
  d: ProductDeps,
  model: string,
  version: string,
  bytes: Uint8Array,
  source: string,
  actor: string,
): Promise<SbomDocumentInfo> {
  checkImportSize(d, bytes, source);
  await findRelease(d.store, model, version);
  const parsed = await d.parsers.parseSbom(bytes, source);
  return d.store.transaction(async (r) => {
    const { stored, replaced } = await r.sboms.put({
      model,
      version,
      format: parsed.format,
      specVersion: parsed.specVersion,
      ...(parsed.serial === undefined ? {} : { serial: parsed.serial }),
      source,
      bytes,
      importedBy: actor,
      components: parsed.components,
    });
    await r.audit.append({
      actor,
      action: replaced === undefined ? 'sbom.imported' : 'sbom.replaced',
      subject: `product:${model}`,
      details: {
        version,
        source,
        format: stored.format,
        specVersion: stored.specVersion,
        digest: stored.digest,
        components: stored.componentCount,
        ...(replaced === undefined ? {} : { replacedDigest: replaced.digest }),
      },
    });
    return stored;
  });
}
