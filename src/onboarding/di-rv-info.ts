/**
 * DI with the manufacturer's stored rendezvous info: each new DI session (DI.AppStart) reads the
 * setting, so a change made through the API on any replica applies to the next device. The rest
 * of a session needs no rendezvous info of its own: the header sent in DI.SetCredentials travels
 * in the session state.
 */
import { MsgType } from '../fdo/constants/message-types.ts';
import type { DiManufacturerState } from '../fdo/protocol/di-manufacturer.ts';
import { errorStep, type ServerHandler } from '../fdo/protocol/error-message.ts';
import type { Clock } from '../fdo/protocol/ports.ts';
import type { RendezvousInfo } from '../fdo/types/rendezvous-info.ts';
import type { Store } from '../store/store.ts';
import { rvInfoFromJson, storedRvDirectives } from './rv-info.ts';

type RoleHandler<S> = ServerHandler<S>;

export function diWithStoredRvInfo(
  store: Pick<Store, 'settings'>,
  fallback: RendezvousInfo,
  clock: Clock,
  make: (rvInfo: RendezvousInfo) => RoleHandler<DiManufacturerState>,
): RoleHandler<DiManufacturerState> {
  const defaultHandler = make(fallback);
  // The handler for the last stored value, so that DI does not rebuild one per device.
  let last: { json: string; handler: RoleHandler<DiManufacturerState> } | undefined;
  return async (state, message) => {
    if (state !== undefined && state !== null) return defaultHandler(state, message);
    if (message?.msgType !== MsgType.DI_AppStart) return defaultHandler(state, message);
    let handler = defaultHandler;
    try {
      const stored = await storedRvDirectives(store);
      if (stored !== undefined) {
        const json = JSON.stringify(stored);
        if (last?.json !== json) last = { json, handler: make(rvInfoFromJson(stored)) };
        handler = last.handler;
      }
    } catch (e) {
      // The device learns only that the server failed; the cause goes to the transport's log.
      return errorStep(e, message.msgType, clock);
    }
    return handler(state, message);
  };
}
