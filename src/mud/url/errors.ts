import { IotopiaError } from '../../errors.ts';

/** Stable codes of MUD URL decoding and encoding failures (RFC 8520 §10–§12). */
export type MudUrlErrorCode =
  | 'ERR_MUD_URL_FORMAT'
  | 'ERR_MUD_URL_TRUNCATED'
  | 'ERR_MUD_URL_TOO_LONG'
  | 'ERR_MUD_URL_INVALID'
  | 'ERR_MUD_URL_SCHEME'
  | 'ERR_MUD_URL_CERT';

/** Where a MUD URL came from, named in every error. */
export type MudUrlSource = 'dhcp4' | 'dhcp6' | 'lldp' | 'x509' | 'url';

/** A MUD URL or its carrier that is malformed or beyond a limit. Caller misuse is a TypeError. */
export class MudUrlError extends IotopiaError {
  declare readonly code: MudUrlErrorCode;
  readonly source: MudUrlSource;

  constructor(code: MudUrlErrorCode, source: MudUrlSource, message: string, options?: ErrorOptions) {
    super(code, `${source}: ${message}`, options);
    this.source = source;
  }
}
