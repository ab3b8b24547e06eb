import { IotopiaError } from '../errors.ts';

/** Stable codes of CBOR decoding failures. */
export type CborErrorCode =
  | 'ERR_CBOR_TOO_LARGE'
  | 'ERR_CBOR_TRUNCATED'
  | 'ERR_CBOR_MALFORMED'
  | 'ERR_CBOR_DEPTH'
  | 'ERR_CBOR_LENGTH_LIMIT'
  | 'ERR_CBOR_ITEM_LIMIT'
  | 'ERR_CBOR_INDEFINITE'
  | 'ERR_CBOR_DUPLICATE_KEY'
  | 'ERR_CBOR_TRAILING_BYTES'
  | 'ERR_CBOR_INVALID_UTF8'
  | 'ERR_CBOR_UNSUPPORTED'
  | 'ERR_CBOR_INVALID';

/** Bad or hostile CBOR input. `offset` is the byte offset of the item at fault. */
export class CborError extends IotopiaError {
  declare readonly code: CborErrorCode;
  readonly offset: number;

  constructor(code: CborErrorCode, message: string, offset: number) {
    super(code, `${message} (at byte ${offset})`);
    this.offset = offset;
  }
}
