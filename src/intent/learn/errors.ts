/** Errors of learning a MUD file from traffic (docs/errors-intent.md, "Learning"). */
import { IotopiaError } from '../../errors.ts';

export type LearnErrorCode = 'ERR_INTENT_LEARN_INPUT' | 'ERR_INTENT_LEARN_EMPTY';

/** Options that cannot be used (a MAC that is not one), or captures with no traffic of the device. */
export class LearnError extends IotopiaError {
  declare readonly code: LearnErrorCode;
}
