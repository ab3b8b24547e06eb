import { FdoError } from '../../fdo/errors.ts';
import { guidFromText } from '../../fdo/types/guid.ts';
import { invalidField } from './problem.ts';

/** The GUID of a path the `GuidParams` schema checked. */
export function guidParam(params: { guid: string }): Uint8Array {
  try {
    return guidFromText(params.guid);
  } catch (e) {
    if (e instanceof FdoError) throw invalidField('guid', '32 hex digits, dashes allowed');
    throw e;
  }
}
