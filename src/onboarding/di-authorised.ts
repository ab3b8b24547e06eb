/**
 * DI behind the authorisation rule (di-authorisation.ts): DI.AppStart is authorised before the
 * device's request is processed, and the way it was authorised travels in the session state to
 * DI.SetHMAC, where the voucher is stored with it (so auto-owner can tell). A token's use is
 * spent only when the AppStart was answered, not for a message that failed to parse.
 */
import { ErrorCode } from '../fdo/constants/error-codes.ts';
import { MsgType } from '../fdo/constants/message-types.ts';
import { FdoError } from '../fdo/errors.ts';
import type { DiManufacturerState } from '../fdo/protocol/di-manufacturer.ts';
import { errorStep, type ServerHandler } from '../fdo/protocol/error-message.ts';
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
        if (message?.msgType !== MsgType.DI_AppStart)
          throw new FdoError('ERR_FDO_MESSAGE_OUT_OF_ORDER', ErrorCode.INVALID_MESSAGE_ERROR, 'DI must start with DI.AppStart');
        const grant = await authorise(peer);
        const step = await make(grant.by)(undefined, message);
        if (step.state !== null) await grant.take();
        return wrap(grant.by, step);
      }
      if (state.protocol !== 'di-authorised' || !isAuthorisedDi(state.by))
        throw new FdoError('ERR_FDO_SESSION_STATE', ErrorCode.INTERNAL_SERVER_ERROR, 'session state: not an authorised DI session');
      return wrap(state.by, await make(state.by)(state.di, message));
    } catch (e) {
      return errorStep(e, message?.msgType ?? 0, clock);
    }
  };
}
