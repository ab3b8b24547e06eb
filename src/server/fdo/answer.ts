/**
 * What the FDO transport answers: a reply message, the bearer token to send with it, and for an
 * error message what failed (for the log) and the HTTP status. Replies go out as CBOR with the
 * Message-Type header; failures are logged and counted here.
 */
import type { FastifyBaseLogger, FastifyReply } from 'fastify';
import { MsgType } from '../../fdo/constants/message-types.ts';
import { fdoCodeOf } from '../../fdo/errors.ts';
import { encodeErrorMessage, errorMessageFor } from '../../fdo/messages/error.ts';
import type { Clock, ProtocolMessage } from '../../fdo/protocol/ports.ts';

export const CBOR = 'application/cbor';

export interface Answer {
  reply: ProtocolMessage;
  token?: string;
  /** What failed, for the log, when `reply` is an error message. */
  error?: unknown;
  status?: number;
  /** Seconds for a Retry-After header (a refusal over a rate limit or the session cap). */
  retryAfter?: number;
}

export interface FdoMessageEvent {
  /** The request's message type (0 when the URL named none). */
  msgType: number;
  /** The reply's message type: 255 for an error message. */
  replyType: number;
  /** The spec code sent, for error messages. */
  fdoCode?: number;
  /** IoTopia's code of the failure, when there was one. */
  code?: string;
  durationMs: number;
}

/** The error message for `error`: the peer sees the spec code only. Go-fdo clients read it from HTTP 500. */
export function errorAnswer(clock: Clock, error: unknown, prevMsgType: number, status = 500): Answer {
  const timestamp = Math.floor(clock().getTime() / 1000);
  return {
    reply: { msgType: MsgType.Error, body: encodeErrorMessage(errorMessageFor(error, prevMsgType, { timestamp })) },
    error,
    status,
  };
}

export function sendAnswer(reply: FastifyReply, a: Answer): FastifyReply {
  const isError = a.reply.msgType === MsgType.Error;
  reply
    .code(a.status ?? (isError ? 500 : 200))
    .header('content-type', CBOR)
    .header('message-type', String(a.reply.msgType));
  if (a.token !== undefined && !isError) reply.header('authorization', `Bearer ${a.token}`);
  if (a.retryAfter !== undefined) reply.header('retry-after', String(a.retryAfter));
  return reply.send(Buffer.from(a.reply.body.buffer, a.reply.body.byteOffset, a.reply.body.byteLength));
}

type Failure = { code?: unknown; fdoCode?: unknown; message?: unknown; stack?: unknown } | undefined;

/** Tells the observer about the answer, and logs a failure: a known refusal as a warning, anything else as an error. */
export function reportAnswer(
  log: FastifyBaseLogger,
  observe: ((event: FdoMessageEvent) => void) | undefined,
  msgType: number,
  a: Answer,
  durationMs: number,
): void {
  const e = a.error as Failure;
  if (observe !== undefined) notify(log, observe, msgType, a, durationMs);
  if (a.reply.msgType !== MsgType.Error && a.error === undefined) return;
  const known = typeof e?.code === 'string' && typeof e.fdoCode === 'number';
  const fields = { msgType, code: e?.code, fdoCode: e?.fdoCode, reason: e?.message };
  if (known) log.warn(fields, 'FDO message refused');
  else log.error({ ...fields, stack: e?.stack }, 'FDO message failed');
}

function notify(log: FastifyBaseLogger, observe: (event: FdoMessageEvent) => void, msgType: number, a: Answer, durationMs: number): void {
  const e = a.error as Failure;
  const event: FdoMessageEvent = { msgType, replyType: a.reply.msgType, durationMs };
  if (a.reply.msgType === MsgType.Error) event.fdoCode = fdoCodeOf(a.error);
  if (typeof e?.code === 'string') event.code = e.code;
  try {
    observe(event);
  } catch (err) {
    log.error({ err }, 'FDO observer failed');
  }
}
