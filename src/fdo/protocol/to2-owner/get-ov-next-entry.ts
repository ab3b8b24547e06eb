/** TO2.GetOVNextEntry -> TO2.OVNextEntry (§5.5.4, §5.5.5): one voucher entry per request, in order. */
import { MsgType } from '../../constants/message-types.ts';
import { decodeTO2GetOVNextEntry, encodeTO2OVNextEntry } from '../../messages/to2.ts';
import { to2Error } from '../lib/to2-errors.ts';
import type { ProtocolMessage } from '../ports.ts';
import { loadVoucher } from './owner-context.ts';
import type { To2OwnerOptions, To2OwnerState, To2OwnerStep } from './types.ts';

export async function getOVNextEntry(options: To2OwnerOptions, s: To2OwnerState, message: ProtocolMessage): Promise<To2OwnerStep> {
  const req = decodeTO2GetOVNextEntry(message.body);
  // Entries are asked for in order; anything else is a device out of step (or a replay).
  if (req.ovEntryNum !== s.nextEntry) {
    throw to2Error('ERR_FDO_TO2_ENTRY_NUMBER', `TO2.GetOVNextEntry asks for entry ${req.ovEntryNum}, the next is ${s.nextEntry}`);
  }
  const { voucher } = await loadVoucher(options, s);
  const entry = voucher.entries[req.ovEntryNum];
  if (entry === undefined) throw to2Error('ERR_FDO_TO2_ENTRY_NUMBER', `the voucher has no entry ${req.ovEntryNum}`);
  const nextEntry = s.nextEntry + 1;
  return {
    state: { ...s, nextEntry, expect: nextEntry < s.numEntries ? MsgType.TO2_GetOVNextEntry : MsgType.TO2_ProveDevice },
    reply: { msgType: MsgType.TO2_OVNextEntry, body: encodeTO2OVNextEntry({ ovEntryNum: req.ovEntryNum, ovEntry: entry.raw }) },
  };
}
