/** Errors of the compliance reports (docs/errors-compliance.md, "Reports"). */
import { IotopiaError } from '../../errors.ts';

export type ReportErrorCode =
  | 'ERR_REPORT_NO_BROWSER'
  | 'ERR_REPORT_BROWSER'
  | 'ERR_REPORT_TIMEOUT'
  | 'ERR_REPORT_TOO_LARGE'
  | 'ERR_REPORT_NO_ICS'
  | 'ERR_REPORT_ICS_AMBIGUOUS';

/** A report that cannot be produced; `message` says what to do about it. */
export class ReportError extends IotopiaError {
  declare readonly code: ReportErrorCode;

  constructor(code: ReportErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}
