/**
 * Failures of the device-side FDO HTTP client that are not the peer's error message: the server
 * could not be reached, answered too slowly, or answered with something that is not FDO.
 */
import { IotopiaError } from '../../errors.ts';

export type FdoTransportErrorCode =
  | 'ERR_AGENT_HTTP_UNREACHABLE'
  | 'ERR_AGENT_HTTP_TIMEOUT'
  | 'ERR_AGENT_HTTP_STATUS'
  | 'ERR_AGENT_HTTP_REPLY'
  | 'ERR_AGENT_HTTP_TOO_LARGE'
  | 'ERR_AGENT_NO_SERVER';

export class FdoTransportError extends IotopiaError {
  /** The URL the request went to, when there was one. */
  readonly url: string | undefined;

  constructor(code: FdoTransportErrorCode, message: string, url?: string, options?: ErrorOptions) {
    super(code, message, options);
    this.url = url;
  }
}
