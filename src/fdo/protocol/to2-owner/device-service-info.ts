/**
 * TO2.DeviceServiceInfo -> TO2.OwnerServiceInfo (§5.5.10, §5.5.11): one ServiceInfo round; the
 * owner's modules answer what the device sent, until the owner has nothing more to say.
 */
import { MsgType } from '../../constants/message-types.ts';
import { nextOwnerServiceInfo } from '../../serviceinfo/next-owner-service-info.ts';
import { openBody, sealBody } from '../lib/to2-envelope.ts';
import { to2Error } from '../lib/to2-errors.ts';
import type { ProtocolMessage } from '../ports.ts';
import { sessionOf } from './owner-context.ts';
import type { To2OwnerOptions, To2OwnerState, To2OwnerStep } from './types.ts';

export async function deviceServiceInfo(options: To2OwnerOptions, s: To2OwnerState, message: ProtocolMessage): Promise<To2OwnerStep> {
  const opened = openBody(sessionOf(s), message, MsgType.TO2_DeviceServiceInfo);
  if (s.serviceInfo === null || s.maxOwnerServiceInfoSz === null)
    throw to2Error('ERR_FDO_TO2_STATE', 'stored TO2 state is unusable: no ServiceInfo');
  const step = await nextOwnerServiceInfo(s.serviceInfo, opened.plaintext, s.maxOwnerServiceInfoSz, options.serviceInfoPorts);
  const sealed = sealBody(opened.session, MsgType.TO2_OwnerServiceInfo, step.body, options.random);
  return {
    state: {
      ...s,
      expect: step.done ? MsgType.TO2_Done : MsgType.TO2_DeviceServiceInfo,
      session: sealed.session,
      serviceInfo: step.state,
    },
    reply: sealed.message,
    serviceInfo: { ...(step.devmod === undefined ? {} : { devmod: step.devmod }), plans: step.plans },
  };
}
