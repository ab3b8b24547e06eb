/**
 * TO2.GetOVNextEntry and TO2.OVNextEntry (§5.5.4, §5.5.5): the device asks for the voucher entries
 * one by one and checks each against the chain so far.
 */
import { MsgType } from '../../constants/message-types.ts';
import { decodeTO2OVNextEntry, encodeTO2GetOVNextEntry } from '../../messages/to2.ts';
import { checkEntry, readHeader } from '../lib/to2-chain.ts';
import { to2Error } from '../lib/to2-errors.ts';
import { bytesField } from '../lib/to2-state-fields.ts';
import type { ProtocolMessage } from '../ports.ts';
import { need } from './device-context.ts';
import { proveDevice } from './prove-device.ts';
import type { To2DeviceNext, To2DeviceOptions, To2DeviceState } from './types.ts';

export function askEntry(s: To2DeviceState): To2DeviceNext {
  return {
    state: { ...s, expect: MsgType.TO2_OVNextEntry },
    request: { msgType: MsgType.TO2_GetOVNextEntry, body: encodeTO2GetOVNextEntry({ ovEntryNum: s.nextEntry }) },
  };
}

export async function ovNextEntry(options: To2DeviceOptions, s: To2DeviceState, message: ProtocolMessage): Promise<To2DeviceNext> {
  const m = decodeTO2OVNextEntry(message.body);
  if (m.ovEntryNum !== s.nextEntry) {
    throw to2Error('ERR_FDO_TO2_ENTRY_NUMBER', `TO2.OVNextEntry carries entry ${m.ovEntryNum}, the device asked for ${s.nextEntry}`);
  }
  const { header } = readHeader(bytesField(need(s.header, 'header'), 'header'), bytesField(need(s.hmacRaw, 'HMAC'), 'hmacRaw'));
  const chain = checkEntry(need(s.chain, 'chain'), header, m.ovEntry, m.sign1.payload, m.ovEntryNum);
  const next = { ...s, chain, nextEntry: s.nextEntry + 1 };
  return next.nextEntry < next.numEntries ? askEntry(next) : proveDevice(options, next);
}
