/**
 * Bytes inside session state. State is stored as JSON (a database row, another replica), so byte
 * strings travel as base64 text and come back as plain Uint8Arrays.
 */
import { ErrorCode } from '../../constants/error-codes.ts';
import { FdoError } from '../../errors.ts';

export function toB64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * Reads back what `toB64` wrote. State that is not what IoTopia wrote is our own fault (or a
 * tampered store), never the peer's, so it is an internal error.
 */
export function fromB64(text: unknown, field: string): Uint8Array {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
    throw badState(`${field} is not base64`);
  }
  return new Uint8Array(Buffer.from(text, 'base64'));
}

/** Session state that does not have the shape this role wrote. */
export function badState(what: string): FdoError {
  return new FdoError('ERR_FDO_SESSION_STATE', ErrorCode.INTERNAL_SERVER_ERROR, `session state: ${what}`);
}
