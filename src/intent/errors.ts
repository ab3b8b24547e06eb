/** Errors of the intent pillar's resolution and compilation (docs/errors-intent.md). */
import { IotopiaError } from '../errors.ts';

export type IntentErrorCode =
  | 'ERR_INTENT_CONTEXT'
  | 'ERR_INTENT_UNRESOLVED'
  | 'ERR_INTENT_UNSUPPORTED'
  | 'ERR_INTENT_POLICY'
  | 'ERR_INTENT_APPLY'
  | 'ERR_INTENT_NFT_MISSING'
  | 'ERR_INTENT_DNS'
  | 'ERR_INTENT_DEVICE_INPUT'
  | 'ERR_INTENT_DEVICE_UNKNOWN';

/** A MUD file that cannot be resolved or compiled for a device; `where` names the ACL/ACE or setting. */
export class IntentError extends IotopiaError {
  declare readonly code: IntentErrorCode;
  readonly where: string;

  constructor(code: IntentErrorCode, where: string, message: string) {
    super(code, message);
    this.where = where;
  }
}
