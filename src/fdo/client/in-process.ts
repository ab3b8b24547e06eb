/**
 * TO0 between this server's owner role and its own rendezvous role, without HTTP: how the API
 * registers an imported voucher when one server plays both.
 */

import type { OwnerKeyRing, ProtocolMessage, ServerStep } from '../protocol/ports.ts';
import { createTo0Owner, type To0Result } from '../protocol/to0-owner.ts';
import type { RvTo2Addr } from '../types/rv-to2-addr.ts';
import { runClient } from './run-client.ts';

type Handler = (state: never, message: ProtocolMessage) => Promise<ServerStep<unknown>>;

export type RegisterVoucher = (voucher: Uint8Array) => Promise<To0Result>;

export function to0InProcess(to0: Handler, keyRing: OwnerKeyRing, rvTo2Addr: RvTo2Addr): RegisterVoucher {
  return (voucher) => {
    const client = createTo0Owner({ keyRing });
    let state: unknown;
    const transport = {
      async send(message: ProtocolMessage): Promise<ProtocolMessage> {
        const step = await to0(state as never, message);
        state = step.state ?? undefined;
        return step.reply;
      },
      async abort(): Promise<void> {},
    };
    return runClient({ start: () => client.start({ voucher, rvTo2Addr }), receive: client.receive }, transport);
  };
}
