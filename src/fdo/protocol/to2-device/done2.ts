/**
 * TO2.Done2 (§5.5.13): the owner's last word. The device returns the credential to keep: the
 * replacement it MACed in TO2.DeviceServiceInfoReady, or its own under Credential Reuse.
 */
import { bytesEqual } from '../../../codec/bytes.ts';
import { decode } from '../../../codec/cbor.ts';
import { MsgType } from '../../constants/message-types.ts';
import type { DeviceCredential } from '../../credential/device-credential.ts';
import { decodeTO2Done2 } from '../../messages/to2.ts';
import { hashBytes } from '../../types/hash.ts';
import { parseRendezvousInfo } from '../../types/rendezvous-info.ts';
import { openBody } from '../lib/to2-envelope.ts';
import { to2Error } from '../lib/to2-errors.ts';
import { bytesField } from '../lib/to2-state-fields.ts';
import type { ProtocolMessage } from '../ports.ts';
import { credentialOf, need } from './device-context.ts';
import type { To2DeviceOptions, To2DeviceResult, To2DeviceState } from './types.ts';

export async function done2(_options: To2DeviceOptions, s: To2DeviceState, message: ProtocolMessage): Promise<{ result: To2DeviceResult }> {
  const opened = openBody(need(s.session, 'session'), message, MsgType.TO2_Done2);
  const m = decodeTO2Done2(opened.plaintext);
  if (!bytesEqual(m.nonceTO2SetupDv, bytesField(need(s.nonceSetupDv, 'NonceTO2SetupDv'), 'nonceSetupDv'))) {
    throw to2Error('ERR_FDO_TO2_NONCE', 'TO2.Done2 does not carry the NonceTO2SetupDv of TO2.ProveDevice');
  }
  const dc = credentialOf(s);
  const r = need(s.replacement, 'replacement');
  if (r.reuse) return { result: { credential: dc, reused: true, guid: dc.guid } };
  const owner2KeyRaw = bytesField(r.owner2Key, 'replacement.owner2Key');
  const credential: DeviceCredential = {
    ...dc,
    active: true,
    guid: bytesField(r.guid, 'replacement.guid', 16),
    rvInfo: parseRendezvousInfo(decode(bytesField(r.rvInfo, 'replacement.rvInfo')), 'replacement.rvInfo'),
    // The next owner's voucher names Owner2Key as its manufacturer key, exactly as encoded here.
    pubKeyHash: hashBytes(dc.pubKeyHash.type, owner2KeyRaw),
  };
  return { result: { credential, reused: false, guid: dc.guid } };
}
