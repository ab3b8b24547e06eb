/**
 * Drives a client role (DI device, TO0 owner, TO1 device, TO2 device) over a transport until it
 * yields its result. When the client itself fails, the server is told with an error message
 * carrying the spec code, as FDO 1.1 §3.8 expects of either side that ends a protocol.
 */
import { encodeErrorMessage, errorMessageFor } from '../messages/error.ts';
import { FdoPeerError } from '../protocol/error-message.ts';
import type { ClientStep, ProtocolMessage } from '../protocol/ports.ts';
import { FdoTransportError } from './errors.ts';
import type { FdoTransport } from './http-transport.ts';

export interface ClientRole<S, R> {
  start(): ClientStep<S, R> | Promise<ClientStep<S, R>>;
  receive(state: S, message: ProtocolMessage): Promise<ClientStep<S, R>>;
}

/** A protocol never needs more round trips than this; more means a peer that never ends it. */
const MAX_ROUND_TRIPS = 10_000;

export async function runClient<S, R>(client: ClientRole<S, R>, transport: FdoTransport): Promise<R> {
  let step = await client.start();
  for (let n = 0; n < MAX_ROUND_TRIPS; n++) {
    if (step.result !== undefined) return step.result;
    const { state, request } = step as { state: S; request: ProtocolMessage };
    const reply = await transport.send(request);
    try {
      step = await client.receive(state, reply);
    } catch (e) {
      if (!(e instanceof FdoPeerError) && !(e instanceof FdoTransportError)) {
        const timestamp = Math.floor(Date.now() / 1000);
        const body = encodeErrorMessage(errorMessageFor(e, reply.msgType & 0xff, { timestamp }));
        await transport.abort({ msgType: 255, body });
      }
      throw e;
    }
  }
  throw new TypeError('runClient: the protocol did not finish');
}
