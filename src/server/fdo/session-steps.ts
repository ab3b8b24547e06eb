/**
 * One FDO message through its session: find the protocol and its handler, then either open a
 * session (the protocol's first message) or load the session by its bearer token, claim it, run
 * the handler and write the new state back. Sessions live only in the SessionStore, so any replica
 * can serve any message; the claim makes sure that of two requests racing on one session only one
 * reaches the role handler.
 */
import type { Clock, FdoSession, ProtocolMessage, ServerPeer, ServerStep } from '../../fdo/protocol/ports.ts';
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

async function continueSession(
  t: SessionContext,
  handler: AnyRoleHandler,
  token: string,
  session: FdoSession,
  message: ProtocolMessage,
): Promise<Answer> {
  const { msgType } = message;
  // Claim the session before running the handler: its state is null while a message is in
  // flight, so a concurrent copy of the message (here or on another replica) is refused before
  // any of the role's side effects can happen twice.
  if (session.state === null) return errorAnswer(t.clock, sessionConflict('another message of this session is being handled'), msgType);
  const claimed = session.version + 1;
  if (!(await t.sessions.update(token, session.version, null, t.expiry()))) {
    return errorAnswer(t.clock, sessionConflict(`session version ${session.version} is being advanced by another request`), msgType);
  }
  const step = await runClaimed(t, handler, token, claimed, session.state, message);
  if (step.state === null) {
    await t.sessions.delete(token, claimed);
  } else if (!(await t.sessions.update(token, claimed, step.state, t.expiry()))) {
    return errorAnswer(t.clock, sessionConflict(`session version ${claimed} changed while message ${msgType} was handled`), msgType);
  }
  return { reply: step.reply, token, error: step.error };
}

async function runClaimed(
  t: SessionContext,
  handler: AnyRoleHandler,
  token: string,
  claimed: number,
  state: unknown,
  message: ProtocolMessage,
): Promise<ServerStep<unknown>> {
  try {
    return await runRole(handler, state, message);
  } catch (e) {
    // The peer gets an error message, which ends the protocol: leave no claimed session behind.
    await t.sessions.delete(token, claimed).catch(() => false);
    throw e;
  }
}
