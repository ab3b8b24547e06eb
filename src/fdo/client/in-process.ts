/**
 * An FDO transport without HTTP: each message goes straight to a server role handler in the same
 * process, which keeps the protocol state between messages the way the HTTP transport's session
 * store would. The owner and rendezvous roles of one server use it for TO0 with each other.
 */
import type { AnyServerHandler, OwnerKeyRing } from '../protocol/ports.ts';
import { createTo0Owner, type To0Result } from '../protocol/to0-owner.ts';
import type { RvTo2Addr } from '../types/rv-to2-addr.ts';
import type { FdoTransport } from './http-transport.ts';
import { runClient } from './run-client.ts';

/** One protocol run's transport to `handler`: the state lives in the closure, so make one per run. */
export function inProcessTransport(handler: AnyServerHandler): FdoTransport {
  let state: unknown;
  return {
    async send(message) {
      const step = await handler(state as never, message);
      state = step.state ?? undefined;
      return step.reply;
    },
    async abort() {},
  };
}

export type RegisterVoucher = (voucher: Uint8Array) => Promise<To0Result>;

/** TO0 for `voucher` with a rendezvous handler in this process, signed by `keyRing`. */
export function to0InProcess(to0: AnyServerHandler, keyRing: OwnerKeyRing, rvTo2Addr: RvTo2Addr): RegisterVoucher {
  return (voucher) => {
    const client = createTo0Owner({ keyRing });
    return runClient({ start: () => client.start({ voucher, rvTo2Addr }), receive: client.receive }, inProcessTransport(to0));
  };
}
