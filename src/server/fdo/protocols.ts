/**
 * Which FDO sub-protocol a message type belongs to, which role serves it, and which types open a
 * session (FDO 1.1 §3.2 message numbering: DI 10–13, TO0 20–23, TO1 30–33, TO2 60–71).
 */
import { MsgType } from '../../fdo/constants/message-types.ts';
import type { FdoProtocol, FdoRole } from '../../fdo/protocol/ports.ts';

const RANGES: readonly { protocol: FdoProtocol; role: FdoRole; first: number; last: number }[] = [
  { protocol: 'di', role: 'manufacturer', first: MsgType.DI_AppStart, last: MsgType.DI_Done },
  { protocol: 'to0', role: 'rendezvous', first: MsgType.TO0_Hello, last: MsgType.TO0_AcceptOwner },
  { protocol: 'to1', role: 'rendezvous', first: MsgType.TO1_HelloRV, last: MsgType.TO1_RVRedirect },
  { protocol: 'to2', role: 'owner', first: MsgType.TO2_HelloDevice, last: MsgType.TO2_Done2 },
];

export interface ProtocolOfMessage {
  readonly protocol: FdoProtocol;
  readonly role: FdoRole;
  /** The message opens a new session (DI.AppStart, TO0.Hello, TO1.HelloRV, TO2.HelloDevice). */
  readonly starts: boolean;
}

/** Every message type's protocol, worked out once: the lookup runs for each message, twice. */
const BY_TYPE: readonly (ProtocolOfMessage | undefined)[] = Array.from({ length: 256 }, (_, msgType) => {
  const r = RANGES.find((x) => msgType >= x.first && msgType <= x.last);
  return r === undefined ? undefined : Object.freeze({ protocol: r.protocol, role: r.role, starts: msgType === r.first });
});

/** The protocol of a message type, or undefined for types no protocol uses (and for 255). */
export function protocolOf(msgType: number): ProtocolOfMessage | undefined {
  return BY_TYPE[msgType];
}
