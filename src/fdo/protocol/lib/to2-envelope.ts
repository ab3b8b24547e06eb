/**
 * The encrypted part of TO2 (FDO 1.1 §5.5, from TO2.SetupDevice on): bodies travel sealed under
 * the session. An encrypted body is refused by size before any COSE is read; the cap is the
 * plaintext's own cap plus room for the COSE structure, IV, tag and MAC.
 */
import { ErrorCode } from '../../constants/error-codes.ts';
import type { MsgTypeNumber } from '../../constants/message-types.ts';
import { FdoError } from '../../errors.ts';
import { MESSAGE_MAX_BYTES } from '../../messages/limits.ts';
import { openMessage, type SessionState, sealMessage } from '../../session/index.ts';
import type { ProtocolMessage, RandomSource } from '../ports.ts';

/** COSE_Mac0 around COSE_Encrypt0 with headers, a 16-byte IV, CBC padding and a 64-byte tag. */
const ENVELOPE_OVERHEAD = 256;

export function openBody(
  session: SessionState,
  message: ProtocolMessage,
  type: MsgTypeNumber,
): { plaintext: Uint8Array; session: SessionState } {
  const max = MESSAGE_MAX_BYTES[type] + ENVELOPE_OVERHEAD;
  if (message.body.length > max) {
    throw new FdoError(
      'ERR_FDO_MESSAGE_TOO_LARGE',
      ErrorCode.MESSAGE_BODY_ERROR,
      `encrypted body of ${message.body.length} bytes exceeds ${max}`,
    );
  }
  const { plaintext, state } = openMessage(session, message.body);
  return { plaintext, session: state };
}

export function sealBody(
  session: SessionState,
  msgType: MsgTypeNumber,
  plaintext: Uint8Array,
  random: RandomSource,
): { message: ProtocolMessage; session: SessionState } {
  const { message, state } = sealMessage(session, plaintext, { random });
  return { message: { msgType, body: message }, session: state };
}
