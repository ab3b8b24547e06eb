/** Errors of reading packet captures (docs/errors-intent.md, "Captures"). */
import { IotopiaError } from '../../errors.ts';

export type CaptureErrorCode =
  | 'ERR_CAPTURE_FORMAT'
  | 'ERR_CAPTURE_TRUNCATED'
  | 'ERR_CAPTURE_LIMIT'
  | 'ERR_CAPTURE_LINKTYPE'
  | 'ERR_CAPTURE_DNS'
  | 'ERR_CAPTURE_DHCP'
  | 'ERR_CAPTURE_LLDP'
  | 'ERR_CAPTURE_READ';

/** A capture that is not pcap/pcapng, ends early, breaks a limit or has a link type IoTopia does not decode. */
export class CaptureError extends IotopiaError {
  declare readonly code: CaptureErrorCode;
  /** Byte offset in the capture (or in the message, for DNS) where the problem was found. */
  readonly offset: number;

  constructor(code: CaptureErrorCode, offset: number, message: string, options?: ErrorOptions) {
    super(code, `${message} (at byte ${offset})`, options);
    this.offset = offset;
  }
}
