/**
 * TO2.OwnerServiceInfo (§5.5.11): one ServiceInfo round on the device. The device answers with
 * TO2.DeviceServiceInfo until both sides are done, then confirms with TO2.Done (§5.5.12).
 */
import { MsgType } from '../../constants/message-types.ts';
import { encodeTO2Done } from '../../messages/to2.ts';
import { nextDeviceServiceInfo } from '../../serviceinfo/next-device-service-info.ts';
import { openBody, sealBody } from '../lib/to2-envelope.ts';
import { bytesField } from '../lib/to2-state-fields.ts';
import type { ProtocolMessage } from '../ports.ts';
import { need } from './device-context.ts';
import type { To2DeviceNext, To2DeviceOptions, To2DeviceState } from './types.ts';

export async function ownerServiceInfo(options: To2DeviceOptions, s: To2DeviceState, message: ProtocolMessage): Promise<To2DeviceNext> {
  const opened = openBody(need(s.session, 'session'), message, MsgType.TO2_OwnerServiceInfo);
  const step = await nextDeviceServiceInfo(
    need(s.serviceInfo, 'ServiceInfo'),
    opened.plaintext,
    need(s.maxDeviceServiceInfoSz, 'ServiceInfo size'),
    options.serviceInfo,
  );
  if (step.done) {
    const body = encodeTO2Done({ nonceTO2ProveDv: bytesField(need(s.nonceProveDv, 'NonceTO2ProveDv'), 'nonceProveDv') });
    const sealed = sealBody(opened.session, MsgType.TO2_Done, body, options.random);
    return { state: { ...s, expect: MsgType.TO2_Done2, session: sealed.session, serviceInfo: step.state }, request: sealed.message };
  }
  const sealed = sealBody(opened.session, MsgType.TO2_DeviceServiceInfo, need(step.body ?? null, 'ServiceInfo body'), options.random);
  return { state: { ...s, session: sealed.session, serviceInfo: step.state }, request: sealed.message };
}
