import { IotopiaError } from '../../errors.ts';

/** Stable codes of SUIT processing failures; docs/errors-suit.md ("Processing") explains each one. */
export type SuitProcessErrorCode =
  | 'ERR_SUIT_ROLLBACK'
  | 'ERR_SUIT_CONDITION_FAILED'
  | 'ERR_SUIT_ABORT'
  | 'ERR_SUIT_PARAMETER_MISSING'
  | 'ERR_SUIT_COMPONENT_UNKNOWN'
  | 'ERR_SUIT_FETCH_FAILED'
  | 'ERR_SUIT_DEVICE_FAILED'
  | 'ERR_SUIT_DECRYPT_UNAVAILABLE'
  | 'ERR_SUIT_PROCESS_UNSUPPORTED'
  | 'ERR_SUIT_SEQUENCE_MISSING'
  | 'ERR_SUIT_DEPENDENCY_FAILED';

/**
 * A manifest that authenticated but could not be carried out on the device: a condition failed, a
 * parameter a command needs is missing, the device refused, or the manifest is older than the one
 * the device holds. `at` names the command (sequence, index, name) when one was running.
 */
export class SuitProcessError extends IotopiaError {
  declare readonly code: SuitProcessErrorCode;

  constructor(code: SuitProcessErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}
