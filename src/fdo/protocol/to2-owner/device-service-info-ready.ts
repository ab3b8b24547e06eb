/**
 * TO2.DeviceServiceInfoReady -> TO2.OwnerServiceInfoReady (§5.5.8, §5.5.9): the device sends the
 * HMAC of its replacement header (none under Credential Reuse) and the ServiceInfo size it takes;
 * the owner fixes the ServiceInfo plans for this device.
 */
import { MsgType } from '../../constants/message-types.ts';
import { decodeTO2DeviceServiceInfoReady, encodeTO2OwnerServiceInfoReady } from '../../messages/to2.ts';
import { createOwnerServiceInfo } from '../../serviceinfo/create-owner-service-info.ts';
import { resolveMaxServiceInfoSize } from '../../serviceinfo/max-size.ts';
import type { FdoHmac } from '../../types/hash.ts';
import { openBody, sealBody } from '../lib/to2-envelope.ts';
import { to2Error } from '../lib/to2-errors.ts';
import { b64, bytesField } from '../lib/to2-state-fields.ts';
import type { ProtocolMessage } from '../ports.ts';
import { loadVoucher, sessionOf } from './owner-context.ts';
import type { To2OwnerOptions, To2OwnerState, To2OwnerStep } from './types.ts';

export async function deviceServiceInfoReady(options: To2OwnerOptions, s: To2OwnerState, message: ProtocolMessage): Promise<To2OwnerStep> {
  const opened = openBody(sessionOf(s), message, MsgType.TO2_DeviceServiceInfoReady);
  const ready = decodeTO2DeviceServiceInfoReady(opened.plaintext);
  const reuse = s.replacement?.reuse === true;
  if (reuse !== (ready.replacementHmac === null)) {
    throw to2Error(
      'ERR_FDO_TO2_REUSE_MISMATCH',
      reuse
        ? 'the owner offered credential reuse but the device sent a replacement HMAC'
        : 'the device sent no replacement HMAC but the owner gave it a new credential',
    );
  }
  const maxOwnerServiceInfoSz = resolveMaxServiceInfoSize(ready.maxOwnerServiceInfoSz);
  const maxDeviceServiceInfoSz = options.maxDeviceServiceInfoSz ?? null;
  // Read again: the owner's ServiceInfo goes only to a device whose voucher the store still holds.
  const { voucher } = await loadVoucher(options, s, { current: true });
  const plans = (await options.policy?.serviceInfoPlans?.(bytesField(s.guid, 'guid', 16), voucher)) ?? [];
  const serviceInfo = createOwnerServiceInfo({ plans, limits: { maxBodyBytes: resolveMaxServiceInfoSize(maxDeviceServiceInfoSz) } });
  const sealed = sealBody(
    opened.session,
    MsgType.TO2_OwnerServiceInfoReady,
    encodeTO2OwnerServiceInfoReady({ maxDeviceServiceInfoSz }),
    options.random,
  );
  const hmac: FdoHmac | null = ready.replacementHmac;
  return {
    state: {
      ...s,
      expect: MsgType.TO2_DeviceServiceInfo,
      session: sealed.session,
      replacementHmac: hmac === null ? null : { type: hmac.type, value: b64(hmac.value) },
      maxOwnerServiceInfoSz,
      serviceInfo,
    },
    reply: sealed.message,
  };
}
