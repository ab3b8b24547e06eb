import { DEFAULT_MAX_IMPORT_BYTES, type ProductDeps } from './context.ts';
import { ProductError } from './errors.ts';

/** Refuses a file over the import limit before any parser reads it. */
export function checkImportSize(d: ProductDeps, bytes: Uint8Array, source: string): void {
  const max = d.maxImportBytes ?? DEFAULT_MAX_IMPORT_BYTES;
  if (bytes.length > max)
    throw new ProductError('ERR_PRODUCT_FILE_TOO_LARGE', `${source}: ${bytes.length} bytes, more than the ${max} an import reads`);
}
