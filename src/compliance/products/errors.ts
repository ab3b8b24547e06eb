import { IotopiaError } from '../../errors.ts';

/** Why a product, release, SBOM or vulnerability operation was refused; documented in docs/errors-compliance.md. */
export type ProductErrorCode =
  | 'ERR_PRODUCT_INPUT'
  | 'ERR_PRODUCT_NOT_FOUND'
  | 'ERR_PRODUCT_EXISTS'
  | 'ERR_PRODUCT_RELEASE_NOT_FOUND'
  | 'ERR_PRODUCT_RELEASE_EXISTS'
  | 'ERR_PRODUCT_SBOM_NOT_FOUND'
  | 'ERR_PRODUCT_FILE_TOO_LARGE'
  | 'ERR_PRODUCT_IMPORT'
  | 'ERR_PRODUCT_VULN_NOT_FOUND'
  | 'ERR_PRODUCT_TOO_MANY_CANDIDATES';

export class ProductError extends IotopiaError {
  declare readonly code: ProductErrorCode;
  constructor(code: ProductErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
