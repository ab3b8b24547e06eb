import { IotopiaError } from '../../errors.ts';

/** Why an assessment operation was refused; each code is documented in docs/errors-compliance.md. */
export type AssessmentErrorCode =
  | 'ERR_ASSESSMENT_UNKNOWN_MARKET'
  | 'ERR_ASSESSMENT_UNKNOWN_CATALOG'
  | 'ERR_ASSESSMENT_UNKNOWN_PRODUCT'
  | 'ERR_ASSESSMENT_NOT_FOUND'
  | 'ERR_ASSESSMENT_EVIDENCE_NOT_FOUND'
  | 'ERR_ASSESSMENT_DIFFERENT_PRODUCTS'
  | 'ERR_ASSESSMENT_MANUAL_EVIDENCE'
  | 'ERR_ASSESSMENT_ATTACHMENT_TOO_LARGE'
  | 'ERR_ASSESSMENT_PROBE'
  | 'ERR_ASSESSMENT_CORRUPT'
  | 'ERR_ASSESSMENT_UNAVAILABLE';

export class AssessmentError extends IotopiaError {
  declare readonly code: AssessmentErrorCode;
  /** The input field at fault, when one is. */
  readonly field: string | undefined;
  constructor(code: AssessmentErrorCode, message: string, options?: { cause?: unknown; field?: string }) {
    super(code, message, options);
    this.field = options?.field;
  }
}
