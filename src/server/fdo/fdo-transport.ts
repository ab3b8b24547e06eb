/**
 * The FDO 1.1 HTTP transport as a Fastify plugin: `POST /fdo/101/msg/{type}` with a CBOR body.
 * The first message of a protocol opens a session and its reply carries a fresh bearer token;
 * every later message must present it (session-steps.ts).
 *
 * Error messages (type 255) go out with HTTP 500, the status go-fdo clients read them from; a
 * wrong content type keeps 415, a start over a rate limit 429 and one beyond the session cap 503,
 * both with Retry-After (start-limits.ts). Peers see spec codes only; the details go to the log.
 */
import { randomBytes } from 'node:crypto';
import type {
  FastifyBaseLogger,
  FastifyError,
  FastifyInstance,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
} from 'fastify';
import { MsgType } from '../../fdo/constants/message-types.ts';
import { decodeErrorMessage } from '../../fdo/messages/error.ts';
import type { Clock, RandomSource, ServerPeer } from '../../fdo/protocol/ports.ts';
import { ensureRateLimiting } from '../http/rate-limits.ts';
import { type Answer, CBOR, errorAnswer, type FdoMessageEvent, reportAnswer, sendAnswer } from './answer.ts';
import { type ProtocolOfMessage, protocolOf } from './protocols.ts';
import { type FdoRoles, handlerFor } from './roles.ts';
import { answerMessage, type SessionContext } from './session-steps.ts';
import { type CountedSessionStore, DEFAULT_MAX_OPEN_SESSIONS, type StartGate, type StartRateLimits, startGate } from './start-limits.ts';
import {
  badRequest,
  bodyTooLarge,
  contentType,
  notAMessage,
  rateLimited,
  unknownMessageType,
  versionUnsupported,
} from './transport-errors.ts';

export type { FdoMessageEvent } from './answer.ts';
export type { AnyRoleHandler, FdoRoles, RoleHandler } from './roles.ts';
export type { CountedSessionStore, SessionCounter, StartRateLimits } from './start-limits.ts';

export interface FdoTransportLimits {
  /** Largest request body in bytes; go-fdo's default, 65535, when not set. */
  maxMessageBytes?: number;
  /** How long a session lives after its last message, in seconds (default 300). */
  sessionTtlSeconds?: number;
  /** Open sessions per protocol (DI, TO0, TO1, TO2); a start beyond it is refused (default 10000, 0: no cap). */
  maxOpenSessions?: number;
  /** Rate limits on start messages, per peer and global (defaults in http/rate-limits.ts). */
  starts?: StartRateLimits;
}

export interface FdoTransportOptions {
  roles: FdoRoles;
  sessions: CountedSessionStore;
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

export const DEFAULT_MAX_MESSAGE_BYTES = 65_535;
export const DEFAULT_SESSION_TTL_SECONDS = 300;
const TOKEN_BYTES = 32;

/** What the routes share: the session context, the body limit, and where answers are reported. */
interface Transport extends SessionContext {
  maxBytes: number;
  logOf(request: FastifyRequest): FastifyBaseLogger;
  reply(request: FastifyRequest, reply: FastifyReply, msgType: number, a: Answer): FastifyReply;
}

function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}

function parseMsgType(raw: string): number | undefined {
  return /^\d{1,3}$/.test(raw) && Number(raw) <= 0xff ? Number(raw) : undefined;
}

function transportOf(options: FdoTransportOptions): Transport {
  const { roles, sessions } = options;
  if (typeof sessions?.get !== 'function') throw new TypeError('fdoTransport: a SessionStore is required');
  const clock = options.clock ?? (() => new Date());
  const random = options.random ?? ((n: number) => new Uint8Array(randomBytes(n)));
  const maxBytes = options.limits?.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const ttlMs = (options.limits?.sessionTtlSeconds ?? DEFAULT_SESSION_TTL_SECONDS) * 1000;
  const maxOpenSessions = options.limits?.maxOpenSessions ?? DEFAULT_MAX_OPEN_SESSIONS;
  if (!Number.isInteger(maxBytes) || maxBytes <= 0) throw new TypeError('fdoTransport: limits.maxMessageBytes must be a positive integer');
  if (!Number.isSafeInteger(maxOpenSessions) || maxOpenSessions < 0)
    throw new TypeError('fdoTransport: limits.maxOpenSessions must be a whole number from 0');
  if (maxOpenSessions > 0 && typeof sessions.countOpen !== 'function')
    throw new TypeError('fdoTransport: the SessionStore must count open sessions (countOpen) for limits.maxOpenSessions');
  const logOf = (request: FastifyRequest) => options.log ?? request.log;
  return {
    roles,
    sessions,
    clock,
    maxBytes,
    maxOpenSessions,
    newToken: () => Buffer.from(random(TOKEN_BYTES)).toString('base64url'),
    expiry: () => new Date(clock().getTime() + ttlMs),
    logOf,
    reply(request, reply, msgType, a) {
      reportAnswer(logOf(request), options.observe, msgType, a, reply.elapsedTime);
      return sendAnswer(reply, a);
    },
  };
}

/** The plugin factory: `app.register(fdoTransport({ roles, sessions }))`. */
export function fdoTransport(options: FdoTransportOptions): FastifyPluginAsync {
  const t = transportOf(options);
  return async (app) => {
    await ensureRateLimiting(app);
    const gate = startGate(app, options.limits?.starts);
    // Only CBOR is parsed here, within this plugin's scope, and never beyond the message limit.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(CBOR, { parseAs: 'buffer', bodyLimit: t.maxBytes }, (_req, body, done) => done(null, body));
    app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const msgType = parseMsgType((request.params as { type?: string } | undefined)?.type ?? '') ?? 0;
      return t.reply(request, reply, msgType, requestFailure(t, error, msgType));
    });
    routes(app, t, gate);
  };
}

type MessageRequest = FastifyRequest<{ Params: { type: string } }>;

function routes(app: FastifyInstance, t: Transport, gate: StartGate): void {
  app.post<{ Params: { type: string } }>(
    '/fdo/101/msg/:type',
    // Counted before the body is read: a refused start costs no parsing and no role handler.
    { bodyLimit: t.maxBytes, onRequest: startLimit(t, gate) },
    (request, reply) => onMessage(t, request, reply),
  );
  // Another protocol version (§3.3.2 ProtVer; FDO 1.1 is 101): refused as a message, not a 404.
  app.post<{ Params: { version: string; type: string } }>('/fdo/:version/msg/:type', { bodyLimit: t.maxBytes }, async (request, reply) => {
    const msgType = parseMsgType(request.params.type) ?? 0;
    const version = request.params.version.slice(0, 16);
    const refused = versionUnsupported(`protocol version "${version}" is not served; this server speaks FDO 1.1 (101)`);
    return t.reply(request, reply, msgType, errorAnswer(t.clock, refused, msgType));
  });
  // Anything else under /fdo/ (another method, a path naming no message) gets an error message too.
  app.all('/fdo/*', { bodyLimit: t.maxBytes }, async (request, reply) => {
    const refused = notAMessage(`${request.method} ${request.url.slice(0, 64)} is not an FDO message`);
    return t.reply(request, reply, 0, errorAnswer(t.clock, refused, 0));
  });
}

/** The protocol a message starts, when it is a start message of a protocol served here. */
function startOf(t: Transport, msgType: number | undefined): ProtocolOfMessage | undefined {
  const which = msgType === undefined ? undefined : protocolOf(msgType);
  return which?.starts === true && handlerFor(t.roles, which.protocol) !== undefined ? which : undefined;
}

/**
 * A start message of a protocol served here counts against the start limits; over one, the peer
 * gets an error message with HTTP 429 and Retry-After. Later messages of a session pass at once,
 * without a promise: they are most of the traffic.
 */
function startLimit(t: Transport, gate: StartGate) {
  return (request: MessageRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const msgType = parseMsgType(request.params.type);
    const which = startOf(t, msgType);
    if (msgType === undefined || which === undefined) {
      done();
      return;
    }
    gate(request, which.protocol).then((v) => {
      if (!v.limited) {
        done();
        return;
      }
      // Answered here: the request goes no further, so done() is not called.
      const refused = rateLimited(`too many ${which.protocol.toUpperCase()} starts; retry in ${v.retryAfterSeconds} s`);
      t.reply(request, reply, msgType, { ...errorAnswer(t.clock, refused, msgType, 429), retryAfter: v.retryAfterSeconds });
    }, done);
  };
}

/** A request Fastify refused before the route ran (content type, size), or a failure it caught. */
function requestFailure(t: Transport, error: FastifyError, msgType: number): Answer {
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return errorAnswer(t.clock, contentType('the body must be application/cbor', error), msgType, 415);
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return errorAnswer(t.clock, bodyTooLarge(`the body exceeds ${t.maxBytes} bytes`, error), msgType);
  if (typeof error.code === 'string' && error.code.startsWith('FST_ERR_CTP_'))
    return errorAnswer(t.clock, badRequest(error.message, error), msgType);
  return errorAnswer(t.clock, error, msgType);
}

/** True for application/cbor, with parameters or in any case; the plain value, the usual one, is matched first. */
function isCbor(type: string | undefined): boolean {
  return type === CBOR || (type !== undefined && type.split(';')[0]?.trim().toLowerCase() === CBOR);
}

async function onMessage(t: Transport, request: MessageRequest, reply: FastifyReply): Promise<FastifyReply> {
  const msgType = parseMsgType(request.params.type);
  if (msgType === undefined) {
    const refused = unknownMessageType(`"${request.params.type.slice(0, 16)}" is not a message type`);
    return t.reply(request, reply, 0, errorAnswer(t.clock, refused, 0));
  }
  if (!isCbor(request.headers['content-type'])) {
    return t.reply(request, reply, msgType, errorAnswer(t.clock, contentType('the body must be application/cbor'), msgType, 415));
  }
  const raw = request.body;
  const body = raw instanceof Uint8Array ? new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength) : new Uint8Array(0);
  const token = bearerToken(request.headers.authorization);
  if (msgType === MsgType.Error) return onClientError(t, request, reply, body, token);
  let a: Answer;
  try {
    // Only a start message goes to its role with the peer (DI authorises on it).
    a = await answerMessage(t, msgType, body, token, protocolOf(msgType)?.starts === true ? peerOf(request) : undefined);
  } catch (e) {
    a = errorAnswer(t.clock, e, msgType);
  }
  return t.reply(request, reply, msgType, a);
}

/**
 * Who sent a message, for roles that authorise a protocol's first message (DI). The listener is
 * the request's `iotopiaListener` mark, set by the server that accepted it; a request without the
 * mark came in on the main listener.
 */
function peerOf(request: FastifyRequest): ServerPeer {
  const listener = (request as { iotopiaListener?: unknown }).iotopiaListener === 'factory' ? 'factory' : 'main';
  const authorization = request.headers.authorization;
  // A dual-stack listener sees IPv4 peers as IPv4-mapped IPv6 (::ffff:192.0.2.1): the peer is the IPv4 address.
  const remoteAddress = request.ip.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  return { listener, remoteAddress, ...(authorization === undefined ? {} : { authorization }) };
}

/** The client ends the protocol; nothing more will be said on this token. */
async function onClientError(
  t: Transport,
  request: FastifyRequest,
  reply: FastifyReply,
  body: Uint8Array,
  token: string | undefined,
): Promise<FastifyReply> {
  if (token !== undefined) await t.sessions.delete(token);
  let peer: { peerCode?: number; prevMsgType?: number } = {};
  try {
    const m = decodeErrorMessage(body);
    peer = { peerCode: m.code, prevMsgType: m.prevMsgType };
  } catch {
    // An unreadable report ends the session all the same.
  }
  t.logOf(request).warn({ msgType: MsgType.Error, bytes: body.length, ...peer }, 'FDO client sent an error message');
  return reply.code(200).send();
}
