/** Errors of fetching and verifying a MUD file (RFC 8520 §13–§14); each names the URL and the reason. */
import { IotopiaError } from '../errors.ts';

export type MudFetchErrorCode =
  | 'ERR_INTENT_FETCH_URL'
  | 'ERR_INTENT_FETCH_REDIRECT'
  | 'ERR_INTENT_FETCH_NETWORK'
  | 'ERR_INTENT_FETCH_TIMEOUT'
  | 'ERR_INTENT_FETCH_STATUS'
  | 'ERR_INTENT_FETCH_TOO_LARGE'
  | 'ERR_INTENT_FETCH_INVALID'
  | 'ERR_INTENT_FETCH_URL_MISMATCH'
  | 'ERR_INTENT_FETCH_UNSIGNED'
  | 'ERR_INTENT_FETCH_SIGNATURE';

/** A MUD file could not be fetched or was refused. `url` is the URL concerned (file or signature). */
export class MudFetchError extends IotopiaError {
  declare readonly code: MudFetchErrorCode;
  readonly url: string;

  constructor(code: MudFetchErrorCode, url: string, reason: string, options?: ErrorOptions) {
    super(code, `${JSON.stringify(url)}: ${reason}`, options);
    this.url = url;
  }
}
