/**
 * What a client role throws when the server answers with an error message (type 255): the
 * protocol has ended, and the peer's spec code is all there is to know about why.
 */
import { ErrorCode, type ErrorCodeNumber } from '../../constants/error-codes.ts';
import { MsgType } from '../../constants/message-types.ts';
import { FdoError } from '../../errors.ts';
import { decodeErrorMessage, type ErrorMessage } from '../../messages/error.ts';
import type { ProtocolMessage } from '../ports.ts';

const KNOWN_CODES = new Set<number>(Object.values(ErrorCode));

export class FdoPeerError extends FdoError {
  /** EMErrorCode as the peer sent it, which may be a code IoTopia does not know. */
  readonly peerCode: number;
  /** EMPrevMsgID: the message the peer was answering. */
  readonly prevMsgType: number;
  /** EMErrorStr, for the log only. */
  readonly peerMessage: string;

  constructor(msg: ErrorMessage) {
    const known: ErrorCodeNumber = KNOWN_CODES.has(msg.code) ? (msg.code as ErrorCodeNumber) : ErrorCode.INTERNAL_SERVER_ERROR;
    super(
      'ERR_FDO_PEER_ERROR',
      known,
      `the peer ended the protocol with error ${msg.code} after message ${msg.prevMsgType}: ${msg.message}`,
    );
    this.peerCode = msg.code;
    this.prevMsgType = msg.prevMsgType;
    this.peerMessage = msg.message;
  }
}

/**
 * Checks that a server's reply is the message the client waits for. An error message becomes an
 * FdoPeerError; any other type is ERR_FDO_UNEXPECTED_MESSAGE.
 */
export function expectReply(message: ProtocolMessage, expected: number, name: string): Uint8Array {
  if (message?.body instanceof Uint8Array === false || typeof message.msgType !== 'number') {
    throw new TypeError(`${name}: receive() takes a ProtocolMessage { msgType, body }`);
  }
  if (message.msgType === MsgType.Error) throw new FdoPeerError(decodeErrorMessage(message.body));
  if (message.msgType !== expected) {
    throw new FdoError(
      'ERR_FDO_UNEXPECTED_MESSAGE',
      ErrorCode.MESSAGE_BODY_ERROR,
      `expected ${name} (type ${expected}), received message type ${message.msgType}`,
    );
  }
  return message.body;
}
