/**
 * The FDO 1.1 HTTP transport as a Fastify plugin: `POST /fdo/101/msg/{type}` with a CBOR body.
 * The first message of a protocol opens a session and its reply carries a fresh bearer token;
 * every later message must present it. Sessions live only in the SessionStore, so any replica can
 * serve any message. Each message first claims the session's version, so of two requests racing on
 * one session only one reaches the role handler.
 *
 * Error messages (type 255) go out with HTTP 500, the status go-fdo clients read them from; a
 * wrong content type keeps 415. Peers see spec codes only; the details go to the log.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger, FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { MsgType } from '../../fdo/constants/message-types.ts';
import { fdoCodeOf } from '../../fdo/errors.ts';
import { decodeErrorMessage, encodeErrorMessage, errorMessageFor } from '../../fdo/messages/error.ts';
import type { Clock, FdoProtocol, ProtocolMessage, RandomSource, ServerStep, SessionStore } from '../../fdo/protocol/ports.ts';
import { protocolOf } from './protocols.ts';
import {
  badRequest,
  bodyTooLarge,
  contentType,
  notAMessage,
  roleDisabled,
  sessionConflict,
  tokenMissing,
  tokenUnknown,
  unknownMessageType,
  versionUnsupported,
  wrongProtocol,
} from './transport-errors.ts';

/**
 * A server role handler (createDiManufacturer, createTo0Rendezvous, ...). The state parameter is
 * typed `never` so that every role's own state type fits; the transport only stores and returns it.
 */
export type RoleHandler = (state: never, message: ProtocolMessage) => Promise<ServerStep<unknown>>;

/** The roles this server plays, each with its handlers; a role left out is not served. */
export interface FdoRoles {
  manufacturer?: { di: RoleHandler };
  rendezvous?: { to0: RoleHandler; to1: RoleHandler };
  owner?: { to2: RoleHandler };
}

export interface FdoTransportLimits {
  /** Largest request body in bytes; go-fdo's default, 65535, when not set. */
  maxMessageBytes?: number;
  /** How long a session lives after its last message, in seconds (default 300). */
  sessionTtlSeconds?: number;
}

export interface FdoTransportOptions {
  roles: FdoRoles;
  sessions: SessionStore;
  /** Where transport and protocol failures are reported; the request's logger when not set. */
  log?: FastifyBaseLogger;
  limits?: FdoTransportLimits;
  /** Session expiry and error timestamps; the system clock when not set. */
  clock?: Clock;
  /** Token bytes; node:crypto when not set. */
  random?: RandomSource;
  /** Called once per message answered, for metrics (errors by code, finished protocols, latency). */
  observe?: (event: FdoMessageEvent) => void;
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

export const DEFAULT_MAX_MESSAGE_BYTES = 65_535;
export const DEFAULT_SESSION_TTL_SECONDS = 300;
const TOKEN_BYTES = 32;
const CBOR = 'application/cbor';

interface Answer {
  reply: ProtocolMessage;
  token?: string;
  /** What failed, for the log, when `reply` is an error message. */
  error?: unknown;
  status?: number;
}

function handlerFor(roles: FdoRoles, protocol: FdoProtocol): RoleHandler | undefined {
  if (protocol === 'di') return roles.manufacturer?.di;
  if (protocol === 'to0') return roles.rendezvous?.to0;
  if (protocol === 'to1') return roles.rendezvous?.to1;
  return roles.owner?.to2;
}

function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}

function parseMsgType(raw: string): number | undefined {
  return /^\d{1,3}$/.test(raw) && Number(raw) <= 0xff ? Number(raw) : undefined;
}

/** The plugin factory: `app.register(fdoTransport({ roles, sessions }))`. */
export function fdoTransport(options: FdoTransportOptions): FastifyPluginAsync {
  const { roles, sessions } = options;
  if (typeof sessions?.get !== 'function') throw new TypeError('fdoTransport: a SessionStore is required');
  const clock = options.clock ?? (() => new Date());
  const random = options.random ?? ((n: number) => new Uint8Array(randomBytes(n)));
  const maxBytes = options.limits?.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const ttlMs = (options.limits?.sessionTtlSeconds ?? DEFAULT_SESSION_TTL_SECONDS) * 1000;
  if (!Number.isInteger(maxBytes) || maxBytes <= 0) throw new TypeError('fdoTransport: limits.maxMessageBytes must be a positive integer');

  const newToken = () => Buffer.from(random(TOKEN_BYTES)).toString('base64url');
  const expiry = () => new Date(clock().getTime() + ttlMs);
  const errorAnswer = (error: unknown, prevMsgType: number, status = 500): Answer => ({
    reply: {
      msgType: MsgType.Error,
      body: encodeErrorMessage(errorMessageFor(error, prevMsgType, { timestamp: Math.floor(clock().getTime() / 1000) })),
    },
    error,
    status,
  });

  async function answer(msgType: number, body: Uint8Array, token: string | undefined): Promise<Answer> {
    const which = protocolOf(msgType);
    if (which === undefined) return errorAnswer(unknownMessageType(`message type ${msgType} belongs to no protocol`), msgType);
    const handler = handlerFor(roles, which.protocol);
    if (handler === undefined) return errorAnswer(roleDisabled(`the ${which.role} role is not served here`), msgType);
    const message = { msgType, body };

    if (which.starts) {
      // A client may restart a protocol at any time; a token it still sends belongs to the old run.
      const step = await handler(undefined as never, message);
      if (step.state === null) return { reply: step.reply, error: step.error };
      const fresh = newToken();
      await sessions.create(fresh, { role: which.role, protocol: which.protocol, state: step.state, expiresAt: expiry() });
      return { reply: step.reply, token: fresh, error: step.error };
    }

    if (token === undefined) return errorAnswer(tokenMissing(`message type ${msgType} needs the session's bearer token`), msgType);
    const session = await sessions.get(token);
    if (session === undefined) return errorAnswer(tokenUnknown('no session has this token'), msgType);
    if (session.expiresAt.getTime() <= clock().getTime()) {
      await sessions.delete(token, session.version);
      return errorAnswer(tokenUnknown(`the session expired at ${session.expiresAt.toISOString()}`), msgType);
    }
    if (session.protocol !== which.protocol) {
      await sessions.delete(token, session.version);
      return errorAnswer(wrongProtocol(`message type ${msgType} (${which.protocol}) sent in a ${session.protocol} session`), msgType);
    }
    // Claim the session before running the handler: its state is null while a message is in
    // flight, so a concurrent copy of the message (here or on another replica) is refused before
    // any of the role's side effects can happen twice.
    if (session.state === null) return errorAnswer(sessionConflict('another message of this session is being handled'), msgType);
    const claimed = session.version + 1;
    if (!(await sessions.update(token, session.version, null, expiry()))) {
      return errorAnswer(sessionConflict(`session version ${session.version} is being advanced by another request`), msgType);
    }
    let step: ServerStep<unknown>;
    try {
      step = await handler(session.state as never, message);
    } catch (e) {
      // The peer gets an error message, which ends the protocol: leave no claimed session behind.
      await sessions.delete(token, claimed).catch(() => false);
      throw e;
    }
    if (step.state === null) {
      await sessions.delete(token, claimed);
    } else if (!(await sessions.update(token, claimed, step.state, expiry()))) {
      return errorAnswer(sessionConflict(`session version ${claimed} changed while message ${msgType} was handled`), msgType);
    }
    return { reply: step.reply, token, error: step.error };
  }

  function send(reply: FastifyReply, a: Answer): FastifyReply {
    const isError = a.reply.msgType === MsgType.Error;
    reply
      .code(a.status ?? (isError ? 500 : 200))
      .header('content-type', CBOR)
      .header('message-type', String(a.reply.msgType));
    if (a.token !== undefined && !isError) reply.header('authorization', `Bearer ${a.token}`);
    return reply.send(Buffer.from(a.reply.body.buffer, a.reply.body.byteOffset, a.reply.body.byteLength));
  }

  function report(log: FastifyBaseLogger, msgType: number, a: Answer, durationMs: number): void {
    const e = a.error as { code?: unknown; fdoCode?: unknown; message?: unknown; stack?: unknown } | undefined;
    if (options.observe !== undefined) {
      const event: FdoMessageEvent = { msgType, replyType: a.reply.msgType, durationMs };
      if (a.reply.msgType === MsgType.Error) event.fdoCode = fdoCodeOf(a.error);
      if (typeof e?.code === 'string') event.code = e.code;
      try {
        options.observe(event);
      } catch (err) {
        log.error({ err }, 'FDO observer failed');
      }
    }
    if (a.reply.msgType !== MsgType.Error && a.error === undefined) return;
    const known = typeof e?.code === 'string' && typeof e.fdoCode === 'number';
    const fields = { msgType, code: e?.code, fdoCode: e?.fdoCode, reason: e?.message };
    if (known) log.warn(fields, 'FDO message refused');
    else log.error({ ...fields, stack: e?.stack }, 'FDO message failed');
  }

  return async (app) => {
    // Only CBOR is parsed here, within this plugin's scope, and never beyond the message limit.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(CBOR, { parseAs: 'buffer', bodyLimit: maxBytes }, (_req, body, done) => done(null, body));

    app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const log = options.log ?? request.log;
      const msgType = parseMsgType((request.params as { type?: string } | undefined)?.type ?? '') ?? 0;
      let a: Answer;
      if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
        a = errorAnswer(contentType('the body must be application/cbor', error), msgType, 415);
      else if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
        a = errorAnswer(bodyTooLarge(`the body exceeds ${maxBytes} bytes`, error), msgType);
      else if (typeof error.code === 'string' && error.code.startsWith('FST_ERR_CTP_'))
        a = errorAnswer(badRequest(error.message, error), msgType);
      else a = errorAnswer(error, msgType);
      report(log, msgType, a, reply.elapsedTime);
      return send(reply, a);
    });

    app.post<{ Params: { type: string } }>('/fdo/101/msg/:type', { bodyLimit: maxBytes }, async (request, reply) => {
      const log = options.log ?? request.log;
      const msgType = parseMsgType(request.params.type);
      if (msgType === undefined) {
        const a = errorAnswer(unknownMessageType(`"${request.params.type.slice(0, 16)}" is not a message type`), 0);
        report(log, 0, a, reply.elapsedTime);
        return send(reply, a);
      }
      const type = request.headers['content-type'];
      if (type === undefined || type.split(';')[0]?.trim().toLowerCase() !== CBOR) {
        const a = errorAnswer(contentType('the body must be application/cbor'), msgType, 415);
        report(log, msgType, a, reply.elapsedTime);
        return send(reply, a);
      }
      const raw = request.body;
      const body = raw instanceof Uint8Array ? new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength) : new Uint8Array(0);
      const token = bearerToken(request.headers.authorization);

      if (msgType === MsgType.Error) {
        // The client ends the protocol; nothing more will be said on this token.
        if (token !== undefined) await sessions.delete(token);
        let peer: { peerCode?: number; prevMsgType?: number } = {};
        try {
          const m = decodeErrorMessage(body);
          peer = { peerCode: m.code, prevMsgType: m.prevMsgType };
        } catch {
          // An unreadable report ends the session all the same.
        }
        log.warn({ msgType, bytes: body.length, ...peer }, 'FDO client sent an error message');
        return reply.code(200).send();
      }
      let a: Answer;
      try {
        a = await answer(msgType, body, token);
      } catch (e) {
        a = errorAnswer(e, msgType);
      }
      report(log, msgType, a, reply.elapsedTime);
      return send(reply, a);
    });

    // Another protocol version (§3.3.2 ProtVer; FDO 1.1 is 101): refused as a message, not a 404.
    app.post<{ Params: { version: string; type: string } }>('/fdo/:version/msg/:type', { bodyLimit: maxBytes }, async (request, reply) => {
      const msgType = parseMsgType(request.params.type) ?? 0;
      const version = request.params.version.slice(0, 16);
      const a = errorAnswer(versionUnsupported(`protocol version "${version}" is not served; this server speaks FDO 1.1 (101)`), msgType);
      report(options.log ?? request.log, msgType, a, reply.elapsedTime);
      return send(reply, a);
    });

    // Anything else under /fdo/ (another method, a path naming no message) gets an error message too.
    app.all('/fdo/*', { bodyLimit: maxBytes }, async (request, reply) => {
      const a = errorAnswer(notAMessage(`${request.method} ${request.url.slice(0, 64)} is not an FDO message`), 0);
      report(options.log ?? request.log, 0, a, reply.elapsedTime);
      return send(reply, a);
    });
  };
}
