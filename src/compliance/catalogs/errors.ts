import { IotopiaError } from '../../errors.ts';

/** Stable codes of catalog failures; docs/errors-compliance.md ("Catalogs") explains each one. */
export type CatalogErrorCode = 'ERR_CATALOG_UNKNOWN' | 'ERR_CATALOG_INVALID' | 'ERR_CATALOG_MARKET';

/** A catalog or market that does not exist, or a catalog data file that is not a catalog. */
export class CatalogError extends IotopiaError {
  declare readonly code: CatalogErrorCode;

  constructor(code: CatalogErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}
