/** Errors of the open-port probe (docs/errors-compliance.md, "Open-port probe"). */
import { IotopiaError } from '../../errors.ts';

export type ProbeErrorCode =
  /** The address is not an IPv4 or IPv6 literal, or names no single device (unspecified). */
  | 'ERR_PROBE_ADDRESS'
  /** The port range is not 1..65535 with `from` <= `to`. */
  | 'ERR_PROBE_PORTS'
  /** A scan setting (concurrency, timeout) is out of its range. */
  | 'ERR_PROBE_OPTION'
  /** The MUD file is not a valid MUD file (RFC 8520): not JSON, beyond the reader's limits, or invalid. */
  | 'ERR_PROBE_MUD_INVALID'
  /** The MUD URL given is not the one the MUD file names as its own (`mud-url`). */
  | 'ERR_PROBE_MUD_URL'
  /** This machine could not open a socket (file descriptors, local ports): the scan stopped. */
  | 'ERR_PROBE_SOCKET';

/** A probe that could not be run as asked; `code` says why. */
export class ProbeError extends IotopiaError {
  declare readonly code: ProbeErrorCode;
  /** For ERR_PROBE_MUD_INVALID: each problem as "path: reason". */
  readonly details: readonly string[];

  constructor(code: ProbeErrorCode, message: string, details: readonly string[] = [], options?: ErrorOptions) {
    super(code, message, options);
    this.details = details;
  }
}
