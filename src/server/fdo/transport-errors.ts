/**
 * The failures the FDO transport itself detects, before or around a role handler. Each carries the
 * spec code (§3.8) the peer receives; IoTopia's code and message go only to the log.
 */
import { ErrorCode, type ErrorCodeNumber } from '../../fdo/constants/error-codes.ts';
import { FdoError } from '../../fdo/errors.ts';

const make = (code: string, fdoCode: ErrorCodeNumber) => (message: string, cause?: unknown) =>
  new FdoError(code, fdoCode, message, cause === undefined ? undefined : { cause });

export const tokenMissing = make('ERR_FDO_HTTP_TOKEN_MISSING', ErrorCode.INVALID_JWT_TOKEN);
export const tokenUnknown = make('ERR_FDO_HTTP_TOKEN_UNKNOWN', ErrorCode.INVALID_JWT_TOKEN);
export const wrongProtocol = make('ERR_FDO_HTTP_WRONG_PROTOCOL', ErrorCode.INVALID_MESSAGE_ERROR);
export const unknownMessageType = make('ERR_FDO_HTTP_MESSAGE_TYPE', ErrorCode.INVALID_MESSAGE_ERROR);
export const roleDisabled = make('ERR_FDO_HTTP_ROLE_DISABLED', ErrorCode.RESOURCE_NOT_FOUND);
export const sessionConflict = make('ERR_FDO_HTTP_SESSION_CONFLICT', ErrorCode.INVALID_MESSAGE_ERROR);
export const bodyTooLarge = make('ERR_FDO_HTTP_BODY_TOO_LARGE', ErrorCode.MESSAGE_BODY_ERROR);
export const contentType = make('ERR_FDO_HTTP_CONTENT_TYPE', ErrorCode.MESSAGE_BODY_ERROR);
export const badRequest = make('ERR_FDO_HTTP_REQUEST', ErrorCode.MESSAGE_BODY_ERROR);
/**
 * A message for another protocol version (`/fdo/{version}/msg/...` with a version other than 101).
 * The §3.8 table has no version code; like an OVHProtVer other than 101 in DI, the message cannot
 * be read as FDO 1.1, so it is MESSAGE_BODY_ERROR.
 */
export const versionUnsupported = make('ERR_FDO_HTTP_VERSION', ErrorCode.MESSAGE_BODY_ERROR);
/** Any other request under /fdo/: a wrong method or a path that names no message. */
export const notAMessage = make('ERR_FDO_HTTP_PATH', ErrorCode.INVALID_MESSAGE_ERROR);
/**
 * A start message over a rate limit, or beyond the cap on open sessions. FDO 1.1's error table
 * (§3.8) has no code for "busy, try later"; INTERNAL_SERVER_ERROR is its code for a failure that no
 * other code classifies, and it blames neither the message nor the device. The HTTP status (429 or
 * 503) and Retry-After tell an HTTP-aware client when to come back.
 */
export const rateLimited = make('ERR_FDO_HTTP_RATE_LIMITED', ErrorCode.INTERNAL_SERVER_ERROR);
export const sessionCapReached = make('ERR_FDO_HTTP_SESSION_CAP', ErrorCode.INTERNAL_SERVER_ERROR);
