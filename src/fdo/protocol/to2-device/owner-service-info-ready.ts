/**
 * TO2.OwnerServiceInfoReady -> TO2.DeviceServiceInfo (§5.5.9, §5.5.10): the owner's ServiceInfo
 * size is known, so the device opens the ServiceInfo exchange with its first message (devmod).
 */
import { MsgType } from '../../constants/message-types.ts';
import { decodeTO2OwnerServiceInfoReady } from '../../messages/to2.ts';
import { createDeviceServiceInfo } from '../../serviceinfo/create-device-service-info.ts';
import { resolveMaxServiceInfoSize } from '../../serviceinfo/max-size.ts';
import { nextDeviceServiceInfo } from '../../serviceinfo/next-device-service-info.ts';
import { openBody, sealBody } from '../lib/to2-envelope.ts';
import type { ProtocolMessage } from '../ports.ts';
import { need } from './device-context.ts';
import type { To2DeviceNext, To2DeviceOptions, To2DeviceState } from './types.ts';

export async function ownerServiceInfoReady(
  options: To2DeviceOptions,
  s: To2DeviceState,
  message: ProtocolMessage,
): Promise<To2DeviceNext> {
  const opened = openBody(need(s.session, 'session'), message, MsgType.TO2_OwnerServiceInfoReady);
  const m = decodeTO2OwnerServiceInfoReady(opened.plaintext);
  const maxDeviceServiceInfoSz = resolveMaxServiceInfoSize(m.maxDeviceServiceInfoSz);
  const si = createDeviceServiceInfo({ limits: { maxBodyBytes: resolveMaxServiceInfoSize(options.maxOwnerServiceInfoSz ?? null) } });
  const step = await nextDeviceServiceInfo(si, null, maxDeviceServiceInfoSz, options.serviceInfo);
  const sealed = sealBody(opened.session, MsgType.TO2_DeviceServiceInfo, need(step.body ?? null, 'ServiceInfo body'), options.random);
  return {
    state: { ...s, expect: MsgType.TO2_OwnerServiceInfo, session: sealed.session, maxDeviceServiceInfoSz, serviceInfo: step.state },
    request: sealed.message,
  };
}
