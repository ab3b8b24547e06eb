/**
 * The FDO roles a server plays, each protocol served by its role handler. Handlers keep their own
 * state types (RoleHandler<S>); the transport holds them all as AnyRoleHandler, since it only
 * stores a state and hands it back.
 */
import type { ServerHandler } from '../../fdo/protocol/error-message.ts';
import type { AnyServerHandler, FdoProtocol, ProtocolMessage, ServerPeer, ServerStep } from '../../fdo/protocol/ports.ts';

/** A server role handler with session state S (createDiManufacturer, createTo0Rendezvous, ...). */
export type RoleHandler<S> = ServerHandler<S>;

/** A role handler of any state type; the transport calls it through `runRole`. */
export type AnyRoleHandler = AnyServerHandler;

/** The roles this server plays, each with its handlers; a role left out is not served. */
export interface FdoRoles {
  manufacturer?: { di: AnyRoleHandler };
  rendezvous?: { to0: AnyRoleHandler; to1: AnyRoleHandler };
  owner?: { to2: AnyRoleHandler };
}

/** The handler serving `protocol`, or undefined when its role is not played here. */
export function handlerFor(roles: FdoRoles, protocol: FdoProtocol): AnyRoleHandler | undefined {
  if (protocol === 'di') return roles.manufacturer?.di;
  if (protocol === 'to0') return roles.rendezvous?.to0;
  if (protocol === 'to1') return roles.rendezvous?.to1;
  return roles.owner?.to2;
}

/**
 * Calls a handler with a stored state. Sound although the state's type is forgotten: the transport
 * passes undefined (a new session) or a state that a handler of the same protocol returned, having
 * checked the session's protocol first; each handler still checks the shape of what storage gives
 * back.
 */
export function runRole(
  handler: AnyRoleHandler,
  state: unknown,
  message: ProtocolMessage,
  peer?: ServerPeer,
): Promise<ServerStep<unknown>> {
  return peer === undefined ? handler(state as never, message) : handler(state as never, message, peer);
}
