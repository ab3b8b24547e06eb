/**
 * DI behind the authorisation rule (di-authorisation.ts): DI.AppStart is authorised before the
 * device's request is processed, and the way it was authorised travels in the session state to
 * DI.SetHMAC, where the voucher is stored with it (so auto-owner can tell). A token's use is
 * spent only when the AppStart was answered, not for a message that failed to parse.
 */
import { MsgType } from '../fdo/constants/message-types.ts';
import type { DiManufacturerState } from '../fdo/protocol/di-manufacturer.ts';
import { errorStep, type ServerHandler } from '../fdo/protocol/error-message.ts';
import { outOfOrder } from '../fdo/protocol/lib/server-step.ts';
import { badState } from '../fdo/protocol/lib/state-bytes.ts';
import type { Clock, ProtocolMessage, ServerPeer, ServerStep } from '../fdo/protocol/ports.ts';
import { type DiAuthorisedBy, type DiAuthoriser, isAuthorisedDi } from './di-authorisation.ts';

/** The session state between DI.AppStart and DI.SetHMAC: the DI state and how DI was authorised. */
export interface AuthorisedDiState {
  protocol: 'di-authorised';
  by: DiAuthorisedBy;
  di: DiManufacturerState;
}

export type AuthorisedDiHandler = (
  state: AuthorisedDiState | undefined,
  message: ProtocolMessage,
  peer?: ServerPeer,
) => Promise<ServerStep<AuthorisedDiState>>;

/** DI with `authorise` in front; `make(by)` gives the DI handler whose voucher sink records `by`. */
export function diAuthorised(
  authorise: DiAuthoriser,
  make: (by: DiAuthorisedBy) => ServerHandler<DiManufacturerState>,
  clock: Clock,
): AuthorisedDiHandler {
  const wrap = (by: DiAuthorisedBy, step: ServerStep<DiManufacturerState>): ServerStep<AuthorisedDiState> =>
    step.state === null ? { ...step, state: null } : { ...step, state: { protocol: 'di-authorised', by, di: step.state } };
  return async (state, message, peer) => {
    try {
      if (state === undefined || state === null) {
        if (message?.msgType !== MsgType.DI_AppStart) throw outOfOrder('DI', message?.msgType ?? 0, [MsgType.DI_AppStart]);
        const grant = await authorise(peer);
        const step = await make(grant.by)(undefined, message);
        if (step.state !== null) await grant.take();
        return wrap(grant.by, step);
      }
      if (state.protocol !== 'di-authorised' || !isAuthorisedDi(state.by)) throw badState('not an authorised DI session');
      return wrap(state.by, await make(state.by)(state.di, message));
    } catch (e) {
      return errorStep(e, message?.msgType ?? 0, clock);
    }
  };
}
