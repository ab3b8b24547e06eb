/**
 * One FDO message through its session: find the protocol and its handler, then either open a
 * session (the protocol's first message) or load the session by its bearer token, run the handler
 * and write the new state back if the session's version is still the one read. Sessions live only
 * in the SessionStore, so any replica can serve any message; of two requests racing on one session
 * only one advances it, and only one commits the role's store writes (ADR 0030).
 */
import type { Clock, FdoSession, ProtocolMessage, ServerPeer, ServerStep } from '../../fdo/protocol/ports.ts';
import { runFenced, type SessionFence } from '../../store/session-fence.ts';
import { type Answer, errorAnswer } from './answer.ts';
import { type ProtocolOfMessage, protocolOf } from './protocols.ts';
import { type AnyRoleHandler, type FdoRoles, handlerFor, runRole } from './roles.ts';
import { type CountedSessionStore, SESSION_CAP_RETRY_SECONDS } from './start-limits.ts';
import {
  roleDisabled,
  sessionCapReached,
  sessionConflict,
  tokenMissing,
  tokenUnknown,
  unknownMessageType,
  wrongProtocol,
} from './transport-errors.ts';

/** What every message's handling needs from the transport. */
export interface SessionContext {
  roles: FdoRoles;
  sessions: CountedSessionStore;
  clock: Clock;
  /** Live sessions allowed per protocol; 0: no cap. */
  maxOpenSessions: number;
  newToken(): string;
  /** When a session touched now expires. */
  expiry(): Date;
}

/**
 * The answer to one message; `token` is the bearer token the request carried, if any. `peer` goes
 * to the handler with a protocol's first message only (DI authorises on it).
 */
export async function answerMessage(
  t: SessionContext,
  msgType: number,
  body: Uint8Array,
  token: string | undefined,
  peer?: ServerPeer,
): Promise<Answer> {
  const which = protocolOf(msgType);
  if (which === undefined) return errorAnswer(t.clock, unknownMessageType(`message type ${msgType} belongs to no protocol`), msgType);
  const handler = handlerFor(t.roles, which.protocol);
  if (handler === undefined) return errorAnswer(t.clock, roleDisabled(`the ${which.role} role is not served here`), msgType);
  const message = { msgType, body };
  // A client may restart a protocol at any time; a token it still sends belongs to the old run.
  if (which.starts) return openSession(t, which, handler, message, peer);
  if (token === undefined) return errorAnswer(t.clock, tokenMissing(`message type ${msgType} needs the session's bearer token`), msgType);
  const loaded = await loadSession(t, which, token, msgType);
  if ('reply' in loaded) return loaded;
  return continueSession(t, handler, token, loaded, message);
}

async function openSession(
  t: SessionContext,
  which: ProtocolOfMessage,
  handler: AnyRoleHandler,
  message: ProtocolMessage,
  peer: ServerPeer | undefined,
): Promise<Answer> {
  const full = await capReached(t, which, message.msgType);
  if (full !== undefined) return full;
  const step = await runRole(handler, undefined, message, peer);
  if (step.state === null) return { reply: step.reply, error: step.error };
  const fresh = t.newToken();
  await t.sessions.create(fresh, { role: which.role, protocol: which.protocol, state: step.state, expiresAt: t.expiry() });
  return { reply: step.reply, token: fresh, error: step.error };
}

/** The refusal of a start while the protocol has as many live sessions as allowed, before its role runs. */
async function capReached(t: SessionContext, which: ProtocolOfMessage, msgType: number): Promise<Answer | undefined> {
  if (t.maxOpenSessions === 0) return undefined;
  const open = await t.sessions.countOpen(which.protocol, t.clock());
  if (open < t.maxOpenSessions) return undefined;
  const refused = sessionCapReached(`${open} ${which.protocol.toUpperCase()} sessions are open, the cap is ${t.maxOpenSessions}`);
  return { ...errorAnswer(t.clock, refused, msgType, 503), retryAfter: SESSION_CAP_RETRY_SECONDS };
}

/** The live session of `token` for this protocol; an expired or misused one is removed. */
async function loadSession(t: SessionContext, which: ProtocolOfMessage, token: string, msgType: number): Promise<FdoSession | Answer> {
  const session = await t.sessions.get(token);
  if (session === undefined) return errorAnswer(t.clock, tokenUnknown('no session has this token'), msgType);
  if (session.expiresAt.getTime() <= t.clock().getTime()) {
    await t.sessions.delete(token, session.version);
    return errorAnswer(t.clock, tokenUnknown(`the session expired at ${session.expiresAt.toISOString()}`), msgType);
  }
  if (session.protocol !== which.protocol) {
    await t.sessions.delete(token, session.version);
    return errorAnswer(
      t.clock,
      wrongProtocol(`message type ${msgType} (${which.protocol}) sent in a ${session.protocol} session`),
      msgType,
    );
  }
  return session;
}

/**
 * Tokens whose message is being handled in this process, per session store: a second copy of a
 * message arriving meanwhile is refused before its role runs.
 */
const inFlight = new WeakMap<object, Set<string>>();

function inFlightOf(sessions: object): Set<string> {
  let set = inFlight.get(sessions);
  if (set === undefined) {
    set = new Set();
    inFlight.set(sessions, set);
  }
  return set;
}

async function continueSession(
  t: SessionContext,
  handler: AnyRoleHandler,
  token: string,
  session: FdoSession,
  message: ProtocolMessage,
): Promise<Answer> {
  const { msgType } = message;
  // A null state is a claim left by an earlier IoTopia that claimed sessions with a write.
  if (session.state === null) return errorAnswer(t.clock, sessionConflict('another message of this session is being handled'), msgType);
  // Two copies of one message: in this process the in-flight set refuses the second before its
  // role runs; on two replicas both run, and the fence makes the second one's store transactions
  // roll back, then the version compare-and-set below refuses its state (ADR 0030).
  const running = inFlightOf(t.sessions);
  if (running.has(token)) return errorAnswer(t.clock, sessionConflict('another message of this session is being handled'), msgType);
  running.add(token);
  try {
    const fence: SessionFence = { sessions: t.sessions, token, version: session.version };
    const step = await runOnce(t, handler, fence, session.state, message);
    const written =
      step.state === null
        ? await t.sessions.delete(token, fence.version)
        : await t.sessions.update(token, fence.version, step.state, t.expiry());
    if (!written) {
      return errorAnswer(
        t.clock,
        sessionConflict(`session version ${fence.version} changed while message ${msgType} was handled`),
        msgType,
      );
    }
    return { reply: step.reply, token, error: step.error };
  } finally {
    running.delete(token);
  }
}

async function runOnce(
  t: SessionContext,
  handler: AnyRoleHandler,
  fence: SessionFence,
  state: unknown,
  message: ProtocolMessage,
): Promise<ServerStep<unknown>> {
  try {
    return await runFenced(fence, () => runRole(handler, state, message));
  } catch (e) {
    // The peer gets an error message, which ends the protocol: leave no session behind.
    await t.sessions.delete(fence.token, fence.version).catch(() => false);
    throw e;
  }
}
