/** What the product, SBOM and vulnerability routes share: the service, its refusals as problems, the views. */
import { ProductError, type ProductErrorCode } from '../../compliance/products/errors.ts';
import type { ProductService } from '../../compliance/products/service.ts';
import { IotopiaError } from '../../errors.ts';
import { StoreError } from '../../store/errors.ts';
import type { SbomDocumentInfo } from '../../store/sbom-repository.ts';
import { ApiProblem } from './problem.ts';
import type { ApiContext } from './route.ts';

const STATUS: Record<ProductErrorCode, number> = {
  ERR_PRODUCT_INPUT: 400,
  ERR_PRODUCT_NOT_FOUND: 404,
  ERR_PRODUCT_EXISTS: 409,
  ERR_PRODUCT_RELEASE_NOT_FOUND: 404,
  ERR_PRODUCT_RELEASE_EXISTS: 409,
  ERR_PRODUCT_SBOM_NOT_FOUND: 404,
  ERR_PRODUCT_FILE_TOO_LARGE: 413,
  ERR_PRODUCT_IMPORT: 422,
  ERR_PRODUCT_VULN_NOT_FOUND: 404,
  ERR_PRODUCT_TOO_MANY_CANDIDATES: 422,
};

/**
 * The service's refusals as problems with its code (docs/errors-compliance.md). A parser's typed
 * refusal of an SBOM, OSV or VEX file is a 422 with the parser's own code and message, which name
 * the file, entry and field.
 */
export async function productCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof ProductError) throw new ApiProblem(STATUS[e.code], e.code, e.message);
    if (e instanceof IotopiaError && !(e instanceof ApiProblem) && !(e instanceof StoreError)) throw new ApiProblem(422, e.code, e.message);
    throw e;
  }
}

export function productsOf(ctx: ApiContext): ProductService {
  if (ctx.products === undefined) throw new ApiProblem(404, 'ERR_API_NOT_FOUND', 'this server keeps no products');
  return ctx.products;
}

export const sbomInfoView = (s: SbomDocumentInfo) => ({
  model: s.model,
  version: s.version,
  format: s.format,
  specVersion: s.specVersion,
  ...(s.serial === undefined ? {} : { serial: s.serial }),
  source: s.source,
  digest: s.digest,
  size: s.size,
  componentCount: s.componentCount,
  importedBy: s.importedBy,
  importedAt: s.importedAt.toISOString(),
});

/** A request body as the bytes a parser reads: as sent, or a parsed JSON body written back out. */
export function bodyBytes(body: unknown): Uint8Array {
  if (body instanceof Uint8Array) return body;
  if (body === undefined || body === null)
    throw new ApiProblem(400, 'ERR_API_VALIDATION', 'body: a document is required', { field: 'body' });
  return new TextEncoder().encode(JSON.stringify(body));
}
