/**
 * What every server role shares: turning any failure into the spec error message (type 255) with
 * a null state, and refusing messages that arrive out of order.
 */
import { ErrorCode } from '../../constants/error-codes.ts';
import { MsgType } from '../../constants/message-types.ts';
import { FdoError } from '../../errors.ts';
import { decodeErrorMessage, encodeErrorMessage, errorMessageFor } from '../../messages/error.ts';
import type { Clock, ProtocolMessage, ServerPeer, ServerStep } from '../ports.ts';
import { FdoPeerError } from './peer-error.ts';

/**
 * A server role: the session state so far (undefined for a new session) and the next message;
 * `peer` with a protocol's first message, when the carrier knows it.
 */
export type ServerHandler<S> = (state: S | undefined, message: ProtocolMessage, peer?: ServerPeer) => Promise<ServerStep<S>>;

/** The error reply for `error`: the peer sees the spec code and its generic text only. */
export function errorStep(error: unknown, prevMsgType: number, clock: Clock): ServerStep<never> {
  const prev = Number.isInteger(prevMsgType) && prevMsgType >= 0 && prevMsgType <= 0xff ? prevMsgType : 0;
  const timestamp = Math.floor(clock().getTime() / 1000);
  const body = encodeErrorMessage(errorMessageFor(error, prev, { timestamp }));
  return { state: null, reply: { msgType: MsgType.Error, body }, error };
}

/** A message that this role does not expect at this point of the session. */
export function outOfOrder(protocol: string, got: number, expected: readonly number[]): FdoError {
  const want = expected.length === 0 ? 'none (the session has ended)' : expected.join(' or ');
  return new FdoError(
    'ERR_FDO_MESSAGE_OUT_OF_ORDER',
    ErrorCode.INVALID_MESSAGE_ERROR,
    `${protocol}: message type ${got} is not expected here (expected ${want})`,
  );
}

/**
 * Wraps a role's steps so that nothing escapes as an exception: every failure ends the session
 * with an error message. A client's own error message ends it too, with the client's report kept
 * in `error` for the log.
 */
export function guardServer<S>(clock: Clock, step: ServerHandler<S>): ServerHandler<S> {
  return async (state, message, peer) => {
    if (message === null || typeof message !== 'object' || !(message.body instanceof Uint8Array) || typeof message.msgType !== 'number') {
      throw new TypeError('handle() takes a ProtocolMessage { msgType, body }');
    }
    try {
      if (message.msgType === MsgType.Error) {
        let report: unknown;
        try {
          report = new FdoPeerError(decodeErrorMessage(message.body));
        } catch (e) {
          report = e;
        }
        // The session ends either way; the reply only acknowledges that nothing more is expected.
        const ack = new FdoError('ERR_FDO_MESSAGE_OUT_OF_ORDER', ErrorCode.INVALID_MESSAGE_ERROR, 'the client sent an error message');
        return { ...errorStep(ack, message.msgType, clock), error: report };
      }
      // A transport may keep "no session yet" as null, the shape a finished step returns.
      return await step(state === null ? undefined : state, message, peer);
    } catch (e) {
      return errorStep(e, message.msgType, clock);
    }
  };
}
